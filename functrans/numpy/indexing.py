"""Indexing: ``x[idx]`` and ``x.at[idx].set/add/mul/min/max/get``, with NumPy's rules.

Supported indices: ints, slices with any step (negative steps via ``lax.rev``),
``None``, ``...``, integer arrays (advanced indexing via ``lax.gather``, with
NumPy's placement rule for mixed basic/advanced indices) and *concrete* boolean
masks. Differences from JAX, on purpose:

* a static integer index (Python int, NumPy or concrete array) that is out of range
  raises ``IndexError`` as in NumPy (JAX clamps it);
* traced indices are clamped as in JAX; in ``.at[...]`` updates an out-of-range
  traced index updates the clamped position (JAX drops the update).

Example::

    x[1:, ::-1]; x[fnp.array([0, 2]), :, None]; x[x > 0]; x.at[0, 1:].add(1.0)
"""

from __future__ import annotations

import math

import numpy as np

from .. import _lax_lenient as lax
from ..core import dtypes
from ..core.array import Array
from ..core.ir import ShapedArray
from ..core.trace import NonConcreteBooleanIndexError, Tracer
from ..primitives.indexing import default_fill
from ._util import as_array, aval, broadcast_to


def _is_int_scalar(i) -> bool:
    return isinstance(i, (int, np.integer)) and not isinstance(i, (bool, np.bool_))


def _normalize_item(i):
    """Concrete index pieces become NumPy arrays/ints; tracers stay."""
    if isinstance(i, (list, tuple)):
        i = np.asarray(i)
        if i.dtype == np.float64 and i.size == 0:
            i = i.astype(np.int32)
    if isinstance(i, Array):
        i = i.numpy()
    if isinstance(i, np.ndarray) and i.ndim == 0 and i.dtype.kind in "iu":
        return int(i)
    if isinstance(i, Tracer):
        if not (dtypes.is_integer(i.dtype) or i.dtype == dtypes.bool_):
            raise IndexError(f"[getitem] indices must be integers or booleans, got a traced "
                             f"{i.aval.str_short()}")
        if i.dtype == dtypes.bool_:
            raise NonConcreteBooleanIndexError(
                f"[getitem] boolean mask indexing needs a concrete mask, got a traced "
                f"{i.aval.str_short()}: the result's shape would depend on its values. Use "
                "fnp.where(mask, x, fill) to keep the shape, or fnp.nonzero(mask, size=n)")
    elif isinstance(i, np.ndarray) and i.dtype.kind not in "iub":
        raise IndexError(f"[getitem] index arrays must be integers or booleans, got {i.dtype}")
    elif not (i is None or i is Ellipsis or isinstance(i, slice) or _is_int_scalar(i)
              or isinstance(i, np.ndarray)):
        raise IndexError(f"[getitem] unsupported index {i!r} of type {type(i).__name__}: use "
                         "ints, slices, None, ..., integer arrays or boolean masks")
    return i


def _expand(idx, shape):
    """Items per axis: masks become int arrays, ``...`` becomes full slices."""
    items = []
    for i in idx:
        i = _normalize_item(i)
        if isinstance(i, np.ndarray) and i.dtype == np.bool_:
            if i.ndim == 0:
                raise IndexError("[getitem] a scalar boolean index is not supported")
            items.append(("mask", i))
        else:
            items.append(i)
    n_real = sum(it[1].ndim if isinstance(it, tuple) else 1 for it in items
                 if it is not None and it is not Ellipsis)
    n_ell = sum(1 for it in items if it is Ellipsis)
    if n_ell > 1:
        raise IndexError("[getitem] an index can only have a single ellipsis ('...')")
    if n_real > len(shape):
        raise IndexError(f"[getitem] too many indices for array: array is {len(shape)}-"
                         f"dimensional, but {n_real} were indexed")
    fill = [slice(None)] * (len(shape) - n_real)
    out, axis = [], 0
    if not n_ell:
        items = items + [Ellipsis]
    for it in items:
        if it is Ellipsis:
            out += fill
            axis += len(fill)
        elif isinstance(it, tuple):
            mask = it[1]
            want = shape[axis:axis + mask.ndim]
            if mask.shape != want:
                raise IndexError(f"[getitem] boolean index of shape {mask.shape} does not "
                                 f"match the indexed axes of shape {want}")
            out += [a.astype(np.int32) for a in np.nonzero(mask)]
            axis += mask.ndim
        else:
            out.append(it)
            axis += it is not None
    return out


