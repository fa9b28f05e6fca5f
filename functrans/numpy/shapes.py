"""Shape manipulation: reshape, transpose, expand_dims, squeeze, stack."""

from __future__ import annotations

import numpy as np

from .. import lax
from ._util import aval, canonical_axis, promote_dtypes, reduction_axes


def reshape(a, shape, order="C"):
    if order != "C":
        raise NotImplementedError("[reshape] only order='C' is supported")
    shape = (shape,) if isinstance(shape, int) else tuple(int(d) for d in shape)
    size = aval(a).size
    if shape.count(-1) > 1:
        raise ValueError(f"[reshape] can only infer one dimension, got shape {shape}")
    if -1 in shape:
        known = int(np.prod([d for d in shape if d != -1]))
        if known == 0 or size % known:
            raise ValueError(f"[reshape] cannot reshape an array of size {size} "
                             f"(shape {aval(a).shape}) into shape {shape}")
        shape = tuple(size // known if d == -1 else d for d in shape)
    return lax.reshape(a, shape)


def ravel(a):
    return reshape(a, (-1,))


def transpose(a, axes=None):
    ndim = aval(a).ndim
    axes = tuple(reversed(range(ndim))) if axes is None else tuple(
        canonical_axis(ax, ndim, "transpose") for ax in axes)
    return lax.transpose(a, axes)


def expand_dims(a, axis):
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    ndim = aval(a).ndim + len(axes)
    return lax.expand_dims(a, [canonical_axis(ax, ndim, "expand_dims") for ax in axes])


def squeeze(a, axis=None):
    shape = aval(a).shape
    axes = tuple(i for i, d in enumerate(shape) if d == 1) if axis is None else \
        reduction_axes(axis, len(shape), "squeeze")
    return lax.squeeze(a, axes)


def stack(arrays, axis=0):
    arrays = promote_dtypes(*arrays)
    shapes = {aval(a).shape for a in arrays}
    if len(shapes) != 1:
        raise ValueError(f"[stack] all input arrays must have the same shape, got "
                         f"{sorted(shapes)}")
    ndim = len(shapes.pop()) + 1
    axis = canonical_axis(axis, ndim, "stack")
    expanded = [lax.expand_dims(a, [axis]) for a in arrays]
    return concatenate(expanded, axis)


def concatenate(arrays, axis=0):
    """Join arrays along ``axis`` (built from pad+add until the concatenate primitive)."""
    from .. import lax as _lax
    arrays = promote_dtypes(*arrays)
    if hasattr(_lax, "concatenate"):
        return _lax.concatenate(arrays, canonical_axis(axis, aval(arrays[0]).ndim,
                                                       "concatenate"))
    raise NotImplementedError("[concatenate] needs lax.concatenate")
