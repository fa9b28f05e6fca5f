"""More of ``functrans.scipy.special`` (re-exported by ``special``): the confluent and Gauss
hypergeometric functions 1F1 and 2F1 and the spherical harmonics. Built from functrans.numpy
and ``lax.while_loop``; the hypergeometric functions carry custom_jvps in every argument
(series in the digamma function, as JAX's).

Methods (Pearson, Olver & Porter 2014, as JAX): 1F1 by its Taylor series for |x| < 100 and
its asymptotic series above; 2F1 by its Taylor series, the terminating sum when a or b is a
non-positive integer, Euler's transformation when c - a - b <= -1, and the digamma
(Abramowitz & Stegun 15.3.10-12) transformation for x > 0.9 with integer c - a - b. Every
series runs element by element to relative precision eps (at most 250 terms) inside one
while loop whose elements stop adding once converged. sph_harm_y by the recurrences of the
orthonormal associated Legendre functions.

Example::

    from functrans.scipy import special
    special.hyp1f1(1.0, 2.0, 0.5); special.hyp2f1(1.0, 1.0, 2.0, 0.5)
"""

from __future__ import annotations

import math

import numpy as np

from .. import _lax_lenient as lax
from .. import numpy as fnp
from ..higher_order.custom_derivatives import custom_jvp
from ..numpy._util import concrete, promote_dtypes_inexact
from . import special as _sp

_MAX_TERMS = 250


def _inexact(*xs):
    xs = promote_dtypes_inexact(*xs)
    return fnp.broadcast_arrays(*xs) if len(xs) > 1 else [fnp.asarray(xs[0])]


def _real_only(name: str, *xs) -> None:
    for x in xs:
        if fnp.iscomplexobj(x):
            raise ValueError(f"[{name}] supports real inputs only, got dtype {x.dtype}")


def _eps(x) -> float:
    return float(np.finfo(np.dtype(x.dtype)).eps)


def _sum_series(serie, term, ratio, weight=None, *, ge: bool = False):
    """sum_k weight(k) term_k, term_{k+1} = term_k ratio(k), k = 1, 2, ..., each element
    until |term| <= eps |sum| (|term| < eps |sum| with ``ge``) or 250 terms."""
    eps = _eps(serie)

    def keep(serie, term, k):
        big = fnp.abs(term) >= eps * fnp.abs(serie) if ge else \
            fnp.abs(term) > eps * fnp.abs(serie)
        return big & (k < _MAX_TERMS)

    def body(state):
        serie, k, term, active = state
        kf = k.astype(serie.dtype)
        w = term if weight is None else term * weight(kf)
        serie = fnp.where(active, serie + w, serie)
        term = fnp.where(active, term * ratio(kf), term)
        return serie, k + 1, term, active & keep(serie, term, k + 1)

    k0 = fnp.asarray(1, np.int32)
    state = (serie, k0, term, keep(serie, term, k0))
    return lax.while_loop(lambda s: fnp.any(s[3]), body, state)[0]


# ---- hyp1f1 -------------------------------------------------------------------------------


def _hyp1f1_series(a, b, x):
    return _sum_series(fnp.ones_like(x), a / b * x, lambda k: (a + k) / (b + k) * x / (k + 1))


def _hyp1f1_asymptotic(a, b, x):
    ratio = lambda k: (b - a + k) * (1 - a + k) / (k + 1) / x  # noqa: E731
    serie = _sum_series(fnp.ones_like(x), (b - a) * (1 - a) / x, ratio)
    return _sp.gamma(b) / _sp.gamma(a) * fnp.exp(x) * fnp.power(x, a - b) * serie


@custom_jvp
def _hyp1f1(a, b, x):
    near = fnp.abs(x) < 100
    out = fnp.where(near, _hyp1f1_series(a, b, fnp.where(near, x, 0.0)),
                    _hyp1f1_asymptotic(a, b, fnp.where(near, 100.0, x)))
    out = fnp.where((b == 0) & (a != 0), np.inf, out)
    out = fnp.where((a == b) & (a != 0), fnp.exp(x), out)
    return fnp.where(a == 0, 1.0, out).astype(x.dtype)


def _hyp1f1_param_derivative(a, b, x, weight):
    ratio = lambda k: (a + k) / (b + k) * x / (k + 1)  # noqa: E731
    return _sum_series(fnp.zeros_like(x), a / b * x, ratio, weight)