def _is_advanced(i) -> bool:
    return isinstance(i, (np.ndarray, Tracer))


def _static_int(k, size, axis):
    """A static integer index, clamped into range as JAX documents for retrieval."""
    if size == 0:
        raise IndexError(f"[getitem] index {k} is out of bounds for axis {axis} with size 0")
    return min(max(k + size if k < 0 else k, 0), size - 1)


def _basic(x, items, advanced: bool):
    """Apply slices (and ints when there is no advanced index); returns the array and
    the per-item layout."""
    shape = aval(x).shape
    starts, limits, strides, flips, squeeze = [], [], [], [], []
    layout, axis = [], 0
    for it in items:
        if it is None:
            layout.append(("new",))
            continue
        size = shape[axis]
        if isinstance(it, slice):
            start, stop, step = it.indices(size)
            n = len(range(start, stop, step))
            if step < 0:
                flips.append(axis)
                start, stop, step = (start + (n - 1) * step, start + 1, -step) if n else (0, 0, 1)
            starts.append(start)
            limits.append(max(start, stop) if n else start)
            strides.append(step)
            layout.append(("slice", axis))
        elif _is_int_scalar(it) and not advanced:
            k = _static_int(int(it), size, axis)
            starts.append(k)
            limits.append(k + 1)
            strides.append(1)
            squeeze.append(axis)
        else:
            starts.append(0)
            limits.append(size)
            strides.append(1)
            layout.append(("adv", axis, it))
        axis += 1
    if tuple(starts) != (0,) * len(shape) or tuple(limits) != shape or set(strides) - {1}:
        x = lax.slice(x, starts, limits, strides)
    if flips:
        x = lax.rev(x, flips)
    if squeeze:
        x = lax.squeeze(x, squeeze)
    return x, layout


def _index_array(it, size, axis):
    """An int32 index array with negatives wrapped (and static bounds checked)."""
    if isinstance(it, Tracer):
        it = lax.convert_element_type(it, dtypes.int32)
        return lax.select(lax.lt(it, 0), lax.add(it, size), it)
    arr = np.asarray(it, dtype=np.int64)
    bad = (arr < -size) | (arr >= size)
    if bad.any() and size == 0:
        raise IndexError(f"[getitem] index {int(arr[bad].flat[0])} is out of bounds for axis "
                         f"{axis} with size 0")
    return np.clip(np.where(arr < 0, arr + size, arr), 0, max(size - 1, 0)).astype(np.int32)


def _flat_adv_index(arrays, sizes):
    """Row-major flat index into the merged advanced axes, broadcast to a common shape."""
    from ._util import broadcast_shapes, broadcast_to
    shapes = [np.shape(a) if isinstance(a, np.ndarray) else a.shape for a in arrays]
    bshape = broadcast_shapes(*shapes, api="getitem")
    strides = np.cumprod((tuple(sizes[1:]) + (1,))[::-1])[::-1]
    if all(isinstance(a, np.ndarray) for a in arrays):
        flat = sum(np.broadcast_to(a, bshape).astype(np.int64) * int(s)
                   for a, s in zip(arrays, strides, strict=True))
        return np.asarray(flat, dtype=np.int32), bshape
    flat = None
    for a, s in zip(arrays, strides, strict=True):
        term = lax.mul(broadcast_to(as_array(a), bshape), int(s))
        flat = term if flat is None else lax.add(flat, term)
    return flat, bshape


def _advanced(y, layout):
    from .sorting import gather_rows
    dims = [e for e in layout if e[0] != "new"]
    adv_pos = [k for k, e in enumerate(dims) if e[0] == "adv"]
    other_pos = [k for k, e in enumerate(dims) if e[0] != "adv"]
    ys = aval(y).shape
    y = lax.transpose(y, adv_pos + other_pos)
    sizes = [ys[k] for k in adv_pos]
    others = [ys[k] for k in other_pos]
    y = lax.reshape(y, (int(np.prod(sizes, dtype=np.int64)), *others))
    arrays = [_index_array(dims[k][2], ys[k], dims[k][1]) for k in adv_pos]
    flat, bshape = _flat_adv_index(arrays, sizes)
    if isinstance(flat, np.ndarray):
        flat = Array(flat, _aval_i32(flat.shape))
    out = gather_rows(y, lax.reshape(flat, (int(np.prod(bshape, dtype=np.int64)),)))
    out = lax.reshape(out, (*bshape, *others))
    return _place(out, layout, len(bshape))


def _aval_i32(shape):
    return ShapedArray(shape, dtypes.int32)


