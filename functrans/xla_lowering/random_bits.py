"""StableHLO lowering of threefry2x32 (primitives/random_bits.py): the 20 rounds
unrolled into adds, shifts, ors and xors on uint32 tensors."""

from __future__ import annotations

import numpy as np
from jax.extend.mlir.dialects import stablehlo as hlo

from ..core.registry import lowering_rules
from ..primitives import random_bits as rb
from .elementwise import broadcast_operands
from .lower import full_like_aval


def _threefry2x32_lowering(ctx, *args):
    aval = ctx.avals_out[0]
    args = broadcast_operands(ctx, *args)

    def const(v):
        return full_like_aval(np.uint32(v), aval)

    def rotl(x, r):
        return hlo.or_(hlo.shift_left(x, const(r)), hlo.shift_right_logical(x, const(32 - r)))

    return rb.threefry_rounds(*args, add=hlo.add, rotl=rotl, xor=hlo.xor, const=const)


lowering_rules[rb.threefry2x32_p] = _threefry2x32_lowering
