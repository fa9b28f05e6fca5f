"""Gamma-family samplers for ``functrans.random`` (re-exported there): gamma,
loggamma, beta, dirichlet, t. Bit-identical to ``jax.random``: Marsaglia-Tsang
rejection per element with JAX's key schedule (one split for the boost, then per
attempt a 3-way split and an inner loop redrawing the normal while ``v <= 0``).

The per-element nested loops run as one masked state machine (phase 0: start an
attempt, phase 1: redraw the normal, phase 3: done), so every element draws exactly
the keys JAX's loops draw. Eagerly the loop runs in Python over a compiled step;
under tracing it uses ``lax.while_loop`` where functrans has it, else ``UNROLL``
masked steps (elements still undecided after them, probability ~1e-10 each, are NaN).
"""

from __future__ import annotations

import functools
import math

import numpy as np

from . import _lax_lenient as lax
from . import numpy as fnp
from ._random_keys import check_key, split_data
from ._vmap_api import vmap
from .api import jit
from .core.trace import Tracer
from .random import _float_dtype, _normal, _shape, _uniform
from .tree_util import tree_leaves

UNROLL = 8
_DONE = 3


def _split_many(keys, num):
    return vmap(lambda k: split_data(k, (num,)))(keys)


@functools.partial(jit, static_argnums=(2,))
def _init(keys, alpha, dtype):
    boost_mask = alpha >= 1
    alpha = fnp.where(boost_mask, alpha, alpha + fnp.ones((), dtype))
    d = alpha - fnp.asarray(np.array(1 / 3, dtype))
    c = fnp.asarray(np.array(1 / 3, dtype)) / lax.sqrt(d)
    ks = _split_many(keys, 2)
    zeros = fnp.zeros(alpha.shape, dtype)
    state = dict(key=ks[:, 0], ikey=ks[:, 0], ukey=ks[:, 0], X=zeros, V=zeros + 1, U=zeros + 2,
                 phase=fnp.zeros(alpha.shape, np.int32))
    return state, ks[:, 1], d, c, boost_mask


@functools.partial(jit, static_argnums=(3,))
def _step(state, d, c, dtype):
    one = fnp.ones((), dtype)
    start = state["phase"] == 0
    k3 = _split_many(state["key"], 3)
    key = fnp.where(start[:, None], k3[:, 0], state["key"])
    ikey = fnp.where(start[:, None], k3[:, 1], state["ikey"])
    ukey = fnp.where(start[:, None], k3[:, 2], state["ukey"])
    k2 = _split_many(ikey, 2)
    active = state["phase"] != _DONE
    ikey = fnp.where(active[:, None], k2[:, 0], ikey)
    x = vmap(lambda k: _normal(k, (), dtype))(k2[:, 1])
    v = one + x * c
    drawn = active & (v > 0)
    X, V = x * x, v * v * v
    U = vmap(lambda k: _uniform(k, (), dtype, 0.0, 1.0))(ukey)
    again = (U >= one - fnp.asarray(np.array(0.0331, dtype)) * (X * X)) & (
        lax.log(U) >= X * fnp.asarray(np.array(0.5, dtype)) + d * ((one - V) + lax.log(V)))
    phase = fnp.where(drawn, fnp.where(again, 0, _DONE),
                      fnp.where(active, 1, _DONE)).astype(np.int32)
    keep = lambda new, old: fnp.where(drawn, new, old)  # noqa: E731
    return dict(key=key, ikey=ikey, ukey=ukey, X=keep(X, state["X"]), V=keep(V, state["V"]),
                U=keep(U, state["U"]), phase=phase)


@functools.partial(jit, static_argnums=(5, 6))
def _finish(state, sub, d, alpha, boost_mask, dtype, log_space):
    V = state["V"]
    if log_space:
        u = vmap(lambda k: _uniform(k, (), dtype, 0.0, 1.0))(sub)
        exponential = -lax.log1p(-u)
        log_samples = -exponential
        log_boost = fnp.where(boost_mask | (log_samples == 0), fnp.zeros((), dtype),
                              log_samples * (fnp.ones((), dtype) / alpha))
        out = lax.log(d) + lax.log(V) + log_boost
    else:
        samples = 1 - vmap(lambda k: _uniform(k, (), dtype, 0.0, 1.0))(sub)
        boost = fnp.where(boost_mask, fnp.ones((), dtype),
                          lax.pow(samples, fnp.ones((), dtype) / alpha))
        out = d * V * boost
    return fnp.where(state["phase"] == _DONE, out, fnp.full((), np.nan, dtype))


