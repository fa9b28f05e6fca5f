"""Lowering of the special functions (primitives/special.py) to CHLO ops, which XLA
expands into polynomial approximations when it compiles."""

from __future__ import annotations

from jaxlib.mlir.dialects import chlo

from ..core.registry import lowering_rules
from ..primitives import special as sp
from .elementwise import nary_lowering

lowering_rules[sp.erf_p] = nary_lowering(chlo.erf)
lowering_rules[sp.erfc_p] = nary_lowering(chlo.erfc)
lowering_rules[sp.erf_inv_p] = nary_lowering(chlo.erf_inv)
lowering_rules[sp.lgamma_p] = nary_lowering(chlo.lgamma)
lowering_rules[sp.digamma_p] = nary_lowering(chlo.digamma)