@_hyp1f1.defjvp
def _hyp1f1_jvp(primals, tangents):
    (a, b, x), (a_dot, b_dot, x_dot) = primals, tangents
    da = _hyp1f1_param_derivative(a, b, x, lambda k: lax.digamma(a + k) - lax.digamma(a))
    db = _hyp1f1_param_derivative(a, b, x, lambda k: lax.digamma(b) - lax.digamma(b + k))
    dx = a / b * _hyp1f1(a + 1, b + 1, x)
    return _hyp1f1(a, b, x), da * a_dot + db * b_dot + dx * x_dot


def hyp1f1(a, b, x):
    """The confluent hypergeometric function 1F1(a; b; x) = sum_k (a)_k / ((b)_k k!) x^k
    (``jax.scipy.special.hyp1f1``).

    Args:
      a, b, x: real arrays (broadcast); as JAX, meant for positive arguments, with
        1F1 = 1 at a = b = 0.
    Returns:
      float array; differentiable in a, b and x.
    Example:
      ``special.hyp1f1(1.0, 2.0, 0.5)  # 2 (e^0.5 - 1)``
    """
    a, b, x = _inexact(a, b, x)
    _real_only("hyp1f1", a, b, x)
    return _hyp1f1(a, b, x)


# ---- hyp2f1 -------------------------------------------------------------------------------


def _near_int(v, tol):
    return fnp.abs(v - fnp.round(v)) < tol


def _hyp2f1_series(a, b, c, x):
    ratio = lambda k: (a + k - 1) * (b + k - 1) / (c + k - 1) / k * x  # noqa: E731
    return _sum_series(fnp.zeros_like(x), fnp.ones_like(x), ratio)


def _hyp2f1_terminal(a, b, c, x):
    """The finite sum when a (or b, swapped in) is a non-positive integer -n: n + 1 terms."""
    tol = 50 * _eps(x)
    swap = (b < a) & _near_int(b, tol) & ~((fnp.remainder(c, 1) == 0) & (c <= 0) & (c > b))
    a, b = fnp.where(swap, b, a), fnp.where(swap, a, b)
    n = fnp.abs(a)

    def body(state):
        serie, term, i = state
        more = i < n + 1
        term = fnp.where(more, -term * (n - i + 1) / (c + i - 1) * (b + i - 1) / i * x, term)
        return fnp.where(more, serie + term, serie), term, i + 1

    state = (fnp.ones_like(x), fnp.ones_like(x), fnp.ones_like(x))
    return lax.while_loop(lambda s: fnp.any(s[2] < n + 1), body, state)[0]


def _digamma_tail(a, b, d1, e, s, log_s):
    """The psi series of A&S 15.3.11/12, each element to relative precision eps."""
    psi = lax.digamma
    y = (psi(fnp.ones_like(s)) + psi(1 + e) - psi(a + d1) - psi(b + d1) - log_s)
    y = y / _sp.gamma(e + 1)
    p = (a + d1) * (b + d1) * s / _sp.gamma(e + 2)

    def body(state):
        y, p, q, t, active = state
        r = psi(1 + t) + psi(1 + t + e) - psi(a + t + d1) - psi(b + t + d1) - log_s
        q = fnp.where(active, p * r, q)
        y = fnp.where(active, y + q, y)
        p = fnp.where(active, p * s * (a + t + d1) / (t + 1) * (b + t + d1) / (t + 1 + e), p)
        t = fnp.where(active, t + 1, t)
        return y, p, q, t, active & (t < _MAX_TERMS) & (fnp.abs(q) >= _eps(y) * fnp.abs(y))

    t0 = fnp.ones_like(s)
    state = (y, p, y, t0, fnp.ones_like(s, dtype=bool))
    return lax.while_loop(lambda st: fnp.any(st[4]), body, state)[0]


def _digamma_finite_sum(a, b, d2, e, s, count):
    """1 + sum_{t < count - 1} of the finite part of A&S 15.3.11/12."""
    def body(state):
        y1, p, t = state
        more = t + 1 < count
        p_new = p * s * (a + t + d2) * (b + t + d2) / (1 - e + t) / (t + 1)
        p = fnp.where(more, p_new, p)
        return fnp.where(more, y1 + p, y1), p, t + 1

    state = (fnp.ones_like(s), fnp.ones_like(s), fnp.zeros_like(s))
    return lax.while_loop(lambda st: fnp.any(st[2] + 1 < count), body, state)[0]


