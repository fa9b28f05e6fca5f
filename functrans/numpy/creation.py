"""Array creation: asarray, array, zeros/ones/full/empty (and ``*_like``), arange,
linspace, logspace, geomspace, eye, identity, tri, tril, triu, meshgrid, indices.

Example::

    fnp.linspace(0.0, 1.0, 5); fnp.eye(3, k=1, dtype=fnp.int32); fnp.tril(x, -1)
"""

from __future__ import annotations

import numpy as np

from .. import _lax_lenient as lax
from ..core import dtypes
from ..core.array import Array, as_numpy
from ..core.ir import ShapedArray
from ..core.trace import Tracer
from ._util import as_array, aval, canonical_axis, concrete


def _dtype(dtype, default=None):
    """A requested dtype (JAX's warning for 64-bit ones with x64 off), else ``default``
    (the default float: float32, or float64 in 64-bit mode)."""
    if dtype is None:
        return dtypes.check_supported(default or dtypes.default_float(), "functrans.numpy")
    return dtypes.user_dtype(dtype, "functrans.numpy")


def asarray(a, dtype=None, order=None, *, copy=None, device=None):
    """Convert ``a`` (Array, tracer, NumPy array, scalar, nested list) to an array.

    Args:
      a: the value.
      dtype: optional target dtype.
    Returns:
      An Array (or the tracer itself under a transformation).
    Example:
      ``fnp.asarray([1, 2.5])  # float32[2]``
    """
    if isinstance(a, (Tracer, Array)):
        return a if dtype is None else lax.convert_element_type(a, _dtype(dtype))
    if isinstance(a, (list, tuple)) and any(isinstance(x, (Tracer, Array)) for x in _flat(a)):
        from .shapes import stack
        return stack([asarray(x, dtype) for x in a])
    if isinstance(a, (list, tuple)):
        a = _from_nested(a)
    weak = isinstance(a, (int, float, complex)) and not isinstance(a, bool)
    value = as_numpy(a, "asarray") if dtype is None else np.asarray(a, dtype=_dtype(dtype))
    return Array(value, ShapedArray(value.shape, value.dtype, weak and dtype is None))


def _flat(a):
    for x in a:
        if isinstance(x, (list, tuple)):
            yield from _flat(x)
        else:
            yield x


def _from_nested(a):
    """A nested list of scalars as a NumPy array with JAX's dtype rules."""
    leaves = list(_flat(a))
    if not leaves:
        return np.asarray(a, dtype=dtypes.default_float())
    dtype, _ = dtypes.promote(*[dtypes.dtype_and_weak(x) for x in leaves])
    return np.asarray(a, dtype=dtype)


def array(object, dtype=None, copy=True, order="K", ndmin=0):  # noqa: A002 (numpy name)
    """Like ``asarray``, always producing a new array (``jax.numpy.array``)."""
    out = asarray(object, dtype)
    if isinstance(out, Array) and out is object:
        out = Array(np.array(out.numpy()), out.aval)
    if ndmin > aval(out).ndim:
        out = lax.reshape(out, (1,) * (ndmin - aval(out).ndim) + aval(out).shape)
    return out


