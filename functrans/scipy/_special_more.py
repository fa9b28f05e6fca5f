"""More of ``functrans.scipy.special`` (re-exported by ``special``): the incomplete gamma and
beta functions, the modified Bessel functions of order 0 and 1, erfcx, exp1/expi, the
Box-Cox transforms, comb, the Bernoulli numbers, expn and spence. Built from functrans.lax (the
special-function primitives of ``primitives/special_functions.py``) and functrans.numpy.

Example::

    from functrans.scipy import special
    special.gammainc(2.0, 1.5); special.i0(1.0)
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from .. import _lax_lenient as lax
from .. import numpy as fnp
from ..higher_order.custom_derivatives import custom_jvp
from ..numpy._util import promote_dtypes_inexact

_EULER_GAMMA = 0.5772156649015329


def _inexact(*xs):
    xs = promote_dtypes_inexact(*xs)
    return fnp.broadcast_arrays(*xs) if len(xs) > 1 else [fnp.asarray(xs[0])]


def _is_f64(x) -> bool:
    return np.dtype(x.dtype).itemsize >= 8


def gammainc(a, x):
    """The regularized lower incomplete gamma function P(a, x)
    (``jax.scipy.special.gammainc``).

    Args:
      a: shape (> 0); x: argument (>= 0); broadcast together.
    Returns:
      P(a, x) in [0, 1]; differentiable in a and x.
    Example:
      ``special.gammainc(2.0, 1.5)``
    """
    return lax.igamma(*_inexact(a, x))


def gammaincc(a, x):
    """The regularized upper incomplete gamma function Q(a, x) = 1 - P(a, x)
    (``jax.scipy.special.gammaincc``).

    Args:
      a: shape (> 0); x: argument (>= 0); broadcast together.
    Returns:
      Q(a, x) in [0, 1]; differentiable in a and x.
    Example:
      ``special.gammaincc(2.0, 1.5)``
    """
    return lax.igammac(*_inexact(a, x))


def betainc(a, b, x):
    """The regularized incomplete beta function I_x(a, b) (``jax.scipy.special.betainc``).

    Args:
      a, b: parameters (> 0); x: argument in [0, 1]; broadcast together.
    Returns:
      I_x(a, b); differentiable in x (not in a, b, as in JAX).
    Example:
      ``special.betainc(2.0, 3.0, 0.5)  # 0.6875``
    """
    return lax.betainc(*_inexact(a, b, x))


def i0e(x):
    """exp(-|x|) I0(x) (``jax.scipy.special.i0e``).

    Args:
      x: array.
    Returns:
      float array.
    Example:
      ``special.i0e(1.0)``
    """
    return lax.bessel_i0e(*_inexact(x))


def i1e(x):
    """exp(-|x|) I1(x) (``jax.scipy.special.i1e``).

    Args:
      x: array.
    Returns:
      float array.
    Example:
      ``special.i1e(1.0)``
    """
    return lax.bessel_i1e(*_inexact(x))


def i0(x):
    """The modified Bessel function of the first kind of order 0 (``jax.scipy.special.i0``).

    Args:
      x: array.
    Returns:
      I0(x) = exp(|x|) i0e(x).
    Example:
      ``special.i0(1.0)``
    """
    (x,) = _inexact(x)
    return fnp.exp(fnp.abs(x)) * lax.bessel_i0e(x)


def i1(x):
    """The modified Bessel function of the first kind of order 1 (``jax.scipy.special.i1``).

    Args:
      x: array.
    Returns:
      I1(x) = exp(|x|) i1e(x).
    Example:
      ``special.i1(1.0)``
    """
    (x,) = _inexact(x)
    return fnp.exp(fnp.abs(x)) * lax.bessel_i1e(x)


def erfcx(x):
    """The scaled complementary error function exp(x^2) erfc(x) (``jax.scipy.special.erfcx``),
    by its asymptotic series where exp(x^2) would overflow.

    Args:
      x: array.
    Returns:
      float array.
    Example:
      ``special.erfcx(30.0)  # ~ 1 / (30 sqrt(pi))``
    """
    (x,) = _inexact(x)
    big = x >= (26.0 if _is_f64(x) else 9.0)
    xs = fnp.where(big, 1.0, x)
    direct = fnp.exp(xs * xs) * lax.erfc(xs)
    xl = fnp.where(big, x, 30.0)
    w = 1 / (2 * xl * xl)
    series, term = fnp.ones_like(xl), fnp.ones_like(xl)
    for k in range(1, 10):  # sum (-1)^k (2k - 1)!! / (2 x^2)^k
        term = -term * (2 * k - 1) * w
        series = series + term
    return fnp.where(big, series / (xl * math.sqrt(math.pi)), direct)


def _e1_positive(x):
    """E1(x) for x > 0: the power series below 1, a continued fraction (evaluated from its
    tail, a fixed number of terms) above."""
    small = x <= 1.0
    xs = fnp.where(small, x, 0.5)
    series, term = fnp.zeros_like(xs), fnp.ones_like(xs)
    for k in range(1, 25):
        term = -term * xs / k
        series = series - term / k
    e1_small = -_EULER_GAMMA - fnp.log(xs) + series
    xl = fnp.where(small, 2.0, x)
    tail = fnp.zeros_like(xl)  # E1 = e^-x / (x + 1 - 1^2 / (x + 3 - 2^2 / (x + 5 - ...)))
    for k in range(60 if _is_f64(x) else 25, 0, -1):
        tail = k * k / (xl + 2 * k + 1 - tail)
    e1_large = fnp.exp(-xl) / (xl + 1 - tail)
    return fnp.where(small, e1_small, e1_large)


def _ei_positive(x):
    """Ei(x) for x > 0: the power series up to 40, the asymptotic series above."""
    small = x <= 40.0
    xs = fnp.where(small, x, 1.0)
    series, term = fnp.zeros_like(xs), fnp.ones_like(xs)
    for k in range(1, 130 if _is_f64(x) else 90):
        term = term * xs / k
        series = series + term / k
    ei_small = _EULER_GAMMA + fnp.log(xs) + series
    xl = fnp.where(small, 50.0, x)
    acc, term = fnp.ones_like(xl), fnp.ones_like(xl)
    for k in range(1, 25):
        term = term * k / xl
        acc = acc + term
    return fnp.where(small, ei_small, fnp.exp(xl) / xl * acc)


@custom_jvp
def _exp1(x):
    pos = x > 0
    out = _e1_positive(fnp.where(pos, x, 1.0))
    return fnp.where(pos, out, fnp.where(x == 0, np.inf, np.nan)).astype(x.dtype)


@_exp1.defjvp
def _exp1_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return _exp1(x), -fnp.exp(-x) / x * t


@custom_jvp
def _expi(x):
    pos = x > 0
    out_pos = _ei_positive(fnp.where(pos, x, 1.0))
    out_neg = -_e1_positive(fnp.where(x < 0, -x, 1.0))
    return fnp.where(pos, out_pos, fnp.where(x == 0, -np.inf, out_neg)).astype(x.dtype)


@_expi.defjvp
def _expi_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return _expi(x), fnp.exp(x) / x * t


def exp1(x):
    """The exponential integral E1(x) = int_1^inf e^(-x t) / t dt (``jax.scipy.special.exp1``).

    Args:
      x: array (NaN for x < 0, inf at 0).
    Returns:
      float array; d/dx E1 = -e^-x / x.
    Example:
      ``special.exp1(1.0)  # 0.21938...``
    """
    return _exp1(*_inexact(x))


def expi(x):
    """The exponential integral Ei(x) (``jax.scipy.special.expi``); Ei(-x) = -E1(x).

    Args:
      x: array.
    Returns:
      float array; d/dx Ei = e^x / x.
    Example:
      ``special.expi(1.0)  # 1.89511...``
    """
    return _expi(*_inexact(x))


def boxcox(x, lmbda):
    """The Box-Cox transform (x^lmbda - 1) / lmbda, log x at lmbda = 0
    (``jax.scipy.special.boxcox``).

    Args:
      x: positive array; lmbda: the power; broadcast together.
    Returns:
      float array.
    Example:
      ``special.boxcox(2.0, 0.5)``
    """
    x, lmbda = _inexact(x, lmbda)
    logx = fnp.log(x)
    zero = lmbda == 0
    safe = fnp.where(zero, 1.0, lmbda)
    return fnp.where(zero, logx, fnp.expm1(safe * logx) / safe)


def boxcox1p(x, lmbda):
    """The Box-Cox transform of 1 + x: ((1 + x)^lmbda - 1) / lmbda, log1p x at lmbda = 0
    (``jax.scipy.special.boxcox1p``).

    Args:
      x: array > -1; lmbda: the power; broadcast together.
    Returns:
      float array.
    Example:
      ``special.boxcox1p(1.0, 0.5)``
    """
    x, lmbda = _inexact(x, lmbda)
    log1px = fnp.log1p(x)
    zero = lmbda == 0
    safe = fnp.where(zero, 1.0, lmbda)
    return fnp.where(zero, log1px, fnp.expm1(safe * log1px) / safe)


def comb(N, k, *, repetition: bool = False):
    """The number of combinations of N things taken k at a time, as a float
    (``jax.scipy.special.comb``, exact=False): Gamma(N + 1) / (Gamma(k + 1) Gamma(N - k + 1)),
    0 where k > N or either is negative.

    Args:
      N, k: arrays; repetition: count combinations with repetition, comb(N + k - 1, k).
    Returns:
      float array.
    Example:
      ``special.comb(5.0, 2.0)  # 10.0``
    """
    N, k = _inexact(N, k)
    if repetition:
        N = N + k - 1
    valid = (k >= 0) & (N >= 0) & (k <= N)
    kk, nn = fnp.where(valid, k, 0.0), fnp.where(valid, N, 0.0)
    out = fnp.exp(lax.lgamma(nn + 1) - lax.lgamma(kk + 1) - lax.lgamma(nn - kk + 1))
    return fnp.where(valid, out, 0.0).astype(out.dtype)


def bernoulli(n: int):
    """The Bernoulli numbers B_0 ... B_n (``jax.scipy.special.bernoulli``; B_1 = -1/2).

    Args:
      n: a non-negative Python int (static).
    Returns:
      a float array of length n + 1.
    Example:
      ``special.bernoulli(4)  # [1, -1/2, 1/6, 0, -1/30]``
    """
    n = int(n)
    if n < 0:
        raise ValueError(f"[bernoulli] n must be a non-negative integer, got {n}")
    numbers = []
    for m in range(n + 1):  # B_m = -1/(m+1) sum_{j<m} C(m+1, j) B_j
        numbers.append(Fraction(1) if m == 0 else -sum(
            math.comb(m + 1, j) * numbers[j] for j in range(m)) / (m + 1))
    return fnp.asarray(np.array([float(b) for b in numbers]), dtype=fnp.result_type(float))


def _li2_small(y):
    """The dilogarithm sum_k y^k / k^2 for |y| <= 1/2 (48 terms: below 1e-16)."""
    acc, power = fnp.zeros_like(y), fnp.ones_like(y)
    for k in range(1, 49):
        power = power * y
        acc = acc + power / (k * k)
    return acc


def _li2_negative(y):
    """Li2(y) for -1 <= y <= 0: the series, or Landen's identity
    Li2(y) = -Li2(y / (y - 1)) - log(1 - y)^2 / 2 below -1/2."""
    far = y < -0.5
    near = fnp.where(far, 0.0, y)
    yf = fnp.where(far, y, -1.0)
    log1m = fnp.log1p(-yf)
    return fnp.where(far, -_li2_small(yf / (yf - 1)) - 0.5 * log1m * log1m, _li2_small(near))


def spence(x):
    """Spence's function int_1^x log(t) / (1 - t) dt = Li2(1 - x), x >= 0
    (``jax.scipy.special.spence``; NaN for x < 0).

    Args:
      x: array.
    Returns:
      float array; spence(1) = 0, spence(0) = pi^2 / 6.
    Example:
      ``special.spence(2.0)  # -pi**2 / 12``
    """
    (x,) = _inexact(x)
    y = 1 - x  # Li2(y), y <= 1
    pi2_6 = math.pi ** 2 / 6
    upper = y > 0.5  # Li2(y) = pi^2/6 - log(y) log(1 - y) - Li2(1 - y), 1 - y = x < 1/2
    yu = fnp.where(upper & (x > 0), y, 0.75)
    li_upper = pi2_6 - fnp.log(yu) * fnp.log1p(-yu) - _li2_small(1 - yu)
    below = y < -1  # Li2(y) = -pi^2/6 - log(-y)^2 / 2 - Li2(1/y), 1/y in (-1, 0)
    yb = fnp.where(below, y, -2.0)
    lb = fnp.log(-yb)
    li_below = -pi2_6 - 0.5 * lb * lb - _li2_negative(1 / yb)
    mid = fnp.where(upper | below, 0.0, y)
    li_mid = fnp.where(mid < 0, _li2_negative(fnp.minimum(mid, 0.0)),
                       _li2_small(fnp.maximum(mid, 0.0)))
    out = fnp.where(upper, li_upper, fnp.where(below, li_below, li_mid))
    out = fnp.where(x == 0, pi2_6, out)
    return fnp.where(x < 0, np.nan, out).astype(x.dtype)


def _expn_series(n, x):
    """E_n(x) for 0 < x <= 1 (DLMF 8.19.8): the power series, whose k = n - 1 term is
    (-x)^(n-1) / (n-1)! (psi(n) - log x)."""
    acc, term = fnp.zeros_like(x), fnp.ones_like(x)  # term = (-x)^k / k!
    for k in range(30):
        if k:
            term = -term * x / k
        skip = n - 1 == k
        acc = acc - fnp.where(skip, 0.0, term / fnp.where(skip, 1.0, k - n + 1))
    nm1 = n - 1
    sign = fnp.where(fnp.remainder(nm1, 2) == 0, 1.0, -1.0)
    special_term = sign * fnp.exp(nm1 * fnp.log(x) - lax.lgamma(n)) * (lax.digamma(n)
                                                                       - fnp.log(x))
    return acc + special_term


def _expn_cf(n, x, terms: int):
    """E_n(x) for x > 1: e^-x / (x + n - 1 n / (x + n + 2 - 2 (n + 1) / (x + n + 4 - ...))),
    evaluated from its tail."""
    tail = fnp.zeros_like(x)
    for k in range(terms, 0, -1):
        tail = k * (n + k - 1) / (x + n + 2 * k - tail)
    return fnp.exp(-x) / (x + n - tail)


def expn(n, x):
    """The generalized exponential integral E_n(x) = int_1^inf e^(-x t) / t^n dt for integer
    n >= 0, x >= 0 (``jax.scipy.special.expn``).

    Args:
      n: non-negative integer orders (array); x: array; broadcast together.
    Returns:
      float array (NaN for n < 0 or x < 0; inf at x = 0 for n <= 1, 1 / (n - 1) above).
    Example:
      ``special.expn(2, 1.0)  # 0.14849...``
    """
    n, x = _inexact(n, x)
    small = x <= 1
    xs = fnp.where(small & (x > 0), x, 0.5)
    ns = fnp.where(n >= 1, n, 1.0)
    series = _expn_series(ns, xs)
    xl = fnp.where(small, 2.0, x)
    cf = _expn_cf(ns, xl, 120 if _is_f64(x) else 50)
    out = fnp.where(small, series, cf)
    out = fnp.where(n == 0, fnp.exp(-x) / x, out)
    at0 = fnp.where(n <= 1, np.inf, 1 / fnp.where(n <= 1, 2.0, n - 1))
    out = fnp.where(x == 0, at0, out)
    bad = (n < 0) | (x < 0) | (n != fnp.floor(n))
    return fnp.where(bad, np.nan, out).astype(x.dtype)
