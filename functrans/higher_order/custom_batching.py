"""custom_vmap: a function with a user-defined batching rule (``jax.custom_batching``).

``custom_vmap_call[call_jaxpr, rule, num_consts] *consts *args`` evaluates
``call_jaxpr``; under vmap its rule calls the user's ``rule(axis_size, in_batched,
*args) -> (outs, out_batched)`` (the consts, values the function closes over, must be
unbatched). Other transformations see through it: jvp differentiates ``call_jaxpr`` (so
``vmap(grad(f))`` batches f's derivative with the ordinary rules; JAX would derive the
batched derivative from the rule), and the lowering inlines the jaxpr.
"""

from __future__ import annotations

from ..core.registry import (
    abstract_eval_rules,
    declare_no_rule,
    impl_rules,
    jvp_rules,
    vmap_rules,
)
from ..core.trace import Primitive
from ..interpreters.jvp import jvp_jaxpr
from ..interpreters.staging import eval_closed
from ..primitives import _ops
from ..primitives._batching import moveaxis

custom_vmap_call_p = Primitive("custom_vmap_call")


class BatchingRule:
    """The user's rule as a flat function ``(axis_size, in_batched, *flat) -> (flat outs,
    out_batched)``; hashable by identity (a primitive param)."""

    __slots__ = ("fn", "name")

    def __init__(self, fn, name: str):
        self.fn, self.name = fn, name

    def __call__(self, *args):
        return self.fn(*args)

    def __repr__(self) -> str:
        return self.name


def _abstract_eval(*avals, call_jaxpr, rule, num_consts):
    return call_jaxpr.out_avals


def _impl(*args, call_jaxpr, rule, num_consts):
    return eval_closed(call_jaxpr, *args)


def _jvp(primals, tangents, *, call_jaxpr, rule, num_consts):
    jvp_closed, in_diff, out_diff = jvp_jaxpr(call_jaxpr)
    ts = [t for t, d in zip(tangents, in_diff, strict=True) if d]
    outs = eval_closed(jvp_closed, *primals, *ts)
    n = len(call_jaxpr.out_avals)
    it = iter(outs[n:])
    return outs[:n], [next(it) if d else None for d in out_diff]


def _vmap(axis_data, vals, bdims, *, call_jaxpr, rule, num_consts):
    if any(b is not None for b in bdims[:num_consts]):
        raise ValueError("[custom_vmap] the function closes over a value batched by this vmap; "
                         "pass it as an argument instead")
    args = [v if b is None else moveaxis(v, b, 0)
            for v, b in zip(vals[num_consts:], bdims[num_consts:], strict=True)]
    in_batched = [b is not None for b in bdims[num_consts:]]
    outs, out_batched = rule(axis_data.size, in_batched, *args)
    for o, b, a in zip(outs, out_batched, call_jaxpr.out_avals, strict=True):
        want = (axis_data.size, *a.shape) if b else a.shape
        if tuple(_ops.aval(o).shape) != want:
            raise ValueError(f"[custom_vmap] the vmap rule returned shape "
                             f"{_ops.aval(o).shape} for an output it marks "
                             f"{'batched' if b else 'unbatched'}; expected {want}")
    return list(outs), [0 if b else None for b in out_batched]


abstract_eval_rules[custom_vmap_call_p] = _abstract_eval
impl_rules[custom_vmap_call_p] = _impl
jvp_rules[custom_vmap_call_p] = _jvp
vmap_rules[custom_vmap_call_p] = _vmap
declare_no_rule("transpose", custom_vmap_call_p, "its jvp differentiates the function, so "
                "the linear part never holds a custom_vmap_call")
