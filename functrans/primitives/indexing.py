"""Indexing primitives: dynamic_slice, dynamic_update_slice, gather and the scatter
family (scatter, scatter-add, scatter-mul, scatter-min, scatter-max).

Start indices are traced values, so they are clamped as XLA does: a dynamic slice
or update always fits inside the operand. gather/scatter follow JAX's dimension
numbers model, with the index vector in the last axis of the indices array, and a
``mode``: ``CLIP`` clamps every start so its window fits, ``FILL_OR_DROP`` gives
``fill_value`` for an out-of-bounds gather window and drops an out-of-bounds
scatter window, ``PROMISE_IN_BOUNDS`` leaves it to XLA (which clamps gathers and
drops scatters).
"""

from __future__ import annotations

import enum
from typing import NamedTuple

import numpy as np

from ..core import dtypes
from ..core.ir import ShapedArray
from ..core.registry import jvp_rules, transpose_rules, vmap_rules
from ..core.trace import bind, bind1
from . import _ops as ops
from ._batching import bdim_at_front
from ._builders import primitive


class GatherScatterMode(enum.Enum):
    """What gather/scatter do with out-of-bounds indices (as ``jax.lax``'s)."""

    CLIP = 1
    FILL_OR_DROP = 2
    PROMISE_IN_BOUNDS = 3

    @staticmethod
    def from_any(mode, default: GatherScatterMode | None = None) -> GatherScatterMode:
        if mode is None:
            return default or GatherScatterMode.FILL_OR_DROP
        if isinstance(mode, GatherScatterMode):
            return mode
        names = {"clip": GatherScatterMode.CLIP, "fill": GatherScatterMode.FILL_OR_DROP,
                 "drop": GatherScatterMode.FILL_OR_DROP,
                 "promise_in_bounds": GatherScatterMode.PROMISE_IN_BOUNDS}
        if mode not in names:
            raise ValueError(f"[gather/scatter] unknown mode {mode!r}; use 'clip', 'fill', "
                             "'drop', 'promise_in_bounds' or a lax.GatherScatterMode")
        return names[mode]


class GatherDimensionNumbers(NamedTuple):
    """How gather maps indices to operand windows (as ``jax.lax.GatherDimensionNumbers``)."""

    offset_dims: tuple[int, ...]
    collapsed_slice_dims: tuple[int, ...]
    start_index_map: tuple[int, ...]
    operand_batching_dims: tuple[int, ...] = ()
    start_indices_batching_dims: tuple[int, ...] = ()


class ScatterDimensionNumbers(NamedTuple):
    """How scatter maps indices to operand windows (``jax.lax.ScatterDimensionNumbers``)."""

    update_window_dims: tuple[int, ...]
    inserted_window_dims: tuple[int, ...]
    scatter_dims_to_operand_dims: tuple[int, ...]
    operand_batching_dims: tuple[int, ...] = ()
    scatter_indices_batching_dims: tuple[int, ...] = ()


def _check_indices(name: str, operand, indices) -> None:
    if any(not dtypes.is_integer(i.dtype) or i.shape != () for i in indices):
        got = ", ".join(i.str_short() for i in indices)
        raise TypeError(f"[{name}] start indices must be integer scalars, got {got}")
    if len(indices) != operand.ndim:
        raise TypeError(f"[{name}] needs one start index per axis of {operand.str_short()}, "
                        f"got {len(indices)}")


def _clamped_starts(indices, shape, sizes) -> tuple[int, ...]:
    return tuple(int(np.clip(int(i), 0, d - n)) for i, d, n in
                 zip(indices, shape, sizes, strict=True))


# ---- dynamic_slice(x, *start_indices, slice_sizes) ------------------------------------------
def _dynamic_slice_abstract_eval(x, *indices, slice_sizes):
    _check_indices("dynamic_slice", x, indices)
    if len(slice_sizes) != x.ndim or any(not 0 <= n <= d for n, d in
                                         zip(slice_sizes, x.shape, strict=True)):
        raise TypeError(f"[dynamic_slice] slice_sizes {tuple(slice_sizes)} must give one size "
                        f"per axis of {x.str_short()}, each between 0 and the axis size")
    return ShapedArray(tuple(slice_sizes), x.dtype, x.weak_type)


