"""More of ``functrans.scipy.stats`` (attached by ``stats``): the CDFs built on the incomplete
gamma and beta functions (gamma, beta, poisson, chi2) and the distributions chi2, gennorm,
geom, gumbel_l, gumbel_r, pareto, truncnorm, vonmises, wrapcauchy, nbinom, betabinom,
multinomial, plus ``sem``, ``mode`` and ``rankdata``. Signatures as ``jax.scipy.stats``.

Example::

    from functrans.scipy import stats
    stats.gamma.cdf(x, a=2.0); stats.chi2.sf(x, df=3)
"""

from __future__ import annotations

import math
from types import SimpleNamespace
from typing import NamedTuple

import numpy as np

from .. import lax
from .. import numpy as fnp
from ..numpy._util import promote_dtypes_inexact
from . import special as sp

_LOG_2PI = math.log(2 * math.pi)


def _f(*xs):
    return fnp.broadcast_arrays(*[fnp.asarray(x) for x in promote_dtypes_inexact(*xs)])


def _neg_inf_unless(cond, value):
    return fnp.where(cond, value, -np.inf).astype(value.dtype)


def _with_exp(logpdf):
    """The density of a log-density with the same signature."""
    def pdf(*args, **kwargs):
        return fnp.exp(logpdf(*args, **kwargs))
    pdf.__name__ = logpdf.__name__.replace("log", "", 1)
    return pdf


def _log_of(fn):
    def logfn(*args, **kwargs):
        return fnp.log(fn(*args, **kwargs))
    logfn.__name__ = "log" + fn.__name__
    return logfn


# ---- CDFs of the existing continuous/discrete namespaces --------------------------------------

def gamma_cdf(x, a, loc=0, scale=1):
    x, a, loc, scale = _f(x, a, loc, scale)
    return sp.gammainc(a, fnp.maximum((x - loc) / scale, 0))


def gamma_sf(x, a, loc=0, scale=1):
    x, a, loc, scale = _f(x, a, loc, scale)
    return sp.gammaincc(a, fnp.maximum((x - loc) / scale, 0))


def beta_cdf(x, a, b, loc=0, scale=1):
    x, a, b, loc, scale = _f(x, a, b, loc, scale)
    return sp.betainc(a, b, fnp.clip((x - loc) / scale, 0, 1))


def beta_sf(x, a, b, loc=0, scale=1):
    x, a, b, loc, scale = _f(x, a, b, loc, scale)
    return sp.betainc(b, a, 1 - fnp.clip((x - loc) / scale, 0, 1))


def poisson_cdf(k, mu, loc=0):
    k, mu, loc = _f(k, mu, loc)
    x = k - loc
    out = sp.gammaincc(fnp.floor(fnp.maximum(x, 0)) + 1, mu)
    return fnp.where(x >= 0, out, 0.0).astype(out.dtype)



def poisson_entropy(mu, loc=0):
    """The Shannon entropy of Poisson(mu) (``jax.scipy.stats.poisson.entropy``; loc does not
    change it): -sum_k p_k log p_k over k < 250 for mu < 100, the asymptotic series
    log(2 pi e mu) / 2 - 1 / (12 mu) - 1 / (24 mu^2) - 19 / (360 mu^3) above.

    Args:
      mu: the mean (0 at mu = 0, NaN below); loc: the shift (broadcast only).
    Returns:
      float array.
    Example:
      ``stats.poisson.entropy(5.0)  # 2.20439...``
    """
    mu, _ = _f(mu, loc)
    direct = mu < 100
    ms = fnp.where(direct & (mu > 0), mu, 1.0)[..., None]
    k = fnp.arange(250, dtype=mu.dtype)
    logp = k * fnp.log(ms) - sp.gammaln(k + 1) - ms
    summed = -fnp.sum(fnp.exp(logp) * logp, axis=-1)
    ml = fnp.where(direct, 100.0, mu)
    series = (0.5 * fnp.log(2 * math.pi * math.e * ml) - 1 / (12 * ml) - 1 / (24 * ml * ml)
              - 19 / (360 * ml * ml * ml))
    out = fnp.where(direct, summed, series)
    return fnp.where(mu == 0, 0.0, fnp.where(mu < 0, np.nan, out)).astype(mu.dtype)

# ---- chi2 ---------------------------------------------------------------------------------

