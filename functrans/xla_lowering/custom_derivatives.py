"""Lowering of custom_jvp_call / custom_vjp_call / custom_lin and checkpoint
(higher_order/custom_derivatives.py, higher_order/checkpoint.py): the inner jaxpr is
lowered inline; custom_lin (a custom_vjp's tangent map evaluated forward) lowers the
transpose of its bwd rule. A checkpoint's recomputation (``differentiated``) with
``prevent_cse`` lowers behind a ``stablehlo.optimization_barrier`` on its inputs."""

from __future__ import annotations

from jaxlib.mlir.dialects import stablehlo as hlo

from ..core.registry import lowering_rules
from ..higher_order.checkpoint import checkpoint_p
from ..higher_order.checkpoint_policies import name_p
from ..higher_order.custom_batching import custom_vmap_call_p
from ..higher_order.custom_derivatives import (
    custom_jvp_call_p,
    custom_lin_forward,
    custom_lin_p,
    custom_vjp_call_p,
)
from ..interpreters.staging import stage
from .lower import lower_closed


def _custom_call_lowering(ctx, *args, call_jaxpr, **params):
    return lower_closed(ctx.module, call_jaxpr, args)


def _custom_lin_lowering(ctx, *args, rules, num_res, out_avals):
    def forward(*xs):
        return custom_lin_forward(xs[:num_res], xs[num_res:], rules=rules, num_res=num_res,
                                  out_avals=out_avals)
    closed, consts = stage(forward, list(ctx.avals_in), "custom_lin")
    assert not consts
    return lower_closed(ctx.module, closed, args)


def _checkpoint_lowering(ctx, *args, jaxpr, prevent_cse, differentiated=False, **params):
    if prevent_cse and differentiated and args:
        args = list(hlo.OptimizationBarrierOp(list(args)).results)
    return lower_closed(ctx.module, jaxpr, args)


lowering_rules[custom_jvp_call_p] = _custom_call_lowering
lowering_rules[custom_vjp_call_p] = _custom_call_lowering
lowering_rules[custom_lin_p] = _custom_lin_lowering
lowering_rules[checkpoint_p] = _checkpoint_lowering
lowering_rules[name_p] = lambda ctx, x, *, name: [x]
lowering_rules[custom_vmap_call_p] = _custom_call_lowering
