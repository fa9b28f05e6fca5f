"""More of ``functrans.scipy.special`` (re-exported by ``special``): the Faddeeva function
wofz, Dawson's integral, the Fresnel, sine and cosine integrals, Owen's T and the Bessel
functions J_0 ... J_v. Built from functrans.numpy (complex arithmetic included), with
custom_jvps where JAX defines them.

Methods: wofz by Weideman's rational approximation (N = 32; its coefficients are computed
here once, by FFT, from Weideman's construction) in the upper half plane and the reflection
w(-z) = 2 exp(-z^2) - w(z) below; dawsn and fresnel from wofz (power series near 0); sici by
its power series up to 4 and the continued fraction of E1(ix) above; owens_t by 32-point
Gauss-Legendre quadrature of Owen's integral (|a| <= 1; the reciprocal identity above);
bessel_jn by Miller's backward recurrence normalized by J_0 + 2 sum J_2k = 1 (as JAX; here
rescaled by powers of two as it grows, so small |z| does not overflow in float32).

Example::

    from functrans.scipy import special
    special.wofz(1.0 + 1.0j); special.sici(2.0); special.owens_t(0.5, 2.0)
"""

from __future__ import annotations

import math

import numpy as np

from .. import numpy as fnp
from ..higher_order.custom_derivatives import custom_jvp
from ..numpy._util import promote_dtypes_inexact
from . import special as _sp

_SQRT_PI = math.sqrt(math.pi)
_EULER_GAMMA = 0.5772156649015329


def _inexact(*xs):
    xs = promote_dtypes_inexact(*xs)
    return fnp.broadcast_arrays(*xs) if len(xs) > 1 else [fnp.asarray(xs[0])]


def _is_f64(x) -> bool:
    return np.dtype(x.dtype).itemsize >= (16 if fnp.iscomplexobj(x) else 8)


def _real_only(name: str, x) -> None:
    if fnp.iscomplexobj(x):
        raise ValueError(f"[{name}] supports real inputs only, got dtype {x.dtype}; pass the "
                         "real part (wofz is the complex-valued function)")


def _in_float32_if_half(fn, x):
    """fn(x), computed in float32 for float16/bfloat16 x (as JAX: the series and the
    complex intermediates need the range), the results cast back."""
    if np.dtype(x.dtype).itemsize >= 4:
        return fn(x)
    out = fn(x.astype(np.float32))
    cast = lambda o: o.astype(x.dtype)  # noqa: E731
    return tuple(map(cast, out)) if isinstance(out, tuple) else cast(out)


# ---- wofz ---------------------------------------------------------------------------------


def _weideman_coefficients(n: int = 32) -> tuple[float, np.ndarray]:
    """Weideman (1994): w(z) = 2 p(Z) / (L - iz)^2 + 1 / (sqrt(pi) (L - iz)), Z = (L + iz) /
    (L - iz), Im z >= 0, with p's coefficients the Fourier coefficients of
    exp(-t^2) (L^2 + t^2) on t = L tan(theta / 2); returned highest degree first."""
    m = 2 * n
    scale = math.sqrt(n / math.sqrt(2))
    theta = np.arange(-m + 1, m) * np.pi / m
    t = scale * np.tan(theta / 2)
    samples = np.concatenate([[0.0], np.exp(-t * t) * (scale * scale + t * t)])
    fourier = np.real(np.fft.fftshift(np.fft.fft(np.fft.ifftshift(samples)))) / (2 * m)
    return scale, fourier[m + 1:m + n + 1][::-1].copy()


_WEIDEMAN_L, _WEIDEMAN_C = _weideman_coefficients()


def _to_complex(z):
    (z,) = _inexact(z)
    if not fnp.iscomplexobj(z):
        z = z.astype(np.result_type(np.dtype(z.dtype), np.complex64))
    return z


def _wofz_upper(z):
    iz = 1j * z
    den = _WEIDEMAN_L - iz
    big_z = (_WEIDEMAN_L + iz) / den
    poly = fnp.polyval(fnp.asarray(_WEIDEMAN_C).astype(z.dtype), big_z)
    return 2 * poly / (den * den) + (1 / _SQRT_PI) / den


@custom_jvp
def _wofz(z):
    upper = fnp.imag(z) >= 0
    w_up = _wofz_upper(fnp.where(upper, z, -z))
    zl = fnp.where(upper, 0.0, z).astype(z.dtype)  # exp(-z^2) only where it is used
    return fnp.where(upper, w_up, 2 * fnp.exp(-zl * zl) - w_up)