def _dynamic_slice_impl(x, *indices, slice_sizes):
    starts = _clamped_starts(indices, x.shape, slice_sizes)
    return x[tuple(slice(s, s + n) for s, n in zip(starts, slice_sizes, strict=True))].copy()


dynamic_slice_p = primitive("dynamic_slice", _dynamic_slice_abstract_eval, _dynamic_slice_impl)


def _index_vector(indices, bdims, size):
    """Scalar start indices (some batched) as one ``(size, len(indices))`` int32 array."""
    from . import elementwise, shapes
    cols = []
    for i, b in zip(indices, bdims, strict=True):
        i = bind1(elementwise.convert_element_type_p, i, new_dtype=np.dtype(np.int32),
                  weak_type=False, sharding=None)
        cols.append(bind1(shapes.broadcast_in_dim_p, i, shape=(size, 1),
                          broadcast_dimensions=() if b is None else (0,), sharding=None))
    return bind1(shapes.concatenate_p, *cols, dimension=1)


def _zero_index(like):
    from ..core.array import Array
    dtype = like.dtype if hasattr(like, "dtype") else np.dtype(np.int32)
    return Array(np.zeros((), dtype), ShapedArray((), dtype))


def _dynamic_slice_vmap(axis_data, vals, bdims, *, slice_sizes):
    (x, *indices), (xb, *ibs) = vals, bdims
    x = bdim_at_front(x, xb, axis_data.size)
    if all(b is None for b in ibs):
        return bind(dynamic_slice_p, x, _zero_index(indices[0] if indices else 0), *indices,
                    slice_sizes=(axis_data.size, *slice_sizes)), [0]
    ndim = len(indices)  # batched starts: one clamped gather window per batch member
    dn = GatherDimensionNumbers(offset_dims=tuple(range(1, ndim + 1)), collapsed_slice_dims=(),
                                start_index_map=tuple(range(1, ndim + 1)),
                                operand_batching_dims=(0,), start_indices_batching_dims=(0,))
    return bind(gather_p, x, _index_vector(indices, ibs, axis_data.size), dimension_numbers=dn,
                slice_sizes=(1, *slice_sizes), indices_are_sorted=False, unique_indices=False,
                mode=GatherScatterMode.CLIP, fill_value=None), [0]


vmap_rules[dynamic_slice_p] = _dynamic_slice_vmap


def _dynamic_slice_jvp(primals, tangents, *, slice_sizes):
    x, *idx = primals
    return ([dynamic_slice_p.bind1(x, *idx, slice_sizes=slice_sizes)],
            [dynamic_slice_p.bind1(tangents[0], *idx, slice_sizes=slice_sizes)])


def _dynamic_slice_transpose(cts, x, *idx, slice_sizes):
    zeros = ops.zeros_aval(x.aval)
    return [dynamic_update_slice_p.bind1(zeros, cts[0], *idx)] + [None] * len(idx)


jvp_rules[dynamic_slice_p] = _dynamic_slice_jvp
transpose_rules[dynamic_slice_p] = _dynamic_slice_transpose


# ---- dynamic_update_slice(x, update, *start_indices) -----------------------------------------
def _dynamic_update_slice_abstract_eval(x, update, *indices):
    _check_indices("dynamic_update_slice", x, indices)
    if update.ndim != x.ndim or any(u > d for u, d in zip(update.shape, x.shape, strict=True)):
        raise TypeError(f"[dynamic_update_slice] update {update.str_short()} must have the rank "
                        f"of the operand {x.str_short()} and fit inside it")
    if update.dtype != x.dtype:
        raise TypeError(f"[dynamic_update_slice] update {update.str_short()} must have the "
                        f"operand's dtype {x.dtype}")
    return ShapedArray(x.shape, x.dtype, x.weak_type)


def _dynamic_update_slice_impl(x, update, *indices):
    starts = _clamped_starts(indices, x.shape, update.shape)
    out = x.copy()
    out[tuple(slice(s, s + n) for s, n in zip(starts, update.shape, strict=True))] = update
    return out


dynamic_update_slice_p = primitive("dynamic_update_slice", _dynamic_update_slice_abstract_eval,
                                   _dynamic_update_slice_impl)