def _chi2_logpdf(x, df, loc=0, scale=1):
    x, df, loc, scale = _f(x, df, loc, scale)
    z = (x - loc) / scale
    k = df / 2
    safe = fnp.where(z > 0, z, 1.0)
    val = sp.xlogy(k - 1, safe) - safe / 2 - k * math.log(2) - sp.gammaln(k) - fnp.log(scale)
    at0 = fnp.where(k == 1, -math.log(2) - fnp.log(scale),
                    fnp.where(k < 1, np.inf, -np.inf)).astype(z.dtype)
    return fnp.where(z > 0, val, fnp.where(z == 0, at0, -np.inf)).astype(z.dtype)


def _chi2_cdf(x, df, loc=0, scale=1):
    x, df, loc, scale = _f(x, df, loc, scale)
    return sp.gammainc(df / 2, fnp.maximum((x - loc) / scale, 0) / 2)


def _chi2_sf(x, df, loc=0, scale=1):
    x, df, loc, scale = _f(x, df, loc, scale)
    return sp.gammaincc(df / 2, fnp.maximum((x - loc) / scale, 0) / 2)


chi2 = SimpleNamespace(logpdf=_chi2_logpdf, pdf=_with_exp(_chi2_logpdf), cdf=_chi2_cdf,
                       logcdf=_log_of(_chi2_cdf), sf=_chi2_sf, logsf=_log_of(_chi2_sf))


# ---- gennorm ------------------------------------------------------------------------------

def _gennorm_logpdf(x, beta):
    x, beta = _f(x, beta)
    return fnp.log(beta) - math.log(2) - sp.gammaln(1 / beta) - fnp.abs(x) ** beta


def _gennorm_cdf(x, beta):
    x, beta = _f(x, beta)
    return 0.5 * (1 + fnp.sign(x) * sp.gammainc(1 / beta, fnp.abs(x) ** beta))


gennorm = SimpleNamespace(logpdf=_gennorm_logpdf, pdf=_with_exp(_gennorm_logpdf),
                          cdf=_gennorm_cdf)


# ---- gumbel_r / gumbel_l ----------------------------------------------------------------------

def _z(x, loc, scale):
    x, loc, scale = _f(x, loc, scale)
    return (x - loc) / scale, scale


def _gumbel_r_logpdf(x, loc=0, scale=1):
    z, scale = _z(x, loc, scale)
    return -z - fnp.exp(-z) - fnp.log(scale)


def _gumbel_r_logcdf(x, loc=0, scale=1):
    return -fnp.exp(-_z(x, loc, scale)[0])


def _gumbel_r_logsf(x, loc=0, scale=1):
    return fnp.log(-fnp.expm1(-fnp.exp(-_z(x, loc, scale)[0])))


def _gumbel_r_ppf(p, loc=0, scale=1):
    p, loc, scale = _f(p, loc, scale)
    return loc - scale * fnp.log(-fnp.log(p))


gumbel_r = SimpleNamespace(
    logpdf=_gumbel_r_logpdf, pdf=_with_exp(_gumbel_r_logpdf), logcdf=_gumbel_r_logcdf,
    cdf=_with_exp(_gumbel_r_logcdf), logsf=_gumbel_r_logsf, sf=_with_exp(_gumbel_r_logsf),
    ppf=_gumbel_r_ppf)


def _gumbel_l_logpdf(x, loc=0, scale=1):
    z, scale = _z(x, loc, scale)
    return z - fnp.exp(z) - fnp.log(scale)


def _gumbel_l_logcdf(x, loc=0, scale=1):
    return fnp.log(-fnp.expm1(-fnp.exp(_z(x, loc, scale)[0])))


def _gumbel_l_logsf(x, loc=0, scale=1):
    return -fnp.exp(_z(x, loc, scale)[0])


def _gumbel_l_ppf(p, loc=0, scale=1):
    p, loc, scale = _f(p, loc, scale)
    return loc + scale * fnp.log(-fnp.log1p(-p))


gumbel_l = SimpleNamespace(
    logpdf=_gumbel_l_logpdf, pdf=_with_exp(_gumbel_l_logpdf), logcdf=_gumbel_l_logcdf,
    cdf=_with_exp(_gumbel_l_logcdf), logsf=_gumbel_l_logsf, sf=_with_exp(_gumbel_l_logsf),
    ppf=_gumbel_l_ppf)


