"""StableHLO lowering of threefry2x32 (primitives/random_bits.py): the 20 rounds
unrolled into adds, shifts, ors and xors on uint32 tensors; and of XLA's own generators
(rng_bit_generator, rng_uniform), which also run eagerly as one-op XLA programs."""

from __future__ import annotations

import numpy as np
from jaxlib.mlir import ir
from jaxlib.mlir.dialects import stablehlo as hlo

from ..core.registry import device_impl_rules, lowering_rules
from ..primitives import random_bits as rb
from .eager import device_op
from .elementwise import broadcast_operands
from .lower import constant, full_like_aval, ir_type


def _threefry2x32_lowering(ctx, *args):
    aval = ctx.avals_out[0]
    args = broadcast_operands(ctx, *args)

    def const(v):
        return full_like_aval(np.uint32(v), aval)

    def rotl(x, r):
        return hlo.or_(hlo.shift_left(x, const(r)), hlo.shift_right_logical(x, const(32 - r)))

    return rb.threefry_rounds(*args, add=hlo.add, rotl=rotl, xor=hlo.xor, const=const)


lowering_rules[rb.threefry2x32_p] = _threefry2x32_lowering


def _rng_bit_generator_lowering(ctx, key, *, shape, dtype, algorithm):
    """As JAX: a uint32[4] key is passed to XLA as uint64[2] and back."""
    u32, u64 = ir.IntegerType.get_unsigned(32), ir.IntegerType.get_unsigned(64)
    key_aval, bits_aval = ctx.avals_out
    as_u32 = key_aval.dtype == np.uint32
    if as_u32:
        key = hlo.bitcast_convert(ir.RankedTensorType.get([2], u64),
                                  hlo.reshape(ir.RankedTensorType.get([2, 2], u32), key))
    attr = hlo.RngAlgorithmAttr.get(("DEFAULT", "THREE_FRY", "PHILOX")[int(algorithm)])
    new_key, bits = hlo.RngBitGeneratorOp(key.type, ir_type(bits_aval), attr, key).results
    if as_u32:
        new_key = hlo.reshape(ir.RankedTensorType.get([4], u32),
                              hlo.bitcast_convert(ir.RankedTensorType.get([2, 2], u32), new_key))
    return [new_key, bits]


def _rng_uniform_lowering(ctx, a, b, *, shape):
    dims = constant(np.array(ctx.avals_out[0].shape, np.int64))
    return [hlo.rng(a, b, dims, hlo.RngDistributionAttr.get("UNIFORM"))]


def _through_xla(prim):
    def rule(*args, **params):
        return device_op(prim, args, params)
    return rule


lowering_rules[rb.rng_bit_generator_p] = _rng_bit_generator_lowering
lowering_rules[rb.rng_uniform_p] = _rng_uniform_lowering
device_impl_rules[rb.rng_bit_generator_p] = _through_xla(rb.rng_bit_generator_p)
device_impl_rules[rb.rng_uniform_p] = _through_xla(rb.rng_uniform_p)
