"""Indexing: basic (static) indexing with ints, slices, None and Ellipsis."""

from __future__ import annotations

from .. import lax
from ._util import aval


def _expand_ellipsis(idx, ndim):
    """Replace ``...`` (or pad the end) with full slices so every axis has an index."""
    n_real = sum(1 for i in idx if i is not None and i is not Ellipsis)
    ellipses = [k for k, i in enumerate(idx) if i is Ellipsis]
    if len(ellipses) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    if n_real > ndim:
        raise IndexError(f"too many indices for array: array is {ndim}-dimensional, but "
                         f"{n_real} were indexed")
    fill = [slice(None)] * (ndim - n_real)
    if ellipses:
        k = ellipses[0]
        return list(idx[:k]) + fill + list(idx[k + 1:])
    return list(idx) + fill


def getitem(x, idx):
    """``x[idx]`` for static ints, slices (any step), None and Ellipsis."""
    shape = aval(x).shape
    idx = idx if isinstance(idx, tuple) else (idx,)
    idx = _expand_ellipsis(idx, len(shape))
    starts, limits, strides, squeeze_dims, new_shape = [], [], [], [], []
    flips = []
    axis = 0
    for i in idx:
        if i is None:
            new_shape.append(("new",))
            continue
        size = shape[axis]
        if isinstance(i, slice):
            start, stop, step = i.indices(size)
            if step < 0:
                flips.append(axis)
                n = len(range(start, stop, step))
                start, stop, step = (start - (n - 1) * (-step), start + 1, -step) if n else (0, 0, 1)
            starts.append(start)
            limits.append(max(start, stop))
            strides.append(step)
            new_shape.append(("keep", axis))
        else:
            try:
                k = int(i.__index__())
            except (AttributeError, TypeError) as e:
                raise TypeError(f"index {i!r} is not supported by basic indexing") from e
            if not -size <= k < size:
                raise IndexError(f"index {k} is out of bounds for axis {axis} with size {size}")
            k %= size
            starts.append(k)
            limits.append(k + 1)
            strides.append(1)
            squeeze_dims.append(axis)
        axis += 1
    out = x
    if tuple(starts) != (0,) * len(shape) or tuple(limits) != shape or any(s != 1 for s in strides):
        out = lax.slice(out, starts, limits, strides)
    if flips:
        raise NotImplementedError("negative slice steps need lax.rev")
    out = lax.squeeze(out, squeeze_dims) if squeeze_dims else out
    final = []
    kept = iter(aval(out).shape)
    for item in new_shape:
        final.append(1 if item[0] == "new" else next(kept))
    return lax.reshape(out, final) if len(final) != aval(out).ndim else out
