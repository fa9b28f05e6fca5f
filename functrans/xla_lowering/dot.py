"""StableHLO lowering of dot_general (primitives/dot.py)."""

from __future__ import annotations

from jax.extend.mlir.dialects import stablehlo as hlo

from ..core.registry import lowering_rules
from ..primitives import dot
from .lower import ir_type


def _dot_general_lowering(ctx, lhs, rhs, *, dimension_numbers, precision=None,
                          preferred_element_type=None):
    (lc, rc), (lb, rb) = dimension_numbers
    dn = hlo.DotDimensionNumbers.get(
        lhs_batching_dimensions=list(lb), rhs_batching_dimensions=list(rb),
        lhs_contracting_dimensions=list(lc), rhs_contracting_dimensions=list(rc))
    return [hlo.dot_general(ir_type(ctx.avals_out[0]), lhs, rhs, dn)]


lowering_rules[dot.dot_general_p] = _dot_general_lowering