# ---- pareto -------------------------------------------------------------------------------

def _pareto_logpdf(x, b, loc=0, scale=1):
    x, b, loc, scale = _f(x, b, loc, scale)
    z = (x - loc) / scale
    safe = fnp.where(z >= 1, z, 1.0)
    return _neg_inf_unless(z >= 1, fnp.log(b) - (b + 1) * fnp.log(safe) - fnp.log(scale))


def _pareto_logsf(x, b, loc=0, scale=1):
    x, b, loc, scale = _f(x, b, loc, scale)
    z = (x - loc) / scale
    return fnp.where(z >= 1, -b * fnp.log(fnp.where(z >= 1, z, 1.0)), 0.0).astype(z.dtype)


def _pareto_logcdf(x, b, loc=0, scale=1):
    x, b, loc, scale = _f(x, b, loc, scale)
    z = (x - loc) / scale
    return _neg_inf_unless(z >= 1, fnp.log1p(-fnp.where(z >= 1, z, 1.0) ** -b))


def _pareto_ppf(q, b, loc=0, scale=1):
    q, b, loc, scale = _f(q, b, loc, scale)
    return loc + scale * (1 - q) ** (-1 / b)


pareto = SimpleNamespace(
    logpdf=_pareto_logpdf, pdf=_with_exp(_pareto_logpdf), logcdf=_pareto_logcdf,
    cdf=_with_exp(_pareto_logcdf), logsf=_pareto_logsf, sf=_with_exp(_pareto_logsf),
    ppf=_pareto_ppf)


# ---- truncnorm ------------------------------------------------------------------------------

def _log_diff(la, lb):
    """log(exp(la) - exp(lb)) for la >= lb."""
    return la + fnp.log(-fnp.expm1(lb - la))


def _log_mass(lo, hi):
    """log(Phi(hi) - Phi(lo)), in whichever tail keeps it accurate."""
    right = _log_diff(sp.log_ndtr(-lo), sp.log_ndtr(-hi))
    left = _log_diff(sp.log_ndtr(hi), sp.log_ndtr(lo))
    middle = fnp.log1p(-sp.ndtr(lo) - sp.ndtr(-hi))
    return fnp.where(lo > 0, right, fnp.where(hi < 0, left, middle))


def _truncnorm_logpdf(x, a, b, loc=0, scale=1):
    x, a, b, loc, scale = _f(x, a, b, loc, scale)
    z = (x - loc) / scale
    val = -0.5 * z * z - 0.5 * _LOG_2PI - fnp.log(scale) - _log_mass(a, b)
    return _neg_inf_unless((z >= a) & (z <= b), val)


def _truncnorm_logcdf(x, a, b, loc=0, scale=1):
    x, a, b, loc, scale = _f(x, a, b, loc, scale)
    z = fnp.clip((x - loc) / scale, a, b)
    val = _log_mass(a, z) - _log_mass(a, b)
    return fnp.where(z >= b, 0.0, _neg_inf_unless(z > a, val)).astype(val.dtype)


def _truncnorm_logsf(x, a, b, loc=0, scale=1):
    x, a, b, loc, scale = _f(x, a, b, loc, scale)
    z = fnp.clip((x - loc) / scale, a, b)
    val = _log_mass(z, b) - _log_mass(a, b)
    return fnp.where(z <= a, 0.0, _neg_inf_unless(z < b, val)).astype(val.dtype)


truncnorm = SimpleNamespace(
    logpdf=_truncnorm_logpdf, pdf=_with_exp(_truncnorm_logpdf), logcdf=_truncnorm_logcdf,
    cdf=_with_exp(_truncnorm_logcdf), logsf=_truncnorm_logsf, sf=_with_exp(_truncnorm_logsf))


# ---- circular -------------------------------------------------------------------------------

def _vonmises_logpdf(x, kappa):
    x, kappa = _f(x, kappa)
    val = kappa * (fnp.cos(x) - 1) - _LOG_2PI - fnp.log(sp.i0e(kappa))
    return _neg_inf_unless(kappa > 0, val)


vonmises = SimpleNamespace(logpdf=_vonmises_logpdf, pdf=_with_exp(_vonmises_logpdf))