def _dynamic_update_slice_vmap(axis_data, vals, bdims):
    (x, update, *indices), (xb, ub, *ibs) = vals, bdims
    x = bdim_at_front(x, xb, axis_data.size)
    update = bdim_at_front(update, ub, axis_data.size)
    if all(b is None for b in ibs):
        zero = _zero_index(indices[0] if indices else 0)
        return bind(dynamic_update_slice_p, x, update, zero, *indices), [0]
    ndim = len(indices)  # batched starts: one clamped scatter window per batch member
    dn = ScatterDimensionNumbers(
        update_window_dims=tuple(range(1, ndim + 1)), inserted_window_dims=(),
        scatter_dims_to_operand_dims=tuple(range(1, ndim + 1)), operand_batching_dims=(0,),
        scatter_indices_batching_dims=(0,))
    return bind(scatter_p, x, _index_vector(indices, ibs, axis_data.size), update,
                dimension_numbers=dn, indices_are_sorted=True, unique_indices=True,
                mode=GatherScatterMode.CLIP), [0]


vmap_rules[dynamic_update_slice_p] = _dynamic_update_slice_vmap


def _dynamic_update_slice_jvp(primals, tangents):
    x, update, *idx = primals
    return ([dynamic_update_slice_p.bind1(x, update, *idx)],
            [dynamic_update_slice_p.bind1(tangents[0], tangents[1], *idx)])


def _dynamic_update_slice_transpose(cts, x, update, *idx):
    ct = cts[0]
    u_aval = update.aval if ops.is_undefined(update) else ops.aval(update)
    ct_x = dynamic_update_slice_p.bind1(ct, ops.zeros_aval(u_aval), *idx) \
        if ops.is_undefined(x) else None
    ct_u = dynamic_slice_p.bind1(ct, *idx, slice_sizes=u_aval.shape) \
        if ops.is_undefined(update) else None
    return [ct_x, ct_u] + [None] * len(idx)


jvp_rules[dynamic_update_slice_p] = _dynamic_update_slice_jvp
transpose_rules[dynamic_update_slice_p] = _dynamic_update_slice_transpose


# ---- shared by gather and scatter ------------------------------------------------------------
def _check_index_array(name: str, indices, index_map) -> None:
    if not dtypes.is_integer(indices.dtype) or indices.ndim < 1:
        raise TypeError(f"[{name}] indices must be an integer array of rank >= 1 (the index "
                        f"vector in its last axis), got {indices.str_short()}")
    if indices.shape[-1] != len(index_map):
        raise TypeError(f"[{name}] the last axis of indices {indices.str_short()} must have "
                        f"size {len(index_map)}, one entry per mapped operand axis "
                        f"{tuple(index_map)}")


def _check_batching(name: str, operand, indices, operand_dims, indices_dims) -> None:
    ok = len(operand_dims) == len(indices_dims) and all(
        0 <= o < operand.ndim and 0 <= i < indices.ndim - 1
        and operand.shape[o] == indices.shape[i]
        for o, i in zip(operand_dims, indices_dims, strict=False))
    if not ok:
        raise TypeError(f"[{name}] batching dims {tuple(operand_dims)} of {operand.str_short()} "
                        f"and {tuple(indices_dims)} of indices {indices.str_short()} must pair "
                        "up axes of equal size")


def _window_starts(x_shape, indices, index_map, operand_bdims, indices_bdims) -> np.ndarray:
    """``(batch..., x.ndim)`` start of every window (unclamped)."""
    batch_shape = indices.shape[:-1]
    starts = np.zeros((*batch_shape, len(x_shape)), np.int64)
    starts[..., list(index_map)] = indices
    for od, idim in zip(operand_bdims, indices_bdims, strict=True):
        pos = [None] * len(batch_shape)
        pos[idim] = slice(None)
        starts[..., od] = np.arange(batch_shape[idim])[tuple(pos)]
    return starts.reshape(int(np.prod(batch_shape, dtype=np.int64)), len(x_shape))


def _window_grids(starts: np.ndarray, sizes) -> tuple:
    """Advanced-indexing grids of shape ``(B, *sizes)`` for the windows at ``starts``."""
    ndim = len(sizes)
    grids = []
    for d, n in enumerate(sizes):
        shape = [1] * (ndim + 1)
        shape[d + 1] = n
        grids.append(starts[:, d].reshape((-1,) + (1,) * ndim) + np.arange(n).reshape(shape))
    return tuple(grids)


