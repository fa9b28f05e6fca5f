"""StableHLO lowering of conv_general_dilated (primitives/conv.py) and of the window
reductions (primitives/windowed.py)."""

from __future__ import annotations

import numpy as np
from jax.extend.mlir import ir
from jax.extend.mlir.dialects import stablehlo as hlo

from ..core.registry import lowering_rules
from ..primitives import conv
from .lower import ir_type


def _i64_array(xs):
    return ir.DenseI64ArrayAttr.get([int(x) for x in xs])


def _conv_lowering(ctx, lhs, rhs, *, window_strides, padding, lhs_dilation, rhs_dilation,
                   dimension_numbers, feature_group_count, batch_group_count, precision=None,
                   preferred_element_type=None):
    lhs_spec, rhs_spec, out_spec = dimension_numbers
    dnums = hlo.ConvDimensionNumbers.get(
        input_batch_dimension=lhs_spec[0], input_feature_dimension=lhs_spec[1],
        input_spatial_dimensions=list(lhs_spec[2:]),
        kernel_output_feature_dimension=rhs_spec[0],
        kernel_input_feature_dimension=rhs_spec[1],
        kernel_spatial_dimensions=list(rhs_spec[2:]),
        output_batch_dimension=out_spec[0], output_feature_dimension=out_spec[1],
        output_spatial_dimensions=list(out_spec[2:]))
    nsp = len(rhs_spec) - 2
    pad = np.asarray(padding, np.int64).reshape(nsp, 2)
    i64 = ir.IntegerType.get_signless(64)
    return [hlo.convolution(
        ir_type(ctx.avals_out[0]), lhs, rhs, dimension_numbers=dnums,
        feature_group_count=ir.IntegerAttr.get(i64, feature_group_count),
        batch_group_count=ir.IntegerAttr.get(i64, batch_group_count),
        window_strides=_i64_array(window_strides),
        padding=ir.DenseIntElementsAttr.get(pad, type=i64),
        lhs_dilation=_i64_array(lhs_dilation), rhs_dilation=_i64_array(rhs_dilation),
        window_reversal=ir.DenseBoolArrayAttr.get([False] * nsp))]


lowering_rules[conv.conv_general_dilated_p] = _conv_lowering