def _shape_tuple(shape):
    return (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(
        int(d) for d in shape)


def full(shape, fill_value, dtype=None, *, device=None):
    """An array of ``shape`` filled with ``fill_value`` (``jax.numpy.full``)."""
    shape = _shape_tuple(shape)
    weak = False
    if dtype is None:
        dtype, weak = dtypes.dtype_and_weak(fill_value)
    dtype = _dtype(dtype)
    if isinstance(fill_value, (Tracer, Array)) or (hasattr(fill_value, "shape")
                                                   and np.shape(fill_value)):
        from ._util import broadcast_to
        return broadcast_to(lax.convert_element_type(as_array(fill_value), dtype), shape)
    return Array(np.full(shape, fill_value, dtype=dtype), ShapedArray(shape, dtype, weak))


def zeros(shape, dtype=None, *, device=None):
    """An array of zeros (``jax.numpy.zeros``); float32 (float64 with x64) by default."""
    return full(shape, 0, _dtype(dtype))


def ones(shape, dtype=None, *, device=None):
    """An array of ones (``jax.numpy.ones``); float32 (float64 with x64) by default."""
    return full(shape, 1, _dtype(dtype))


def empty(shape, dtype=None, *, device=None):
    """Like ``zeros`` (``jax.numpy.empty``: XLA has no uninitialized memory)."""
    return zeros(shape, dtype)


def full_like(a, fill_value, dtype=None, shape=None, *, device=None):
    """An array like ``a`` filled with ``fill_value`` (``jax.numpy.full_like``)."""
    a_aval = aval(a)
    out_shape = a_aval.shape if shape is None else _shape_tuple(shape)
    out_dtype = _dtype(a_aval.dtype if dtype is None else dtype)
    if isinstance(a, Tracer) or isinstance(fill_value, Tracer):
        from ._util import broadcast_to
        return broadcast_to(lax.convert_element_type(as_array(fill_value), out_dtype),
                            out_shape)
    return full(out_shape, fill_value, out_dtype)


def zeros_like(a, dtype=None, shape=None, *, device=None):
    """Zeros with ``a``'s shape and dtype (``jax.numpy.zeros_like``)."""
    return full_like(a, 0, dtype, shape)


def ones_like(a, dtype=None, shape=None, *, device=None):
    """Ones with ``a``'s shape and dtype (``jax.numpy.ones_like``)."""
    return full_like(a, 1, dtype, shape)


def empty_like(a, dtype=None, shape=None, *, device=None):
    """Like ``zeros_like`` (``jax.numpy.empty_like``)."""
    return full_like(a, 0, dtype, shape)


def _static_number(x, api):
    if isinstance(x, (Array, Tracer)) or hasattr(x, "dtype"):
        return concrete(x, api).item()
    return x


def arange(start, stop=None, step=None, dtype=None, *, device=None):
    """Evenly spaced values in ``[start, stop)``; bounds must be concrete
    (``jax.numpy.arange``)."""
    if stop is None and step is None:
        start, stop = 0, start
    step = 1 if step is None else step
    bounds = [_static_number(b, "arange") for b in (start, stop, step)]
    if dtype is None:
        dtype, _ = dtypes.promote(*[dtypes.dtype_and_weak(b) for b in bounds])
    value = np.arange(*bounds, dtype=_dtype(dtype))
    return Array(value, ShapedArray(value.shape, value.dtype))


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0, *,
             device=None):
    """``num`` evenly spaced samples from ``start`` to ``stop`` (``jax.numpy.linspace``).

    Example: ``fnp.linspace(0.0, 1.0, 5)  # [0, .25, .5, .75, 1]``
    """
    num = int(num)
    if num < 0:
        raise ValueError(f"[linspace] number of samples, {num}, must be non-negative")
    from ._util import broadcast_shapes, promote_dtypes_inexact
    from .ufuncs import add, multiply, subtract
    s, e = (as_array(v) for v in promote_dtypes_inexact(start, stop))
    out_dtype = _dtype(dtype if dtype is not None else aval(s).dtype)
    bshape = broadcast_shapes(aval(s).shape, aval(e).shape, api="linspace")
    div = (num - 1) if endpoint else num
    iota = lax.convert_element_type(lax.iota(dtypes.int32, num), aval(s).dtype)
    iota = lax.broadcast_in_dim(iota, (num, *bshape), (0,))
    s_b = lax.expand_dims(s, [0])
    delta = subtract(e, s)
    step = lax.div(delta, float(div)) if div > 0 else delta
    out = add(s_b, multiply(iota, lax.expand_dims(step, [0])))
    if endpoint and num > 1:
        from .ufuncs import where
        last = lax.broadcasted_iota(dtypes.int32, (num, *bshape), 0)
        out = where(lax.eq(last, num - 1), lax.expand_dims(e, [0]), out)
    if dtypes.is_integer(out_dtype):
        from .ufuncs import floor
        out = floor(out)
    out = lax.convert_element_type(out, out_dtype)
    ax = canonical_axis(axis, len(bshape) + 1, "linspace")
    if ax:
        from .shapes import moveaxis
        out = moveaxis(out, 0, ax)
    return (out, lax.convert_element_type(step, out_dtype)) if retstep else out