def default_fill(dtype):
    dtype = np.dtype(dtype)
    if dtypes.is_inexact(dtype):
        return np.nan
    if dtype == dtypes.bool_:
        return True
    return np.iinfo(dtype).min if dtype.kind == "i" else np.iinfo(dtype).max


# ---- gather(operand, indices, dimension_numbers, slice_sizes, mode, fill_value) -------------
def _gather_abstract_eval(x, indices, *, dimension_numbers, slice_sizes, indices_are_sorted,
                          unique_indices, mode, fill_value):
    dn = dimension_numbers
    _check_index_array("gather", indices, dn.start_index_map)
    _check_batching("gather", x, indices, dn.operand_batching_dims,
                    dn.start_indices_batching_dims)
    dropped = (*dn.collapsed_slice_dims, *dn.operand_batching_dims)
    if len(slice_sizes) != x.ndim or any(not 0 <= n <= d for n, d in
                                         zip(slice_sizes, x.shape, strict=True)):
        raise TypeError(f"[gather] slice_sizes {tuple(slice_sizes)} must give one size per "
                        f"axis of {x.str_short()}, each between 0 and the axis size")
    if any(not 0 <= d < x.ndim or slice_sizes[d] > 1 for d in dropped) \
            or len(set(dropped)) != len(dropped):
        raise TypeError(f"[gather] collapsed_slice_dims {dn.collapsed_slice_dims} and "
                        f"operand_batching_dims {dn.operand_batching_dims} must be distinct "
                        f"axes of {x.str_short()} with slice size <= 1")
    window = [n for d, n in enumerate(slice_sizes) if d not in dropped]
    rank = len(window) + indices.ndim - 1
    if len(dn.offset_dims) != len(window) or list(dn.offset_dims) != sorted(dn.offset_dims) \
            or any(not 0 <= d < rank for d in dn.offset_dims):
        raise TypeError(f"[gather] offset_dims {dn.offset_dims} must be {len(window)} sorted "
                        f"positions in the rank-{rank} result")
    batch = iter(indices.shape[:-1])
    sizes = iter(window)
    shape = tuple(next(sizes) if d in dn.offset_dims else next(batch) for d in range(rank))
    return ShapedArray(shape, x.dtype, x.weak_type)


def _to_output_layout(values: np.ndarray, n_batch: int, offset_dims) -> np.ndarray:
    """``values`` laid out ``(batch..., window...)`` moved to put the window at offset_dims."""
    rank = values.ndim
    batch, window = iter(range(n_batch)), iter(range(n_batch, rank))
    perm = [next(window) if d in offset_dims else next(batch) for d in range(rank)]
    return np.transpose(values, perm)


def _take_one_axis(x, indices, dn, slice_sizes, mode, fill_value):
    """The gather that indexes one axis of ``x`` and takes every other axis whole or as a
    batching dim (``x[perm]``, ``take_along_axis``, row permutations under vmap), as one
    NumPy advanced index; ``None`` when ``dn`` is not of that form."""
    if len(dn.start_index_map) != 1 or tuple(dn.collapsed_slice_dims) != tuple(
            dn.start_index_map) or not x.size or slice_sizes[dn.start_index_map[0]] != 1:
        return None
    axis = dn.start_index_map[0]
    if any(slice_sizes[d] != x.shape[d] for d in range(x.ndim)
           if d != axis and d not in dn.operand_batching_dims):
        return None
    batch_shape = indices.shape[:-1]
    idx = indices[..., 0]
    grid = {}
    for od, idim in zip(dn.operand_batching_dims, dn.start_indices_batching_dims, strict=True):
        shape = [1] * len(batch_shape)
        shape[idim] = batch_shape[idim]
        grid[od] = np.arange(batch_shape[idim]).reshape(shape)
    grid[axis] = np.clip(idx, 0, x.shape[axis] - 1)
    front = list(grid)  # advanced-indexed axes first: the result is (batch..., window...)
    window = [d for d in range(x.ndim) if d not in grid]
    values = np.transpose(x, front + window)[tuple(grid[d] for d in front)]
    if mode == GatherScatterMode.FILL_OR_DROP:
        fill = default_fill(x.dtype) if fill_value is None else fill_value
        ok = ((idx >= 0) & (idx < x.shape[axis])).reshape(batch_shape + (1,) * len(window))
        values = np.where(ok, values, np.asarray(fill).astype(x.dtype))
    out = _to_output_layout(values, len(batch_shape), dn.offset_dims)
    return np.ascontiguousarray(out).reshape(out.shape)


