"""Promotion and broadcasting shared by every ``functrans.numpy`` function."""

from __future__ import annotations

import numpy as np

from .. import lax
from ..core import dtypes
from ..core.array import aval_of
from ..core.trace import Tracer

_PY_SCALARS = (bool, int, float, complex)


def aval(x):
    return x.aval if isinstance(x, Tracer) else aval_of(x, "functrans.numpy")


def asarray_value(x):
    """Arrays, tracers and scalars pass through; lists and tuples become arrays."""
    if isinstance(x, (list, tuple)):
        from .creation import asarray
        return asarray(x)
    return x


def promote_dtypes(*args):
    """Cast ``args`` to their common dtype under JAX's promotion rules."""
    args = [asarray_value(a) for a in args]
    dtype, weak = dtypes.promote(*[dtypes.dtype_and_weak(a) for a in args])
    return [_cast(a, dtype, weak) for a in args]


def _cast(x, dtype, weak):
    if isinstance(x, _PY_SCALARS):
        return lax._scalar_as(x, dtype)
    a = aval(x)
    if a.dtype == dtype:
        return x
    return lax._convert_weak(x, dtype) if weak else lax.convert_element_type(x, dtype)


def broadcast_shapes(*shapes, api: str = "functrans.numpy") -> tuple[int, ...]:
    ndim = max((len(s) for s in shapes), default=0)
    out = []
    for dims in zip(*[(1,) * (ndim - len(s)) + tuple(s) for s in shapes], strict=True):
        sizes = {d for d in dims if d != 1}
        if len(sizes) > 1:
            raise ValueError(f"[{api}] shapes {' and '.join(str(tuple(s)) for s in shapes)} "
                             "cannot be broadcast together (each axis must match or be 1)")
        out.append(sizes.pop() if sizes else 1)
    return tuple(out)


def broadcast_to(x, shape):
    shape = tuple(shape)
    xshape = tuple(np.shape(x)) if isinstance(x, _PY_SCALARS) else aval(x).shape
    if xshape == shape:
        return x
    if len(xshape) > len(shape):
        raise ValueError(f"[broadcast_to] cannot broadcast shape {xshape} to {shape}")
    broadcast_shapes(xshape, shape, api="broadcast_to")
    lead = len(shape) - len(xshape)
    keep = [i for i, d in enumerate(xshape) if d == shape[lead + i]]
    squeezed = lax.reshape(x, [xshape[i] for i in keep]) if len(keep) < len(xshape) else x
    return lax.broadcast_in_dim(squeezed, shape, [lead + i for i in keep])


def promote_and_broadcast(*args, api: str = "functrans.numpy"):
    """Promote dtypes, then broadcast array operands to a common shape (rank-0 values
    stay rank-0: the primitives broadcast them)."""
    args = promote_dtypes(*args)
    shapes = [aval(a).shape for a in args]
    shape = broadcast_shapes(*shapes, api=api)
    return [a if s == shape or s == () else broadcast_to(a, shape)
            for a, s in zip(args, shapes, strict=True)]


def canonical_axis(axis: int, ndim: int, api: str) -> int:
    if not -ndim <= axis < max(ndim, 1):
        raise ValueError(f"[{api}] axis {axis} is out of bounds for an array of rank {ndim}")
    return axis % ndim if ndim else 0


def reduction_axes(axis, ndim: int, api: str) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    return tuple(canonical_axis(a, ndim, api) for a in axes)
