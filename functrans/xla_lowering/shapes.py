"""StableHLO lowering of the shape primitives (primitives/shapes.py)."""

from __future__ import annotations

from jaxlib.mlir.dialects import stablehlo as hlo

from ..core.registry import lowering_rules
from ..primitives import shapes as sh
from .lower import ir_type


def _broadcast_in_dim_lowering(ctx, x, *, shape, broadcast_dimensions, sharding=None):
    return [hlo.broadcast_in_dim(ir_type(ctx.avals_out[0]), x, list(broadcast_dimensions))]


def _reshape_lowering(ctx, x, **params):
    return [hlo.reshape(ir_type(ctx.avals_out[0]), x)]


def _transpose_lowering(ctx, x, *, permutation):
    return [hlo.transpose(x, list(permutation))]


def _iota_lowering(ctx, *, dtype, shape, dimension, sharding=None):
    return [hlo.iota(ir_type(ctx.avals_out[0]), dimension)]


def _slice_lowering(ctx, x, *, start_indices, limit_indices, strides=None):
    strides = list(strides or (1,) * len(start_indices))
    return [hlo.slice(x, list(start_indices), list(limit_indices), strides)]


lowering_rules[sh.broadcast_in_dim_p] = _broadcast_in_dim_lowering
lowering_rules[sh.reshape_p] = _reshape_lowering
lowering_rules[sh.squeeze_p] = _reshape_lowering
lowering_rules[sh.transpose_p] = _transpose_lowering
lowering_rules[sh.iota_p] = _iota_lowering
lowering_rules[sh.slice_p] = _slice_lowering


def _rev_lowering(ctx, x, *, dimensions):
    return [hlo.reverse(x, list(dimensions))]


def _concatenate_lowering(ctx, *xs, dimension):
    return [hlo.concatenate(list(xs), dimension)]


def _pad_lowering(ctx, x, padding_value, *, padding_config):
    lo, hi, interior = ([int(c[i]) for c in padding_config] for i in range(3))
    return [hlo.pad(x, padding_value, lo, hi, interior)]


def _bitcast_convert_type_lowering(ctx, x, *, new_dtype):
    return [hlo.bitcast_convert(ir_type(ctx.avals_out[0]), x)]


lowering_rules[sh.rev_p] = _rev_lowering
lowering_rules[sh.concatenate_p] = _concatenate_lowering
lowering_rules[sh.pad_p] = _pad_lowering
lowering_rules[sh.bitcast_convert_type_p] = _bitcast_convert_type_lowering