def _run(state, d, c, dtype):
    if not any(isinstance(leaf, Tracer) for leaf in tree_leaves((state, d, c))):
        while bool(fnp.any(state["phase"] != _DONE)):
            state = _step(state, d, c, dtype)
        return state
    if hasattr(lax, "while_loop"):
        return lax.while_loop(lambda s: fnp.any(s["phase"] != _DONE),
                              lambda s: _step(s, d, c, dtype), state)
    for _ in range(UNROLL):
        state = _step(state, d, c, dtype)
    return state


def _gamma_flat(data, alpha, dtype, log_space):
    """Samples for the flat ``alpha`` (n,), one key per element split from ``data``."""
    keys = split_data(data, (alpha.shape[0],))
    state, sub, d, c, boost_mask = _init(keys, alpha, dtype)
    state = _run(state, d, c, dtype)
    return _finish(state, sub, d, alpha, boost_mask, dtype, log_space)


def _gamma(name, key, a, shape, dtype, log_space):
    data, _ = check_key(name, key)
    dtype = _float_dtype(name, dtype)
    a = fnp.asarray(a)
    shape = a.shape if shape is None else _shape(name, shape, a.shape)
    a = fnp.broadcast_to(lax.convert_element_type(a, dtype), shape)
    size = math.prod(shape)
    if size == 0:
        return fnp.zeros(shape, dtype)
    sample = _differentiable(lambda d, a: _gamma_flat(d, a, dtype, log_space), data,
                             fnp.reshape(a, (size,)), log_space)
    return fnp.reshape(sample, shape)


def gamma(key, a, shape=None, dtype=None):
    """Gamma(a, 1) samples (Marsaglia-Tsang, JAX's key schedule: same samples).

    Args:
      key: a single key.
      a: shape parameter (positive, broadcastable to ``shape``).
      shape: the result shape (default ``a``'s shape).
      dtype: a float dtype (default float32).
    Returns:
      Samples of ``shape``.
    Example:
      >>> random.gamma(random.key(0), 2.0, (3,))
    """
    return _gamma("gamma", key, a, shape, dtype, False)


def loggamma(key, a, shape=None, dtype=None):
    """Log of Gamma(a, 1) samples, accurate for small ``a``.

    Args:
      key: a single key.
      a: shape parameter.
      shape: the result shape.
      dtype: a float dtype (default float32).
    Returns:
      ``log`` of gamma samples.
    Example:
      >>> random.loggamma(random.key(0), 0.1, (3,))
    """
    return _gamma("loggamma", key, a, shape, dtype, True)


def beta(key, a, b, shape=None, dtype=None):
    """Beta(a, b) samples, from two log-gamma samples.

    Args:
      key: a single key.
      a, b: positive parameters (broadcastable).
      shape: the result shape (default: the parameters' broadcast shape).
      dtype: a float dtype (default float32).
    Returns:
      Samples in [0, 1].
    Example:
      >>> random.beta(random.key(0), 2.0, 3.0, (3,))
    """
    check_key("beta", key)
    dtype = _float_dtype("beta", dtype)
    if shape is None:
        shape = np.broadcast_shapes(np.shape(a), np.shape(b))
    shape = _shape("beta", shape, np.shape(a), np.shape(b))
    key_a, key_b = _split_pair(key)
    a = fnp.broadcast_to(lax.convert_element_type(fnp.asarray(a), dtype), shape)
    b = fnp.broadcast_to(lax.convert_element_type(fnp.asarray(b), dtype), shape)
    lga, lgb = loggamma(key_a, a, shape, dtype), loggamma(key_b, b, shape, dtype)
    log_max = lax.max(lga, lgb)
    ga, gb = fnp.exp(lga - log_max), fnp.exp(lgb - log_max)
    return ga / (ga + gb)


def _split_pair(key):
    from .random import split
    ks = split(key)
    return ks[0], ks[1]


