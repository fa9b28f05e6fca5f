"""More continuous samplers for ``functrans.random`` (re-exported there): pareto,
chisquare, f, lognormal, maxwell, double_sided_maxwell, weibull_min, rayleigh, wald,
triangular, geometric, generalized_normal, ball. Each is JAX's algorithm over the base
samplers, run as one compiled program per (shape, dtype) with the parameters as
traced arguments (as ``jax.random``'s ``jit``-ted helpers), so eager and jitted calls
give the bits ``jax.random`` gives for the same key."""

from __future__ import annotations

import functools

import numpy as np

from . import _lax_lenient as lax
from . import numpy as fnp
from ._random_discrete import rademacher
from ._random_gamma import gamma, loggamma
from ._random_keys import check_key, split_data
from .api import jit
from .core import dtypes
from .random import _float_dtype, _shape, exponential, normal, uniform


def sample_args(name: str, key, shape, dtype, *params, kind: str = "float", cast: bool = True):
    """The checked ``(key data, shape, dtype)`` of a sampler call, as jax.random's:
    ``shape=None`` means the parameters' broadcast shape; a given shape must be a
    broadcast-compatible extension of theirs; ``dtype=None`` is the default float
    (``kind='int'``: int); a parameter array must cast safely to ``dtype``."""
    data, _ = check_key(name, key)
    if kind == "int":
        dtype = dtypes.canonicalize(dtypes.default_int() if dtype is None else dtype)
        if not dtypes.is_integer(dtype):
            raise ValueError(f"[random.{name}] dtype must be an integer dtype, got {dtype}")
    else:
        dtype = _float_dtype(name, dtype)
        for p in params if cast else ():
            p_dtype, weak = dtypes.dtype_and_weak(p)
            if dtypes.promote((p_dtype, weak), (dtype, False))[0] != dtype:
                raise TypeError(f"[random.{name}] cannot safely cast a parameter of dtype "
                                f"{p_dtype} to {dtype}; pass dtype={p_dtype} or cast it")
    param_shapes = [np.shape(p) for p in params]
    if shape is None:
        shape = np.broadcast_shapes(*param_shapes) if param_shapes else ()
    return data, _shape(name, shape, *param_shapes), dtype


def _convert(x, dtype, shape=None):
    x = lax.convert_element_type(fnp.asarray(x), dtype)
    return x if shape is None else fnp.broadcast_to(x, shape)


def _split2(data):
    keys = split_data(data, (2,))
    return keys[0], keys[1]


# ---- samplers (the jitted implementations take key data, parameters, shape, dtype) --------

@functools.partial(jit, static_argnums=(2, 3))
def _pareto(data, b, shape, dtype):
    return lax.exp(exponential(data, shape, dtype) / _convert(b, dtype))


def pareto(key, b, shape=None, dtype=None):
    """Pareto(b) samples, ``exp(e / b)`` with ``e`` exponential.

    Args:
      key: a single key.
      b: the shape parameter (broadcastable to ``shape``).
      shape: the result shape (default ``b``'s shape).
      dtype: a float dtype (default float32; float64 in 64-bit mode).
    Returns:
      Samples of ``shape``, at least 1.
    Example:
      >>> random.pareto(random.key(0), 3.0, (4,))
    """
    data, shape, dtype = sample_args("pareto", key, shape, dtype, b)
    return _pareto(data, b, shape, dtype)


@functools.partial(jit, static_argnums=(2, 3))
def _chisquare(data, df, shape, dtype):
    two = fnp.asarray(np.array(2, dtype))
    half_df = _convert(df, dtype) / two
    return fnp.exp(loggamma(data, half_df, shape, dtype)) * two


