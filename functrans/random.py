"""``functrans.random``: counter-based, splittable pseudo-random numbers, bit-identical
to ``jax.random``'s default (threefry2x32, partitionable) implementation.

    import functrans.random as random
    key = random.key(0)
    k1, k2 = random.split(key)
    x = random.normal(k1, (3,))       # the same numbers jax.random.normal gives

Every sampler takes a key (typed, from ``key``; or raw uint32[2], from ``PRNGKey``)
and is built from ``functrans.lax``, so it works eagerly and under jit, vmap (batched
keys) and grad (reparameterized samples).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np

from . import _lax_lenient as lax
from . import numpy as fnp
from ._random_keys import (
    UINT_DTYPES,
    KeyDtype,
    PRNGKeyArray,
    check_key,
    fold_in_data,
    random_bits,
    seed_to_key_data,
    split_data,
    wrap_result,
)
from .api import jit
from .core import dtypes

__all__ = [
    "KeyDtype", "PRNGKeyArray", "PRNGKey", "key", "key_data", "wrap_key_data", "split",
    "fold_in", "bits", "uniform", "normal", "truncated_normal", "exponential", "laplace",
    "logistic", "gumbel", "cauchy", "clone", "key_impl", "key_dtype",
]  # and the samplers of _LAZY_SAMPLERS (added below)


# The other samplers live in their own modules (they build on the ones above) and are
# imported on first use: most programs draw only uniform/normal numbers, and the rest is
# ~0.2 MiB of memory that ``import functrans`` need not pay.
_LAZY_SAMPLERS: dict[str, str] = {name: module for module, names in (
    ("_random_binomial", "binomial multinomial"),
    ("_random_discrete", "bernoulli categorical choice multivariate_normal orthogonal "
                         "permutation rademacher randint"),
    ("_random_gamma", "beta dirichlet gamma loggamma poisson t"),
    ("_random_more", "ball chisquare double_sided_maxwell f generalized_normal geometric "
                     "lognormal maxwell pareto rayleigh triangular wald weibull_min"),
) for name in names.split()}
__all__ += list(_LAZY_SAMPLERS)


def _float_dtype(name: str, dtype):
    dtype = dtypes.canonicalize(np.float64 if dtype is None else dtype)
    if not dtypes.is_float(dtype):
        raise ValueError(f"[random.{name}] dtype must be a float dtype, got {dtype}")
    return dtype


def _shape(name: str, shape, *param_shapes) -> tuple[int, ...]:
    shape = (shape,) if isinstance(shape, int | np.integer) else tuple(int(d) for d in shape)
    if param_shapes:
        try:
            full = np.broadcast_shapes(shape, *param_shapes)
        except ValueError:
            full = None
        if full != shape:
            raise ValueError(f"[random.{name}] shape {shape} must be a broadcast-compatible "
                             f"prefix-extension of the parameter shapes {param_shapes}")
    return shape


# ---- keys --------------------------------------------------------------------------------

def PRNGKey(seed) -> fnp.ndarray:  # noqa: N802 (jax.random name)
    """A raw (legacy) key: a ``uint32[2]`` array, as ``jax.random.PRNGKey``.

    Args:
      seed: an integer (Python int or integer scalar array).
    Returns:
      The key data ``[hi, lo]`` of the seed.
    Example:
      >>> random.PRNGKey(0)  # Array([0, 0], dtype=uint32)
    """
    return seed_to_key_data(seed)


def _check_impl(name: str, impl) -> None:
    if impl not in (None, "threefry2x32") and not isinstance(impl, KeyDtype):
        raise ValueError(f"[random.{name}] only impl='threefry2x32' (the default) is "
                         f"supported, got {impl!r}")


def key(seed, *, impl=None, dtype=None) -> PRNGKeyArray:
    """A typed key (dtype ``key<fry>``, shape ``()``), as ``jax.random.key``.

    Args:
      seed: an integer seed.
      impl: only ``None`` or ``'threefry2x32'`` (the default implementation).
      dtype: alternatively the key dtype (``key_dtype()``); not both.
    Returns:
      A ``PRNGKeyArray`` of shape ``()``.
    Example:
      >>> k = random.key(42); random.key_data(k)  # Array([ 0, 42], dtype=uint32)
    """
    if impl is not None and dtype is not None:
        raise ValueError("[random.key] specify impl or dtype, not both")
    _check_impl("key", impl if dtype is None else dtype)
    return PRNGKeyArray(seed_to_key_data(seed))


def key_impl(keys) -> str:
    """The name of the PRNG implementation of typed (or raw) keys.

    Args:
      keys: a key array.
    Returns:
      ``'threefry2x32'`` (the one implementation functrans provides).
    Example:
      >>> random.key_impl(random.key(0))  # 'threefry2x32'
    """
    check_key("key_impl", keys, allow_batched=True)
    return "threefry2x32"


def key_dtype(impl=None) -> KeyDtype:
    """The dtype of typed keys of an implementation (``key<fry>``).

    Args:
      impl: ``None`` or ``'threefry2x32'``.
    Returns:
      The key dtype.
    Example:
      >>> random.key_dtype()  # key<fry>
    """
    _check_impl("key_dtype", impl)
    return KeyDtype()


def key_data(keys) -> fnp.ndarray:
    """The ``uint32[..., 2]`` data of typed keys (raw keys are returned as they are).

    Args:
      keys: a typed or raw key array.
    Returns:
      The underlying uint32 array.
    Example:
      >>> random.key_data(random.key(1))  # Array([0, 1], dtype=uint32)
    """
    data, _ = check_key("key_data", keys, allow_batched=True)
    return data


def wrap_key_data(key_bits_array, *, impl=None, dtype=None) -> PRNGKeyArray:
    """Typed keys from ``uint32[..., 2]`` data (the inverse of ``key_data``).

    Args:
      key_bits_array: a uint32 array whose last axis has size 2.
      impl: only ``None`` or ``'threefry2x32'``.
      dtype: alternatively the key dtype (``key_dtype()``).
    Returns:
      A ``PRNGKeyArray`` of shape ``key_bits_array.shape[:-1]``.
    Example:
      >>> k = random.wrap_key_data(random.PRNGKey(0))
    """
    _check_impl("wrap_key_data", impl if dtype is None else dtype)
    data, _ = check_key("wrap_key_data", key_bits_array, allow_batched=True)
    return PRNGKeyArray(data)


def split(key, num: int | Sequence[int] = 2):
    """Split a key into ``num`` new keys (a leading axis, or the shape ``num``).

    Args:
      key: a single key (typed or raw).
      num: the number (or shape) of keys to make; default 2.
    Returns:
      Keys of shape ``(num,)`` (raw: ``(num, 2)``), of the kind given.
    Example:
      >>> k1, k2 = random.split(random.key(0))
    """
    data, typed = check_key("split", key)
    shape = tuple(num) if isinstance(num, Sequence) else (int(num),)
    return wrap_result(typed, split_data(data, shape))


def fold_in(key, data):
    """A new key from ``key`` and a 32-bit integer ``data``.

    Args:
      key: a single key.
      data: an integer scalar (traced values allowed).
    Returns:
      A key of the same kind.
    Example:
      >>> k = random.fold_in(random.key(0), 7)
    """
    kdata, typed = check_key("fold_in", key)
    if np.ndim(data):
        raise TypeError(f"[random.fold_in] accepts a scalar, but was given an array of shape "
                        f"{np.shape(data)} != (); use functrans.vmap for batching")
    if isinstance(data, int):
        data = np.uint32(data & 0xFFFFFFFF)
    return wrap_result(typed, fold_in_data(kdata, data))


def bits(key, shape=(), dtype=None):
    """Uniform random bits as unsigned integers.

    Args:
      key: a single key.
      shape: the result shape.
      dtype: uint8, uint16, uint32 or (64-bit mode) uint64; default uint32, or uint64
        in 64-bit mode.
    Returns:
      An array of ``shape`` and ``dtype``.
    Example:
      >>> random.bits(random.key(0), (2,))
    """
    data, _ = check_key("bits", key)
    dtype = dtypes.canonicalize(dtypes.default_uint() if dtype is None else dtype)
    if dtype.kind != "u":
        raise ValueError(f"[random.bits] dtype must be an unsigned int dtype, got {dtype}")
    return random_bits(data, dtype.itemsize * 8, _shape("bits", shape))


def clone(key):
    """The same key (JAX's ``clone``; keys here are immutable values).

    Args:
      key: a key.
    Returns:
      ``key``.
    Example:
      >>> random.clone(random.key(0))
    """
    return key


# ---- continuous distributions ---------------------------------------------------------------

def _uniform_impl(data, shape, dtype, minval, maxval):
    minval = lax.convert_element_type(fnp.asarray(minval), dtype)
    maxval = lax.convert_element_type(fnp.asarray(maxval), dtype)
    minval, maxval = fnp.broadcast_to(minval, shape), fnp.broadcast_to(maxval, shape)
    finfo = np.finfo(dtype)
    nbits, nmant = finfo.bits, finfo.nmant
    rng_bits = 8 if nmant < 8 else nbits
    raw = random_bits(data, rng_bits, shape)
    uint = UINT_DTYPES[nbits]
    raw = lax.convert_element_type(raw, uint) if rng_bits != nbits else raw
    one_bits = np.array(1.0, dtype).view(uint)
    mant = lax.shift_right_logical(raw, fnp.full(shape, rng_bits - nmant, uint))
    floats = lax.bitcast_convert_type(lax.bitwise_or(mant, fnp.full(shape, one_bits, uint)),
                                      dtype)
    floats = floats - fnp.ones((), dtype)
    return fnp.maximum(minval, floats * (maxval - minval) + minval)


def uniform(key, shape=(), dtype=None, minval=0.0, maxval=1.0):
    """Uniform floats in ``[minval, maxval)``.

    Args:
      key: a single key.
      shape: the result shape.
      dtype: a float dtype (default float32).
      minval, maxval: bounds, broadcastable to ``shape``.
    Returns:
      An array of ``shape`` and ``dtype``.
    Example:
      >>> random.uniform(random.key(0), (3,))
    """
    data, _ = check_key("uniform", key)
    shape = _shape("uniform", shape, np.shape(minval), np.shape(maxval))
    return _uniform(data, shape, _float_dtype("uniform", dtype), minval, maxval)


# Samplers run compiled even when called eagerly (as JAX's): one XLA program per (shape,
# dtype), so an eager sample costs one dispatch, and its values are XLA's (bit-identical
# to JAX's, where eager NumPy transcendentals can differ by an ulp).
_uniform = jit(_uniform_impl, static_argnums=(1, 2))


@functools.partial(jit, static_argnums=(1, 2))
def _normal(data, shape, dtype):
    lo = np.nextafter(np.array(-1.0, dtype), np.array(0.0, dtype), dtype=dtype)
    u = _uniform(data, shape, dtype, lo, np.array(1.0, dtype))
    return fnp.asarray(np.array(np.sqrt(2), dtype)) * lax.erf_inv(u)


def normal(key, shape=(), dtype=None):
    """Standard normal samples (``sqrt(2) * erf_inv(u)``, ``u`` uniform in (-1, 1)).

    Args:
      key: a single key.
      shape: the result shape.
      dtype: a float dtype (default float32).
    Returns:
      An array of ``shape`` and ``dtype``.
    Example:
      >>> random.normal(random.key(0), (2, 2))
    """
    data, _ = check_key("normal", key)
    return _normal(data, _shape("normal", shape), _float_dtype("normal", dtype))


def truncated_normal(key, lower, upper, shape=None, dtype=None):
    """Standard normal samples truncated to ``(lower, upper)``.

    Args:
      key: a single key.
      lower, upper: bounds (broadcastable).
      shape: the result shape (default: the bounds' broadcast shape).
      dtype: a float dtype (default float32).
    Returns:
      Samples strictly inside the bounds.
    Example:
      >>> random.truncated_normal(random.key(0), -1.0, 1.0, (3,))
    """
    data, _ = check_key("truncated_normal", key)
    dtype = _float_dtype("truncated_normal", dtype)
    if shape is None:
        shape = np.broadcast_shapes(np.shape(lower), np.shape(upper))
    shape = _shape("truncated_normal", shape, np.shape(lower), np.shape(upper))
    sqrt2 = fnp.asarray(np.array(np.sqrt(2), dtype))
    lower = lax.convert_element_type(fnp.asarray(lower), dtype)
    upper = lax.convert_element_type(fnp.asarray(upper), dtype)
    a, b = lax.erf(lower / sqrt2), lax.erf(upper / sqrt2)
    out = sqrt2 * lax.erf_inv(_uniform(data, shape, dtype, a, b))
    inf = fnp.asarray(np.array(np.inf, dtype))
    lo = lax.nextafter(lax.stop_gradient(lower), fnp.broadcast_to(inf, fnp.shape(lower)))
    hi = lax.nextafter(lax.stop_gradient(upper), fnp.broadcast_to(-inf, fnp.shape(upper)))
    return fnp.clip(out, lo, hi)


def exponential(key, shape=(), dtype=None):
    """Exponential(1) samples, ``-log1p(-u)``.

    Args:
      key: a single key.
      shape: the result shape.
      dtype: a float dtype (default float32).
    Returns:
      An array of ``shape`` and ``dtype``.
    Example:
      >>> random.exponential(random.key(0), (3,))
    """
    data, _ = check_key("exponential", key)
    dtype = _float_dtype("exponential", dtype)
    u = _uniform(data, _shape("exponential", shape), dtype, 0.0, 1.0)
    return -lax.log1p(-u)


def laplace(key, shape=(), dtype=None):
    """Laplace(0, 1) samples.

    Args:
      key: a single key.
      shape: the result shape.
      dtype: a float dtype (default float32).
    Returns:
      An array of ``shape`` and ``dtype``.
    Example:
      >>> random.laplace(random.key(0), (3,))
    """
    data, _ = check_key("laplace", key)
    dtype = _float_dtype("laplace", dtype)
    lo = -1.0 + np.finfo(dtype).epsneg
    u = _uniform(data, _shape("laplace", shape), dtype, np.array(lo, dtype), 1.0)
    return lax.sign(u) * lax.log1p(-lax.abs(u))


def logistic(key, shape=(), dtype=None):
    """Standard logistic samples, ``log(u) - log1p(-u)``.

    Args:
      key: a single key.
      shape: the result shape.
      dtype: a float dtype (default float32).
    Returns:
      An array of ``shape`` and ``dtype``.
    Example:
      >>> random.logistic(random.key(0), (3,))
    """
    data, _ = check_key("logistic", key)
    dtype = _float_dtype("logistic", dtype)
    u = _uniform(data, _shape("logistic", shape), dtype, np.finfo(dtype).tiny, 1.0)
    return lax.log(u) - lax.log1p(-u)


def cauchy(key, shape=(), dtype=None):
    """Standard Cauchy samples, ``tan(pi (u - 1/2))``.

    Args:
      key: a single key.
      shape: the result shape.
      dtype: a float dtype (default float32).
    Returns:
      An array of ``shape`` and ``dtype``.
    Example:
      >>> random.cauchy(random.key(0), (3,))
    """
    data, _ = check_key("cauchy", key)
    dtype = _float_dtype("cauchy", dtype)
    u = _uniform(data, _shape("cauchy", shape), dtype, np.finfo(dtype).eps, 1.0)
    return lax.tan(fnp.asarray(np.array(np.pi, dtype)) * (u - fnp.asarray(np.array(0.5, dtype))))


@functools.partial(jit, static_argnums=(1, 2, 3))
def _gumbel(data, shape, dtype, mode):
    if mode not in (None, "low"):
        raise NotImplementedError(f"[random.gumbel] mode={mode!r}: only 'low' (JAX's default)")
    u = _uniform(data, shape, dtype, np.finfo(dtype).tiny, 1.0)
    return -lax.log(-lax.log(u))


def gumbel(key, shape=(), dtype=None, mode=None):
    """Standard Gumbel samples, ``-log(-log(u))``.

    Args:
      key: a single key.
      shape: the result shape.
      dtype: a float dtype (default float32).
      mode: ``None``/``'low'`` (JAX's default).
    Returns:
      An array of ``shape`` and ``dtype``.
    Example:
      >>> random.gumbel(random.key(0), (3,))
    """
    data, _ = check_key("gumbel", key)
    return _gumbel(data, _shape("gumbel", shape), _float_dtype("gumbel", dtype), mode)


def __getattr__(name: str):
    module = _LAZY_SAMPLERS.get(name)
    if module is None:
        raise AttributeError(f"module 'functrans.random' has no attribute {name!r}")
    import importlib
    value = getattr(importlib.import_module(f".{module}", __package__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY_SAMPLERS))