def _place(out, layout, nb):
    """Move the advanced block (leading ``nb`` dims) and insert ``None`` axes."""
    kinds = [e[0] for e in layout]
    adv_k = [k for k, kind in enumerate(kinds) if kind == "adv"]
    adjacent = adv_k == list(range(adv_k[0], adv_k[-1] + 1))
    n_new = kinds.count("new")
    shape = aval(out).shape
    out = lax.reshape(out, shape + (1,) * n_new)
    order, slice_i, new_i = [], nb, len(shape)
    if not adjacent:
        order += list(range(nb))
    for k, kind in enumerate(kinds):
        if kind == "adv":
            if adjacent and k == adv_k[0]:
                order += list(range(nb))
        elif kind == "slice":
            order.append(slice_i)
            slice_i += 1
        else:
            order.append(new_i)
            new_i += 1
    return lax.transpose(out, order)


_FULL = slice(None)


def getitem(x, idx):
    """``x[idx]`` with NumPy's indexing rules (see the module docstring)."""
    x = as_array(x)
    idx = idx if isinstance(idx, tuple) else (idx,)
    ndim = len(x.aval.shape)
    if len(idx) <= ndim and all(type(i) is int or type(i) is slice for i in idx):
        # the hot path: only Python ints and slices (no None, ..., arrays or masks)
        return _basic(x, [*idx, *[_FULL] * (ndim - len(idx))], False)[0]
    items = _expand(idx, aval(x).shape)
    advanced = any(_is_advanced(i) for i in items)
    if advanced:
        items = [np.asarray(_static_int(i, aval(x).shape[_axis_of(items, k)],
                                        _axis_of(items, k)))
                 if _is_int_scalar(i) else i for k, i in enumerate(items)]
    y, layout = _basic(x, items, advanced)
    if advanced:
        return _advanced(y, layout)
    n_new = sum(1 for e in layout if e[0] == "new")
    if not n_new:
        return y
    kept = iter(aval(y).shape)
    return lax.reshape(y, [1 if e[0] == "new" else next(kept) for e in layout])


def _axis_of(items, k):
    return sum(1 for i in items[:k] if i is not None)


# ---- x.at[idx] --------------------------------------------------------------------------
def _flat_positions(shape, idx):
    """Flat positions (into ``x.ravel()``) of the elements ``x[idx]`` selects."""
    size = math.prod(shape)
    parts = idx if isinstance(idx, tuple) else (idx,)
    if not any(isinstance(p, Tracer) for p in parts):
        iota = np.arange(size, dtype=np.int32).reshape(shape)
        concrete_idx = tuple(p.numpy() if isinstance(p, Array) else p for p in parts)
        try:
            pos = np.asarray(iota[concrete_idx], dtype=np.int32)
            return Array(pos, _aval_i32(pos.shape))
        except IndexError:  # out of bounds: clamped here, masked by the caller (as JAX)
            pass
    iota = lax.reshape(lax.iota(dtypes.int32, size), shape)
    return getitem(iota, idx)


_SCATTERS = {"set": "scatter", "add": "scatter_add", "mul": "scatter_mul",
             "min": "scatter_min", "max": "scatter_max"}


def _in_bounds_mask(shape, idx):
    """For an index made only of integer scalars/arrays (the common ``x.at[i]``,
    ``x.at[i, j]``, ``x.at[idx_array]``): a bool mask over the broadcast index shape, True
    where every component is in bounds. None when the index has another form, or when it
    is static and all in bounds."""
    parts = idx if isinstance(idx, tuple) else (idx,)
    if len(parts) > len(shape):
        return None
    from ._util import broadcast_shapes, broadcast_to
    comps = []
    for p, n in zip(parts, shape, strict=False):
        if p is None or p is Ellipsis or isinstance(p, slice):
            return None
        if isinstance(p, Tracer):
            if not dtypes.is_integer(p.aval.dtype):
                return None
            t = as_array(p)
            comps.append(lax.bitwise_and(lax.ge(t, -n), lax.lt(t, n)))
            continue
        a = np.asarray(p.numpy() if isinstance(p, Array) else p)
        if a.dtype.kind not in "iu":
            return None
        comps.append((a >= -n) & (a < n))
    if all(isinstance(c, np.ndarray) and c.all() for c in comps):
        return None
    bshape = broadcast_shapes(*[np.shape(c) if isinstance(c, np.ndarray) else aval(c).shape
                                for c in comps], api="at")
    mask = None
    for c in comps:
        c = broadcast_to(as_array(c), bshape)
        mask = c if mask is None else lax.bitwise_and(mask, c)
    return mask