def chisquare(key, df, shape=None, dtype=None):
    """Chi-square(df) samples, ``2 exp(loggamma(df / 2))``.

    Args:
      key: a single key.
      df: degrees of freedom (broadcastable to ``shape``).
      shape: the result shape (default ``df``'s shape).
      dtype: a float dtype (default float32; float64 in 64-bit mode).
    Returns:
      Non-negative samples of ``shape``.
    Example:
      >>> random.chisquare(random.key(0), 3.0, (4,))
    """
    data, shape, dtype = sample_args("chisquare", key, shape, dtype, df)
    return _chisquare(data, df, shape, dtype)


@functools.partial(jit, static_argnums=(3, 4))
def _f(data, dfnum, dfden, shape, dtype):
    dfnum, dfden = _convert(dfnum, dtype), _convert(dfden, dtype)
    key_den, key_num = _split2(data)
    num = _chisquare(key_num, dfnum, shape, dtype) / dfnum
    return num / (_chisquare(key_den, dfden, shape, dtype) / dfden)


def f(key, dfnum, dfden, shape=None, dtype=None):
    """F(dfnum, dfden) samples: the ratio of two scaled chi-square samples.

    Args:
      key: a single key.
      dfnum, dfden: numerator and denominator degrees of freedom (broadcastable).
      shape: the result shape (default: the parameters' broadcast shape).
      dtype: a float dtype (default float32; float64 in 64-bit mode).
    Returns:
      Non-negative samples of ``shape``.
    Example:
      >>> random.f(random.key(0), 2.0, 5.0, (4,))
    """
    data, shape, dtype = sample_args("f", key, shape, dtype, dfnum, dfden)
    return _f(data, dfnum, dfden, shape, dtype)


@functools.partial(jit, static_argnums=(2, 3))
def _lognormal(data, sigma, shape, dtype):
    return lax.exp(normal(data, shape, dtype) * _convert(sigma, dtype))


_ONE_F32 = np.float32(1)  # JAX's default sigma (a float32 scalar, not weakly typed)


def lognormal(key, sigma=_ONE_F32, shape=None, dtype=None):
    """Log-normal samples, ``exp(sigma * normal)``.

    Args:
      key: a single key.
      sigma: the standard deviation of the underlying normal (broadcastable).
      shape: the result shape (default ``sigma``'s shape).
      dtype: a float dtype (default float32; float64 in 64-bit mode).
    Returns:
      Positive samples of ``shape``.
    Example:
      >>> random.lognormal(random.key(0), 0.5, (4,))
    """
    data, shape, dtype = sample_args("lognormal", key, shape, dtype, sigma)
    return _lognormal(data, sigma, shape, dtype)


@functools.partial(jit, static_argnums=(1, 2))
def _maxwell(data, shape, dtype):
    x = normal(data, (*shape, 3), dtype)
    return fnp.sqrt(fnp.sum(x * x, axis=-1))


def maxwell(key, shape=(), dtype=None):
    """One-sided Maxwell samples: the norm of a 3-D standard normal vector.

    Args:
      key: a single key.
      shape: the result shape.
      dtype: a float dtype (default float32; float64 in 64-bit mode).
    Returns:
      Non-negative samples of ``shape``.
    Example:
      >>> random.maxwell(random.key(0), (4,))
    """
    data, shape, dtype = sample_args("maxwell", key, shape, dtype)
    return _maxwell(data, shape, dtype)


@functools.partial(jit, static_argnums=(3, 4))
def _double_sided_maxwell(data, loc, scale, shape, dtype):
    key_m, key_r = _split2(data)
    sign = rademacher(key_r, shape, dtype)
    return sign * _maxwell(key_m, shape, dtype) * scale + loc


def double_sided_maxwell(key, loc, scale, shape=(), dtype=None):
    """Double-sided Maxwell samples, ``loc + scale * sign * maxwell``.

    As in JAX, the result shape is ``shape + broadcast(loc, scale).shape`` (``shape=()``
    means the parameters' shape).

    Args:
      key: a single key.
      loc, scale: location and scale (broadcastable to each other).
      shape: the leading sample shape.
      dtype: a float dtype (default float32; float64 in 64-bit mode).
    Returns:
      Samples of ``shape + params_shape``.
    Example:
      >>> random.double_sided_maxwell(random.key(0), 0.0, 1.0, (4,))
    """
    data, shape, dtype = sample_args("double_sided_maxwell", key, shape, dtype)
    params_shape = np.broadcast_shapes(np.shape(loc), np.shape(scale))
    shape = (shape or params_shape) + params_shape
    return _double_sided_maxwell(data, loc, scale, shape, dtype)


