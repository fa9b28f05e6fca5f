"""Incomplete gamma and beta functions and exponentially scaled Bessel functions:
igamma, igammac, igamma_grad_a, random_gamma_grad, regularized_incomplete_beta (betainc),
bessel_i0e, bessel_i1e (float operands, equal shapes or rank 0, as in ``jax.lax``).

Each function is written once, below, over a small backend namespace ``m`` (``where``,
``log``, ``lgamma``, ``while_any``, ...; arithmetic by Python operators): the NumPy impl
runs it on float64 NumPy arrays (``NUMPY``, here) and rounds once to the operand dtype;
the XLA lowering (``xla_lowering/special_functions.py``) runs it on traced values with a
``while`` loop, in the operand's precision (float32 for narrower floats). The methods:

- P(a, x) = igamma and Q(a, x) = igammac: the power series of the lower function where
  x < 1 or x <= a, else the Legendre continued fraction of the upper one (three-term
  recurrences, rescaled against overflow), each with its derivative in ``a`` carried
  along, which gives igamma_grad_a and random_gamma_grad (the implicit reparameterization
  derivative -dP/da / dP/dx of a Gamma(a, 1) sample x).
- betainc: the continued fraction of DLMF 8.17.22 by the modified Lentz method, after the
  symmetry I_x(a, b) = 1 - I_{1-x}(b, a) where x > (a + 1) / (a + b + 2).
- bessel_i0e/i1e: the power series for |x| below a threshold, else Hankel's asymptotic
  expansion (all terms of the series are positive, so no cancellation).
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np

from ..core.registry import declare_no_rule, jvp_rules, vmap_rules
from . import _ops as ops
from ._batching import elementwise_vmap
from ._builders import binary, naryop_abstract_eval, primitive, unary
from .elementwise import abs_p, log1p_p, sign_p
from .special import _LGAMMA, _digamma64, lgamma_p

# ---- the algorithms, over a backend m -------------------------------------------------------


def _mask_update(m, active, new, old):
    return tuple(m.where(active, n, o) for n, o in zip(new, old, strict=True))


def _gamma_series(m, a, x, active, eps, max_iter):
    """S = sum_n c_n with c_0 = 1, c_n = c_{n-1} x / (a + n), and dS/da, so that
    P(a, x) = exp(log_ax) S / a (log_ax = a log x - x - lgamma a)."""
    one, zero = m.full_like(a, 1.0), m.full_like(a, 0.0)

    def body(carry):
        act, r, c, s, dc, ds = carry
        r1 = r + 1.0
        dc1 = dc * (x / r1) - c * x / (r1 * r1)
        c1 = c * (x / r1)
        s1, ds1 = s + c1, ds + dc1
        more = act & ((c1 > eps * s1) | (m.abs(dc1) > eps * m.abs(ds1)))
        return (more, *_mask_update(m, act, (r1, c1, s1, dc1, ds1), (r, c, s, dc, ds)))

    out = m.while_any(lambda c: c[0], body, (active, a, one, one, zero, zero), max_iter)
    return out[3], out[5]


def _gamma_cf(m, a, x, active, eps, max_iter):
    """F, dF/da with Q(a, x) = exp(log_ax) F: the continued fraction
    1 / (x + 1 - a - 1 (1 - a) / (x + 3 - a - 2 (2 - a) / (x + 5 - a - ...))) by its
    numerator/denominator recurrences p_k, q_k (and their a-derivatives)."""
    one, zero = m.full_like(a, 1.0), m.full_like(a, 0.0)
    y, z, k = one - a, x + 2.0 - a, zero
    p2, q2, p1, q1 = one, x, x + 1.0, z * x
    dp2, dq2, dp1, dq1 = zero, zero, zero, -x
    f = p1 / q1
    df = (dp1 - f * dq1) / q1

    def body(carry):
        act, f, df, y, z, k, p1, q1, p2, q2, dp1, dq1, dp2, dq2 = carry
        k1, y1, z1 = k + 1.0, y + 1.0, z + 2.0
        yk = y1 * k1
        pk, qk = p1 * z1 - p2 * yk, q1 * z1 - q2 * yk
        dpk = dp1 * z1 - p1 - dp2 * yk + p2 * k1
        dqk = dq1 * z1 - q1 - dq2 * yk + q2 * k1
        ok = qk != 0.0
        safe_q = m.where(ok, qk, one)
        f1 = m.where(ok, pk / safe_q, f)
        df1 = m.where(ok, (dpk - f1 * dqk) / safe_q, df)
        more = act & (~ok | (m.abs(f1 - f) > eps * m.abs(f1))
                      | (m.abs(df1 - df) > eps * m.abs(df1)))
        s = m.where(m.abs(pk) > 1.0 / eps, m.full_like(a, eps), one)
        new = (f1, df1, y1, z1, k1, pk * s, qk * s, p1 * s, q1 * s,
               dpk * s, dqk * s, dp1 * s, dq1 * s)
        return (more, *_mask_update(m, act, new, carry[1:]))

    init = (active, f, df, y, z, k, p1, q1, p2, q2, dp1, dq1, dp2, dq2)
    out = m.while_any(lambda c: c[0], body, init, max_iter)
    return out[1], out[2]


def igamma_family(m, a, x, mode: str, eps: float, max_iter: int):
    """P(a, x) ('igamma'), Q(a, x) ('igammac'), dP/da ('grad_a') or the Gamma-sample
    derivative dx/da at fixed P ('sample_grad')."""
    nan_in = m.isnan(a) | m.isnan(x)
    inf = float("inf")
    if mode in ("igamma", "igammac"):
        domain = (x < 0.0) | (a < 0.0) | ((a == 0.0) & (x == 0.0)) | ((a == inf) & (x == inf))
    else:
        domain = (x < 0.0) | (a <= 0.0)
    domain = domain | nan_in
    safe_x = m.where(domain | (x == 0.0) | (x == inf), m.full_like(x, 1.0), x)
    safe_a = m.where(domain | (a == 0.0) | (a == inf), m.full_like(a, 1.0), a)
    log_ax = safe_a * m.log(safe_x) - safe_x - m.lgamma(safe_a)
    use_cf = (safe_x >= 1.0) & (safe_x > safe_a)
    skip = domain | (x == 0.0) | (x == inf) | (a == inf) | (a == 0.0)
    if mode in ("igamma", "igammac"):  # exp(log_ax) underflows: the loops' result is moot
        skip = skip | (log_ax < math.log(np.finfo(np.float32).tiny if eps > 1e-10 else 1e-300))
    enabled = ~skip
    s, ds = _gamma_series(m, safe_a, safe_x, enabled & ~use_cf, eps, max_iter)
    f, df = _gamma_cf(m, safe_a, safe_x, enabled & use_cf, eps, max_iter)
    ax = m.exp(log_ax)
    if mode == "igamma":
        out = m.where(use_cf, 1.0 - ax * f, ax * s / safe_a)
        specials = ((a == inf, 0.0), (x == 0.0, 0.0), ((a == 0.0) | (x == inf), 1.0))
    elif mode == "igammac":
        out = m.where(use_cf, ax * f, 1.0 - ax * s / safe_a)
        specials = ((a == inf, 1.0), (x == 0.0, 1.0), ((a == 0.0) | (x == inf), 0.0))
    else:
        dlog_cf = m.log(safe_x) - m.digamma(safe_a)
        dlog_series = m.log(safe_x) - m.digamma(safe_a + 1.0)
        if mode == "grad_a":
            out = m.where(use_cf, -ax * (f * dlog_cf + df),
                          ax / safe_a * (s * dlog_series + ds))
        else:
            out = m.where(use_cf, (f * dlog_cf + df) * safe_x,
                          -(ds + s * dlog_series) * safe_x / safe_a)
        specials = ((x == 0.0, 0.0), (x == inf, 0.0))
    for cond, value in (*specials, (domain, math.nan)):
        out = m.where(cond, m.full_like(out, value), out)
    return out


def _betainc_step(m, num, c, d, tiny):
    """One modified-Lentz step for the partial numerator ``num`` (partial denominator 1)."""
    d = 1.0 + num * d
    d = 1.0 / m.where(m.abs(d) < tiny, m.full_like(d, tiny), d)
    c = 1.0 + num / c
    c = m.where(m.abs(c) < tiny, m.full_like(c, tiny), c)
    return c, d, c * d


def betainc(m, a, b, x, eps: float, max_iter: int):
    """I_x(a, b), the regularized incomplete beta function (DLMF 8.17.22)."""
    tiny = 1e-30 if eps > 1e-10 else 1e-300
    swap = x > (a + 1.0) / (a + b + 2.0)
    a, b, x = m.where(swap, b, a), m.where(swap, a, b), m.where(swap, 1.0 - x, x)
    bad = m.isnan(a) | m.isnan(b) | m.isnan(x) | (a <= 0.0) | (b <= 0.0) | (x <= 0.0)
    a_s, b_s = m.where(bad, m.full_like(a, 1.0), a), m.where(bad, m.full_like(b, 1.0), b)
    x_s = m.where(bad, m.full_like(x, 0.5), x)
    one = m.full_like(a, 1.0)
    # f = 1 / (1 + d1 / (1 + d2 / ...)): the first step (numerator 1) leaves C = 1/tiny,
    # D = 1 and f = 1, then d1 = -(a + b) x / (a + 1).
    c, d, delta = _betainc_step(m, -(a_s + b_s) * x_s / (a_s + 1.0), one / tiny, one, tiny)
    f = delta

    def body(carry):
        act, f, c, d, k = carry
        even = k * (b_s - k) * x_s / ((a_s + 2.0 * k - 1.0) * (a_s + 2.0 * k))
        c1, d1, delta1 = _betainc_step(m, even, c, d, tiny)
        odd = -(a_s + k) * (a_s + b_s + k) * x_s / ((a_s + 2.0 * k) * (a_s + 2.0 * k + 1.0))
        c2, d2, delta2 = _betainc_step(m, odd, c1, d1, tiny)
        f1 = f * delta1 * delta2
        more = act & ((m.abs(delta1 - 1.0) > eps) | (m.abs(delta2 - 1.0) > eps))
        return (more, *_mask_update(m, act, (f1, c2, d2), (f, c, d)), k + 1.0)

    init = (~bad, f, c, d, m.full_like(a, 1.0))
    f = m.while_any(lambda c: c[0], body, init, max_iter)[1]
    lbeta = m.lgamma(a_s) + m.lgamma(b_s) - m.lgamma(a_s + b_s)
    out = m.exp(a_s * m.log(x_s) + b_s * m.log1p(-x_s) - lbeta) / a_s * f
    out = m.where(swap, 1.0 - out, out)
    return _betainc_edges(m, a, b, x, swap, out)


def _betainc_edges(m, a, b, x, swap, out):
    """Values at the edges (a, b or x at 0, 1 or inf; in the swapped frame) as SciPy's."""
    a0, b0 = (a == 0.0) | (b == float("inf")), (b == 0.0) | (a == float("inf"))
    lo = m.where(swap, m.full_like(out, 1.0), m.full_like(out, 0.0))  # I at x = 0
    out = m.where(x == 0.0, lo, out)
    out = m.where(a0 & (x > 0.0), 1.0 - lo, out)
    out = m.where(b0 & (x < 1.0) & ~(a0 & (x > 0.0)), lo, out)
    nan = (m.isnan(a) | m.isnan(b) | m.isnan(x) | (a < 0.0) | (b < 0.0) | (x < 0.0)
           | (x > 1.0) | (a0 & b0))
    return m.where(nan, m.full_like(out, math.nan), out)


