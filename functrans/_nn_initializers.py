"""``functrans.nn.initializers``: ``jax.nn.initializers``' weight initializers.

Every builder returns an :class:`Initializer`, a function ``init(key, shape, dtype)``
whose samples come from :mod:`functrans.random`, so the same key, shape and dtype give
the same array as ``jax.nn.initializers`` (bit-identical for the elementwise samplers;
within float tolerance where a QR factorisation is involved).

Example::

    from functrans.nn import initializers
    w = initializers.glorot_uniform()(ft.random.key(0), (784, 256))
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np

from . import numpy as fnp
from . import random
from .core import dtypes

__all__ = [
    "Initializer", "zeros", "ones", "constant", "uniform", "normal", "truncated_normal",
    "variance_scaling", "glorot_uniform", "glorot_normal", "xavier_uniform", "xavier_normal",
    "lecun_uniform", "lecun_normal", "he_uniform", "he_normal", "kaiming_uniform",
    "kaiming_normal", "orthogonal", "delta_orthogonal",
]

# The standard deviation of a standard normal truncated to (-2, 2), and of a complex
# standard normal whose modulus is truncated to 2 (JAX's constants).
_TRUNC_REAL_STD = 0.87962566103423978
_TRUNC_COMPLEX_STD = 0.95311164380491208


@runtime_checkable
class Initializer(Protocol):
    """What the builders return: ``init(key, shape, dtype=None) -> array``."""

    def __call__(self, key: Any, shape: Sequence[int], dtype: Any = None) -> Any:
        raise NotImplementedError


def _dtype(dtype) -> np.dtype:
    return dtypes.default_float() if dtype is None else dtypes.canonicalize(dtype)


def _shape(name: str, shape) -> tuple[int, ...]:
    if isinstance(shape, int | np.integer):
        return (int(shape),)
    try:
        return tuple(int(d) for d in shape)
    except TypeError:
        raise TypeError(f"[nn.initializers.{name}] shape must be a sequence of ints, "
                        f"got {shape!r}") from None


def zeros(key, shape, dtype=None):
    """An array of zeros (the key is ignored), as ``jax.nn.initializers.zeros``.

    Args:
      key: ignored.
      shape: the output shape.
      dtype: the output dtype (default float32, float64 in x64 mode).
    Returns:
      ``zeros(shape, dtype)``.
    Example:
      >>> initializers.zeros(ft.random.key(0), (2, 3))
    """
    return fnp.zeros(_shape("zeros", shape), _dtype(dtype))


def ones(key, shape, dtype=None):
    """An array of ones (the key is ignored), as ``jax.nn.initializers.ones``.

    Args:
      key: ignored.
      shape: the output shape.
      dtype: the output dtype (default float32).
    Returns:
      ``ones(shape, dtype)``.
    Example:
      >>> initializers.ones(ft.random.key(0), (2, 3))
    """
    return fnp.ones(_shape("ones", shape), _dtype(dtype))


def constant(value, dtype=None) -> Initializer:
    """Builds an initializer filling arrays with ``value``.

    Args:
      value: the fill value.
      dtype: the initializer's default dtype.
    Returns:
      ``init(key, shape, dtype)`` returning ``full(shape, value, dtype)``.
    Example:
      >>> initializers.constant(-7.0)(ft.random.key(0), (2, 3))
    """
    default = dtype

    def init(key, shape, dtype=default):
        return fnp.full(_shape("constant", shape), value, dtype=_dtype(dtype))
    return init


def uniform(scale=1e-2, dtype=None) -> Initializer:
    """Builds an initializer sampling uniformly from ``[0, scale)``.

    Args:
      scale: the upper bound.
      dtype: the initializer's default dtype.
    Returns:
      ``init(key, shape, dtype)``.
    Example:
      >>> initializers.uniform(0.1)(ft.random.key(0), (2, 3))
    """
    default = dtype

    def init(key, shape, dtype=default):
        dtype = _dtype(dtype)
        return random.uniform(key, _shape("uniform", shape), dtype) * fnp.array(scale, dtype)
    return init


def normal(stddev=1e-2, dtype=None) -> Initializer:
    """Builds an initializer sampling from ``N(0, stddev**2)``.

    Args:
      stddev: the standard deviation.
      dtype: the initializer's default dtype.
    Returns:
      ``init(key, shape, dtype)``.
    Example:
      >>> initializers.normal(0.1)(ft.random.key(0), (2, 3))
    """
    default = dtype

    def init(key, shape, dtype=default):
        dtype = _dtype(dtype)
        return random.normal(key, _shape("normal", shape), dtype) * fnp.array(stddev, dtype)
    return init


def truncated_normal(stddev=1e-2, dtype=None, lower=-2.0, upper=2.0) -> Initializer:
    """Builds an initializer sampling a standard normal truncated to ``(lower, upper)``,
    times ``stddev`` (so ``stddev`` is the scale before truncation, as in JAX).

    Args:
      stddev: the scale.
      dtype: the initializer's default dtype.
      lower: the lower truncation bound, in standard deviations.
      upper: the upper truncation bound, in standard deviations.
    Returns:
      ``init(key, shape, dtype)``.
    Example:
      >>> initializers.truncated_normal(0.1)(ft.random.key(0), (2, 3))
    """
    default = dtype

    def init(key, shape, dtype=default):
        dtype = _dtype(dtype)
        x = random.truncated_normal(key, lower, upper, _shape("truncated_normal", shape), dtype)
        return x * fnp.array(stddev, dtype)
    return init


def _axes_size(shape, axis) -> int:
    return shape[axis] if isinstance(axis, int) else math.prod(shape[i] for i in axis)


def _compute_fans(shape, in_axis=-2, out_axis=-1, batch_axis=()) -> tuple[float, float]:
    """(fan_in, fan_out): the in/out sizes times the receptive field (the axes that are
    neither in, out nor batch)."""
    if isinstance(in_axis, int) and in_axis == -2 and len(shape) <= 1:
        raise ValueError(f"[nn.initializers.variance_scaling] can't compute fans of a "
                         f"{len(shape)}-D shape {shape} with the default in_axis; use a >= 2-D "
                         f"shape or pass in_axis/out_axis explicitly")
    in_size, out_size = _axes_size(shape, in_axis), _axes_size(shape, out_axis)
    receptive = math.prod(shape) / in_size / out_size / _axes_size(shape, batch_axis)
    return in_size * receptive, out_size * receptive


def _complex_uniform(key, shape, dtype):
    """Uniform on the unit-variance disk: r = sqrt(2 u), theta = 2 pi u'."""
    key_r, key_theta = random.split(key)
    real = np.zeros((), dtype).real.dtype
    r = fnp.sqrt(2 * random.uniform(key_r, shape, real)).astype(dtype)
    theta = 2 * np.pi * random.uniform(key_theta, shape, real).astype(dtype)
    return r * fnp.exp(1j * theta)