def _gather_impl(x, indices, *, dimension_numbers, slice_sizes, indices_are_sorted,
                 unique_indices, mode, fill_value):
    dn = dimension_numbers
    fast = _take_one_axis(x, indices, dn, slice_sizes, mode, fill_value)
    if fast is not None:
        return fast
    starts = _window_starts(x.shape, indices, dn.start_index_map, dn.operand_batching_dims,
                            dn.start_indices_batching_dims)
    limit = np.asarray(x.shape, np.int64) - np.asarray(slice_sizes, np.int64)
    mapped = list(dn.start_index_map)
    in_bounds = np.all((starts[:, mapped] >= 0) & (starts[:, mapped] <= limit[mapped]), axis=1)
    starts = np.clip(starts, 0, limit)
    dropped = (*dn.collapsed_slice_dims, *dn.operand_batching_dims)
    window = [n for d, n in enumerate(slice_sizes) if d not in dropped]
    if x.size:
        values = x[_window_grids(starts, slice_sizes)].reshape(len(starts), *window)
    else:
        values = np.zeros((len(starts), *window), x.dtype)
    if mode == GatherScatterMode.FILL_OR_DROP:
        fill = default_fill(x.dtype) if fill_value is None else fill_value
        mask = in_bounds.reshape((-1,) + (1,) * len(window))
        values = np.where(mask, values, np.asarray(fill).astype(x.dtype))
    values = values.reshape((*indices.shape[:-1], *window))  # a tuple: the shape may be ()
    out = _to_output_layout(values, indices.ndim - 1, dn.offset_dims)
    return np.ascontiguousarray(out).reshape(out.shape)  # ascontiguousarray makes 0-d 1-d


gather_p = primitive("gather", _gather_abstract_eval, _gather_impl)


def _plus1(dims):
    return tuple(d + 1 for d in dims)


def _gather_vmap(axis_data, vals, bdims, *, dimension_numbers, slice_sizes, **params):
    """Operand batched: its batch axis is a new leading full-size window (output axis 0).
    Indices batched: a new leading batch axis of the indices (output axis 0). Both: the
    two axes pair up as gather batching dims."""
    (x, idx), (xb, ib) = vals, bdims
    dn, n = dimension_numbers, axis_data.size
    if ib is None:
        x = bdim_at_front(x, xb, n)
        dn = GatherDimensionNumbers(
            (0, *_plus1(dn.offset_dims)), _plus1(dn.collapsed_slice_dims),
            _plus1(dn.start_index_map), _plus1(dn.operand_batching_dims),
            dn.start_indices_batching_dims)
        return bind(gather_p, x, idx, dimension_numbers=dn, slice_sizes=(n, *slice_sizes),
                    **params), [0]
    idx = bdim_at_front(idx, ib, n)
    if xb is None:
        dn = GatherDimensionNumbers(
            _plus1(dn.offset_dims), dn.collapsed_slice_dims, dn.start_index_map,
            dn.operand_batching_dims, _plus1(dn.start_indices_batching_dims))
        return bind(gather_p, x, idx, dimension_numbers=dn, slice_sizes=slice_sizes,
                    **params), [0]
    x = bdim_at_front(x, xb, n)
    dn = GatherDimensionNumbers(
        _plus1(dn.offset_dims), _plus1(dn.collapsed_slice_dims), _plus1(dn.start_index_map),
        (0, *_plus1(dn.operand_batching_dims)), (0, *_plus1(dn.start_indices_batching_dims)))
    return bind(gather_p, x, idx, dimension_numbers=dn, slice_sizes=(1, *slice_sizes),
                **params), [0]


vmap_rules[gather_p] = _gather_vmap


def _gather_jvp(primals, tangents, *, fill_value, **params):
    """Linear in the operand: the tangent is gathered (out-of-bounds windows get 0)."""
    (x, idx), (t, _) = primals, tangents
    return ([gather_p.bind1(x, idx, fill_value=fill_value, **params)],
            [gather_p.bind1(t, idx, fill_value=0, **params)])