def bessel_ie(m, x, order: int, eps: float, max_iter: int):
    """exp(-|x|) I_order(|x|) (sign(x) times it for order 1): the power series for
    |x| < threshold, else the asymptotic expansion in 1 / |x|."""
    threshold = 30.0 if eps < 1e-10 else 15.0
    ax = m.abs(x)
    big = ax >= threshold
    xs = m.where(big, m.full_like(x, 1.0), ax)
    q = xs * xs / 4.0
    term0 = m.full_like(x, 1.0) if order == 0 else xs / 2.0

    def series_body(carry):
        act, t, s, k = carry
        k1 = k + 1.0
        t1 = t * q / (k1 * (k1 + order))
        s1 = s + t1
        more = act & (t1 > eps * s1)
        return (more, *_mask_update(m, act, (t1, s1), (t, s)), k1)

    init = (~big & (ax > 0.0), term0, term0, m.full_like(x, 0.0))
    series = m.while_any(lambda c: c[0], series_body, init, max_iter)[2] * m.exp(-xs)
    xl = m.where(big, ax, m.full_like(x, threshold))
    mu = 4.0 * order * order
    t, s = m.full_like(x, 1.0), m.full_like(x, 1.0)
    for j in range(1, 40 if eps < 1e-10 else 20):
        t = t * ((2.0 * j - 1.0) ** 2 - mu) / (8.0 * j * xl)
        s = s + t
    asym = s / m.sqrt(2.0 * math.pi * xl)
    out = m.where(big, asym, series)
    if order == 1:
        out = m.where(x < 0.0, -out, out)
    return m.where(m.isnan(x), x, out)