@functools.partial(jit, static_argnums=(3, 4))
def _weibull_min(data, scale, concentration, shape, dtype):
    u = uniform(data, shape, dtype, 0, 1)
    return fnp.power(-fnp.log1p(-u), 1.0 / concentration) * scale


def weibull_min(key, scale, concentration, shape=(), dtype=None):
    """Weibull samples (inverse CDF: ``scale * (-log1p(-u)) ** (1 / concentration)``).

    Args:
      key: a single key.
      scale, concentration: positive parameters.
      shape: the result shape.
      dtype: a float dtype (default float32; float64 in 64-bit mode).
    Returns:
      Non-negative samples of ``shape``.
    Example:
      >>> random.weibull_min(random.key(0), 1.0, 2.0, (4,))
    """
    data, shape, dtype = sample_args("weibull_min", key, shape, dtype)
    return _weibull_min(data, scale, concentration, shape, dtype)


@functools.partial(jit, static_argnums=(2, 3))
def _rayleigh(data, scale, shape, dtype):
    u = uniform(data, shape, dtype)
    scale = _convert(scale, dtype, shape)
    return scale * lax.sqrt(lax.log(u) * fnp.asarray(np.array(-2, dtype)))


def rayleigh(key, scale, shape=None, dtype=None):
    """Rayleigh(scale) samples, ``scale * sqrt(-2 log u)``.

    Args:
      key: a single key.
      scale: the scale (broadcastable to ``shape``).
      shape: the result shape (default ``scale``'s shape).
      dtype: a float dtype (default float32; float64 in 64-bit mode).
    Returns:
      Non-negative samples of ``shape``.
    Example:
      >>> random.rayleigh(random.key(0), 1.0, (4,))
    """
    data, shape, dtype = sample_args("rayleigh", key, shape, dtype, scale)
    return _rayleigh(data, scale, shape, dtype)


@functools.partial(jit, static_argnums=(2, 3))
def _wald(data, mean, shape, dtype):
    key_v, key_z = _split2(data)
    mean = _convert(mean, dtype, shape)
    v, z = normal(key_v, shape, dtype), uniform(key_z, shape, dtype)
    y = lax.integer_pow(v, 2)
    y_sq, mean_sq = lax.integer_pow(y, 2), lax.integer_pow(mean, 2)
    sqrt_term = lax.sqrt(4 * mean * y + mean_sq * y_sq)
    x = mean + mean_sq * y / 2 - mean / 2 * sqrt_term
    return lax.select(z <= mean / (mean + x), x, mean_sq / x)


def wald(key, mean, shape=None, dtype=None):
    """Wald (inverse Gaussian, scale 1) samples, by Michael-Schucany-Haas.

    Args:
      key: a single key.
      mean: the mean (positive, broadcastable to ``shape``).
      shape: the result shape (default ``mean``'s shape).
      dtype: a float dtype (default float32; float64 in 64-bit mode).
    Returns:
      Positive samples of ``shape``.
    Example:
      >>> random.wald(random.key(0), 1.0, (4,))
    """
    data, shape, dtype = sample_args("wald", key, shape, dtype, mean)
    return _wald(data, mean, shape, dtype)


@functools.partial(jit, static_argnums=(4, 5))
def _triangular(data, left, mode, right, shape, dtype):
    left, mode, right = (_convert(v, dtype, shape) for v in (left, mode, right))
    fc = (mode - left) / (right - left)
    u = uniform(data, shape, dtype)
    out1 = left + lax.sqrt(u * (right - left) * (mode - left))
    out2 = right - lax.sqrt((1 - u) * (right - left) * (right - mode))
    return lax.select(u < fc, out1, out2)