def _scatter_dnums(dn: GatherDimensionNumbers) -> ScatterDimensionNumbers:
    return ScatterDimensionNumbers(dn.offset_dims, dn.collapsed_slice_dims, dn.start_index_map,
                                   dn.operand_batching_dims, dn.start_indices_batching_dims)


def _gather_transpose(cts, x, idx, *, dimension_numbers, slice_sizes, indices_are_sorted,
                      unique_indices, mode, fill_value):
    """Scatter-add the cotangent windows into zeros (dropped where gather filled)."""
    zeros = ops.zeros_aval(x.aval)
    ct = scatter_add_p.bind1(zeros, idx, cts[0], dimension_numbers=_scatter_dnums(
        dimension_numbers), indices_are_sorted=indices_are_sorted,
        unique_indices=unique_indices, mode=mode)
    return [ct, None]


jvp_rules[gather_p] = _gather_jvp
transpose_rules[gather_p] = _gather_transpose


# ---- scatter family: operand, indices, updates -----------------------------------------------
def scatter_window_sizes(x_shape, updates_shape, dn) -> list[int]:
    """The update window's size along every operand axis (1 on inserted/batching axes)."""
    sizes = iter(updates_shape[d] for d in dn.update_window_dims)
    dropped = (*dn.inserted_window_dims, *dn.operand_batching_dims)
    return [1 if d in dropped else next(sizes) for d in range(len(x_shape))]


def _scatter_abstract_eval(name: str):
    def abstract_eval(x, indices, updates, *, dimension_numbers, indices_are_sorted,
                      unique_indices, mode):
        dn = dimension_numbers
        _check_index_array(name, indices, dn.scatter_dims_to_operand_dims)
        _check_batching(name, x, indices, dn.operand_batching_dims,
                        dn.scatter_indices_batching_dims)
        dropped = (*dn.inserted_window_dims, *dn.operand_batching_dims)
        scatter_dims = [d for d in range(updates.ndim) if d not in dn.update_window_dims]
        ok = (len(dn.update_window_dims) + len(dropped) == x.ndim
              and len(set(dropped)) == len(dropped) and all(0 <= d < x.ndim for d in dropped)
              and updates.ndim == len(dn.update_window_dims) + indices.ndim - 1
              and [updates.shape[d] for d in scatter_dims] == list(indices.shape[:-1]))
        if ok:
            sizes = scatter_window_sizes(x.shape, updates.shape, dn)
            ok = all(n <= d for n, d in zip(sizes, x.shape, strict=True))
        if not ok:
            raise TypeError(f"[{name}] updates {updates.str_short()} do not match operand "
                            f"{x.str_short()} and indices {indices.str_short()} under {dn}: "
                            "updates need the indices' batch axes plus one window axis per "
                            "operand axis not in inserted_window_dims/operand_batching_dims")
        if updates.dtype != x.dtype:
            raise TypeError(f"[{name}] updates {updates.str_short()} must have the operand's "
                            f"dtype {x.dtype}")
        return ShapedArray(x.shape, x.dtype, x.weak_type)
    return abstract_eval


def _is_flat_scatter(x, indices, updates, dn) -> bool:
    """The form ``x.at[...]`` uses: a 1-D operand, ``(n, 1)`` positions, ``(n,)`` updates."""
    return (x.ndim == 1 and indices.ndim == 2 and indices.shape[1] == 1 and updates.ndim == 1
            and dn.update_window_dims == () and dn.inserted_window_dims == (0,)
            and dn.scatter_dims_to_operand_dims == (0,) and not dn.operand_batching_dims)


def _flat_scatter(combine, x, indices, updates, mode):
    """``_scatter_impl`` for the flat form, without building window grids."""
    pos = indices[:, 0]
    n = x.shape[0]
    if mode == GatherScatterMode.CLIP:
        pos = np.clip(pos, 0, n - 1)
    keep = (pos >= 0) & (pos < n)
    if not keep.all():
        pos, updates = pos[keep], updates[keep]
    out = x.copy()
    if len(pos):
        combine(out, (pos,), updates)
    return out