def dirichlet(key, alpha, shape=None, dtype=None):
    """Dirichlet(alpha) samples (normalized log-gamma samples).

    Args:
      key: a single key.
      alpha: concentrations, shape ``(..., k)``.
      shape: batch shape (default ``alpha.shape[:-1]``).
      dtype: a float dtype (default float32).
    Returns:
      Samples of shape ``shape + (k,)`` on the simplex.
    Example:
      >>> random.dirichlet(random.key(0), fnp.array([1.0, 2.0, 3.0]))
    """
    from .nn import softmax
    check_key("dirichlet", key)
    dtype = _float_dtype("dirichlet", dtype)
    alpha = fnp.asarray(alpha)
    if alpha.ndim < 1:
        raise ValueError(f"[random.dirichlet] alpha must have ndim >= 1, got shape {alpha.shape}")
    shape = alpha.shape[:-1] if shape is None else _shape("dirichlet", shape, alpha.shape[:-1])
    alpha = lax.convert_element_type(alpha, dtype)
    return softmax(loggamma(key, alpha, tuple(shape) + alpha.shape[-1:], dtype), -1)


def t(key, df, shape=(), dtype=None):
    """Student's t samples: ``normal * sqrt(df / 2 / gamma(df / 2))``.

    Args:
      key: a single key.
      df: degrees of freedom (broadcastable to ``shape``).
      shape: the result shape.
      dtype: a float dtype (default float32).
    Returns:
      Samples of ``shape``.
    Example:
      >>> random.t(random.key(0), 3.0, (3,))
    """
    data, _ = check_key("t", key)
    dtype = _float_dtype("t", dtype)
    if shape is None:
        shape = np.shape(df)
    shape = _shape("t", shape, np.shape(df))
    df = lax.convert_element_type(fnp.asarray(df), dtype)
    key_n, key_g = _split_pair(key)
    n = _normal(check_key("t", key_n)[0], shape, dtype)
    half_df = df / fnp.asarray(np.array(2, dtype))
    g = gamma(key_g, half_df, shape, dtype)
    return n * fnp.sqrt(half_df / g)


# ---- implicit reparameterization gradient --------------------------------------------------

_SERIES_TERMS = 256


def gamma_sample_grad(a, x):
    """``d x / d a`` for a Gamma(a, 1) sample ``x`` (implicit reparameterization):
    ``-(dP/da) / (dP/dx)`` with ``P`` the regularized lower incomplete gamma, ``dP/da``
    from its power series (``_SERIES_TERMS`` terms: accurate while ``x`` is within
    ~``a + 10 sqrt(a) + 50``, i.e. for gamma samples of ``a`` up to ~100)."""
    one = fnp.ones((), a.dtype)
    log_x = lax.log(x)
    term, series, weighted, harmonic = fnp.ones_like(a), fnp.ones_like(a), fnp.zeros_like(a), \
        fnp.zeros_like(a)
    for n in range(1, _SERIES_TERMS):
        k = a + n
        term = term * x / k
        harmonic = harmonic + one / k
        series = series + term
        weighted = weighted + term * harmonic
    log_e = a * log_x - x - lax.lgamma(a + one)
    dp_da = lax.exp(log_e) * ((log_x - lax.digamma(a + one)) * series - weighted)
    dp_dx = lax.exp((a - one) * log_x - x - lax.lgamma(a))
    return -dp_da / dp_dx


def _differentiable(sample_fn, data, a, log_space):
    """``sample_fn(data, a)`` with the implicit reparameterization derivative in ``a``
    (the key data is an argument, not a closure, so the rule captures no tracer when the
    sampler is staged inside a jit that is differentiated later)."""
    from .higher_order.custom_derivatives import custom_jvp

    @custom_jvp
    def draw(data, a):
        return sample_fn(data, a)

    @draw.defjvp
    def _draw_jvp(primals, tangents):
        (data, a), (_, t_a) = primals, tangents
        s = draw(data, a)
        if log_space:
            x = lax.exp(s)
            x = fnp.where(x == 0, fnp.full((), np.finfo(x.dtype).tiny, x.dtype), x)
            return s, t_a * (gamma_sample_grad(a, x) / x)
        return s, t_a * gamma_sample_grad(a, s)

    return draw(data, a)


