"""``functrans.lax``'s special functions beyond erf/lgamma/digamma (re-exported by
``functrans.lax``): the incomplete gamma and beta functions, the exponentially scaled Bessel
functions I0 and I1, and ``zeta``/``polygamma``. Like ``jax.lax``, operands have equal
shapes (or rank 0) and one float dtype; Python scalars take the array operands' dtype."""

from __future__ import annotations

from .lax import _nary
from .primitives import special_functions as _sf


def _documented(op, name: str, summary: str, args: str, example: str):
    op.__name__ = name
    op.__doc__ = (f"{summary} (``jax.lax.{name}``), elementwise.\n\n    Args:\n      {args}\n"
                  f"    Returns:\n      a float array of the operands' shape and dtype.\n"
                  f"    Example:\n      ``{example}``\n    ")
    return op


igamma = _documented(_nary(_sf.igamma_p), "igamma",
                     "The regularized lower incomplete gamma function P(a, x)",
                     "a: shape parameter (> 0); x: argument (>= 0).", "lax.igamma(2.0, 1.5)")
igammac = _documented(_nary(_sf.igammac_p), "igammac",
                      "The regularized upper incomplete gamma function Q(a, x) = 1 - P(a, x)",
                      "a: shape parameter (> 0); x: argument (>= 0).", "lax.igammac(2.0, 1.5)")
igamma_grad_a = _documented(_nary(_sf.igamma_grad_a_p), "igamma_grad_a",
                            "dP(a, x)/da, the derivative of igamma in its first operand",
                            "a: shape parameter (> 0); x: argument (>= 0).",
                            "lax.igamma_grad_a(2.0, 1.5)")
random_gamma_grad = _documented(
    _nary(_sf.random_gamma_grad_p), "random_gamma_grad",
    "dx/da at fixed P(a, x): the derivative of a Gamma(a, 1) sample x in a",
    "a: shape parameter (> 0); x: a sample (>= 0).", "lax.random_gamma_grad(2.0, 1.5)")
betainc = _documented(_nary(_sf.betainc_p), "betainc",
                      "The regularized incomplete beta function I_x(a, b)",
                      "a, b: parameters (> 0); x: argument in [0, 1].",
                      "lax.betainc(2.0, 3.0, 0.5)")
bessel_i0e = _documented(_nary(_sf.bessel_i0e_p), "bessel_i0e",
                         "exp(-|x|) I0(x), the exponentially scaled modified Bessel function "
                         "of order 0", "x: float array.", "lax.bessel_i0e(1.0)")
bessel_i1e = _documented(_nary(_sf.bessel_i1e_p), "bessel_i1e",
                         "exp(-|x|) I1(x), the exponentially scaled modified Bessel function "
                         "of order 1", "x: float array.", "lax.bessel_i1e(1.0)")


def zeta(x, q):
    """The Hurwitz zeta function sum_k (k + q)^-x (``jax.lax.zeta``), elementwise.

    Args:
      x: order (> 1); q: shift (> 0); equal shapes and dtype, as in ``jax.lax``.
    Returns:
      zeta(x, q), a float array.
    Example:
      ``lax.zeta(2.0, 1.0)  # pi**2 / 6``
    """
    from .scipy import special
    return special.zeta(x, q)


def polygamma(m, x):
    """The m-th derivative of digamma (``jax.lax.polygamma``), elementwise.

    Args:
      m: non-negative integer order (as a float array or Python int); x: float array.
    Returns:
      psi^(m)(x).
    Example:
      ``lax.polygamma(1.0, 1.0)  # pi**2 / 6``
    """
    from .scipy import special
    return special.polygamma(m, x)