@_wofz.defjvp
def _wofz_jvp(primals, tangents):
    (z,), (t,) = primals, tangents
    w = _wofz(z)
    return w, (-2 * z * w + 2j / _SQRT_PI) * t


def wofz(z):
    """The Faddeeva function w(z) = exp(-z^2) erfc(-iz) (``jax.scipy.special.wofz``).

    Args:
      z: real or complex array (real inputs are promoted to complex).
    Returns:
      complex array; d/dz w = -2 z w + 2i / sqrt(pi).
    Example:
      ``special.wofz(1.0 + 1.0j)  # 0.30474+0.20821j``
    """
    return _wofz(_to_complex(z))


# ---- dawsn, fresnel -----------------------------------------------------------------------


@custom_jvp
def _dawsn(x):
    ax = fnp.abs(x)
    small = ax < 0.2
    xs = fnp.where(small, x, 0.0)
    term, acc = xs, fnp.zeros_like(xs)  # sum (-2)^k x^(2k+1) / (2k+1)!!
    for k in range(12):
        acc = acc + term
        term = -term * 2 * xs * xs / (2 * k + 3)
    xl = fnp.where(small | fnp.isinf(x), 1.0, x)
    via_w = (_SQRT_PI / 2) * fnp.imag(_wofz(_to_complex(xl)))
    out = fnp.where(small, acc, via_w.astype(x.dtype))
    return fnp.where(fnp.isinf(x), 0.0, out).astype(x.dtype)


@_dawsn.defjvp
def _dawsn_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    d = _dawsn(x)
    return d, (1 - 2 * x * d) * t


def dawsn(x):
    """Dawson's integral exp(-x^2) int_0^x exp(t^2) dt (``jax.scipy.special.dawsn``).

    Args:
      x: real array.
    Returns:
      float array; d/dx dawsn = 1 - 2 x dawsn(x).
    Example:
      ``special.dawsn(1.0)  # 0.53808...``
    """
    (x,) = _inexact(x)
    _real_only("dawsn", x)
    return _in_float32_if_half(_dawsn, x)


def _half_pi_square_phase(x):
    """exp(i pi x^2 / 2) for x >= 0, the phase reduced exactly: with s = x mod 2,
    x^2 / 2 = (x - s)^2 / 2 + s (x - s / 2) and the first term is an even integer."""
    s = fnp.fmod(x, 2.0)
    r = fnp.fmod(s * (x - s / 2), 2.0)  # in [0, 2); sines of arguments in [-pi/2, pi/2] only,
    sin_arg = fnp.where(r <= 0.5, r, fnp.where(r <= 1.5, 1 - r, r - 2))  # so zeros are exact
    cos_pi = fnp.where(r <= 1, fnp.sin(np.pi * (0.5 - r)), -fnp.sin(np.pi * (1.5 - r)))
    return cos_pi, fnp.sin(np.pi * sin_arg)


def _fresnel_series(x):
    """S and C from their power series in u = pi x^2 / 2 (|x| < 1: 24 terms)."""
    u = (np.pi / 2) * x * x
    term, s, c = x, fnp.zeros_like(x), fnp.zeros_like(x)  # term = x u^k / k!
    for k in range(24):
        sign = 1.0 if k % 4 < 2 else -1.0
        if k % 2 == 0:
            c = c + sign * term / (2 * k + 1)
        else:
            s = s + sign * term / (2 * k + 1)
        term = term * u / (k + 1)
    return s, c


def _fresnel_via_wofz(x):
    """C + iS = (1 + i) / 2 (1 - exp(i pi x^2 / 2) w(sqrt(pi) / 2 (1 + i) x)), x >= 1."""
    cos_p, sin_p = _half_pi_square_phase(x)
    w = _wofz(_to_complex(x) * ((1 + 1j) * _SQRT_PI / 2))
    prod_re = cos_p * fnp.real(w) - sin_p * fnp.imag(w)
    prod_im = cos_p * fnp.imag(w) + sin_p * fnp.real(w)
    one_re, one_im = 1 - prod_re, -prod_im
    return (one_re + one_im) / 2, (one_re - one_im) / 2  # S = Im, C = Re


@custom_jvp
def _fresnel(x):
    ax = fnp.abs(x)
    small = ax < 1
    s_small, c_small = _fresnel_series(fnp.where(small, ax, 0.0))
    s_big, c_big = _fresnel_via_wofz(fnp.where(small | fnp.isinf(ax), 1.0, ax))
    s = fnp.where(small, s_small, s_big.astype(x.dtype))
    c = fnp.where(small, c_small, c_big.astype(x.dtype))
    s, c = fnp.where(fnp.isinf(ax), 0.5, s), fnp.where(fnp.isinf(ax), 0.5, c)
    sign = fnp.where(x < 0, -1.0, 1.0)
    return (sign * s).astype(x.dtype), (sign * c).astype(x.dtype)