# ---- poisson -----------------------------------------------------------------------------

def _loop(api, cond, body, state):
    """``while cond(state): state = body(state)``: a Python loop over compiled steps
    eagerly, ``lax.while_loop`` under tracing (where functrans has it)."""
    if not any(isinstance(leaf, Tracer) for leaf in tree_leaves(state)):
        while bool(cond(state)):
            state = body(state)
        return state
    if hasattr(lax, "while_loop"):
        return lax.while_loop(cond, body, state)
    raise NotImplementedError(f"[random.{api}] under jit/vmap/grad needs lax.while_loop, which "
                              "functrans does not have yet; call it eagerly")


@functools.partial(jit, static_argnums=(2,))
def _knuth_step(state, lam, shape):
    i, k, data, log_prod = state
    ks = split_data(data, (2,))
    k = fnp.where(log_prod > -lam, k + 1, k)
    u = _uniform(ks[1], shape, np.dtype(np.float32), 0.0, 1.0)
    return i + 1, k, ks[0], log_prod + lax.log(u)


@functools.partial(jit, static_argnums=(2,))
def _rejection_step(state, lam, shape):
    i, k_out, accepted, data = state
    f32 = np.dtype(np.float32)
    log_lam = lax.log(lam)
    b = 0.931 + 2.53 * lax.sqrt(lam)
    a = -0.059 + 0.02483 * b
    inv_alpha = 1.1239 + 1.1328 / (b - 3.4)
    v_r = 0.9277 - 3.6224 / (b - 2)
    ks = split_data(data, (3,))
    u = _uniform(ks[1], shape, f32, 0.0, 1.0) - 0.5
    v = _uniform(ks[2], shape, f32, 0.0, 1.0)
    u_shifted = 0.5 - fnp.abs(u)
    k = lax.floor((2 * a / u_shifted + b) * u + lam + 0.43)
    s = lax.log(v * inv_alpha / (a / (u_shifted * u_shifted) + b))
    t_ = -lam + k * log_lam - lax.lgamma(k + 1)
    accept1 = (u_shifted >= 0.07) & (v <= v_r)
    reject = (k < 0) | ((u_shifted < 0.013) & (v > u_shifted))
    accept = accept1 | (~reject & (s <= t_))
    return i + 1, fnp.where(accept, k, k_out), accepted | accept, ks[0]


def poisson(key, lam, shape=None, dtype=None):
    """Poisson(lam) samples (Knuth below 10, Hormann's transformed rejection above),
    as JAX's: the same samples. Eager only until functrans has ``lax.while_loop``.

    Args:
      key: a single key.
      lam: rates (broadcastable to ``shape``).
      shape: the result shape (default ``lam``'s shape).
      dtype: an integer dtype (default int32).
    Returns:
      Integer samples of ``shape``.
    Example:
      >>> random.poisson(random.key(0), 3.0, (4,))
    """
    from .core import dtypes
    data, _ = check_key("poisson", key)
    dtype = dtypes.canonicalize(np.int64 if dtype is None else dtype)
    shape = np.shape(lam) if shape is None else _shape("poisson", shape)
    shape = tuple(shape)
    lam = lax.convert_element_type(fnp.broadcast_to(fnp.asarray(lam), shape), np.float32)
    use_knuth = fnp.isnan(lam) | (lam < 10)
    lam_k = fnp.where(use_knuth, lam, 0.0)
    lam_r = fnp.where(use_knuth, 1e5, lam)
    big = int(np.iinfo(dtype).max)
    init_k = (0, fnp.zeros(shape, dtype), data, fnp.zeros(shape, np.float32))
    knuth = _loop("poisson", lambda s: fnp.any(s[3] > -lam_k) & (s[0] < big),
                  lambda s: _knuth_step(s, lam_k, shape), init_k)[1]
    init_r = (0, fnp.full(shape, -1.0, np.float32), fnp.zeros(shape, bool), data)
    rejection = _loop("poisson", lambda s: fnp.any(~s[2]) & (s[0] < big),
                      lambda s: _rejection_step(s, lam_r, shape), init_r)[1]
    result = fnp.where(use_knuth, (knuth - 1).astype(dtype), rejection.astype(dtype))
    return fnp.where(lam == 0, fnp.zeros_like(result), result)