def _scatter_impl(combine):
    def impl(x, indices, updates, *, dimension_numbers, indices_are_sorted, unique_indices,
             mode):
        dn = dimension_numbers
        if _is_flat_scatter(x, indices, updates, dn):
            return _flat_scatter(combine, x, indices, updates, mode)
        sizes = scatter_window_sizes(x.shape, updates.shape, dn)
        starts = _window_starts(x.shape, indices, dn.scatter_dims_to_operand_dims,
                                dn.operand_batching_dims, dn.scatter_indices_batching_dims)
        limit = np.asarray(x.shape, np.int64) - np.asarray(sizes, np.int64)
        if mode == GatherScatterMode.CLIP:
            starts = np.clip(starts, 0, limit)
        keep = np.all((starts >= 0) & (starts <= limit), axis=1)
        scatter_dims = [d for d in range(updates.ndim) if d not in dn.update_window_dims]
        upd = np.transpose(updates, scatter_dims + list(dn.update_window_dims))
        upd = upd.reshape(len(starts), *sizes)[keep]
        out = np.array(x, copy=True)
        if len(upd) and out.size:
            combine(out, _window_grids(starts[keep], sizes), upd)
        return out
    return impl


def _scatter_set(out, grids, upd):
    out[grids] = upd


def _scatter_prim(name: str, combine):
    return primitive(name, _scatter_abstract_eval(name), _scatter_impl(combine))


scatter_p = _scatter_prim("scatter", _scatter_set)
scatter_add_p = _scatter_prim("scatter-add", np.add.at)
scatter_mul_p = _scatter_prim("scatter-mul", np.multiply.at)
scatter_min_p = _scatter_prim("scatter-min", np.minimum.at)
scatter_max_p = _scatter_prim("scatter-max", np.maximum.at)


def _scatter_vmap(prim):
    """Every operand batched at the front; the batch axes pair up as scatter batching dims
    (an unbatched operand is materialized: each member scatters into its own copy)."""
    def rule(axis_data, vals, bdims, *, dimension_numbers, **params):
        x, idx, upd = (bdim_at_front(v, b, axis_data.size)
                       for v, b in zip(vals, bdims, strict=True))
        dn = dimension_numbers
        dn = ScatterDimensionNumbers(
            _plus1(dn.update_window_dims), _plus1(dn.inserted_window_dims),
            _plus1(dn.scatter_dims_to_operand_dims), (0, *_plus1(dn.operand_batching_dims)),
            (0, *_plus1(dn.scatter_indices_batching_dims)))
        return bind(prim, x, idx, upd, dimension_numbers=dn, **params), [0]
    return rule


vmap_rules[scatter_p] = _scatter_vmap(scatter_p)
vmap_rules[scatter_add_p] = _scatter_vmap(scatter_add_p)
vmap_rules[scatter_mul_p] = _scatter_vmap(scatter_mul_p)
vmap_rules[scatter_min_p] = _scatter_vmap(scatter_min_p)
vmap_rules[scatter_max_p] = _scatter_vmap(scatter_max_p)


def _gather_dnums(dn: ScatterDimensionNumbers) -> GatherDimensionNumbers:
    return GatherDimensionNumbers(dn.update_window_dims, dn.inserted_window_dims,
                                  dn.scatter_dims_to_operand_dims, dn.operand_batching_dims,
                                  dn.scatter_indices_batching_dims)


def _gather_updates(y, idx, updates_aval, *, dimension_numbers, indices_are_sorted,
                    unique_indices, mode):
    """The windows of ``y`` that a scatter of updates ``updates_aval`` at ``idx`` writes,
    laid out as the updates (0 where the scatter drops the window)."""
    sizes = scatter_window_sizes(ops.aval(y).shape, updates_aval.shape, dimension_numbers)
    return gather_p.bind1(y, idx, dimension_numbers=_gather_dnums(dimension_numbers),
                          slice_sizes=tuple(sizes), indices_are_sorted=indices_are_sorted,
                          unique_indices=unique_indices, mode=mode, fill_value=0)


def _scatter_add_jvp(primals, tangents, **params):
    (x, idx, u), (tx, _, tu) = primals, tangents
    return ([scatter_add_p.bind1(x, idx, u, **params)],
            [scatter_add_p.bind1(tx, idx, tu, **params)])


def _scatter_add_transpose(cts, x, idx, u, **params):
    """The operand cotangent passes through; the updates' is gathered from it."""
    u_aval = u.aval if ops.is_undefined(u) else ops.aval(u)
    ct_x = cts[0] if ops.is_undefined(x) else None
    ct_u = _gather_updates(cts[0], idx, u_aval, **params) if ops.is_undefined(u) else None
    return [ct_x, None, ct_u]