def _get_fill(x, idx, fill_value):
    """``x.at[idx].get(mode='fill')``: ``x[idx]`` with ``fill_value`` where out of bounds."""
    x = as_array(x)
    y = getitem(x, idx)
    mask = _in_bounds_mask(x.aval.shape, idx)
    if mask is None:
        return y
    dt = aval(y).dtype
    fill = default_fill(dt) if fill_value is None else fill_value
    mshape = aval(mask).shape
    mask = lax.broadcast_in_dim(mask, aval(y).shape, tuple(range(len(mshape))))
    return lax.select(mask, y, lax.full(aval(y).shape, fill, dt))


_FLAT_DN = lax.ScatterDimensionNumbers(update_window_dims=(), inserted_window_dims=(0,),
                                       scatter_dims_to_operand_dims=(0,))


def _scatter(x, idx, values, kind, mode=None):
    """``x.at[idx].<kind>(values)``: one scatter into ``x`` flattened, at the flat positions
    of the selected elements."""
    x = as_array(x)
    shape, dt = x.aval.shape, x.aval.dtype
    size = math.prod(shape)
    pos = _flat_positions(shape, idx)
    pshape = pos.aval.shape
    mask = _in_bounds_mask(shape, idx) if mode is None else None
    if mask is not None:  # JAX drops updates at out-of-bounds traced indices
        mshape = aval(mask).shape
        mask = lax.broadcast_in_dim(mask, pshape, tuple(range(len(mshape))))
        pos = lax.select(mask, pos, lax.full(pshape, size, dtypes.int32))
        mode = "drop"
    vals = as_array(values)
    vals = lax.convert_element_type(vals, dt) if aval(vals).dtype != dt else vals
    n = math.prod(pshape)
    vals = lax.reshape(broadcast_to(vals, pshape), (n,))
    out = getattr(lax, _SCATTERS[kind])(lax.reshape(x, (size,)), lax.reshape(pos, (n, 1)),
                                        vals, _FLAT_DN, mode=mode or "promise_in_bounds")
    return lax.reshape(out, shape)


class _IndexUpdateRef:
    """``x.at[idx]``: functional updates returning a new array (``jax`` semantics)."""

    __slots__ = ("x", "idx")

    def __init__(self, x, idx):
        self.x, self.idx = x, idx

    def get(self, *, indices_are_sorted=False, unique_indices=False, mode=None,
            fill_value=None):
        """``x[idx]``; out-of-bounds indices are clamped, or give ``fill_value`` with
        ``mode='fill'`` (default NaN, or the extreme value of an integer dtype)."""
        if mode == "fill":
            return _get_fill(self.x, self.idx, fill_value)
        return getitem(self.x, self.idx)

    def set(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None):
        """``x`` with ``x[idx] = values``."""
        return _scatter(self.x, self.idx, values, "set", mode)

    def add(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None):
        """``x`` with ``x[idx] += values`` (repeated indices accumulate)."""
        return _scatter(self.x, self.idx, values, "add", mode)

    def subtract(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None):
        """``x`` with ``x[idx] -= values``."""
        from .ufuncs import negative
        return _scatter(self.x, self.idx, negative(values), "add", mode)

    def multiply(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None):
        """``x`` with ``x[idx] *= values``."""
        return _scatter(self.x, self.idx, values, "mul", mode)

    mul = multiply

    def divide(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None):
        """``x`` with ``x[idx] /= values`` (inexact dtypes)."""
        from .ufuncs import reciprocal
        return _scatter(self.x, self.idx, reciprocal(values), "mul", mode)

    def min(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None):  # noqa: A003
        """``x`` with ``x[idx] = minimum(x[idx], values)``."""
        return _scatter(self.x, self.idx, values, "min", mode)

    def max(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None):  # noqa: A003
        """``x`` with ``x[idx] = maximum(x[idx], values)``."""
        return _scatter(self.x, self.idx, values, "max", mode)

    def apply(self, func, *, indices_are_sorted=False, unique_indices=False, mode=None):
        """``x`` with ``x[idx] = func(x[idx])``."""
        return _scatter(self.x, self.idx, func(getitem(self.x, self.idx)), "set", mode)


class _AtIndexer:
    __slots__ = ("x",)

    def __init__(self, x):
        self.x = x

    def __getitem__(self, idx) -> _IndexUpdateRef:
        return _IndexUpdateRef(self.x, idx)
