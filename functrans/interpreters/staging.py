"""Staging: tracing a Python function into a jaxpr.

Invariant: a StagingTracer carries a ``Var`` of the jaxpr being built; each
primitive applied to it appends an ``Eqn`` (after abstract eval checks shapes).
Values from outside (arrays, or tracers of enclosing transformations) become
constvars; scalar constants become Literals::

    trace_to_jaxpr(lambda x: sin(x) * 2.0, [f32[3]])
      -> { lambda ; a:f32[3]. let b:f32[3] = sin a; c:f32[3] = mul b 2.0:f32[] in (c,) }
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Sequence

import numpy as np

from ..core.array import Array, aval_of
from ..core.ir import ClosedJaxpr, Eqn, Jaxpr, Literal, ShapedArray, Var
from ..core.registry import abstract_eval_rules
from ..core.trace import Trace, Tracer, _state, bind, new_trace


class StagingTracer(Tracer):
    """A value being staged: ``var`` (the jaxpr variable) and its ``aval`` (a plain
    attribute rather than the base class's property: rules read it very often)."""

    __slots__ = ("var", "aval")

    def __init__(self, trace: StagingTrace, var: Var):
        self._trace = trace
        self.var = var
        self.aval = var.aval


class StagingTrace(Trace):
    def __init__(self, parent: Trace | None, name: str = "jit", label: str = ""):
        super().__init__(parent)
        self.name = name  # the transformation (jit, make_jaxpr, ...), for messages
        self.label = label  # the function being traced
        self.eqns: list[Eqn] = []
        self.invars: list[Var] = []
        self.constvars: list[Var] = []
        self.consts: list = []
        # id(const) -> its constvar. Vars, not tracers: a tracer refers to its trace, and
        # the cycle would keep a finished trace (its whole jaxpr) alive until the cyclic
        # collector runs; without it, it is freed as soon as the last reference goes.
        self._const_ids: dict[int, Var] = {}

    def new_arg(self, aval: ShapedArray) -> StagingTracer:
        var = Var(aval)
        self.invars.append(var)
        return StagingTracer(self, var)

    def lift(self, val) -> StagingTracer:
        var = self._const_ids.get(id(val))
        if var is None:
            var = self._const_ids[id(val)] = Var(aval_of(val, self.name))
            self.constvars.append(var)
            self.consts.append(val)
        return StagingTracer(self, var)

    def atom(self, x):
        """The jaxpr atom for an input: its Var, or a Literal for a scalar constant."""
        if isinstance(x, StagingTracer) and x._trace is self:
            return x.var
        if not isinstance(x, Tracer) and _is_scalar_literal(x):
            aval = aval_of(x, self.name)
            val = np.asarray(x, dtype=aval.dtype)
            return Literal(val.item() if aval.weak_type else val, aval)
        return self.to_tracer(x).var

    def process(self, prim, args, params):
        atoms = [x.var if type(x) is StagingTracer and x._trace is self else self.atom(x)
                 for x in args]
        out_avals = abstract_eval_rules[prim](*[a.aval for a in atoms], **params)
        outvars = [Var(a) for a in out_avals]
        self.eqns.append(Eqn(prim, atoms, params, outvars))
        return [StagingTracer(self, v) for v in outvars]


def _is_scalar_literal(x) -> bool:
    if isinstance(x, (bool, int, float, complex)):
        return True
    if isinstance(x, (np.ndarray, np.generic, Array)):
        return x.shape == ()
    return False


@contextlib.contextmanager
def _gc_paused():
    """Python's cyclic garbage collector off while the outermost trace runs. Tracing
    allocates many small objects that live until the trace ends, so the collector's
    passes (a full one scans every object of the process, JAX's modules included) find
    little and cost ~25% of tracing time; the collection happens once, after."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def trace_to_jaxpr(fn: Callable, in_avals: Sequence[ShapedArray], name: str = "jit",
                   label: str = "") -> tuple[Jaxpr, list, list]:
    """Trace ``fn(*flat_tracers) -> flat outputs`` into a jaxpr.

    Returns ``(jaxpr, consts, outs)`` where ``consts`` feed ``jaxpr.constvars`` (they may
    be tracers of enclosing transformations) and ``outs`` is fn's raw flat output list.
    """
    trace = StagingTrace(_state.trace, name, label)
    args = [trace.new_arg(a) for a in in_avals]
    with _gc_paused(), new_trace(trace):
        outs = fn(*args)
        outvars = [trace.atom(x) for x in outs]
    jaxpr = Jaxpr(trace.constvars, trace.invars, trace.eqns, outvars)
    return jaxpr, trace.consts, outs


def close_jaxpr(jaxpr: Jaxpr, consts: list) -> ClosedJaxpr:
    return ClosedJaxpr(jaxpr, consts)


def hoist_consts(jaxpr: Jaxpr) -> Jaxpr:
    """The same program with its constvars turned into leading invars."""
    return Jaxpr([], jaxpr.constvars + jaxpr.invars, jaxpr.eqns, jaxpr.outvars)


def stage(fn: Callable, in_avals: Sequence[ShapedArray], name: str = "jit", label: str = ""
          ) -> tuple[ClosedJaxpr, list]:
    """Trace ``fn`` to a ClosedJaxpr whose consts are concrete; tracer consts of
    enclosing transformations are hoisted into leading invars and returned, so the
    caller passes them explicitly (``bind(call_p, *tracer_consts, *args, ...)``)."""
    jaxpr, consts, _ = trace_to_jaxpr(fn, in_avals, name, label)
    return hoist_tracer_consts(jaxpr, consts)


def hoist_tracer_consts(jaxpr: Jaxpr, consts: list) -> tuple[ClosedJaxpr, list]:
    """A ClosedJaxpr with concrete consts; tracer consts become leading invars."""
    is_tracer = [isinstance(c, Tracer) for c in consts]
    if not any(is_tracer):
        return ClosedJaxpr(jaxpr, consts), []
    hoisted = [v for v, t in zip(jaxpr.constvars, is_tracer, strict=True) if t]
    kept = [v for v, t in zip(jaxpr.constvars, is_tracer, strict=True) if not t]
    new = Jaxpr(kept, hoisted + jaxpr.invars, jaxpr.eqns, jaxpr.outvars)
    return (ClosedJaxpr(new, [c for c, t in zip(consts, is_tracer, strict=True) if not t]),
            [c for c, t in zip(consts, is_tracer, strict=True) if t])


def eval_jaxpr(jaxpr: Jaxpr, consts: Sequence, *args) -> list:
    """Evaluate ``jaxpr`` by binding each equation under the current trace."""
    env: dict[Var, object] = {}

    def read(x):
        if isinstance(x, Literal):  # typed as staged (a bare Python scalar would re-promote)
            return Array(np.asarray(x.val, x.aval.dtype), x.aval)
        return env[x]

    for v, val in zip(jaxpr.constvars, consts, strict=True):
        env[v] = val
    for v, val in zip(jaxpr.invars, args, strict=True):
        env[v] = val
    for eqn in jaxpr.eqns:
        outs = bind(eqn.primitive, *[read(x) for x in eqn.inputs], **eqn.params)
        for v, val in zip(eqn.outvars, outs, strict=True):
            env[v] = val
    return [read(x) for x in jaxpr.outvars]


def eval_closed(closed: ClosedJaxpr, *args) -> list:
    return eval_jaxpr(closed.jaxpr, closed.consts, *args)