@_fresnel.defjvp
def _fresnel_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    cos_p, sin_p = _half_pi_square_phase(fnp.abs(x))
    return _fresnel(x), (sin_p * t, cos_p * t)


def fresnel(x):
    """The Fresnel integrals S(x) = int_0^x sin(pi t^2 / 2) dt and
    C(x) = int_0^x cos(pi t^2 / 2) dt (``jax.scipy.special.fresnel``).

    Args:
      x: real array.
    Returns:
      the pair (S, C), each shaped like x; both tend to +-1/2 at +-inf.
    Example:
      ``special.fresnel(1.0)  # (0.43826, 0.77989)``
    """
    (x,) = _inexact(x)
    _real_only("fresnel", x)
    return _in_float32_if_half(_fresnel, x)


# ---- sici ---------------------------------------------------------------------------------


def _sici_series(x):
    """Si = sum (-1)^k x^(2k+1) / ((2k+1)(2k+1)!), Ci = gamma + log x + sum (-1)^k x^(2k) /
    (2k (2k)!) for 0 < x <= 4 (16 terms)."""
    x2 = x * x
    term, si = x, fnp.zeros_like(x)
    for k in range(16):
        si = si + term / (2 * k + 1)
        term = -term * x2 / ((2 * k + 2) * (2 * k + 3))
    term, ci = -x2 / 2, fnp.zeros_like(x)
    for k in range(1, 17):
        ci = ci + term / (2 * k)
        term = -term * x2 / ((2 * k + 1) * (2 * k + 2))
    return si, ci + _EULER_GAMMA + fnp.log(x)


def _sici_cf(x, terms: int):
    """E1(ix) = -Ci(x) + i (Si(x) - pi/2) for x > 4, by the continued fraction
    E1(z) = e^-z / (z + 1 - 1^2 / (z + 3 - 2^2 / (z + 5 - ...))) evaluated from its tail."""
    z = _to_complex(x) * 1j
    tail = fnp.zeros_like(z)
    for k in range(terms, 0, -1):
        tail = (k * k) / (z + (2 * k + 1) - tail)
    e1 = (fnp.cos(x) - 1j * fnp.sin(x)) / (z + 1 - tail)
    return (np.pi / 2 + fnp.imag(e1)).astype(x.dtype), (-fnp.real(e1)).astype(x.dtype)


@custom_jvp
def _sici(x):
    ax = fnp.abs(x)
    small = ax <= 4
    si_s, ci_s = _sici_series(fnp.where(small & (ax > 0), ax, 1.0))
    xl = fnp.where(small | fnp.isinf(ax), 5.0, ax)
    si_l, ci_l = _sici_cf(xl, 40 if _is_f64(x) else 20)
    si = fnp.where(small, si_s, si_l)
    ci = fnp.where(small, ci_s, ci_l)
    si = fnp.where(ax == 0, 0.0, fnp.where(fnp.isinf(ax), np.pi / 2, si))
    ci = fnp.where(ax == 0, -np.inf, fnp.where(fnp.isinf(ax), 0.0, ci))
    ci = fnp.where(fnp.isneginf(x), np.nan, ci)
    return (fnp.sign(x) * si).astype(x.dtype), ci.astype(x.dtype)


@_sici.defjvp
def _sici_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return _sici(x), (fnp.sinc(x / np.pi) * t, fnp.cos(x) / x * t)


def sici(x):
    """The sine and cosine integrals Si(x) = int_0^x sin t / t dt and
    Ci(x) = gamma + log|x| + int_0^|x| (cos t - 1) / t dt (``jax.scipy.special.sici``).

    Args:
      x: real array.
    Returns:
      the pair (Si, Ci); Si is odd, Ci(0) = -inf and Ci(-inf) = NaN (as JAX).
    Example:
      ``special.sici(1.0)  # (0.94608, 0.33740)``
    """
    (x,) = _inexact(x)
    _real_only("sici", x)
    return _in_float32_if_half(_sici, x)


# ---- owens_t ------------------------------------------------------------------------------

_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(32)
_GL_NODES, _GL_WEIGHTS = (_GL_NODES + 1) / 2, _GL_WEIGHTS / 2  # on [0, 1]