def triangular(key, left, mode, right, shape=None, dtype=None):
    """Triangular(left, mode, right) samples by inverting the CDF.

    Args:
      key: a single key.
      left, mode, right: the support's ends and the peak (broadcastable).
      shape: the result shape (default: the parameters' broadcast shape).
      dtype: a float dtype (default float32; float64 in 64-bit mode).
    Returns:
      Samples in ``[left, right]``.
    Example:
      >>> random.triangular(random.key(0), 0.0, 0.5, 1.0, (4,))
    """
    data, shape, dtype = sample_args("triangular", key, shape, dtype, left, mode, right)
    return _triangular(data, left, mode, right, shape, dtype)


@functools.partial(jit, static_argnums=(2, 3))
def _geometric(data, p, shape, dtype):
    u = uniform(data, shape, p.dtype)
    log_u = lax.log(fnp.where(u == 0, 1, u))
    log_q = fnp.broadcast_to(lax.log1p(-p), shape)
    return (lax.floor(log_u / log_q) + 1).astype(dtype)


def geometric(key, p, shape=None, dtype=None):
    """Geometric(p) samples: the number of trials to the first success (>= 1).

    Args:
      key: a single key.
      p: the success probability (broadcastable to ``shape``).
      shape: the result shape (default ``p``'s shape).
      dtype: an integer dtype (default int32; int64 in 64-bit mode).
    Returns:
      Integer samples of ``shape``.
    Example:
      >>> random.geometric(random.key(0), 0.3, (4,))
    """
    data, shape, dtype = sample_args("geometric", key, shape, dtype, p, kind="int")
    p = fnp.asarray(p)
    p = p if dtypes.is_inexact(p.dtype) else p.astype(dtypes.default_float())
    return _geometric(data, p, shape, dtype)


@functools.partial(jit, static_argnums=(2, 3))
def _generalized_normal(data, p, shape, dtype):
    key_g, key_r = _split2(data)
    g = gamma(key_g, 1 / p, shape, dtype)
    return rademacher(key_r, shape, dtype) * g ** (1 / p)


def generalized_normal(key, p, shape=(), dtype=None):
    """Generalized normal samples (density ∝ ``exp(-|x|^p)``): ``sign * gamma(1/p)^(1/p)``.

    Args:
      key: a single key.
      p: the shape parameter (a positive float).
      shape: the result shape.
      dtype: a float dtype (default float32; float64 in 64-bit mode).
    Returns:
      Samples of ``shape``.
    Example:
      >>> random.generalized_normal(random.key(0), 1.5, (4,))
    """
    data, shape, dtype = sample_args("generalized_normal", key, shape, dtype)
    return _generalized_normal(data, p, shape, dtype)


@functools.partial(jit, static_argnums=(2, 3, 4))
def _ball(data, p, d, shape, dtype):
    key_g, key_e = _split2(data)
    g = _generalized_normal(key_g, p, (*shape, d), dtype)
    e = exponential(key_e, shape, dtype)
    return g / ((fnp.sum(fnp.abs(g) ** p, axis=-1) + e) ** (1 / p))[..., None]


def ball(key, d: int, p=2, shape=(), dtype=None):
    """Samples uniform in the unit ``p``-norm ball of dimension ``d``.

    Args:
      key: a single key.
      d: the dimension (a Python int).
      p: the norm's order (default 2).
      shape: the batch shape.
      dtype: a float dtype (default float32; float64 in 64-bit mode).
    Returns:
      Points of shape ``shape + (d,)``.
    Example:
      >>> random.ball(random.key(0), 3, shape=(4,))
    """
    data, shape, dtype = sample_args("ball", key, shape, dtype)
    if not isinstance(d, int | np.integer) or isinstance(d, bool):
        raise TypeError(f"[random.ball] d must be a Python int (static), got {d!r}")
    return _ball(data, p, int(d), shape, dtype)
