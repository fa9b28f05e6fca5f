"""``functrans.scipy.stats`` (as ``jax.scipy.stats``): log-densities, densities, CDFs and
quantiles of common distributions, built from functrans.numpy and
``functrans.scipy.special``. Each distribution is a namespace of functions with JAX's
signatures: ``stats.norm.logpdf(x, loc=0, scale=1)``.

Example::

    from functrans.scipy import stats
    stats.norm.logpdf(x); stats.multivariate_normal.logpdf(x, mean, cov)
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np

from .. import numpy as fnp
from ..numpy._util import promote_dtypes_inexact
from . import special as sp

_LOG_2PI = math.log(2 * math.pi)


def _f(*xs):
    return fnp.broadcast_arrays(*[fnp.asarray(x) for x in promote_dtypes_inexact(*xs)])


def _inside(cond, value):
    return fnp.where(cond, value, -np.inf).astype(value.dtype)


# ---- continuous ----------------------------------------------------------------------------

def _norm_logpdf(x, loc=0, scale=1):
    x, loc, scale = _f(x, loc, scale)
    z = (x - loc) / scale
    return -0.5 * z * z - fnp.log(scale) - 0.5 * _LOG_2PI


def _norm_cdf(x, loc=0, scale=1):
    x, loc, scale = _f(x, loc, scale)
    return sp.ndtr((x - loc) / scale)


def _norm_logcdf(x, loc=0, scale=1):
    x, loc, scale = _f(x, loc, scale)
    return sp.log_ndtr((x - loc) / scale)


def _norm_ppf(q, loc=0, scale=1):
    q, loc, scale = _f(q, loc, scale)
    return loc + scale * sp.ndtri(q)


def _norm_sf(x, loc=0, scale=1):
    x, loc, scale = _f(x, loc, scale)
    return sp.ndtr(-(x - loc) / scale)


def _norm_logsf(x, loc=0, scale=1):
    x, loc, scale = _f(x, loc, scale)
    return sp.log_ndtr(-(x - loc) / scale)


def _norm_isf(q, loc=0, scale=1):
    q, loc, scale = _f(q, loc, scale)
    return loc - scale * sp.ndtri(q)


norm = SimpleNamespace(
    logpdf=_norm_logpdf, pdf=lambda x, loc=0, scale=1: fnp.exp(_norm_logpdf(x, loc, scale)),
    cdf=_norm_cdf, logcdf=_norm_logcdf, ppf=_norm_ppf, sf=_norm_sf, logsf=_norm_logsf,
    isf=_norm_isf)


def _uniform_logpdf(x, loc=0, scale=1):
    x, loc, scale = _f(x, loc, scale)
    return _inside((x >= loc) & (x <= loc + scale), -fnp.log(scale))


def _uniform_cdf(x, loc=0, scale=1):
    x, loc, scale = _f(x, loc, scale)
    return fnp.clip((x - loc) / scale, 0, 1)


def _uniform_ppf(q, loc=0, scale=1):
    q, loc, scale = _f(q, loc, scale)
    return fnp.where((q >= 0) & (q <= 1), loc + q * scale, np.nan).astype(q.dtype)


uniform = SimpleNamespace(
    logpdf=_uniform_logpdf,
    pdf=lambda x, loc=0, scale=1: fnp.exp(_uniform_logpdf(x, loc, scale)),
    cdf=_uniform_cdf, ppf=_uniform_ppf)


def _laplace_logpdf(x, loc=0, scale=1):
    x, loc, scale = _f(x, loc, scale)
    return -math.log(2) - fnp.log(scale) - fnp.abs(x - loc) / scale


def _laplace_cdf(x, loc=0, scale=1):
    x, loc, scale = _f(x, loc, scale)
    z = (x - loc) / scale
    return fnp.where(z < 0, 0.5 * fnp.exp(z), 1 - 0.5 * fnp.exp(-z))


laplace = SimpleNamespace(
    logpdf=_laplace_logpdf,
    pdf=lambda x, loc=0, scale=1: fnp.exp(_laplace_logpdf(x, loc, scale)), cdf=_laplace_cdf)


def _logistic_logpdf(x, loc=0, scale=1):
    x, loc, scale = _f(x, loc, scale)
    z = (x - loc) / scale
    return -z - 2 * fnp.logaddexp(0.0, -z) - fnp.log(scale)


def _logistic_cdf(x, loc=0, scale=1):
    x, loc, scale = _f(x, loc, scale)
    return sp.expit((x - loc) / scale)


def _logistic_ppf(q, loc=0, scale=1):
    q, loc, scale = _f(q, loc, scale)
    return loc + scale * sp.logit(q)


def _logistic_sf(x, loc=0, scale=1):
    x, loc, scale = _f(x, loc, scale)
    return sp.expit(-(x - loc) / scale)


def _logistic_isf(q, loc=0, scale=1):
    q, loc, scale = _f(q, loc, scale)
    return loc - scale * sp.logit(q)


logistic = SimpleNamespace(
    logpdf=_logistic_logpdf,
    pdf=lambda x, loc=0, scale=1: fnp.exp(_logistic_logpdf(x, loc, scale)),
    cdf=_logistic_cdf, ppf=_logistic_ppf, sf=_logistic_sf, isf=_logistic_isf)


def _cauchy_logpdf(x, loc=0, scale=1):
    x, loc, scale = _f(x, loc, scale)
    z = (x - loc) / scale
    return -math.log(math.pi) - fnp.log(scale) - fnp.log1p(z * z)


def _cauchy_cdf(x, loc=0, scale=1):
    x, loc, scale = _f(x, loc, scale)
    return 0.5 + fnp.arctan((x - loc) / scale) / math.pi


def _cauchy_ppf(q, loc=0, scale=1):
    q, loc, scale = _f(q, loc, scale)
    return loc + scale * fnp.tan(math.pi * (q - 0.5))


def _cauchy_sf(x, loc=0, scale=1):
    x, loc, scale = _f(x, loc, scale)
    return 0.5 - fnp.arctan((x - loc) / scale) / math.pi


cauchy = SimpleNamespace(
    logpdf=_cauchy_logpdf,
    pdf=lambda x, loc=0, scale=1: fnp.exp(_cauchy_logpdf(x, loc, scale)),
    cdf=_cauchy_cdf, ppf=_cauchy_ppf, sf=_cauchy_sf,
    logcdf=lambda x, loc=0, scale=1: fnp.log(_cauchy_cdf(x, loc, scale)),
    logsf=lambda x, loc=0, scale=1: fnp.log(_cauchy_sf(x, loc, scale)),
    isf=lambda q, loc=0, scale=1: _cauchy_ppf(1 - fnp.asarray(q), loc, scale))


def _expon_logpdf(x, loc=0, scale=1):
    x, loc, scale = _f(x, loc, scale)
    z = (x - loc) / scale
    return _inside(z >= 0, -z - fnp.log(scale))


def _expon_cdf(x, loc=0, scale=1):
    x, loc, scale = _f(x, loc, scale)
    z = fnp.maximum((x - loc) / scale, 0.0)
    return -fnp.expm1(-z)


def _expon_logsf(x, loc=0, scale=1):
    x, loc, scale = _f(x, loc, scale)
    return -fnp.maximum((x - loc) / scale, 0.0)


def _expon_ppf(q, loc=0, scale=1):
    q, loc, scale = _f(q, loc, scale)
    return loc - scale * fnp.log1p(-q)


expon = SimpleNamespace(
    logpdf=_expon_logpdf, pdf=lambda x, loc=0, scale=1: fnp.exp(_expon_logpdf(x, loc, scale)),
    cdf=_expon_cdf, logcdf=lambda x, loc=0, scale=1: fnp.log(_expon_cdf(x, loc, scale)),
    sf=lambda x, loc=0, scale=1: fnp.exp(_expon_logsf(x, loc, scale)), logsf=_expon_logsf,
    ppf=_expon_ppf)


def _t_logpdf(x, df, loc=0, scale=1):
    x, df, loc, scale = _f(x, df, loc, scale)
    z = (x - loc) / scale
    return (sp.gammaln((df + 1) / 2) - sp.gammaln(df / 2) - 0.5 * fnp.log(df * math.pi)
            - fnp.log(scale) - (df + 1) / 2 * fnp.log1p(z * z / df))


t = SimpleNamespace(
    logpdf=_t_logpdf,
    pdf=lambda x, df, loc=0, scale=1: fnp.exp(_t_logpdf(x, df, loc, scale)))


def _gamma_logpdf(x, a, loc=0, scale=1):
    x, a, loc, scale = _f(x, a, loc, scale)
    z = (x - loc) / scale
    safe = fnp.where(z > 0, z, fnp.ones_like(z))
    val = sp.xlogy(a - 1, safe) - safe - sp.gammaln(a) - fnp.log(scale)
    at0 = fnp.where(a == 1, -fnp.log(scale), fnp.where(a < 1, np.inf, -np.inf).astype(z.dtype))
    return fnp.where(z > 0, val, fnp.where(z == 0, at0, -np.inf).astype(z.dtype))


gamma = SimpleNamespace(
    logpdf=_gamma_logpdf,
    pdf=lambda x, a, loc=0, scale=1: fnp.exp(_gamma_logpdf(x, a, loc, scale)))


def _beta_logpdf(x, a, b, loc=0, scale=1):
    x, a, b, loc, scale = _f(x, a, b, loc, scale)
    z = (x - loc) / scale
    val = sp.xlogy(a - 1, z) + sp.xlog1py(b - 1, -z) - sp.betaln(a, b) - fnp.log(scale)
    return _inside((z >= 0) & (z <= 1), val)


beta = SimpleNamespace(
    logpdf=_beta_logpdf,
    pdf=lambda x, a, b, loc=0, scale=1: fnp.exp(_beta_logpdf(x, a, b, loc, scale)))


def _mvn_logpdf(x, mean, cov, allow_singular=None):
    x, mean, cov = [fnp.asarray(v) for v in promote_dtypes_inexact(x, mean, cov)]
    if cov.ndim < 2:
        raise ValueError(f"[multivariate_normal] cov must be a matrix [..., n, n], got shape "
                         f"{cov.shape}")
    n = cov.shape[-1]
    from . import linalg
    L = fnp.linalg.cholesky(cov)
    diff = x - mean
    batch = np.broadcast_shapes(diff.shape[:-1], L.shape[:-2])
    diff = fnp.broadcast_to(diff, (*batch, n))
    L = fnp.broadcast_to(L, (*batch, n, n))
    y = linalg.solve_triangular(L, diff, lower=True)
    logdet = fnp.sum(fnp.log(fnp.diagonal(L, axis1=-2, axis2=-1)), axis=-1)
    return -0.5 * fnp.sum(y * y, axis=-1) - logdet - 0.5 * n * _LOG_2PI


multivariate_normal = SimpleNamespace(
    logpdf=_mvn_logpdf,
    pdf=lambda x, mean, cov, allow_singular=None: fnp.exp(_mvn_logpdf(x, mean, cov)))


def _dirichlet_logpdf(x, alpha):
    x, alpha = [fnp.asarray(v) for v in promote_dtypes_inexact(x, alpha)]
    norm_const = fnp.sum(sp.gammaln(alpha), axis=0) - sp.gammaln(fnp.sum(alpha, axis=0))
    alpha_b = alpha.reshape(alpha.shape + (1,) * (x.ndim - 1))
    val = fnp.sum(sp.xlogy(alpha_b - 1, x), axis=0) - norm_const
    ok = fnp.all(x >= 0, axis=0) & (fnp.abs(fnp.sum(x, axis=0) - 1) < 1e-4)
    return _inside(ok, val)


dirichlet = SimpleNamespace(logpdf=_dirichlet_logpdf,
                            pdf=lambda x, alpha: fnp.exp(_dirichlet_logpdf(x, alpha)))


# ---- discrete ------------------------------------------------------------------------------

def _bernoulli_logpmf(k, p, loc=0):
    k, p, loc = _f(k, p, loc)
    k = k - loc
    val = sp.xlogy(k, p) + sp.xlog1py(1 - k, -p)
    return _inside((k == 0) | (k == 1), val)


def _bernoulli_cdf(k, p):
    k, p = _f(k, p)
    return fnp.where(k < 0, 0.0, fnp.where(k < 1, 1 - p, 1.0)).astype(p.dtype)


bernoulli = SimpleNamespace(
    logpmf=_bernoulli_logpmf, pmf=lambda k, p, loc=0: fnp.exp(_bernoulli_logpmf(k, p, loc)),
    cdf=_bernoulli_cdf,
    ppf=lambda q, p: fnp.where(fnp.asarray(q) > 1 - fnp.asarray(p), 1.0, 0.0))


def _binom_logpmf(k, n, p, loc=0):
    k, n, p, loc = _f(k, n, p, loc)
    y = k - loc
    comb = sp.gammaln(n + 1) - sp.gammaln(y + 1) - sp.gammaln(n - y + 1)
    val = comb + sp.xlogy(y, p) + sp.xlog1py(n - y, -p)
    return _inside((y >= 0) & (y <= n) & (y == fnp.floor(y)), val)


binom = SimpleNamespace(
    logpmf=_binom_logpmf, pmf=lambda k, n, p, loc=0: fnp.exp(_binom_logpmf(k, n, p, loc)))


def _poisson_logpmf(k, mu, loc=0):
    k, mu, loc = _f(k, mu, loc)
    x = k - loc
    val = sp.xlogy(x, mu) - sp.gammaln(x + 1) - mu
    return _inside((x >= 0) & (x == fnp.floor(x)), val)


poisson = SimpleNamespace(
    logpmf=_poisson_logpmf, pmf=lambda k, mu, loc=0: fnp.exp(_poisson_logpmf(k, mu, loc)))


# ---- CDFs on the incomplete gamma/beta functions, and more distributions (_stats_more.py) ---
from . import _stats_more as _more  # noqa: E402
from ._stats_more import (  # noqa: E402, F401 (re-export)
    betabinom,
    chi2,
    gennorm,
    geom,
    gumbel_l,
    gumbel_r,
    mode,
    multinomial,
    nbinom,
    pareto,
    rankdata,
    sem,
    truncnorm,
    vonmises,
    wrapcauchy,
)

gamma.cdf, gamma.sf = _more.gamma_cdf, _more.gamma_sf
gamma.logcdf, gamma.logsf = _more._log_of(_more.gamma_cdf), _more._log_of(_more.gamma_sf)
beta.cdf, beta.sf = _more.beta_cdf, _more.beta_sf
beta.logcdf, beta.logsf = _more._log_of(_more.beta_cdf), _more._log_of(_more.beta_sf)
poisson.cdf, poisson.entropy = _more.poisson_cdf, _more.poisson_entropy
from ._kde import gaussian_kde  # noqa: E402, F401