def logspace(start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0):
    """``base ** linspace(start, stop)`` (``jax.numpy.logspace``)."""
    from .ufuncs import power
    lin = linspace(start, stop, num, endpoint, axis=axis)
    out = power(base, lin)
    return out if dtype is None else lax.convert_element_type(out, _dtype(dtype))


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """Samples evenly spaced on a log scale (``jax.numpy.geomspace``)."""
    from .ufuncs import exp, log
    out = exp(linspace(log(start), log(stop), num, endpoint, axis=axis))
    return out if dtype is None else lax.convert_element_type(out, _dtype(dtype))


def _tri_mask(n, m, k):
    rows = lax.broadcasted_iota(dtypes.int32, (n, m), 0)
    cols = lax.broadcasted_iota(dtypes.int32, (n, m), 1)
    return lax.ge(lax.add(rows, int(k)), cols)


def eye(N, M=None, k=0, dtype=None, *, device=None):
    """A 2-D array with ones on the ``k``-th diagonal (``jax.numpy.eye``)."""
    n, m = int(N), int(N if M is None else M)
    rows = lax.broadcasted_iota(dtypes.int32, (n, m), 0)
    cols = lax.broadcasted_iota(dtypes.int32, (n, m), 1)
    return lax.convert_element_type(lax.eq(lax.add(rows, int(k)), cols), _dtype(dtype))


def identity(n, dtype=None):
    """The ``n x n`` identity matrix (``jax.numpy.identity``)."""
    return eye(n, dtype=dtype)


def tri(N, M=None, k=0, dtype=None):
    """Ones at and below the ``k``-th diagonal (``jax.numpy.tri``)."""
    n, m = int(N), int(N if M is None else M)
    return lax.convert_element_type(_tri_mask(n, m, k), _dtype(dtype))


def _tri_select(m, k, lower):
    m = as_array(m)
    s = aval(m).shape
    if len(s) < 2:
        raise ValueError(f"[{'tril' if lower else 'triu'}] needs an array of rank >= 2, got "
                         f"shape {s}")
    mask = _tri_mask(s[-2], s[-1], k if lower else k - 1)
    mask = lax.broadcast_in_dim(mask, s, (len(s) - 2, len(s) - 1))
    zero = lax.broadcast(lax.convert_element_type(as_array(0), aval(m).dtype), s)
    return lax.select(mask, m, zero) if lower else lax.select(mask, zero, m)


def tril(m, k=0):
    """Zero the elements above the ``k``-th diagonal (``jax.numpy.tril``)."""
    return _tri_select(m, k, True)


def triu(m, k=0):
    """Zero the elements below the ``k``-th diagonal (``jax.numpy.triu``)."""
    return _tri_select(m, k, False)


def meshgrid(*xi, copy=True, sparse=False, indexing="xy"):
    """Coordinate grids from 1-D vectors (``jax.numpy.meshgrid``)."""
    if indexing not in ("xy", "ij"):
        raise ValueError(f"[meshgrid] indexing must be 'xy' or 'ij', got {indexing!r}")
    xi = [as_array(x) for x in xi]
    for x in xi:
        if aval(x).ndim != 1:
            raise ValueError(f"[meshgrid] inputs must be 1-D, got shape {aval(x).shape}")
    shape = [aval(x).shape[0] for x in xi]
    if indexing == "xy" and len(xi) >= 2:
        shape[0], shape[1] = shape[1], shape[0]
    out = []
    for i, x in enumerate(xi):
        dim = (1 - i if i < 2 else i) if indexing == "xy" and len(xi) >= 2 else i
        if sparse:
            s = [1] * len(xi)
            s[dim] = aval(x).shape[0]
            out.append(lax.reshape(x, s))
        else:
            out.append(lax.broadcast_in_dim(x, shape, (dim,)))
    return out


def indices(dimensions, dtype=None, sparse=False):
    """Index grids for an array of shape ``dimensions`` (``jax.numpy.indices``)."""
    dims = tuple(int(d) for d in dimensions)
    dt = _dtype(dtype, dtypes.default_int())
    grids = []
    for i, d in enumerate(dims):
        if sparse:
            s = [1] * len(dims)
            s[i] = d
            grids.append(lax.broadcasted_iota(dt, s, i))
        else:
            grids.append(lax.broadcasted_iota(dt, dims, i))
    if sparse:
        return tuple(grids)
    from .shapes import stack
    return stack(grids) if grids else Array(np.zeros((0,), dt), ShapedArray((0,), dt))