def _wrapcauchy_logpdf(x, c):
    x, c = _f(x, c)
    val = fnp.log1p(-c * c) - _LOG_2PI - fnp.log1p(c * c - 2 * c * fnp.cos(x))
    return _neg_inf_unless((x >= 0) & (x <= 2 * math.pi) & (c > 0) & (c < 1), val)


wrapcauchy = SimpleNamespace(logpdf=_wrapcauchy_logpdf, pdf=_with_exp(_wrapcauchy_logpdf))


# ---- discrete -------------------------------------------------------------------------------

def _geom_logpmf(k, p, loc=0):
    k, p, loc = _f(k, p, loc)
    k = k - loc
    return _neg_inf_unless(k > 0, sp.xlog1py(k - 1, -p) + fnp.log(p))


geom = SimpleNamespace(logpmf=_geom_logpmf, pmf=_with_exp(_geom_logpmf))


def _nbinom_logpmf(k, n, p, loc=0):
    k, n, p, loc = _f(k, n, p, loc)
    y = k - loc
    ys = fnp.where(y >= 0, y, 0.0)
    comb = sp.gammaln(n + ys) - sp.gammaln(ys + 1) - sp.gammaln(n)
    return _neg_inf_unless(y >= 0, comb + n * fnp.log(p) + sp.xlog1py(ys, -p))


nbinom = SimpleNamespace(logpmf=_nbinom_logpmf, pmf=_with_exp(_nbinom_logpmf))


def _betabinom_logpmf(k, n, a, b, loc=0):
    k, n, a, b, loc = _f(k, n, a, b, loc)
    y = k - loc
    ok = (y >= 0) & (y <= n)
    ys = fnp.where(ok, y, 0.0)
    comb = sp.gammaln(n + 1) - sp.gammaln(ys + 1) - sp.gammaln(n - ys + 1)
    return _neg_inf_unless(ok, comb + sp.betaln(ys + a, n - ys + b) - sp.betaln(a, b))


betabinom = SimpleNamespace(logpmf=_betabinom_logpmf, pmf=_with_exp(_betabinom_logpmf))


def _multinomial_logpmf(x, n, p):
    x, n = fnp.asarray(x), fnp.asarray(n)
    if x.dtype.kind not in "iu" or n.dtype.kind not in "iu":
        raise ValueError(f"[multinomial] x and n must have integer dtypes (counts), got "
                         f"x: {x.dtype}, n: {n.dtype}; pass x.astype(int)")
    (p,) = promote_dtypes_inexact(p)
    p = fnp.asarray(p)
    x, n = x.astype(p.dtype), n.astype(p.dtype)
    val = sp.gammaln(n + 1) + fnp.sum(sp.xlogy(x, p) - sp.gammaln(x + 1), axis=-1)
    return _neg_inf_unless(fnp.sum(x, axis=-1) == n, val)


multinomial = SimpleNamespace(logpmf=_multinomial_logpmf, pmf=_with_exp(_multinomial_logpmf))


def sem(a, axis: int | None = 0, ddof: int = 1, nan_policy: str = "propagate", *,
        keepdims: bool = False):
    """The standard error of the mean, std(a, ddof) / sqrt(n) (``jax.scipy.stats.sem``).

    Args:
      a: array; axis: reduced axis (None: all); ddof: delta degrees of freedom;
      nan_policy: 'propagate' or 'omit'; keepdims: keep the reduced axis.
    Returns:
      float array.
    Example:
      ``stats.sem(fnp.arange(5.0))``
    """
    (a,) = promote_dtypes_inexact(a)
    a = fnp.asarray(a)
    if nan_policy == "omit":
        n = fnp.sum(~fnp.isnan(a), axis=axis, keepdims=keepdims)
        return fnp.nanstd(a, axis=axis, ddof=ddof, keepdims=keepdims) / fnp.sqrt(n)
    if nan_policy != "propagate":
        raise ValueError(f"[sem] nan_policy must be 'propagate' or 'omit', got {nan_policy!r}")
    n = a.size if axis is None else a.shape[axis]
    return fnp.std(a, axis=axis, ddof=ddof, keepdims=keepdims) / math.sqrt(n)


# ---- rank statistics ------------------------------------------------------------------------

class ModeResult(NamedTuple):
    mode: object
    count: object


