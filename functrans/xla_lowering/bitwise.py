"""StableHLO lowering of the bitwise primitives (primitives/bitwise.py)."""

from __future__ import annotations

from jaxlib.mlir.dialects import stablehlo as hlo

from ..core.registry import lowering_rules
from ..primitives import bitwise as bw
from .elementwise import nary_lowering

lowering_rules[bw.and_p] = nary_lowering(hlo.and_)
lowering_rules[bw.or_p] = nary_lowering(hlo.or_)
lowering_rules[bw.xor_p] = nary_lowering(hlo.xor)
lowering_rules[bw.not_p] = nary_lowering(hlo.not_)
lowering_rules[bw.shift_left_p] = nary_lowering(hlo.shift_left)
lowering_rules[bw.shift_right_logical_p] = nary_lowering(hlo.shift_right_logical)
lowering_rules[bw.shift_right_arithmetic_p] = nary_lowering(hlo.shift_right_arithmetic)
lowering_rules[bw.population_count_p] = nary_lowering(hlo.popcnt)
lowering_rules[bw.clz_p] = nary_lowering(hlo.count_leading_zeros)