# ---- the NumPy backend -------------------------------------------------------------------


def _np_while_any(more, body, carry, max_iter):
    for _ in range(max_iter):
        if not np.any(more(carry)):
            break
        carry = body(carry)
    return carry


NUMPY = SimpleNamespace(
    where=np.where, log=np.log, log1p=np.log1p, exp=np.exp, abs=np.abs, sqrt=np.sqrt,
    isnan=np.isnan, full_like=lambda x, v: np.full(np.shape(x), v, np.float64),
    lgamma=lambda x: np.asarray(_LGAMMA(x), np.float64), digamma=_digamma64,
    while_any=_np_while_any)

_EPS64 = float(np.finfo(np.float64).eps)


def _numpy_impl(fn):
    """An impl computing ``fn(NUMPY, *float64 operands)`` (broadcast), rounded once."""
    def impl(*args, **params):
        dtype = args[0].dtype
        wide = np.broadcast_arrays(*[np.asarray(v, np.float64) for v in args])
        with np.errstate(all="ignore"):
            out = fn(NUMPY, *wide, **params)
        return np.asarray(out, np.float64).astype(dtype)
    return impl


def _igamma_impl(mode):
    return _numpy_impl(lambda m, a, x: igamma_family(m, a, x, mode, _EPS64, 2000))