def _complex_truncated_normal(key, upper, shape, dtype):
    """Complex unit normal with modulus truncated to ``upper`` (inverse-CDF of r)."""
    key_r, key_theta = random.split(key)
    real = np.zeros((), dtype).real.dtype
    t = ((1 - fnp.exp(fnp.array(-(upper ** 2), dtype)))
         * random.uniform(key_r, shape, real).astype(dtype))
    r = fnp.sqrt(-fnp.log(1 - t))
    theta = 2 * np.pi * random.uniform(key_theta, shape, real).astype(dtype)
    return r * fnp.exp(1j * theta)


_MODES = {
    "fan_in": lambda fi, fo: fi,
    "fan_out": lambda fi, fo: fo,
    "fan_avg": lambda fi, fo: (fi + fo) / 2,
    "fan_geo_avg": lambda fi, fo: (fi * fo) ** 0.5,
}
_DISTRIBUTIONS = ("truncated_normal", "normal", "uniform")


def _variance_sample(key, shape, dtype, distribution, variance):
    real = dtypes.is_float(dtype)
    if distribution == "truncated_normal":
        if real:
            std = fnp.sqrt(variance) / fnp.array(_TRUNC_REAL_STD, dtype)
            return random.truncated_normal(key, -2, 2, shape, dtype) * std
        std = fnp.sqrt(variance) / fnp.array(_TRUNC_COMPLEX_STD, dtype)
        return _complex_truncated_normal(key, 2, shape, dtype) * std
    if distribution == "normal":
        return random.normal(key, shape, dtype) * fnp.sqrt(variance)
    if real:
        return random.uniform(key, shape, dtype, -1) * fnp.sqrt(3 * variance)
    return _complex_uniform(key, shape, dtype) * fnp.sqrt(variance)


def variance_scaling(scale, mode: str, distribution: str, in_axis=-2, out_axis=-1,
                     batch_axis=(), dtype=None) -> Initializer:
    """Builds an initializer whose samples have variance ``scale / n``, ``n`` chosen by
    ``mode`` from the fans of the weight shape (``jax.nn.initializers.variance_scaling``).

    Args:
      scale: the scaling factor.
      mode: ``'fan_in'``, ``'fan_out'``, ``'fan_avg'`` or ``'fan_geo_avg'``.
      distribution: ``'truncated_normal'`` (cut at 2 std), ``'normal'`` or ``'uniform'``
        (an interval for real dtypes, a disk for complex ones).
      in_axis: the input axis or axes.
      out_axis: the output axis or axes.
      batch_axis: axes ignored when computing fans.
      dtype: the initializer's default dtype.
    Returns:
      ``init(key, shape, dtype)``.
    Example:
      >>> initializers.variance_scaling(2.0, "fan_in", "normal")(ft.random.key(0), (3, 4))
    """
    if mode not in _MODES:
        raise ValueError(f"[nn.initializers.variance_scaling] invalid mode {mode!r}; "
                         f"use one of {sorted(_MODES)}")
    if distribution not in _DISTRIBUTIONS:
        raise ValueError(f"[nn.initializers.variance_scaling] invalid distribution "
                         f"{distribution!r}; use one of {list(_DISTRIBUTIONS)}")
    default = dtype

    def init(key, shape, dtype=default):
        shape, dtype = _shape("variance_scaling", shape), _dtype(dtype)
        if not dtypes.is_inexact(dtype):
            raise ValueError(f"[nn.initializers.variance_scaling] dtype must be a float or "
                             f"complex dtype, got {dtype}")
        fan_in, fan_out = _compute_fans(shape, in_axis, out_axis, batch_axis)
        variance = fnp.array(scale / _MODES[mode](fan_in, fan_out), dtype=dtype)
        return _variance_sample(key, shape, dtype, distribution, variance)
    return init


