"""Lowering of the control-flow primitives (higher_order/cond.py, higher_order/loops.py)
and of the general reduce (higher_order/reduce.py: one ``stablehlo.reduce``).

cond -> ``stablehlo.case`` (one region per branch); while -> ``stablehlo.while`` whose
loop state also carries the consts (regions take everything as block arguments); scan ->
one ``stablehlo.while`` over ``(i, consts, carry, xs, ys)`` that reads ``xs[i]`` with
``dynamic_slice`` and writes ``ys[i]`` with ``dynamic_update_slice``: the body is emitted
once, so compile time does not grow with the length. ``unroll=k`` emits k steps per
iteration (and the remainder after the loop).
"""

from __future__ import annotations

import numpy as np
from jaxlib.mlir import ir
from jaxlib.mlir.dialects import stablehlo as hlo

from ..core import dtypes
from ..core.ir import ShapedArray
from ..core.registry import lowering_rules
from ..higher_order.cond import cond_p
from ..higher_order.loops import scan_p, while_p
from ..higher_order.reduce import reduce_p
from .elementwise import compare
from .lower import constant, full_like_aval, ir_type, lower_closed
from .reductions import reduce_region

_I32 = ShapedArray((), dtypes.int32)


def _cond_lowering(ctx, index, *ops, branches):
    case = hlo.CaseOp([ir_type(a) for a in ctx.avals_out], index, len(branches))
    for region, br in zip(case.regions, branches, strict=True):
        with ir.InsertionPoint(region.blocks.append()):
            hlo.return_(lower_closed(ctx.module, br, list(ops)))
    return list(case.results)


lowering_rules[cond_p] = _cond_lowering


def _while_loop(types, init, cond_fn, body_fn) -> list:
    """A ``stablehlo.while`` over values of ``types``: ``cond_fn(args) -> i1`` value,
    ``body_fn(args) -> new args``."""
    loop = hlo.WhileOp(types, init)
    with ir.InsertionPoint(loop.regions[0].blocks.append(*types)):
        hlo.return_([cond_fn(list(loop.regions[0].blocks[0].arguments))])
    with ir.InsertionPoint(loop.regions[1].blocks.append(*types)):
        hlo.return_(body_fn(list(loop.regions[1].blocks[0].arguments)))
    return list(loop.results)


def _while_lowering(ctx, *args, cond_jaxpr, body_jaxpr, cond_nconsts, body_nconsts):
    nc, nb = cond_nconsts, body_nconsts
    types = [ir_type(a) for a in ctx.avals_in]

    def cond_fn(a):
        return lower_closed(ctx.module, cond_jaxpr, a[:nc] + a[nc + nb:])[0]

    def body_fn(a):
        return a[:nc + nb] + lower_closed(ctx.module, body_jaxpr, a[nc:])

    return _while_loop(types, list(args), cond_fn, body_fn)[nc + nb:]


lowering_rules[while_p] = _while_lowering


def _scan_lowering(ctx, *args, jaxpr, length, reverse, unroll, num_consts, num_carry):
    nc, nk = num_consts, num_carry
    nx = len(args) - nc - nk
    x_avals = ctx.avals_in[nc + nk:]
    y_avals = ctx.avals_out[nk:]
    ys = [full_like_aval(0, a) for a in y_avals]
    unroll = max(1, min(int(unroll), max(length, 1)))
    n_iter = length // unroll

    def steps(i, state, offsets):
        """Run one body step per offset at iteration ``i``; state = consts, carry, xs, ys."""
        consts, carry = state[:nc], state[nc:nc + nk]
        xs, ys = state[nc + nk:nc + nk + nx], state[nc + nk + nx:]
        for off in offsets:
            t = hlo.add(i, constant(np.int32(off))) if off else i
            pos = hlo.subtract(constant(np.int32(length - 1)), t) if reverse else t
            slices = [_index(x, a, pos) for x, a in zip(xs, x_avals, strict=True)]
            outs = lower_closed(ctx.module, jaxpr, [*consts, *carry, *slices])
            carry = outs[:nk]
            ys = [_update(y, v, a, pos) for y, v, a in zip(ys, outs[nk:], y_avals,
                                                         strict=True)]
        return [*consts, *carry, *xs, *ys]

    state = [*args, *ys]
    if n_iter:
        types = [ir_type(_I32)] + [ir_type(a) for a in [*ctx.avals_in, *y_avals]]

        def cond_fn(a):
            return compare(a[0], constant(np.int32(n_iter * unroll)), "LT", dtypes.int32)

        def body_fn(a):
            new = steps(a[0], a[1:], range(unroll))
            return [hlo.add(a[0], constant(np.int32(unroll))), *new]

        state = _while_loop(types, [constant(np.int32(0)), *state], cond_fn, body_fn)[1:]
    rem = length - n_iter * unroll
    if rem:
        state = steps(constant(np.int32(n_iter * unroll)), state, range(rem))
    return state[nc:nc + nk] + state[nc + nk + nx:]


def _index(x, aval, pos):
    zero = constant(np.int32(0))
    sl = hlo.dynamic_slice(x, [pos] + [zero] * (aval.ndim - 1), [1, *aval.shape[1:]])
    return hlo.reshape(ir_type(ShapedArray(aval.shape[1:], aval.dtype)), sl)


def _update(y, v, aval, pos):
    zero = constant(np.int32(0))
    v = hlo.reshape(ir_type(ShapedArray((1, *aval.shape[1:]), aval.dtype)), v)
    return hlo.dynamic_update_slice(y, v, [pos] + [zero] * (aval.ndim - 1))


lowering_rules[scan_p] = _scan_lowering


def _reduce_lowering(ctx, *args, computation, dimensions):
    n = len(args) // 2

    def body(accs, xs):
        return lower_closed(ctx.module, computation, accs + xs)
    return reduce_region(ctx.avals_out, list(args[:n]), list(args[n:]), dimensions, body)


lowering_rules[reduce_p] = _reduce_lowering