# ---- the primitives ---------------------------------------------------------------------------

igamma_p = binary("igamma", _igamma_impl("igamma"), "float")
igammac_p = binary("igammac", _igamma_impl("igammac"), "float")
igamma_grad_a_p = binary("igamma_grad_a", _igamma_impl("grad_a"), "float")
random_gamma_grad_p = binary("random_gamma_grad", _igamma_impl("sample_grad"), "float")
betainc_p = primitive("regularized_incomplete_beta",
                      naryop_abstract_eval("regularized_incomplete_beta", "float"),
                      _numpy_impl(lambda m, a, b, x: betainc(m, a, b, x, _EPS64, 1000)))
vmap_rules[betainc_p] = elementwise_vmap(betainc_p)
bessel_i0e_p = unary("bessel_i0e", _numpy_impl(lambda m, x: bessel_ie(m, x, 0, _EPS64, 500)),
                     "float")
bessel_i1e_p = unary("bessel_i1e", _numpy_impl(lambda m, x: bessel_ie(m, x, 1, _EPS64, 500)),
                     "float")


# ---- derivatives ---------------------------------------------------------------------------


def _igamma_dx(primals, t):
    """dP/dx = x^(a-1) e^-x / Gamma(a)."""
    a, x = primals
    log_d = ops.sub(ops.sub(ops.mul(ops.sub(a, ops.scalar_like(a, 1.0)), ops.log(x)), x),
                    lgamma_p.bind1(a))
    return ops.mul(t, ops.exp(log_d))


def _igamma_da(primals, t):
    return ops.mul(t, igamma_grad_a_p.bind1(*primals))


def _negated(term):
    return lambda primals, t: ops.neg(term(primals, t))


jvp_rules[igamma_p] = ops.sum_of_terms_jvp(igamma_p, _igamma_da, _igamma_dx)
jvp_rules[igammac_p] = ops.sum_of_terms_jvp(igammac_p, _negated(_igamma_da),
                                            _negated(_igamma_dx))
declare_no_rule("jvp", igamma_grad_a_p, "JAX defines no derivative of igamma_grad_a")
declare_no_rule("jvp", random_gamma_grad_p, "JAX defines no derivative of random_gamma_grad")


def _betainc_not_differentiable(primals, t):
    raise ValueError("[betainc] the derivative with respect to a and b is not supported "
                     "(as in JAX); differentiate with respect to x only, e.g. with "
                     "lax.stop_gradient on a and b")


def _betainc_dx(primals, t):
    """dI/dx = x^(a-1) (1-x)^(b-1) / B(a, b)."""
    a, b, x = primals
    one = ops.scalar_like(a, 1.0)
    lbeta = ops.sub(ops.add(lgamma_p.bind1(a), lgamma_p.bind1(b)), lgamma_p.bind1(ops.add(a, b)))
    log1m = log1p_p.bind1(ops.neg(x))
    log_d = ops.add(ops.mul(ops.sub(a, one), ops.log(x)), ops.mul(ops.sub(b, one), log1m))
    return ops.mul(t, ops.exp(ops.sub(log_d, lbeta)))


jvp_rules[betainc_p] = ops.sum_of_terms_jvp(
    betainc_p, _betainc_not_differentiable, _betainc_not_differentiable, _betainc_dx)


def _bessel_i0e_deriv(x, out):
    return ops.sub(bessel_i1e_p.bind1(x), ops.mul(sign_p.bind1(x), out))


def _bessel_i1e_deriv(x, out):
    """i0e(x) - i1e(x) (sign x + 1 / x), which tends to 1/2 at 0 (so 1/2 where |x| <= eps)."""
    eps = float(np.finfo(ops.aval(x).dtype).eps)
    tiny = ops.le(abs_p.bind1(x), ops.full_like(x, eps))
    safe = ops.select_n(tiny, x, ops.full_like(x, eps))
    d = ops.sub(bessel_i0e_p.bind1(safe),
                ops.mul(out, ops.add(sign_p.bind1(safe), ops.div(ops.ones_like(safe), safe))))
    return ops.select_n(tiny, d, ops.full_like(x, 0.5))


jvp_rules[bessel_i0e_p] = ops.unary_jvp(bessel_i0e_p, _bessel_i0e_deriv)
jvp_rules[bessel_i1e_p] = ops.unary_jvp(bessel_i1e_p, _bessel_i1e_deriv)
