"""binomial and multinomial for ``functrans.random`` (re-exported there), JAX's
algorithms with JAX's key schedule: inversion (sums of geometric draws) where
``n * min(p, 1-p) <= 10``, else BTRS transformed rejection (Hormann 1993), both as
``lax.while_loop``s over whole-array steps; multinomial is a ``lax.scan`` of
conditional binomials over the categories."""

from __future__ import annotations

import functools

import numpy as np

from . import _lax_lenient as lax
from . import numpy as fnp
from ._random_keys import check_key, split_data
from ._random_more import sample_args
from .api import jit
from .core import dtypes
from .random import _uniform

_STIRLING_TAIL = (0.0810614667953272, 0.0413406959554092, 0.0276779256849983,
                  0.02079067210376509, 0.0166446911898211, 0.0138761288230707,
                  0.0118967099458917, 0.0104112652619720, 0.00925546218271273,
                  0.00833056343336287)


def _stirling_tail(k):
    """``log k! - (Stirling's approximation)``: a table below 10, a series above."""
    table = fnp.asarray(np.array(_STIRLING_TAIL, k.dtype))
    small = k <= 9
    k = lax.clamp(fnp.zeros((), k.dtype), k, fnp.full((), 9.0, k.dtype))
    kp1sq = (k + 1) * (k + 1)
    approx = (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / kp1sq) / kp1sq) / (k + 1)
    return lax.select(small, table[fnp.floor(k).astype(np.int32)], approx)


def _inversion(data, count, prob, shape, max_iters):
    log1m_prob = fnp.log1p(-prob)

    def body(carry):
        i, num_geom, geom_sum, key = carry
        ks = split_data(key, (2,))
        num_geom = lax.select(geom_sum <= count, num_geom + 1, num_geom)
        u = _uniform(ks[0], shape, prob.dtype, 0.0, 1.0)
        geom = fnp.ceil(fnp.log(u) / log1m_prob)
        return i + 1, num_geom, geom_sum + geom, ks[1]

    def cond(carry):
        return fnp.any(carry[2] <= count) & (carry[0] < max_iters)

    zeros = fnp.zeros(shape, prob.dtype)
    return lax.while_loop(cond, body, (0, zeros, zeros, data))[1] - 1


def _btrs(data, count, prob, shape, max_iters):
    stddev = fnp.sqrt(count * prob * (1 - prob))
    b = 1.15 + 2.53 * stddev
    a = -0.0873 + 0.0248 * b + 0.01 * prob
    c = count * prob + 0.5
    v_r = 0.92 - 4.2 / b
    r = prob / (1 - prob)
    alpha = (2.83 + 5.1 / b) * stddev
    m = fnp.floor((count + 1) * prob)
    log_ratio_m = (m + 0.5) * fnp.log((m + 1) / (r * (count - m + 1)))
    tail_m, tail_count_m = _stirling_tail(m), _stirling_tail(count - m)

    def body(carry):
        i, k_out, accepted, key = carry
        ks = split_data(key, (3,))
        u = _uniform(ks[1], shape, prob.dtype, 0.0, 1.0) - 0.5
        v = _uniform(ks[2], shape, prob.dtype, 0.0, 1.0)
        us = 0.5 - fnp.abs(u)
        accept1 = (us >= 0.07) & (v <= v_r)
        k = fnp.floor((2 * a / us + b) * u + c)
        reject = (k < 0) | (k > count)
        v = fnp.log(v * alpha / (a / (us * us) + b))
        ub = (log_ratio_m + (count + 1) * fnp.log((count - m + 1) / (count - k + 1))
              + (k + 0.5) * fnp.log(r * (count - k + 1) / (k + 1))
              + tail_m + tail_count_m - _stirling_tail(k) - _stirling_tail(count - k))
        accept = accept1 | (~reject & (v <= ub))
        return i + 1, lax.select(accept, k, k_out), accepted | accept, ks[0]

    def cond(carry):
        return fnp.any(~carry[2]) & (carry[0] < max_iters)

    init = (0, fnp.full(shape, -1, prob.dtype), fnp.zeros(shape, bool), data)
    return lax.while_loop(cond, body, init)[1]


