"""``functrans.scipy.special`` (as ``jax.scipy.special``), built from the special-function
primitives (erf, erfc, erf_inv, lgamma, digamma; igamma, igammac, betainc, bessel_i0e/i1e)
and elementwise ones. The incomplete gamma/beta, Bessel, exponential-integral, Box-Cox,
comb, bernoulli and spence functions live in ``_special_more.py``; wofz, dawsn, fresnel,
sici, owens_t and bessel_jn in ``_special_integrals.py``; hyp1f1, hyp2f1 and sph_harm_y in
``_special_hyper.py`` (all re-exported here).

Example::

    from functrans.scipy import special
    special.gammaln(4.0)  # log(6)
"""

from __future__ import annotations

import math

import numpy as np

from .. import _lax_lenient as lax
from .. import numpy as fnp
from ..nn import log_softmax, logsumexp, softmax  # noqa: F401 (re-export)
from ..numpy._util import promote_dtypes_inexact
from ..primitives import special as _sp


def _inexact(*xs):
    xs = promote_dtypes_inexact(*xs)
    return fnp.broadcast_arrays(*xs) if len(xs) > 1 else [fnp.asarray(xs[0])]


def _unary(prim_fn, name: str, doc: str):
    def fn(x):
        (x,) = _inexact(x)
        return prim_fn(x)
    fn.__name__ = name
    fn.__doc__ = (f"{doc} (``jax.scipy.special.{name}``), elementwise.\n\n    Args:\n"
                  f"      x: array.\n    Returns:\n      float array.\n    Example:\n"
                  f"      ``special.{name}(0.5)``\n    ")
    return fn


erf = _unary(lax.erf, "erf", "The error function")
erfc = _unary(lax.erfc, "erfc", "The complementary error function 1 - erf(x)")
erfinv = _unary(lax.erf_inv, "erfinv", "The inverse error function")
gammaln = _unary(lax.lgamma, "gammaln", "log|Gamma(x)|")
digamma = _unary(lax.digamma, "digamma", "The digamma function psi(x)")
expit = _unary(lax.logistic, "expit", "The logistic sigmoid 1 / (1 + exp(-x))")


def logit(x):
    """log(x / (1 - x)) (``jax.scipy.special.logit``).

    Args:
      x: probabilities.
    Returns:
      log-odds.
    Example:
      ``special.logit(0.5)  # 0.0``
    """
    (x,) = _inexact(x)
    return fnp.log(x / (1 - x))


def gamma(x):
    """The gamma function, with its sign for negative arguments (``jax.scipy.special.gamma``).

    Args:
      x: array.
    Returns:
      Gamma(x); inf at 0, NaN at negative integers.
    Example:
      ``special.gamma(5.0)  # 24.0``
    """
    (x,) = _inexact(x)
    odd = fnp.remainder(fnp.ceil(-x), 2) == 1
    sign = fnp.where((x > 0) | ~odd, 1.0, -1.0).astype(x.dtype)
    out = sign * fnp.exp(lax.lgamma(x))
    return fnp.where((x <= 0) & (x == fnp.floor(x)), fnp.where(x == 0, np.inf, np.nan), out)


def betaln(a, b):
    """log|Beta(a, b)| (``jax.scipy.special.betaln``).

    Args:
      a, b: arrays (broadcast).
    Returns:
      gammaln(a) + gammaln(b) - gammaln(a + b).
    Example:
      ``special.betaln(2.0, 3.0)``
    """
    a, b = _inexact(a, b)
    return lax.lgamma(a) + lax.lgamma(b) - lax.lgamma(a + b)


def xlogy(x, y):
    """x * log(y), 0 where x == 0 (``jax.scipy.special.xlogy``).

    Args:
      x, y: arrays (broadcast).
    Returns:
      float array.
    Example:
      ``special.xlogy(0.0, 0.0)  # 0.0``
    """
    x, y = _inexact(x, y)
    safe = fnp.where(x == 0, fnp.ones_like(y), y)
    return fnp.where(x == 0, fnp.zeros_like(x), x * fnp.log(safe))


def xlog1py(x, y):
    """x * log1p(y), 0 where x == 0 (``jax.scipy.special.xlog1py``).

    Args:
      x, y: arrays (broadcast).
    Returns:
      float array.
    Example:
      ``special.xlog1py(0.0, -1.0)  # 0.0``
    """
    x, y = _inexact(x, y)
    safe = fnp.where(x == 0, fnp.zeros_like(y), y)
    return fnp.where(x == 0, fnp.zeros_like(x), x * fnp.log1p(safe))


