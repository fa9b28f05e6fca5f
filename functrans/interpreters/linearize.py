"""Linearize: partial evaluation of the jvp into known primal values and a linear jaxpr.

Invariant: under a PartialEvalTrace, *known* values are plain values of the parent
trace and *unknown* values are its StagingTracers (Vars of the linear jaxpr being
built). A primitive with only known inputs runs in the parent (eagerly, or staged
by an enclosing jit); one with an unknown input is staged, and its known inputs
become residuals (constvars of the linear jaxpr). Running the jvp with unknown
tangents splits it: primals run now, tangent computations are staged::

    linearize_flat(lambda x: [sin(x)], [x])
      -> ([sin(x)], { lambda a:f32[] ; t:f32[]. let u = mul t a in (u,) }, [cos(x)])
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence

from ..core.ir import ClosedJaxpr, Jaxpr, ShapedArray
from ..core.registry import effectful_primitives, partial_eval_rules
from ..core.trace import Tracer, bind, current_trace, new_trace
from .jvp import JVPTrace, JVPTracer, Zero, instantiate, is_differentiable, zero_for
from .staging import (
    StagingTrace,
    StagingTracer,
    eval_closed,
    trace_to_jaxpr,
)


class PartialEvalTrace(StagingTrace):
    """Stages only the computations that depend on an unknown value."""

    def __init__(self, parent, name: str = "linearize"):
        super().__init__(parent, name)

    def is_unknown(self, x) -> bool:
        return isinstance(x, StagingTracer) and x._trace is self

    def process(self, prim, args, params):
        for x in args:
            if isinstance(x, StagingTracer) and x._trace is self:
                break
        else:  # every input known: the parent computes it
            with self.in_parent():
                return bind(prim, *args, **params)
        rule = partial_eval_rules.get(prim)
        if rule is not None:
            return rule(self, list(args), params)
        return StagingTrace.process(self, prim, args, params)

    def stage_eqn(self, prim, args, params) -> list:
        """Stage ``prim`` unconditionally (used by partial-eval rules)."""
        return StagingTrace.process(self, prim, args, params)


class LinearJaxpr:
    """A linear function of the differentiable inputs: ``jaxpr`` takes their tangents
    (after ``consts``, the residuals) and returns the differentiable outputs' tangents."""

    def __init__(self, jaxpr: Jaxpr, consts: list, in_diff: list[bool], out_diff: list[bool],
                 in_avals: list[ShapedArray], out_avals: list[ShapedArray]):
        self.jaxpr, self.consts = jaxpr, consts
        self.in_diff, self.out_diff = in_diff, out_diff
        self.in_avals, self.out_avals = in_avals, out_avals


def linearize_flat(fn: Callable, primals: Sequence, n_main: Callable[[], int] | None = None
                   ) -> tuple[list, LinearJaxpr, list]:
    """Primal outputs of ``fn(*flat) -> flat`` and its linearization at ``primals``.

    When given, ``n_main()`` (asked after tracing) says how many outputs are main ones;
    the rest are auxiliary and returned as primals only.
    Returns ``(primal_outs, linear, aux)``.
    """
    pe = PartialEvalTrace(current_trace())
    jt = JVPTrace(pe)
    in_avals = [_aval(p) for p in primals]
    in_diff = [is_differentiable(a) for a in in_avals]
    tangents = [pe.new_arg(a.strip_weak_type()) if d else zero_for(p)
                for p, a, d in zip(primals, in_avals, in_diff, strict=True)]
    with new_trace(pe):
        with new_trace(jt):
            ins = [JVPTracer(jt, p, t) for p, t in zip(primals, tangents, strict=True)]
            outs = list(fn(*ins))
            pairs = [jt.unpack(o) for o in outs]
        n_main = len(pairs) if n_main is None else n_main()
        out_avals = [_aval(p) for p, _ in pairs[:n_main]]
        out_diff = [is_differentiable(a) for a in out_avals]
        touts = [instantiate(t) for (_, t), d in zip(pairs[:n_main], out_diff, strict=True)
                 if d]
        outvars = [pe.atom(t) for t in touts]
    primal_outs = [p for p, _ in pairs]
    for p in primal_outs:
        if pe.is_unknown(p):
            raise NotImplementedError(
                "[linearize] a primal output depends on a tangent; a higher-order primitive "
                "probably lacks a partial-eval rule (partial_eval_rules)")
    jaxpr = Jaxpr(pe.constvars, pe.invars, pe.eqns, outvars)
    linear = LinearJaxpr(jaxpr, pe.consts, in_diff, out_diff, in_avals, out_avals)
    return primal_outs[:n_main], linear, primal_outs[n_main:]


def _aval(x) -> ShapedArray:
    from ..primitives._ops import aval
    return aval(x)