@functools.partial(jit, static_argnums=(3, 4))
def _binomial(data, count, prob, shape, dtype):
    count = fnp.broadcast_to(lax.convert_element_type(count, prob.dtype), shape)
    prob = fnp.broadcast_to(prob, shape)
    p_lt_half = prob < 0.5
    q = lax.select(p_lt_half, prob, 1.0 - prob)
    count_nan_or_neg = fnp.isnan(count) | (count < 0.0)
    count_inf, q_is_nan, q_lt_0 = fnp.isinf(count), fnp.isnan(q), q < 0.0
    q = lax.select(q_is_nan | q_lt_0, fnp.full_like(q, 0.01), q)
    use_inversion = count_nan_or_neg | (count * q <= 10.0)
    count = fnp.floor(count)
    max_iters = float(np.finfo(dtype).max)
    inv = _inversion(data, lax.select(use_inversion, count, fnp.zeros_like(count)), q, shape,
                     max_iters)
    btrs = _btrs(data, lax.select(use_inversion, fnp.full_like(count, 1e4), count),
                 lax.select(use_inversion, fnp.full_like(q, 0.5), q), shape, max_iters)
    samples = lax.select(use_inversion, inv.astype(dtype), btrs.astype(dtype))
    invalid = q_lt_0 | q_is_nan | count_nan_or_neg
    samples = lax.select(invalid, fnp.full_like(samples, np.nan), samples)
    samples = lax.select(count_inf & ~invalid, fnp.full_like(samples, np.inf), samples)
    keep = p_lt_half | count_nan_or_neg | q_is_nan | count_inf
    return lax.select(keep, samples, count.astype(dtype) - samples)


def binomial(key, n, p, shape=None, dtype=None):
    """Binomial(n, p) samples (float counts), JAX's inversion / BTRS samplers.

    Args:
      key: a single key.
      n: the number of trials (broadcastable; NaN or negative gives NaN, inf gives inf).
      p: the success probability (broadcastable).
      shape: the result shape (default: the broadcast of ``n`` and ``p``).
      dtype: a float dtype (default float32; float64 in 64-bit mode).
    Returns:
      Float samples of ``shape``.
    Example:
      >>> random.binomial(random.key(0), 10.0, 0.3, (4,))
    """
    data, shape, dtype = sample_args("binomial", key, shape, dtype, n, p, cast=False)
    prob = fnp.asarray(p)
    prob = prob if dtypes.is_inexact(prob.dtype) else prob.astype(dtypes.default_float())
    return _binomial(data, n, prob, tuple(shape), dtype)


def multinomial(key, n, p, *, shape=None, dtype=None, unroll: int | bool = 1):
    """Multinomial(n, p) counts over the last axis of ``p`` (conditional binomials).

    Args:
      key: a single key.
      n: the number of trials (broadcastable to ``shape[:-1]``).
      p: category probabilities along the last axis (summing to 1).
      shape: the result shape (default ``p``'s shape); its last axis is the categories.
      dtype: a float dtype (default float32; float64 in 64-bit mode).
      unroll: ``lax.scan``'s unroll.
    Returns:
      Float counts of ``shape`` that sum to ``n`` along the last axis.
    Example:
      >>> random.multinomial(random.key(0), 10.0, fnp.array([0.2, 0.3, 0.5]))
    """
    data, _ = check_key("multinomial", key)
    dtype = dtypes.canonicalize(dtypes.default_float() if dtype is None else dtype)
    n, p = fnp.asarray(n), fnp.asarray(p)
    inexact = dtypes.promote(dtypes.dtype_and_weak(n), dtypes.dtype_and_weak(p))[0]
    inexact = inexact if dtypes.is_inexact(inexact) else dtypes.default_float()
    n, p = n.astype(inexact), p.astype(inexact)
    shape = p.shape if shape is None else tuple(shape)
    n, p = fnp.broadcast_to(n, shape[:-1]), fnp.moveaxis(fnp.broadcast_to(p, shape), -1, 0)
    remaining = lax.cumsum(p, 0, reverse=True)
    ratios = p / fnp.where(remaining == 0, 1, remaining)

    def step(remainder, ratio_key):
        ratio, k = ratio_key
        count = binomial(k, remainder, fnp.clip(ratio, 0, 1), dtype=remainder.dtype)
        return remainder - count, count

    keys = split_data(data, (ratios.shape[0],))
    _, counts = lax.scan(step, n, (ratios, keys), unroll=unroll)
    return fnp.moveaxis(counts, 0, -1).astype(dtype)