def _run_bounds(sorted_last):
    """For values sorted along the last axis: the index where each element's run of equal
    values starts and where it ends."""
    n = sorted_last.shape[-1]
    idx = fnp.broadcast_to(fnp.arange(n), sorted_last.shape)
    new = fnp.concatenate([fnp.ones(sorted_last.shape[:-1] + (1,), bool),
                           sorted_last[..., 1:] != sorted_last[..., :-1]], axis=-1)
    last = fnp.concatenate([new[..., 1:], fnp.ones(sorted_last.shape[:-1] + (1,), bool)],
                           axis=-1)
    start = lax.cummax(fnp.where(new, idx, 0), axis=sorted_last.ndim - 1)
    end = lax.cummin(fnp.where(last, idx, n), axis=sorted_last.ndim - 1, reverse=True)
    return new, start, end


def mode(a, axis: int | None = 0, nan_policy: str = "propagate", keepdims: bool = False):
    """The most frequent value along ``axis`` (the smallest among ties) and its count
    (``jax.scipy.stats.mode``).

    Args:
      a: array; axis: the axis (None: the flattened array); nan_policy: 'propagate';
      keepdims: keep the reduced axis.
    Returns:
      ModeResult(mode, count).
    Example:
      ``stats.mode(fnp.array([1, 2, 2, 3]))  # ModeResult(mode=2, count=2)``
    """
    if nan_policy != "propagate":
        raise NotImplementedError(f"[mode] only nan_policy='propagate' is supported, got "
                                  f"{nan_policy!r}")
    a = fnp.asarray(a)
    if axis is None:
        a, axis = fnp.ravel(a), 0
    axis = axis % max(a.ndim, 1)
    x = fnp.sort(fnp.moveaxis(a, axis, -1), axis=-1)
    _, start, end = _run_bounds(x)
    counts = end - start + 1
    best = fnp.argmax(counts, axis=-1)[..., None]  # the first maximal run: the smallest value
    value = fnp.take_along_axis(x, best, axis=-1)[..., 0]
    count = fnp.take_along_axis(counts, best, axis=-1)[..., 0].astype(fnp.int32)
    if keepdims:
        value, count = fnp.expand_dims(value, axis), fnp.expand_dims(count, axis)
    return ModeResult(value, count)


def rankdata(a, method: str = "average", *, axis: int | None = None,
             nan_policy: str = "propagate"):
    """Ranks (from 1) of the data, ties resolved by ``method``
    (``jax.scipy.stats.rankdata``).

    Args:
      a: array; method: 'average', 'min', 'max', 'dense' or 'ordinal'; axis: rank along
      this axis (None: the flattened array); nan_policy: 'propagate' (NaN in, NaN ranks out).
    Returns:
      float ranks (the default float dtype), as JAX.
    Example:
      ``stats.rankdata(fnp.array([3.0, 1.0, 3.0, 2.0]))  # [3.5, 1, 3.5, 2]``
    """
    if method not in ("average", "min", "max", "dense", "ordinal"):
        raise ValueError(f"[rankdata] unknown method {method!r}: use 'average', 'min', "
                         "'max', 'dense' or 'ordinal'")
    if nan_policy != "propagate":
        raise NotImplementedError(f"[rankdata] only nan_policy='propagate' is supported, "
                                  f"got {nan_policy!r}")
    a = fnp.asarray(a)
    if axis is None:
        return rankdata(fnp.ravel(a), method, axis=0)
    axis = axis % a.ndim
    x = fnp.moveaxis(a, axis, -1)
    order = fnp.argsort(x, axis=-1, stable=True)
    inverse = fnp.argsort(order, axis=-1, stable=True)
    sorted_x = fnp.take_along_axis(x, order, axis=-1)
    new, start, end = _run_bounds(sorted_x)
    by_method = {"ordinal": lambda: lax.cummax(fnp.broadcast_to(
                     fnp.arange(x.shape[-1]), x.shape), axis=x.ndim - 1) + 1,
                 "min": lambda: start + 1, "max": lambda: end + 1,
                 "dense": lambda: fnp.cumsum(new, axis=-1),
                 "average": lambda: (start + end) / 2.0 + 1}
    ranks = fnp.take_along_axis(by_method[method](), inverse, axis=-1)
    ranks = ranks.astype(fnp.result_type(float))  # float ranks for every method, as JAX
    if a.dtype.kind in "fc":
        ranks = fnp.where(fnp.any(fnp.isnan(x), axis=-1, keepdims=True), np.nan, ranks)
    return fnp.moveaxis(ranks, -1, axis)
