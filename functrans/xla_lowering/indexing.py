"""StableHLO lowering of the indexing primitives (primitives/indexing.py).

XLA itself clamps dynamic_slice / dynamic_update_slice / gather starts and drops
out-of-bounds scatter windows; gather's FILL_OR_DROP masks the result and
scatter's CLIP clamps the indices first."""

from __future__ import annotations

import numpy as np
from jaxlib.mlir import ir
from jaxlib.mlir.dialects import stablehlo as hlo

from ..core.registry import lowering_rules
from ..primitives import indexing as ix
from .elementwise import compare
from .lower import constant, full_like_aval, ir_type
from .reductions import reduce_region


def _dynamic_slice_lowering(ctx, x, *indices, slice_sizes):
    return [hlo.dynamic_slice(x, list(indices), list(slice_sizes))]


def _dynamic_update_slice_lowering(ctx, x, update, *indices):
    return [hlo.dynamic_update_slice(x, update, list(indices))]


def _index_bounds(indices_aval, index_map, x_shape, window_sizes) -> ir.Value:
    """The largest in-bounds start, broadcast to the indices' shape."""
    bounds = np.asarray([x_shape[d] - window_sizes[d] for d in index_map], indices_aval.dtype)
    return hlo.broadcast_in_dim(ir_type(indices_aval), constant(bounds), [indices_aval.ndim - 1])


def _gather_in_bounds(ctx, indices, dn, slice_sizes) -> ir.Value:
    """bool[batch...]: whether each window lies inside the operand."""
    x_aval, idx_aval = ctx.avals_in
    ub = _index_bounds(idx_aval, dn.start_index_map, x_aval.shape, slice_sizes)
    ok = hlo.and_(compare(indices, full_like_aval(0, idx_aval), "GE", idx_aval.dtype),
                  compare(indices, ub, "LE", idx_aval.dtype))
    batch = idx_aval.update(shape=idx_aval.shape[:-1], dtype=np.bool_)
    return reduce_region([batch], [ok], [constant(np.asarray(True))], (idx_aval.ndim - 1,),
                         lambda a, b: [hlo.and_(a[0], b[0])])[0]


def _gather_lowering(ctx, x, indices, *, dimension_numbers, slice_sizes, indices_are_sorted,
                     unique_indices, mode, fill_value):
    dn = dimension_numbers
    attr = hlo.GatherDimensionNumbers.get(
        offset_dims=list(dn.offset_dims), collapsed_slice_dims=list(dn.collapsed_slice_dims),
        operand_batching_dims=list(dn.operand_batching_dims),
        start_indices_batching_dims=list(dn.start_indices_batching_dims),
        start_index_map=list(dn.start_index_map), index_vector_dim=ctx.avals_in[1].ndim - 1)
    out_aval = ctx.avals_out[0]
    out = hlo.GatherOp(x, indices, attr, list(slice_sizes),
                       indices_are_sorted=bool(indices_are_sorted)).result
    if mode != ix.GatherScatterMode.FILL_OR_DROP:
        return [out]
    mask = _gather_in_bounds(ctx, indices, dn, slice_sizes)
    batch_dims = [d for d in range(out_aval.ndim) if d not in dn.offset_dims]
    mask = hlo.broadcast_in_dim(ir_type(out_aval.update(dtype=np.bool_)), mask, batch_dims)
    fill = ix.default_fill(out_aval.dtype) if fill_value is None else fill_value
    return [hlo.select(mask, out, full_like_aval(np.asarray(fill).astype(out_aval.dtype),
                                                 out_aval))]


def _scatter_lowering(combine):
    def rule(ctx, x, indices, updates, *, dimension_numbers, indices_are_sorted,
             unique_indices, mode):
        dn = dimension_numbers
        x_aval, idx_aval, upd_aval = ctx.avals_in
        if mode == ix.GatherScatterMode.CLIP:
            sizes = ix.scatter_window_sizes(x_aval.shape, upd_aval.shape, dn)
            ub = _index_bounds(idx_aval, dn.scatter_dims_to_operand_dims, x_aval.shape, sizes)
            indices = hlo.clamp(constant(np.zeros((), idx_aval.dtype)), indices, ub)
        attr = hlo.ScatterDimensionNumbers.get(
            update_window_dims=list(dn.update_window_dims),
            inserted_window_dims=list(dn.inserted_window_dims),
            input_batching_dims=list(dn.operand_batching_dims),
            scatter_indices_batching_dims=list(dn.scatter_indices_batching_dims),
            scattered_dims_to_operand_dims=list(dn.scatter_dims_to_operand_dims),
            index_vector_dim=idx_aval.ndim - 1)
        op = hlo.ScatterOp([ir_type(ctx.avals_out[0])], [x], indices, [updates], attr,
                           indices_are_sorted=bool(indices_are_sorted),
                           unique_indices=bool(unique_indices))
        scalar = ir.RankedTensorType.get([], ir.RankedTensorType(x.type).element_type)
        block = op.regions[0].blocks.append(scalar, scalar)
        with ir.InsertionPoint(block):
            hlo.return_([combine(block.arguments[0], block.arguments[1])])
        return [op.results[0]]
    return rule


lowering_rules[ix.dynamic_slice_p] = _dynamic_slice_lowering
lowering_rules[ix.dynamic_update_slice_p] = _dynamic_update_slice_lowering
lowering_rules[ix.gather_p] = _gather_lowering
lowering_rules[ix.scatter_p] = _scatter_lowering(lambda old, new: new)
lowering_rules[ix.scatter_add_p] = _scatter_lowering(hlo.add)
lowering_rules[ix.scatter_mul_p] = _scatter_lowering(hlo.multiply)
lowering_rules[ix.scatter_min_p] = _scatter_lowering(hlo.minimum)
lowering_rules[ix.scatter_max_p] = _scatter_lowering(hlo.maximum)