def eval_linear(linear: LinearJaxpr, tangents: Sequence) -> list:
    """Apply the linear map to tangents of the differentiable inputs."""
    from .staging import eval_jaxpr
    return eval_jaxpr(linear.jaxpr, linear.consts, *tangents)


# ---- partial evaluation of a closed jaxpr (for higher-order primitives) ------------------

_pe_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class PartialJaxpr:
    """``closed`` split by known inputs: ``known`` maps the known inputs to the known
    outputs + residuals; ``unknown`` maps residuals + unknown inputs to the unknown
    outputs. ``res_avals`` are the residuals' avals and ``res_src[i]`` the index of the known
    input a residual is (None if computed)."""

    def __init__(self, known, unknown, out_unknown, res_avals, res_src):
        self.known, self.unknown, self.out_unknown = known, unknown, out_unknown
        self.res_avals, self.res_src = res_avals, res_src

    @property
    def n_res(self) -> int:
        return len(self.res_avals)


def partial_eval_jaxpr(closed: ClosedJaxpr, unknowns: Sequence[bool],
                       instantiate: Sequence[bool] | None = None) -> PartialJaxpr:
    """Split ``closed`` into a known and an unknown jaxpr given which inputs are unknown;
    outputs marked in ``instantiate`` are unknown even when computable from known inputs
    (they become residuals). Cached per jaxpr object and masks."""
    key = (tuple(unknowns), None if instantiate is None else tuple(instantiate))
    per = _pe_cache.setdefault(closed, {})
    hit = per.get(key)
    if hit is None:
        hit = per[key] = split_jaxpr(closed, *key)
    return hit


def split_jaxpr(closed: ClosedJaxpr, unknowns, instantiate,
                make_trace: Callable | None = None) -> PartialJaxpr:
    """``partial_eval_jaxpr`` without the cache; ``make_trace(parent)`` builds the partial
    evaluation trace (a subclass deciding differently which known values become residuals,
    as checkpoint policies do), by default a plain ``PartialEvalTrace``."""
    inst = instantiate or (False,) * len(closed.out_avals)
    make_trace = make_trace or (lambda parent: PartialEvalTrace(parent, "partial_eval"))
    known_avals = [a for a, u in zip(closed.in_avals, unknowns, strict=True) if not u]
    store: dict = {}

    def known_fn(*known_ins):
        pe = make_trace(current_trace())
        it = iter(known_ins)
        args = [pe.new_arg(a) if u else next(it)
                for a, u in zip(closed.in_avals, unknowns, strict=True)]
        with new_trace(pe):
            outs = eval_closed(closed, *args)
            out_unknown = [pe.is_unknown(o) or i for o, i in zip(outs, inst, strict=True)]
            outvars = [pe.atom(o) for o, u in zip(outs, out_unknown, strict=True) if u]
        ids = {id(x): k for k, x in enumerate(known_ins)}
        store.update(unknown=Jaxpr([], pe.constvars + pe.invars, pe.eqns, outvars),
                     out_unknown=out_unknown, res_avals=[v.aval for v in pe.constvars],
                     res_src=[ids.get(id(c)) for c in pe.consts])
        return [o for o, u in zip(outs, out_unknown, strict=True) if not u] + list(pe.consts)

    jaxpr, consts, _ = trace_to_jaxpr(known_fn, known_avals, "known")
    assert not any(isinstance(c, Tracer) for c in consts)
    return PartialJaxpr(ClosedJaxpr(jaxpr, consts), ClosedJaxpr(store["unknown"], []),
                        store["out_unknown"], store["res_avals"], store["res_src"])


__all__ = ["PartialEvalTrace", "LinearJaxpr", "linearize_flat", "eval_linear",
           "partial_eval_jaxpr", "Zero"]


_dce_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def dce_closed(closed: ClosedJaxpr, keep: tuple[bool, ...]) -> ClosedJaxpr:
    """``closed`` with only the outputs marked in ``keep`` and the equations they need
    (inputs unchanged); cached per jaxpr object and mask."""
    per = _dce_cache.setdefault(closed, {})
    hit = per.get(keep)
    if hit is None:
        from ..core.ir import Var
        jaxpr = closed.jaxpr
        outvars = [v for v, k in zip(jaxpr.outvars, keep, strict=True) if k]
        live = {v for v in outvars if type(v) is Var}
        eqns = []
        for eqn in reversed(jaxpr.eqns):
            if any(v in live for v in eqn.outvars) or eqn.primitive in effectful_primitives:
                eqns.append(eqn)
                live.update(x for x in eqn.inputs if type(x) is Var)
        hit = per[keep] = ClosedJaxpr(
            Jaxpr(jaxpr.constvars, jaxpr.invars, eqns[::-1], outvars), closed.consts)
    return hit
