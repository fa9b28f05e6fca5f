"""StableHLO lowering of conv_general_dilated (primitives/conv.py) and of the window
reductions (primitives/windowed.py)."""

from __future__ import annotations

import numpy as np
from jaxlib.mlir import ir
from jaxlib.mlir.dialects import stablehlo as hlo

from ..core.ir import ShapedArray
from ..core.registry import lowering_rules
from ..primitives import conv
from ..primitives import windowed as wd
from ..primitives.conv import dilate_dim
from .elementwise import compare
from .lower import constant, ir_type


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


# ---- window reductions ---------------------------------------------------------------------

def _pad_attr(padding):
    pad = np.asarray(padding, np.int64).reshape(len(padding), 2)
    return ir.DenseIntElementsAttr.get(pad, type=ir.IntegerType.get_signless(64))


def _scalar_type(dtype):
    return ir_type(ShapedArray((), dtype))


def reduce_window(out_avals, operands, inits, body, *, window_dimensions, window_strides,
                  padding, base_dilation, window_dilation):
    """``stablehlo.reduce_window``; ``body(accs, xs) -> new accs`` on rank-0 values."""
    op = hlo.ReduceWindowOp([ir_type(a) for a in out_avals], operands, inits,
                            _i64_array(window_dimensions),
                            window_strides=_i64_array(window_strides),
                            base_dilations=_i64_array(base_dilation),
                            window_dilations=_i64_array(window_dilation),
                            padding=_pad_attr(padding))
    types = [_scalar_type(a.dtype) for a in out_avals]
    block = op.regions[0].blocks.append(*types, *types)
    with ir.InsertionPoint(block):
        n = len(inits)
        hlo.return_(body(list(block.arguments[:n]), list(block.arguments[n:])))
    return list(op.results)


def _reduce_window_lowering(kind, combine):
    def rule(ctx, x, **params):
        init = constant(wd.identity(kind, ctx.avals_in[0].dtype))
        return reduce_window(ctx.avals_out, [x], [init],
                             lambda a, b: [combine(a[0], b[0])], **params)
    return rule


def _select_and_gather_add_lowering(ctx, t, x, *, select_prim, **params):
    dtype = ctx.avals_in[1].dtype
    direction = "GE" if select_prim == "ge" else "LE"
    inits = [constant(wd.identity(select_prim, dtype)), constant(np.zeros((), dtype))]

    def body(acc, new):
        (kx, vx), (ky, vy) = acc, new
        which = compare(kx, ky, direction, dtype)
        return [hlo.select(which, kx, ky), hlo.select(which, vx, vy)]

    out_avals = [ctx.avals_out[0]] * 2
    return [reduce_window(out_avals, [x, t], inits, body, **params)[1]]


def _select_and_scatter_add_lowering(ctx, s, x, *, select_prim, window_dimensions,
                                     window_strides, padding, base_dilation, window_dilation):
    if any(d != 1 for d in window_dilation):
        raise NotImplementedError("[grad] max/min pooling with window_dilation > 1 has no "
                                  "reverse-mode rule (as in JAX); use jvp")
    x_aval = ctx.avals_in[1]
    dtype = x_aval.dtype
    if any(d != 1 for d in base_dilation):  # dilate the operand with the select identity
        dil = ShapedArray(tuple(dilate_dim(n, b) for n, b in zip(x_aval.shape, base_dilation,
                                                                 strict=True)), dtype)
        zeros = [0] * x_aval.ndim
        x = hlo.pad(x, constant(wd.identity(select_prim, dtype)), _i64_array(zeros),
                    _i64_array(zeros), _i64_array([b - 1 for b in base_dilation]))
        out_aval = dil
    else:
        out_aval = x_aval
    op = hlo.SelectAndScatterOp(ir_type(out_aval), x, s, constant(np.zeros((), dtype)),
                                window_dimensions=_i64_array(window_dimensions),
                                window_strides=_i64_array(window_strides),
                                padding=_pad_attr(padding))
    st = _scalar_type(dtype)
    select = op.select.blocks.append(st, st)
    with ir.InsertionPoint(select):
        hlo.return_([compare(select.arguments[0], select.arguments[1],
                             "GE" if select_prim == "ge" else "LE", dtype)])
    scatter = op.scatter.blocks.append(st, st)
    with ir.InsertionPoint(scatter):
        hlo.return_([hlo.add(scatter.arguments[0], scatter.arguments[1])])
    out = op.result
    if out_aval is not x_aval:
        out = hlo.slice(out, _i64_array([0] * x_aval.ndim), _i64_array(out_aval.shape),
                        _i64_array(base_dilation))
    return [out]


lowering_rules[wd.reduce_window_sum_p] = _reduce_window_lowering("sum", hlo.add)
lowering_rules[wd.reduce_window_max_p] = _reduce_window_lowering("max", hlo.maximum)
lowering_rules[wd.reduce_window_min_p] = _reduce_window_lowering("min", hlo.minimum)
lowering_rules[wd.select_and_gather_add_p] = _select_and_gather_add_lowering
lowering_rules[wd.select_and_scatter_add_p] = _select_and_scatter_add_lowering