def entr(x):
    """-x log x for x > 0, 0 at 0, -inf for x < 0 (``jax.scipy.special.entr``).

    Args:
      x: array.
    Returns:
      float array.
    Example:
      ``special.entr(0.5)``
    """
    (x,) = _inexact(x)
    safe = fnp.where(x > 0, x, fnp.ones_like(x))
    return fnp.where(x > 0, -x * fnp.log(safe), fnp.where(x == 0, 0.0, -np.inf).astype(x.dtype))


def ndtr(x):
    """The standard normal CDF (``jax.scipy.special.ndtr``).

    Args:
      x: array.
    Returns:
      Phi(x).
    Example:
      ``special.ndtr(0.0)  # 0.5``
    """
    (x,) = _inexact(x)
    return 0.5 * lax.erfc(-x * np.asarray(1 / math.sqrt(2), x.dtype))


def ndtri(p):
    """The inverse of the standard normal CDF (``jax.scipy.special.ndtri``).

    Args:
      p: probabilities.
    Returns:
      x with Phi(x) = p.
    Example:
      ``special.ndtri(0.5)  # 0.0``
    """
    (p,) = _inexact(p)
    return np.asarray(math.sqrt(2), p.dtype) * lax.erf_inv(2 * p - 1)


def log_ndtr(x):
    """log Phi(x), accurate in the lower tail (``jax.scipy.special.log_ndtr``).

    Args:
      x: array.
    Returns:
      log of the standard normal CDF.
    Example:
      ``special.log_ndtr(-10.0)``
    """
    (x,) = _inexact(x)
    lower = x < -5
    xs = fnp.where(lower, x, -5 * fnp.ones_like(x))
    xl = fnp.where(lower, -5 * fnp.ones_like(x), x)
    w = 1 / (xs * xs)
    series = 1 - w * (1 - 3 * w * (1 - 5 * w * (1 - 7 * w)))
    tail = -0.5 * xs * xs - fnp.log(-xs) - 0.5 * math.log(2 * math.pi) + fnp.log(series)
    upper = fnp.where(xl > 0, -ndtr(-xl), fnp.zeros_like(xl))  # log1p(-q) for x > 0
    mid = fnp.where(xl > 0, fnp.log1p(upper), fnp.log(ndtr(xl)))
    return fnp.where(lower, tail, mid)


def multigammaln(a, d: int):
    """log of the multivariate gamma function of dimension ``d``
    (``jax.scipy.special.multigammaln``).

    Args:
      a: array; d: positive int.
    Returns:
      sum_j gammaln(a - j / 2) + d (d - 1) / 4 log(pi).
    Example:
      ``special.multigammaln(3.0, 2)``
    """
    (a,) = _inexact(a)
    out = fnp.full_like(a, d * (d - 1) / 4 * math.log(math.pi))
    for j in range(d):
        out = out + lax.lgamma(a - j / 2)
    return out


_ZETA_B2K = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510)


def zeta(x, q=None):
    """The Hurwitz zeta function sum_k (k + q)^-x, x > 1 (``jax.scipy.special.zeta``), by
    Euler-Maclaurin summation (a direct sum of 9 terms, then the Bernoulli tail).

    Args:
      x: order (> 1); q: shift (> 0), required as in JAX.
    Returns:
      zeta(x, q).
    Example:
      ``special.zeta(2.0, 1.0)  # pi**2 / 6``
    """
    if q is None:
        raise TypeError("[zeta] q is required (the Riemann zeta is zeta(x, 1.0))")
    x, q = _inexact(x, q)
    n = 9
    total = fnp.zeros_like(q)
    for k in range(n):
        total = total + fnp.power(q + k, -x)
    a = q + n
    total = total + fnp.power(a, 1 - x) / (x - 1) + 0.5 * fnp.power(a, -x)
    fact, term = 1.0, fnp.power(a, -x - 1) * x  # x (x+1) ... / (2k)! a^(-x-2k+1)
    for k, b2k in enumerate(_ZETA_B2K, start=1):
        fact = math.factorial(2 * k)
        total = total + b2k / fact * term
        term = term * (x + 2 * k - 1) * (x + 2 * k) / (a * a)
    return fnp.where(x == 1, np.inf, fnp.where(x < 1, np.nan, total)).astype(total.dtype)


def polygamma(n, x):
    """The n-th derivative of digamma (``jax.scipy.special.polygamma``):
    (-1)^(n+1) n! zeta(n + 1, x) for n >= 1.

    Args:
      n: non-negative integer order (a Python int or integer array); x: array.
    Returns:
      psi^(n)(x).
    Example:
      ``special.polygamma(1, 1.0)  # pi**2 / 6``
    """
    (x,) = _inexact(x)
    n_np = np.asarray(n)
    if n_np.ndim == 0 and int(n_np) == 0:
        return lax.digamma(x)
    if n_np.ndim == 0 and int(n_np) == 1 and x.ndim >= 0:
        return _sp._trigamma(x)
    nf = fnp.asarray(n_np, x.dtype)
    sign = fnp.where(fnp.remainder(nf, 2) == 0, -1.0, 1.0).astype(x.dtype)
    fact = fnp.exp(lax.lgamma(nf + 1))
    return sign * fact * zeta(nf + 1, x)


