"""Shape manipulation: reshape, transpose, stacking, splitting, tiling, flipping,
rolling, padding and broadcasting.

Example::

    fnp.concatenate([x, y], axis=1); fnp.split(x, 3); fnp.pad(x, 1, mode="edge")
"""

from __future__ import annotations

import builtins
import math

import numpy as np

from .. import _lax_lenient as lax
from ._util import (
    as_array,
    aval,
    canonical_axis,
    concrete,
    promote_dtypes,
    reduction_axes,
)
from ._util import (
    broadcast_shapes as _broadcast_shapes,
)
from ._util import (
    broadcast_to as _broadcast_to,
)


def shape(a):
    """The shape tuple (``jax.numpy.shape``)."""
    return aval(a).shape


def ndim(a):
    """The number of dimensions (``jax.numpy.ndim``)."""
    return aval(a).ndim


def size(a, axis=None):
    """The number of elements, optionally along ``axis`` (``jax.numpy.size``)."""
    s = aval(a).shape
    return math.prod(s) if axis is None else s[canonical_axis(
        axis, len(s), "size")]


def reshape(a, shape=None, order="C", *, newshape=None):  # noqa: A002
    """Give ``a`` a new shape with the same size; one entry may be -1.

    Args:
      a: array.
      shape: int or tuple of ints.
    Returns:
      The reshaped Array.
    Example:
      ``fnp.reshape(fnp.arange(6), (2, -1))``
    """
    shape = newshape if shape is None else shape
    if order != "C":
        raise NotImplementedError("[reshape] only order='C' is supported")
    shape = (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(
        int(d) for d in shape)
    a = as_array(a)
    size_ = aval(a).size
    if shape.count(-1) > 1:
        raise ValueError(f"[reshape] can only infer one dimension, got shape {shape}")
    known = math.prod([d for d in shape if d != -1])
    if -1 in shape:
        if known == 0 or size_ % known:
            raise ValueError(f"[reshape] cannot reshape an array of size {size_} (shape "
                             f"{aval(a).shape}) into shape {shape}")
        shape = tuple(size_ // known if d == -1 else d for d in shape)
    elif known != size_:
        raise ValueError(f"[reshape] cannot reshape an array of size {size_} (shape "
                         f"{aval(a).shape}) into shape {shape} (size {known})")
    return lax.reshape(a, shape)


def ravel(a, order="C"):
    """Flatten to 1-D (``jax.numpy.ravel``)."""
    return reshape(a, (-1,), order)


def transpose(a, axes=None):
    """Permute the axes; reverse them by default (``jax.numpy.transpose``)."""
    a = as_array(a)
    nd = aval(a).ndim
    if axes is None:
        axes = tuple(reversed(range(nd)))
    else:
        axes = tuple(canonical_axis(ax, nd, "transpose") for ax in axes)
        if sorted(axes) != list(range(nd)):
            raise ValueError(f"[transpose] axes {axes} are not a permutation of the {nd} axes")
    return lax.transpose(a, axes)


permute_dims = transpose


def matrix_transpose(x, /):
    """Swap the last two axes (``jax.numpy.matrix_transpose``)."""
    return swapaxes(x, -1, -2)


def swapaxes(a, axis1, axis2):
    """Exchange two axes (``jax.numpy.swapaxes``)."""
    nd = aval(a).ndim
    perm = list(range(nd))
    i, j = canonical_axis(axis1, nd, "swapaxes"), canonical_axis(axis2, nd, "swapaxes")
    perm[i], perm[j] = perm[j], perm[i]
    return lax.transpose(as_array(a), perm)


def moveaxis(a, source, destination):
    """Move axes to new positions (``jax.numpy.moveaxis``)."""
    nd = aval(a).ndim
    src = reduction_axes(source, nd, "moveaxis")
    dst = reduction_axes(destination, nd, "moveaxis")
    if len(src) != len(dst):
        raise ValueError(f"[moveaxis] source {source} and destination {destination} must "
                         "have the same number of axes")
    perm = [i for i in range(nd) if i not in src]
    for d, s in sorted(zip(dst, src, strict=True)):
        perm.insert(d, s)
    return lax.transpose(as_array(a), perm)


def expand_dims(a, axis):
    """Insert size-1 axes at ``axis`` (positions in the result) (``jax.numpy.expand_dims``)."""
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    nd = aval(a).ndim + len(axes)
    return lax.expand_dims(as_array(a), [canonical_axis(ax, nd, "expand_dims") for ax in axes])


def squeeze(a, axis=None):
    """Remove size-1 axes (``jax.numpy.squeeze``)."""
    a = as_array(a)
    s = aval(a).shape
    if axis is None:
        axes = tuple(i for i, d in enumerate(s) if d == 1)
    else:
        axes = reduction_axes(axis, len(s), "squeeze")
        bad = [ax for ax in axes if s[ax] != 1]
        if bad:
            raise ValueError(f"[squeeze] cannot select axis {bad[0]} of shape {s}: only axes "
                             "of size 1 can be squeezed")
    return lax.squeeze(a, axes)


def concatenate(arrays, axis=0, dtype=None):
    """Join arrays along an existing axis; ``axis=None`` flattens first
    (``jax.numpy.concatenate``)."""
    arrays = [as_array(a) for a in promote_dtypes(*arrays)]
    if not arrays:
        raise ValueError("[concatenate] needs at least one array")
    if axis is None:
        arrays, axis = [ravel(a) for a in arrays], 0
    if dtype is not None:
        arrays = [lax.convert_element_type(a, dtype) for a in arrays]
    nd = aval(arrays[0]).ndim
    if nd == 0:
        raise ValueError("[concatenate] zero-dimensional arrays cannot be concatenated")
    ax = canonical_axis(axis, nd, "concatenate")
    for a in arrays[1:]:
        s0, s = aval(arrays[0]).shape, aval(a).shape
        if len(s) != nd or any(x != y for i, (x, y) in enumerate(zip(s0, s, strict=True))
                               if i != ax):
            raise ValueError(f"[concatenate] shapes {s0} and {s} differ outside axis {ax}")
    return arrays[0] if len(arrays) == 1 else lax.concatenate(arrays, ax)


concat = concatenate


def stack(arrays, axis=0, dtype=None):
    """Join same-shape arrays along a new axis (``jax.numpy.stack``)."""
    arrays = [as_array(a) for a in promote_dtypes(*arrays)]
    if not arrays:
        raise ValueError("[stack] needs at least one array")
    shapes = {aval(a).shape for a in arrays}
    if len(shapes) != 1:
        raise ValueError(f"[stack] all input arrays must have the same shape, got "
                         f"{sorted(shapes)}")
    ax = canonical_axis(axis, len(shapes.pop()) + 1, "stack")
    return concatenate([lax.expand_dims(a, [ax]) for a in arrays], ax, dtype)


def atleast_1d(*arys):
    """Arrays with at least one dimension (``jax.numpy.atleast_1d``)."""
    out = [as_array(a) if aval(a).ndim >= 1 else reshape(a, (1,)) for a in arys]
    return out[0] if len(out) == 1 else out


def atleast_2d(*arys):
    """Arrays with at least two dimensions (``jax.numpy.atleast_2d``)."""
    out = []
    for a in arys:
        a = as_array(a)
        nd = aval(a).ndim
        out.append(a if nd >= 2 else reshape(a, (1,) * (2 - nd) + aval(a).shape))
    return out[0] if len(out) == 1 else out


def atleast_3d(*arys):
    """Arrays with at least three dimensions; 1-D ``(n,)`` becomes ``(1, n, 1)``
    (``jax.numpy.atleast_3d``)."""
    out = []
    for a in arys:
        a = as_array(a)
        s = aval(a).shape
        new = {0: (1, 1, 1), 1: (1, *s, 1), 2: (*s, 1)}.get(len(s), s)
        out.append(reshape(a, new) if new != s else a)
    return out[0] if len(out) == 1 else out


def hstack(tup, dtype=None):
    """Stack horizontally: along axis 1, or 0 for 1-D arrays (``jax.numpy.hstack``)."""
    arrs = [atleast_1d(a) for a in tup]
    return concatenate(arrs, 0 if aval(arrs[0]).ndim == 1 else 1, dtype)


def vstack(tup, dtype=None):
    """Stack vertically along axis 0 (``jax.numpy.vstack``)."""
    return concatenate([atleast_2d(a) for a in tup], 0, dtype)


row_stack = vstack


def dstack(tup, dtype=None):
    """Stack along the third axis (``jax.numpy.dstack``)."""
    return concatenate([atleast_3d(a) for a in tup], 2, dtype)


def column_stack(tup):
    """Stack 1-D arrays as columns (``jax.numpy.column_stack``)."""
    arrs = [reshape(a, (-1, 1)) if aval(a).ndim < 2 else as_array(a) for a in tup]
    return concatenate(arrs, 1)


def _slice_axis(a, ax, start, stop, step=1):
    s = aval(a).shape
    starts = [0] * len(s)
    limits = list(s)
    strides = [1] * len(s)
    starts[ax], limits[ax], strides[ax] = start, stop, step
    if start == 0 and stop == s[ax] and step == 1:
        return a
    return lax.slice(a, starts, limits, strides)


def _split_points(n, indices_or_sections, api, even):
    if isinstance(indices_or_sections, (int, np.integer)):
        k = int(indices_or_sections)
        if k <= 0:
            raise ValueError(f"[{api}] number of sections must be positive, got {k}")
        if even and n % k:
            raise ValueError(f"[{api}] array split does not result in an equal division: "
                             f"axis of size {n} into {k} sections (use array_split)")
        q, r = divmod(n, k)
        sizes = [q + 1] * r + [q] * (k - r)
        return list(np.cumsum([0] + sizes))
    pts = [int(i) for i in concrete(indices_or_sections, api)]
    return [0] + [builtins.min(builtins.max(p if p >= 0 else p + n, 0), n) for p in pts] + [n]


def split(ary, indices_or_sections, axis=0):
    """Split into equal sections or at indices (``jax.numpy.split``)."""
    return _split(ary, indices_or_sections, axis, "split", True)


def array_split(ary, indices_or_sections, axis=0):
    """Split into nearly equal sections (``jax.numpy.array_split``)."""
    return _split(ary, indices_or_sections, axis, "array_split", False)


def _split(ary, ios, axis, api, even):
    a = as_array(ary)
    ax = canonical_axis(axis, aval(a).ndim, api)
    pts = _split_points(aval(a).shape[ax], ios, api, even)
    return [_slice_axis(a, ax, lo, builtins.max(lo, hi)) for lo, hi in
            zip(pts[:-1], pts[1:], strict=True)]


def hsplit(ary, indices_or_sections):
    """Split along axis 1 (axis 0 for 1-D) (``jax.numpy.hsplit``)."""
    return split(ary, indices_or_sections, 0 if aval(ary).ndim == 1 else 1)


def vsplit(ary, indices_or_sections):
    """Split along axis 0 (``jax.numpy.vsplit``)."""
    return split(ary, indices_or_sections, 0)


def dsplit(ary, indices_or_sections):
    """Split along axis 2 (``jax.numpy.dsplit``)."""
    return split(ary, indices_or_sections, 2)


def tile(A, reps):
    """Repeat the whole array ``reps`` times per axis (``jax.numpy.tile``)."""
    a = as_array(A)
    reps = (int(reps),) if isinstance(reps, (int, np.integer)) else tuple(int(r) for r in reps)
    s = aval(a).shape
    nd = builtins.max(len(s), len(reps))
    s = (1,) * (nd - len(s)) + s
    reps = (1,) * (nd - len(reps)) + reps
    a = reshape(a, s)
    inter = [d for pair in zip(reps, s, strict=True) for d in pair]
    b = lax.broadcast_in_dim(a, inter, tuple(range(1, 2 * nd, 2)))
    return reshape(b, [r * d for r, d in zip(reps, s, strict=True)])


def repeat(a, repeats, axis=None, *, total_repeat_length=None):
    """Repeat each element ``repeats`` times along ``axis`` (``jax.numpy.repeat``)."""
    a = as_array(a)
    if axis is None:
        a, axis = ravel(a), 0
    ax = canonical_axis(axis, aval(a).ndim, "repeat")
    s = aval(a).shape
    if isinstance(repeats, (int, np.integer)):
        r = int(repeats)
        inter = s[:ax + 1] + (r,) + s[ax + 1:]
        dims = tuple(i for i in range(len(s) + 1) if i != ax + 1)
        return reshape(lax.broadcast_in_dim(a, inter, dims), s[:ax] + (s[ax] * r,) + s[ax + 1:])
    reps = concrete(repeats, "repeat").astype(np.int64)
    idx = np.repeat(np.arange(s[ax]), np.broadcast_to(reps, (s[ax],)))
    from .sorting import take
    return take(a, idx.astype(np.int32), axis=ax)


def flip(m, axis=None):
    """Reverse the order of elements along ``axis`` (all axes by default)
    (``jax.numpy.flip``)."""
    m = as_array(m)
    axes = reduction_axes(axis, aval(m).ndim, "flip")
    return lax.rev(m, axes) if axes else m


def fliplr(m):
    """Reverse axis 1 (``jax.numpy.fliplr``)."""
    return flip(m, 1)


def flipud(m):
    """Reverse axis 0 (``jax.numpy.flipud``)."""
    return flip(m, 0)


def rot90(m, k=1, axes=(0, 1)):
    """Rotate by 90 degrees in the plane of ``axes`` (``jax.numpy.rot90``)."""
    m = as_array(m)
    k %= 4
    a0, a1 = (canonical_axis(ax, aval(m).ndim, "rot90") for ax in axes)
    if k == 0:
        return m
    if k == 2:
        return flip(flip(m, a0), a1)
    perm = list(range(aval(m).ndim))
    perm[a0], perm[a1] = perm[a1], perm[a0]
    return transpose(flip(m, a1), perm) if k == 1 else flip(transpose(m, perm), a1)


def roll(a, shift, axis=None):
    """Shift elements cyclically along ``axis`` (``jax.numpy.roll``)."""
    a = as_array(a)
    if axis is None:
        return reshape(roll(ravel(a), shift, 0), aval(a).shape)
    shifts = np.broadcast_to(concrete(shift, "roll"), np.shape(axis)).reshape(-1)
    axes = np.reshape(axis, -1)
    for sh, ax in zip(shifts, axes, strict=True):
        ax = canonical_axis(int(ax), aval(a).ndim, "roll")
        n = aval(a).shape[ax]
        sh = int(sh) % n if n else 0
        if sh:
            a = concatenate([_slice_axis(a, ax, n - sh, n), _slice_axis(a, ax, 0, n - sh)], ax)
    return a


def _pad_widths(pad_width, nd):
    pw = np.asarray(concrete(pad_width, "pad"), dtype=np.int64)
    try:
        pw = np.broadcast_to(pw, (nd, 2))
    except ValueError:
        raise ValueError(f"[pad] pad_width {pad_width} does not fit an array of rank {nd}: "
                         "pass an int, a (before, after) pair or one pair per axis") from None
    if (pw < 0).any():
        raise ValueError(f"[pad] pad widths must be non-negative, got {pad_width}")
    return [tuple(int(v) for v in row) for row in pw]


def pad(array, pad_width, mode="constant", **kwargs):
    """Pad an array (``jax.numpy.pad``); modes constant, edge, wrap, reflect, symmetric.

    Example: ``fnp.pad(x, ((1, 1), (0, 2)), constant_values=-1)``
    """
    a = as_array(array)
    widths = _pad_widths(pad_width, aval(a).ndim)
    if mode == "constant":
        value = kwargs.get("constant_values", 0)
        if not isinstance(value, (int, float, bool)):
            value = concrete(value, "pad").reshape(-1)[0].item()
        fill = lax.convert_element_type(as_array(value), aval(a).dtype)
        return lax.pad(a, fill, [(lo, hi, 0) for lo, hi in widths])
    fns = {"edge": _edge, "wrap": _wrap, "reflect": _reflect, "symmetric": _symmetric}
    if mode not in fns:
        raise NotImplementedError(f"[pad] mode={mode!r} is not supported; use one of "
                                  f"constant, {', '.join(fns)}")
    for ax, (lo, hi) in enumerate(widths):
        if lo or hi:
            n = aval(a).shape[ax]
            if n == 0:
                raise ValueError(f"[pad] cannot pad an empty axis {ax} with mode={mode!r}")
            a = fns[mode](a, ax, lo, hi, n)
    return a


def _edge(a, ax, lo, hi, n):
    first = _repeat_slice(_slice_axis(a, ax, 0, 1), ax, lo)
    last = _repeat_slice(_slice_axis(a, ax, n - 1, n), ax, hi)
    return concatenate([p for p in (first, a, last) if aval(p).shape[ax]], ax)


def _repeat_slice(s, ax, k):
    return repeat(s, k, axis=ax)


def _wrap(a, ax, lo, hi, n):
    parts = []
    for i in range(-lo, n + hi):
        parts.append(i % n)
    return _gather_axis(a, ax, parts)


def _reflect(a, ax, lo, hi, n):
    period = 2 * n - 2 if n > 1 else 1
    idx = [(i % period) if (i % period) < n else period - (i % period) for i in range(-lo, n + hi)]
    return _gather_axis(a, ax, idx)


def _symmetric(a, ax, lo, hi, n):
    period = 2 * n
    idx = [(i % period) if (i % period) < n else period - 1 - (i % period)
           for i in range(-lo, n + hi)]
    return _gather_axis(a, ax, idx)


def _gather_axis(a, ax, idx):
    """Static gather along one axis, built from slices and concatenate."""
    runs, start = [], 0
    for k in range(1, len(idx) + 1):
        if k == len(idx) or idx[k] != idx[k - 1] + 1:
            runs.append(_slice_axis(a, ax, idx[start], idx[k - 1] + 1))
            start = k
    return concatenate(runs, ax)


def broadcast_to(array, shape):
    """Broadcast to ``shape`` (``jax.numpy.broadcast_to``)."""
    shape = (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(shape)
    return _broadcast_to(as_array(array), shape)


def broadcast_shapes(*shapes):
    """The broadcast of several shapes (``jax.numpy.broadcast_shapes``)."""
    return _broadcast_shapes(*[(s,) if isinstance(s, int) else tuple(s) for s in shapes],
                             api="broadcast_shapes")


def broadcast_arrays(*args):
    """Broadcast arrays against each other (``jax.numpy.broadcast_arrays``)."""
    s = _broadcast_shapes(*[aval(a).shape for a in args], api="broadcast_arrays")
    return [_broadcast_to(as_array(a), s) for a in args]


def append(arr, values, axis=None):
    """Append values at the end of ``axis`` (``jax.numpy.append``)."""
    if axis is None:
        return concatenate([ravel(arr), ravel(values)], 0)
    return concatenate([arr, values], axis)


def diff(a, n=1, axis=-1, prepend=None, append=None):
    """The ``n``-th discrete difference along ``axis`` (``jax.numpy.diff``)."""
    from .ufuncs import not_equal, subtract
    a = as_array(a)
    ax = canonical_axis(axis, aval(a).ndim, "diff")
    parts = [p for p in (prepend, a, append) if p is not None]
    if len(parts) > 1:
        s = aval(a).shape
        parts = [as_array(p) if aval(p).ndim else _broadcast_to(
            as_array(p), s[:ax] + (1,) + s[ax + 1:]) for p in parts]
        a = concatenate(parts, ax)
    for _ in range(n):
        m = aval(a).shape[ax]
        hi, lo = _slice_axis(a, ax, 1, m), _slice_axis(a, ax, 0, builtins.max(m - 1, 0))
        a = not_equal(hi, lo) if aval(a).dtype == np.bool_ else subtract(hi, lo)
    return a


def copy(a, order=None):
    """A copy of ``a`` (``jax.numpy.copy``)."""
    from .creation import array
    return array(a, copy=True)