jvp_rules[scatter_add_p] = _scatter_add_jvp
transpose_rules[scatter_add_p] = _scatter_add_transpose


def _scatter_jvp(primals, tangents, **params):
    """The tangents scatter like the values (the same update wins every position)."""
    (x, idx, u), (tx, _, tu) = primals, tangents
    return [scatter_p.bind1(x, idx, u, **params)], [scatter_p.bind1(tx, idx, tu, **params)]


def _scatter_winners(idx, u_aval, x_shape, **params):
    """Bool mask in the updates' layout: which update element landed (the others were
    overwritten by a duplicate index or dropped)."""
    ids = ops.constant(np.arange(1, u_aval.size + 1, dtype=np.int32).reshape(u_aval.shape))
    placed = scatter_p.bind1(ops.full(x_shape, 0, np.int32), idx, ids, **params)
    return ops.eq(_gather_updates(placed, idx, u_aval, **params), ids)


def _scatter_transpose(cts, x, idx, u, **params):
    ct = cts[0]
    u_aval = u.aval if ops.is_undefined(u) else ops.aval(u)
    ct_x = scatter_p.bind1(ct, idx, ops.zeros_aval(u_aval), **params) \
        if ops.is_undefined(x) else None
    ct_u = None
    if ops.is_undefined(u):
        ct_u = _gather_updates(ct, idx, u_aval, **params)
        if not params["unique_indices"]:
            ct_u = ops.select_n(_scatter_winners(idx, u_aval, ops.aval(ct).shape, **params),
                                ops.zeros_like(ct_u), ct_u)
    return [ct_x, None, ct_u]


jvp_rules[scatter_p] = _scatter_jvp
transpose_rules[scatter_p] = _scatter_transpose


def _scatter_mul_operand_term(primals, tx, **params):
    """``tx * P``, ``P`` the product of the updates scattered onto ones."""
    x, idx, u = primals
    return ops.mul(tx, scatter_mul_p.bind1(ops.ones_like(x), idx, u, **params))


def _scatter_mul_updates_term(primals, tu, **params):
    """``x * scatter_add(tu * others)``, ``others`` the product of the other updates landing
    on the same element: 1 for unique indices; ``P / u`` for duplicates, exact where the
    updates are nonzero (JAX raises NotImplementedError for duplicates)."""
    x, idx, u = primals
    if not params["unique_indices"]:
        prod = scatter_mul_p.bind1(ops.ones_like(x), idx, u, **params)
        tu = ops.mul(tu, ops.div(_gather_updates(prod, idx, ops.aval(u), **params), u))
    return ops.mul(x, scatter_add_p.bind1(ops.zeros_like(x), idx, tu, **params))


_scatter_mul_jvp = ops.sum_of_terms_jvp(scatter_mul_p, _scatter_mul_operand_term, None,
                                        _scatter_mul_updates_term)
jvp_rules[scatter_mul_p] = _scatter_mul_jvp


def _scatter_extremum_jvp(prim):
    """The tangent of whichever of operand/updates gives the result; ties (several equal
    contenders for one element) share it evenly, as in JAX."""
    def jvp(primals, tangents, **params):
        (x, idx, u), (tx, _, tu) = primals, tangents
        out = prim.bind1(x, idx, u, **params)
        dtype = ops.aval(tx).dtype
        won = ops.eq(u, _gather_updates(out, idx, ops.aval(u), **params))
        kept = ops.eq(x, out)
        zeros = ops.zeros_like(tx)
        count = ops.add(ops.convert(kept, dtype),
                        scatter_add_p.bind1(zeros, idx, ops.convert(won, dtype), **params))
        total = ops.add(ops.select_n(kept, zeros, tx), scatter_add_p.bind1(
            zeros, idx, ops.select_n(won, ops.zeros_like(tu), tu), **params))
        # by selection (no 0 * nan from the losers); a count of 0 (XLA recomputing a fused
        # operand with other rounding) gives 0, never 0 / 0
        return [out], [ops.div(total, ops.max_(count, ops.ones_like(count)))]
    return jvp


jvp_rules[scatter_min_p] = _scatter_extremum_jvp(scatter_min_p)
jvp_rules[scatter_max_p] = _scatter_extremum_jvp(scatter_max_p)
