"""Array creation: asarray, array, zeros, ones, full, arange, *_like."""

from __future__ import annotations

import numpy as np

from .. import lax
from ..core import dtypes
from ..core.array import Array, as_numpy, aval_of
from ..core.ir import ShapedArray
from ..core.trace import Tracer


def asarray(a, dtype=None, copy=None):
    """Convert ``a`` (Array, tracer, NumPy array, scalar, nested list) to an array."""
    if isinstance(a, Tracer):
        return a if dtype is None else lax.convert_element_type(a, dtype)
    if isinstance(a, Array):
        return a if dtype is None else lax.convert_element_type(a, dtype)
    if isinstance(a, (list, tuple)) and any(isinstance(x, Tracer) for x in _flat(a)):
        from .shapes import stack
        return stack([asarray(x, dtype) for x in a])
    if isinstance(a, (list, tuple)):
        a = _from_nested(a)
    weak = isinstance(a, (bool, int, float, complex)) and not isinstance(a, bool)
    value = as_numpy(a, "asarray") if dtype is None else np.asarray(
        a, dtype=dtypes.check_supported(dtype, "asarray"))
    return Array(value, ShapedArray(value.shape, value.dtype, weak and dtype is None))


def _flat(a):
    for x in a:
        if isinstance(x, (list, tuple)):
            yield from _flat(x)
        else:
            yield x


def _from_nested(a):
    """A nested list of scalars/arrays as a NumPy array with JAX's dtype rules."""
    leaves = list(_flat(a))
    if not leaves:
        return np.asarray(a, dtype=dtypes.float32)
    dtype, _ = dtypes.promote(*[dtypes.dtype_and_weak(x) for x in leaves])
    return np.asarray([np.asarray(x) if isinstance(x, Array) else x for x in a]
                      if any(isinstance(x, Array) for x in a) else a, dtype=dtype)


def array(a, dtype=None, copy=True):
    """Like ``asarray``, always producing a new array."""
    out = asarray(a, dtype)
    if isinstance(out, Array) and out is a:
        return Array(np.array(out.numpy()), out.aval)
    return out


def _dtype(dtype, default=dtypes.float32):
    return dtypes.check_supported(default if dtype is None else dtype, "functrans.numpy")


def full(shape, fill_value, dtype=None):
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    if dtype is None:
        dtype = dtypes.dtype_and_weak(fill_value)[0]
    return lax.full(shape, fill_value, _dtype(dtype))


def zeros(shape, dtype=None):
    return full(shape, 0, _dtype(dtype))


def ones(shape, dtype=None):
    return full(shape, 1, _dtype(dtype))


def empty(shape, dtype=None):
    return zeros(shape, dtype)


def _like(fill):
    def like(a, dtype=None, shape=None):
        a_aval = a.aval if isinstance(a, Tracer) else aval_of(asarray(a))
        return full(a_aval.shape if shape is None else shape, fill,
                    a_aval.dtype if dtype is None else dtype)
    return like


zeros_like, ones_like = _like(0), _like(1)


def full_like(a, fill_value, dtype=None, shape=None):
    return _like(fill_value)(a, dtype, shape)


def arange(start, stop=None, step=None, dtype=None):
    """Evenly spaced values; the bounds must be concrete (as in JAX)."""
    if stop is None and step is None:
        start, stop = 0, start
    step = 1 if step is None else step
    bounds = [float(b) if isinstance(b, (Array, Tracer)) else b for b in (start, stop, step)]
    if dtype is None:
        dtype, _ = dtypes.promote(*[dtypes.dtype_and_weak(b) for b in bounds])
    value = np.arange(*bounds, dtype=_dtype(dtype))
    return Array(value, ShapedArray(value.shape, value.dtype))