def _scaled(scale: float, mode: str, distribution: str, doc: str):
    def builder(in_axis=-2, out_axis=-1, batch_axis=(), dtype=None) -> Initializer:
        return variance_scaling(scale, mode, distribution, in_axis=in_axis,
                                out_axis=out_axis, batch_axis=batch_axis, dtype=dtype)
    builder.__doc__ = (
        f"{doc}: ``variance_scaling({scale}, {mode!r}, {distribution!r})``.\n\n"
        "    Args:\n      in_axis: the input axis or axes.\n      out_axis: the output axis "
        "or axes.\n      batch_axis: axes ignored for the fans.\n      dtype: the default "
        "dtype.\n    Returns:\n      An initializer ``init(key, shape, dtype)``.\n"
        "    Example:\n      >>> initializers.glorot_uniform()(ft.random.key(0), (3, 4))\n")
    return builder


glorot_uniform = _scaled(1.0, "fan_avg", "uniform", "Glorot/Xavier uniform")
glorot_normal = _scaled(1.0, "fan_avg", "truncated_normal", "Glorot/Xavier normal")
lecun_uniform = _scaled(1.0, "fan_in", "uniform", "LeCun uniform")
lecun_normal = _scaled(1.0, "fan_in", "truncated_normal", "LeCun normal")
he_uniform = _scaled(2.0, "fan_in", "uniform", "He/Kaiming uniform")
he_normal = _scaled(2.0, "fan_in", "truncated_normal", "He/Kaiming normal")
for _name in ("glorot_uniform", "glorot_normal", "lecun_uniform", "lecun_normal",
              "he_uniform", "he_normal"):
    globals()[_name].__name__ = globals()[_name].__qualname__ = _name
xavier_uniform, xavier_normal = glorot_uniform, glorot_normal
kaiming_uniform, kaiming_normal = he_uniform, he_normal


def orthogonal(scale=1.0, column_axis: int = -1, dtype=None) -> Initializer:
    """Builds an initializer of (semi-)orthogonal matrices: the shape is flattened to
    ``(prod(other axes), shape[column_axis])`` and filled from ``random.orthogonal``.

    Args:
      scale: the multiplier.
      column_axis: the axis holding the orthogonal columns.
      dtype: the initializer's default dtype.
    Returns:
      ``init(key, shape, dtype)`` (shape at least 2-D).
    Example:
      >>> initializers.orthogonal()(ft.random.key(0), (3, 4))
    """
    default = dtype

    def init(key, shape, dtype=default):
        shape, dtype = _shape("orthogonal", shape), _dtype(dtype)
        if len(shape) < 2:
            raise ValueError(f"[nn.initializers.orthogonal] needs an at least 2-D shape, "
                             f"got {shape}")
        if 0 in shape:
            return fnp.zeros(shape, dtype)
        n_cols = shape[column_axis]
        n_rows = math.prod(shape) // n_cols
        q = random.orthogonal(key, n_rows, (), dtype, n_cols)
        rest = tuple(np.delete(np.array(shape), column_axis))
        q = fnp.moveaxis(fnp.reshape(q, rest + (n_cols,)), -1, column_axis)
        return fnp.array(scale, dtype) * q
    return init


def delta_orthogonal(scale=1.0, column_axis: int = -1, dtype=None) -> Initializer:
    """Builds a delta-orthogonal convolution kernel initializer: zeros except an
    orthogonal ``shape[-2:]`` matrix at the spatial centre.

    Args:
      scale: the multiplier of the orthogonal matrix.
      column_axis: the axis holding the orthogonal columns.
      dtype: the initializer's default dtype.
    Returns:
      ``init(key, shape, dtype)`` for 3-, 4- or 5-D shapes with ``shape[-2] <= shape[-1]``.
    Example:
      >>> initializers.delta_orthogonal()(ft.random.key(0), (3, 3, 4))
    """
    default = dtype

    def init(key, shape, dtype=default):
        shape, dtype = _shape("delta_orthogonal", shape), _dtype(dtype)
        if len(shape) not in (3, 4, 5):
            raise ValueError(f"[nn.initializers.delta_orthogonal] needs a 3-D, 4-D or 5-D "
                             f"shape, got {shape}")
        if shape[-1] < shape[-2]:
            raise ValueError(f"[nn.initializers.delta_orthogonal] fan_in shape[-2] must be "
                             f"<= fan_out shape[-1], got shape {shape}")
        matrix = orthogonal(scale=scale, column_axis=column_axis, dtype=dtype)(key, shape[-2:])
        centre = tuple((k - 1) // 2 for k in shape[:-2])
        return fnp.zeros(shape, dtype).at[centre].set(matrix)
    return init