def _hyp2f1_digamma(a, b, c, x):
    """2F1 for integer d = c - a - b, x near 1 (A&S 15.3.10-12)."""
    gamma = _sp.gamma
    d, s = c - a - b, 1 - x
    rd = fnp.round(d)
    up = rd >= 0
    e = fnp.where(up, d, -d)
    d1, d2 = fnp.where(up, d, 0.0), fnp.where(up, 0.0, d)
    y = _digamma_tail(a, b, d1, e, s, fnp.log(s))
    count = fnp.abs(rd)
    y1 = _digamma_finite_sum(a, b, d2, e, s, count)
    y1 = y1 * gamma(e) * gamma(c) / (gamma(a + d1) * gamma(b + d1))
    yk = y * gamma(c) / (gamma(a + d2) * gamma(b + d2))
    yk = fnp.where(fnp.remainder(count, 2) == 1, -yk, yk)
    q = fnp.power(s, rd)
    summed = fnp.where(rd > 0, yk * q + y1, yk + y1 * q)
    return fnp.where(rd == 0, y * gamma(c) / (gamma(a) * gamma(b)), summed)


def _hyp2f1_core(a, b, c, x):
    """The series, the terminating sum, or the digamma transformation, per element; each
    method sees only its own elements (the others get inputs that end it at once)."""
    tol = 50 * _eps(x)
    d = c - a - b
    neg_int = ((a <= 0) & _near_int(a, tol)) | ((b <= 0) & _near_int(b, tol))
    use_psi = (x > 0.9) & ~neg_int & _near_int(d, tol)
    use_term = neg_int
    use_series = ~use_psi & ~use_term
    one, zero = fnp.ones_like(x), fnp.zeros_like(x)
    series = _hyp2f1_series(a, b, c, fnp.where(use_series, x, 0.0))
    term = _hyp2f1_terminal(fnp.where(use_term, a, zero), fnp.where(use_term, b, zero),
                            fnp.where(use_term, c, one), x)
    psi = _hyp2f1_digamma(fnp.where(use_psi, a, one), fnp.where(use_psi, b, one),
                          fnp.where(use_psi, c, 2 * one), fnp.where(use_psi, x, 0.95))
    return fnp.where(use_psi, psi, fnp.where(use_term, term, series))


def _hyp2f1_case(a, b, c, x):
    """JAX's case split: 0 -> 1, 1 -> inf, 2 -> Euler's transformation, 3/4 -> the
    closed forms for b == c / a == c, 5 -> Gauss's value at x = 1, 6 -> the core."""
    tol = 50 * _eps(x)
    d, s = c - a - b, 1 - x
    pole_c = (c == 0) | ((c < 0) & (fnp.remainder(c, 1) == 0))
    euler = (d <= -1) & ~(~_near_int(d, tol) & (s < 0))
    cases = [(x == 0) | (((a == 0) | (b == 0)) & (c != 0)), pole_c, euler,
             (d <= 0) & (x == 1), (x < 1) & (b == c), (x < 1) & (a == c), x > 1, x == 1]
    codes = [0, 1, 2, 1, 3, 4, 1, 5]
    index = fnp.full(x.shape, 6, np.int32)
    for cond, code in zip(reversed(cases), reversed(codes), strict=True):
        index = fnp.where(cond, code, index)
    return index


@custom_jvp
def _hyp2f1(a, b, c, x):
    gamma = _sp.gamma
    index = _hyp2f1_case(a, b, c, x)
    d, s = c - a - b, 1 - x
    one, zero = fnp.ones_like(x), fnp.zeros_like(x)
    euler, core = index == 2, index == 6
    # one core evaluation serves both: Euler's transformation s^d 2F1(c - a, c - b; c; x)
    # and the direct 2F1(a, b; c; x); other elements get (1, 1; 2; 0), which ends at once
    ca, cb = fnp.where(euler, c - a, fnp.where(core, a, one)), \
        fnp.where(euler, c - b, fnp.where(core, b, one))
    cc, cx = fnp.where(euler | core, c, 2 * one), fnp.where(euler | core, x, zero)
    core_out = _hyp2f1_core(ca, cb, cc, cx)
    gauss = gamma(c) * gamma(d) / (gamma(c - a) * gamma(c - b))
    outs = [one, fnp.full_like(x, np.inf), fnp.power(s, d) * core_out, fnp.power(s, -a),
            fnp.power(s, -b), gauss, core_out]
    return lax.select_n(index, *outs)


def _hyp2f1_param_derivative(a, b, c, x, weight):
    ratio = lambda k: (a + k) * (b + k) / (c + k) / (k + 1) * x  # noqa: E731
    return _sum_series(fnp.zeros_like(x), a * b / c * x, ratio, weight)


@_hyp2f1.defjvp
def _hyp2f1_jvp(primals, tangents):
    (a, b, c, x), dots = primals, tangents
    psi = lax.digamma
    weights = (lambda k: psi(a + k) - psi(a), lambda k: psi(b + k) - psi(b),
               lambda k: psi(c) - psi(c + k))
    out = _hyp2f1(a, b, c, x)
    tangent = a * b / c * _hyp2f1(a + 1, b + 1, c + 1, x) * dots[3]
    for w, dot in zip(weights, dots[:3], strict=True):
        tangent = tangent + _hyp2f1_param_derivative(a, b, c, x, w) * dot
    return out, tangent