def gammasgn(x):
    """The sign of Gamma(x) (``jax.scipy.special.gammasgn``); NaN at negative integers.

    Args:
      x: array.
    Returns:
      +1/-1 (NaN at the poles).
    Example:
      ``special.gammasgn(-0.5)  # -1.0``
    """
    (x,) = _inexact(x)
    odd = fnp.remainder(fnp.ceil(-x), 2) == 1
    sign = fnp.where((x > 0) | ~odd, 1.0, -1.0).astype(x.dtype)
    return fnp.where((x < 0) & (x == fnp.floor(x)), np.nan, sign).astype(x.dtype)


def loggamma(x):
    """log Gamma(x) for real x > 0 (``jax.scipy.special.loggamma``; NaN for x <= 0 as JAX).

    Args:
      x: array.
    Returns:
      float array.
    Example:
      ``special.loggamma(3.0)  # log 2``
    """
    (x,) = _inexact(x)
    return fnp.where(x <= 0, np.nan, lax.lgamma(x)).astype(x.dtype)


def beta(a, b):
    """The beta function Gamma(a) Gamma(b) / Gamma(a + b) (``jax.scipy.special.beta``).

    Args:
      a, b: arrays.
    Returns:
      float array (with its sign).
    Example:
      ``special.beta(2.0, 3.0)  # 1/12``
    """
    a, b = _inexact(a, b)
    return gammasgn(a) * gammasgn(b) * gammasgn(a + b) * fnp.exp(betaln(a, b))


def factorial(n, exact: bool = False):
    """n! = Gamma(n + 1), 0 for n < 0 (``jax.scipy.special.factorial``; exact=False).

    Args:
      n: array.
    Returns:
      float array.
    Example:
      ``special.factorial(4.0)  # 24.0``
    """
    if exact:
        raise NotImplementedError("[factorial] exact=True is not supported")
    (n,) = _inexact(n)
    return fnp.where(n < 0, 0.0, fnp.exp(lax.lgamma(n + 1))).astype(n.dtype)


def poch(z, m):
    """The rising factorial Gamma(z + m) / Gamma(z) (``jax.scipy.special.poch``).

    Args:
      z, m: arrays.
    Returns:
      float array.
    Example:
      ``special.poch(2.0, 3.0)  # 24.0``
    """
    z, m = _inexact(z, m)
    return gammasgn(z + m) * gammasgn(z) * fnp.exp(lax.lgamma(z + m) - lax.lgamma(z))


def rel_entr(p, q):
    """p log(p / q) (0 at p = 0; inf where p > 0 = q or either is negative)
    (``jax.scipy.special.rel_entr``).

    Args:
      p, q: arrays.
    Returns:
      float array.
    Example:
      ``special.rel_entr(0.5, 0.25)``
    """
    p, q = _inexact(p, q)
    both = (p > 0) & (q > 0)
    safe_p, safe_q = fnp.where(both, p, 1.0), fnp.where(both, q, 1.0)
    val = safe_p * fnp.log(safe_p / safe_q)
    return fnp.where(both, val, fnp.where((p == 0) & (q >= 0), 0.0, np.inf)).astype(p.dtype)


def kl_div(p, q):
    """p log(p / q) - p + q (``jax.scipy.special.kl_div``).

    Args:
      p, q: arrays.
    Returns:
      float array.
    Example:
      ``special.kl_div(0.5, 0.25)``
    """
    p, q = _inexact(p, q)
    both = (p > 0) & (q > 0)
    val = rel_entr(p, q) - p + q
    return fnp.where(both | ((p == 0) & (q >= 0)), val, np.inf).astype(p.dtype)


from ._special_hyper import (  # noqa: E402, F401 (re-export: _special_hyper.py)
    hyp1f1,
    hyp2f1,
    sph_harm_y,
)
from ._special_integrals import (  # noqa: E402, F401 (re-export: _special_integrals.py)
    bessel_jn,
    dawsn,
    fresnel,
    owens_t,
    sici,
    wofz,
)
from ._special_more import (  # noqa: E402, F401 (re-export: functrans/scipy/_special_more.py)
    bernoulli,
    betainc,
    boxcox,
    boxcox1p,
    comb,
    erfcx,
    exp1,
    expi,
    expn,
    gammainc,
    gammaincc,
    i0,
    i0e,
    i1,
    i1e,
    spence,
)
