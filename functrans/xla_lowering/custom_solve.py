"""Lowering of ``custom_linear_solve`` (higher_order/custom_solve.py): its ``solve`` jaxpr,
inlined (the other jaxprs only matter to differentiation)."""

from __future__ import annotations

from ..core.registry import lowering_rules
from ..higher_order.custom_solve import custom_linear_solve_p
from .lower import lower_closed


def _custom_linear_solve_lowering(ctx, *args, solve, **_):
    return lower_closed(ctx.module, solve, list(args))


lowering_rules[custom_linear_solve_p] = _custom_linear_solve_lowering