def hyp2f1(a, b, c, x):
    """The Gauss hypergeometric function 2F1(a, b; c; x) = sum_k (a)_k (b)_k / (c)_k x^k / k!
    (``jax.scipy.special.hyp2f1``).

    Args:
      a, b, c, x: real arrays (broadcast); inf where c is a non-positive integer or x > 1.
    Returns:
      float array; differentiable in a, b, c and x.
    Example:
      ``special.hyp2f1(1.0, 1.0, 2.0, 0.5)  # -log(0.5) / 0.5``
    """
    a, b, c, x = _inexact(a, b, c, x)
    _real_only("hyp2f1", a, b, c, x)
    return _hyp2f1(a, b, c, x)


# ---- sph_harm_y ---------------------------------------------------------------------------


def _legendre_normalized(n, am, x, n_max: int):
    """The orthonormal associated Legendre function P_n^am(x) (Condon-Shortley phase,
    including 1 / sqrt(2 pi)'s share of the normalization: Y = P e^(i m phi)), element by
    element, by the diagonal recurrence up to order am and then up in degree to n (both
    capped at n_max)."""
    sin_t = fnp.sqrt(fnp.maximum(1 - x * x, 0.0))
    diag = fnp.full_like(x, 0.5 / math.sqrt(math.pi))  # P_0^0
    for k in range(1, n_max + 1):  # P_k^k = -sqrt((2k + 1) / 2k) sin P_{k-1}^{k-1}
        nxt = -math.sqrt((2 * k + 1) / (2 * k)) * sin_t * diag
        diag = fnp.where(k <= am, nxt, diag)
    prev, cur = fnp.zeros_like(x), diag  # P_{l-1}^m, P_l^m at l = m
    for ell in range(1, n_max + 1):  # P_l^m from P_{l-1}^m and P_{l-2}^m, for l > m
        lf, mf = float(ell), am
        alpha = fnp.sqrt((4 * lf * lf - 1) / fnp.maximum(lf * lf - mf * mf, 1.0))
        beta = fnp.sqrt(fnp.maximum((lf - 1) ** 2 - mf * mf, 0.0)
                        / fnp.maximum(4 * (lf - 1) ** 2 - 1, 1.0))
        nxt = alpha * (x * cur - beta * prev)
        step = (ell > am) & (ell <= n)
        prev, cur = fnp.where(step, cur, prev), fnp.where(step, nxt, cur)
    return cur


def sph_harm_y(n, m, theta, phi, diff_n: int | None = None, n_max: int | None = None):
    """The spherical harmonics Y_n^m(theta, phi) with the Condon-Shortley phase
    (``jax.scipy.special.sph_harm_y``; theta is the polar angle, phi the azimuth).

    Args:
      n: degrees (>= 0); m: orders (|m| <= n); theta in [0, pi]; phi in [0, 2 pi];
        broadcast together. diff_n: unsupported (as JAX). n_max: the largest degree, static;
        defaults to max(n), which then must be concrete. Degrees above n_max are clipped.
    Returns:
      a complex array, at least 1-D.
    Example:
      ``special.sph_harm_y(1, 0, 0.5, 0.0)  # sqrt(3 / 4 pi) cos 0.5``
    """
    if diff_n is not None:
        raise NotImplementedError("[sph_harm_y] the diff_n argument is not supported (as JAX)")
    if n_max is None:
        n_max = int(np.max(concrete(n, "sph_harm_y (n_max=None; pass n_max)")))
    n_max = int(n_max)
    n_arr, m_arr = fnp.asarray(n), fnp.asarray(m)
    theta, phi = _inexact(theta, phi)
    n_arr, m_arr, theta, phi = fnp.broadcast_arrays(fnp.atleast_1d(n_arr), m_arr, theta, phi)
    am = fnp.abs(m_arr).astype(theta.dtype)
    nf = fnp.minimum(n_arr.astype(theta.dtype), n_max)
    p = _legendre_normalized(nf, fnp.minimum(am, n_max), fnp.cos(theta), n_max)
    y = lax.complex(p * fnp.cos(am * phi), p * fnp.sin(am * phi))
    sign = fnp.where(fnp.remainder(am, 2) == 1, -1.0, 1.0).astype(theta.dtype)
    return fnp.where(m_arr < 0, sign * fnp.conj(y), y)
