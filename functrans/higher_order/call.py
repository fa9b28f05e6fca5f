"""The jit call primitive: ``jit[name=f jaxpr={...}] *args``.

It carries a ClosedJaxpr whose invars take ``args``. Its rules transform the
inner jaxpr with the interpreters (cached per jaxpr object), so ``grad(jit(f))``
and ``vmap(jit(f))`` stay one compiled program each. Eagerly it runs through the
device rule that ``xla_lowering`` registers (compile once, execute); without
XLA loaded it evaluates the inner jaxpr.
"""

from __future__ import annotations

from ..core.ir import ClosedJaxpr
from ..core.registry import (
    abstract_eval_rules,
    impl_rules,
    jvp_rules,
    partial_eval_rules,
    transpose_rules,
    vmap_rules,
)
from ..core.trace import Primitive, bind
from ..interpreters.jvp import jvp_jaxpr
from ..interpreters.linearize import partial_eval_jaxpr
from ..interpreters.staging import eval_closed
from ..interpreters.transpose import is_undefined, transpose_jaxpr
from ..interpreters.vmap import batch_jaxpr

jit_p = Primitive("jit")


def _jit_abstract_eval(*avals, jaxpr: ClosedJaxpr, name: str):
    expected = jaxpr.in_avals
    if len(avals) != len(expected) or any(
            a.shape != e.shape or a.dtype != e.dtype for a, e in zip(avals, expected, strict=True)):
        got = ", ".join(a.str_short() for a in avals)
        want = ", ".join(a.str_short() for a in expected)
        raise TypeError(f"[jit] {name} was traced for ({want}) but called with ({got})")
    return jaxpr.out_avals


def _jit_impl(*args, jaxpr: ClosedJaxpr, name: str):
    return eval_closed(jaxpr, *args)


def _jit_vmap(axis_data, vals, bdims, *, jaxpr: ClosedJaxpr, name: str):
    """Batch the inner jaxpr (cached per jaxpr and batch pattern): one compiled call."""
    batched, out_bdims = batch_jaxpr(jaxpr, axis_data, bdims)
    return bind(jit_p, *vals, jaxpr=batched, name=name), out_bdims


abstract_eval_rules[jit_p] = _jit_abstract_eval
impl_rules[jit_p] = _jit_impl
vmap_rules[jit_p] = _jit_vmap


def _jit_jvp(primals, tangents, *, jaxpr: ClosedJaxpr, name: str):
    """One call of the (cached) jvp of the inner jaxpr: still one compiled program."""
    jvp_closed, in_diff, out_diff = jvp_jaxpr(jaxpr)
    float_tangents = [t for t, d in zip(tangents, in_diff, strict=True) if d]
    outs = bind(jit_p, *primals, *float_tangents, jaxpr=jvp_closed, name=f"jvp_{name}")
    n = len(jaxpr.out_avals)
    it = iter(outs[n:])
    return outs[:n], [next(it) if d else None for d in out_diff]


def _jit_partial_eval(trace, args, params):
    """Split the call: the known part runs now (compiled), the unknown part is staged as
    a second jit call taking the residuals."""
    jaxpr, name = params["jaxpr"], params["name"]
    unknowns = tuple(trace.is_unknown(x) for x in args)
    split = partial_eval_jaxpr(jaxpr, unknowns)
    with trace.in_parent():
        known_outs = bind(jit_p, *[x for x, u in zip(args, unknowns, strict=True) if not u],
                          jaxpr=split.known, name=name)
    n_known = len(known_outs) - split.n_res
    residuals = known_outs[n_known:]
    unknown_args = [x for x, u in zip(args, unknowns, strict=True) if u]
    unknown_outs = trace.stage_eqn(jit_p, [*residuals, *unknown_args],
                                   dict(jaxpr=split.unknown, name=f"lin_{name}"))
    known_it, unknown_it = iter(known_outs[:n_known]), iter(unknown_outs)
    return [next(unknown_it) if u else next(known_it) for u in split.out_unknown]


def _jit_transpose(cts, *args, jaxpr: ClosedJaxpr, name: str):
    linear = tuple(is_undefined(a) for a in args)
    transposed = transpose_jaxpr(jaxpr, linear)
    nonlinear = [a for a in args if not is_undefined(a)]
    cts_in = bind(jit_p, *nonlinear, *cts, jaxpr=transposed, name=f"transpose_{name}")
    it = iter(cts_in)
    return [next(it) if lin else None for lin in linear]


jvp_rules[jit_p] = _jit_jvp
partial_eval_rules[jit_p] = _jit_partial_eval
transpose_rules[jit_p] = _jit_transpose