def _owens_t_quadrature(h, a):
    """(1 / 2 pi) int_0^a exp(-h^2 (1 + u^2) / 2) / (1 + u^2) du, 0 <= a <= 1."""
    u = a[..., None] * _GL_NODES.astype(a.dtype)
    r = 1 + u * u
    integrand = fnp.exp(-0.5 * (h * h)[..., None] * r) / r
    return a * fnp.sum(integrand * _GL_WEIGHTS.astype(a.dtype), axis=-1) / (2 * np.pi)


@custom_jvp
def _owens_t(h, a):
    h, aa = fnp.abs(h), fnp.abs(a)
    inner = aa <= 1
    t = _owens_t_quadrature(fnp.where(inner, h, aa * h), fnp.where(inner, aa, 1 / aa))
    rt2 = math.sqrt(2)
    q_h, q_ah = _sp.erfc(h / rt2), _sp.erfc(aa * h / rt2)
    # T(h, a) = (Phi(h) + Phi(ah)) / 2 - Phi(h) Phi(ah) - T(ah, 1/a) for a > 1 (h >= 0)
    near = 0.25 - 0.25 * _sp.erf(h / rt2) * _sp.erf(aa * h / rt2) - t
    far = 0.25 * (q_h + q_ah - q_h * q_ah) - t
    out = fnp.where(inner, t, fnp.where(aa * h <= 0.67, near, far))
    out = fnp.sign(a) * out
    return fnp.where(fnp.isnan(a) | fnp.isnan(h), np.nan, out).astype(out.dtype)


@_owens_t.defjvp
def _owens_t_jvp(primals, tangents):
    (h, a), (h_dot, a_dot) = primals, tangents
    d_h = -fnp.exp(-0.5 * h * h) * _sp.erf(a * h / math.sqrt(2)) / (2 * math.sqrt(2 * np.pi))
    d_a = fnp.exp(-0.5 * (a * a + 1) * h * h) / (2 * np.pi * (a * a + 1))
    return _owens_t(h, a), d_h * h_dot + d_a * a_dot


def owens_t(h, a):
    """Owen's T function (1 / 2 pi) int_0^a exp(-h^2 (1 + x^2) / 2) / (1 + x^2) dx
    (``jax.scipy.special.owens_t``).

    Args:
      h, a: real arrays (broadcast).
    Returns:
      float array; differentiable in h and a.
    Example:
      ``special.owens_t(0.5, 2.0)``
    """
    h, a = _inexact(h, a)
    _real_only("owens_t", h)
    return _owens_t(h, a)


# ---- bessel_jn ----------------------------------------------------------------------------


def bessel_jn(z, *, v: int, n_iter: int = 50):
    """The Bessel functions of the first kind J_0(z) ... J_v(z) for real z
    (``jax.scipy.special.bessel_jn``), by Miller's backward recurrence from order n_iter.

    Args:
      z: real array; v: the largest order (a static int); n_iter: the starting order of
        the recurrence (static; larger for larger |z|, as JAX's rule of thumb).
    Returns:
      an array of shape (v + 1, *z.shape).
    Example:
      ``special.bessel_jn(1.0, v=2)  # [J0(1), J1(1), J2(1)]``
    """
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 0:
        raise TypeError(f"[bessel_jn] v must be a static non-negative int, got {v!r}")
    n_iter = int(n_iter)
    if n_iter < v:
        raise ValueError(f"[bessel_jn] n_iter={n_iter} must be at least v={v}")
    (z,) = _inexact(z)
    _real_only("bessel_jn", z)
    f_next, f_cur = fnp.zeros_like(z), fnp.full_like(z, 1e-16)  # f_{k+2}, f_{k+1}
    low, even_sum = [], fnp.zeros_like(z)  # f_v ... f_0; 2 sum of the even orders
    for k in range(n_iter, -1, -1):  # f_k = 2 (k + 1) / z f_{k+1} - f_{k+2}
        f_k = 2.0 * (k + 1) * f_cur / z - f_next
        # all values are relative: scale by 2^-60 (exact) where they grow large, so
        # small |z| does not overflow (float32 at z = 1 would, from order 50)
        shrink = fnp.where(fnp.abs(f_k) > 2.0 ** 60, 2.0 ** -60, 1.0).astype(z.dtype)
        f_k, f_cur, even_sum = f_k * shrink, f_cur * shrink, even_sum * shrink
        low = [f * shrink for f in low]
        if k % 2 == 0:
            even_sum = even_sum + 2.0 * f_k
        if k <= v:
            low.append(f_k)
        f_next, f_cur = f_cur, f_k
    low = low[::-1]  # orders 0 ... v
    norm = even_sum - low[0]  # J_0 + 2 sum_{k >= 1} J_2k
    return fnp.stack(low) / norm
