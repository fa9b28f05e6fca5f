"""Forward mode: Jacobian-vector products.

Invariant: a JVPTracer carries ``(primal, tangent)``; the primal is a value of the
parent trace, the tangent is a parent value of the primal's shape and dtype or a
symbolic ``Zero(aval)``. Integer and bool values always carry ``Zero``. Rules never
see ``Zero``: when every input tangent is zero the rule is skipped (the result is
the plain parent value), otherwise zeros are instantiated first — except for rules
built by ``_ops.sum_of_terms_jvp``, which skip the zero operands' terms::

    jvp_flat(lambda x: [sin(x)], [x], [t])  ->  ([sin(x)], [t * cos(x)])
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence

import numpy as np

from ..core import dtypes
from ..core.array import as_numpy
from ..core.ir import ClosedJaxpr, ShapedArray
from ..core.registry import jvp_rules, no_rule_reasons
from ..core.trace import Trace, Tracer, bind, check_alive, current_trace, new_trace
from ..primitives import _ops


class Zero:
    """A symbolic zero tangent/cotangent of abstract value ``aval``."""

    __slots__ = ("aval",)

    def __init__(self, aval: ShapedArray):
        self.aval = aval

    def __repr__(self) -> str:
        return f"Zero({self.aval.str_short()})"


_inexact_dtypes: dict[np.dtype, bool] = {}


def is_differentiable(aval: ShapedArray) -> bool:
    dtype = aval.dtype
    known = _inexact_dtypes.get(dtype)
    if known is None:
        known = _inexact_dtypes[dtype] = dtypes.is_inexact(dtype)
    return known


def zero_for(primal) -> Zero:
    return Zero(_ops.aval(primal).strip_weak_type())


def instantiate(t, primal=None):
    """``t`` as a value: a ``Zero`` becomes an array of zeros (of the primal's dtype)."""
    if type(t) is Zero:
        return _ops.zeros_aval(t.aval)
    return t


class JVPTracer(Tracer):
    __slots__ = ("primal", "tangent")

    def __init__(self, trace: JVPTrace, primal, tangent):
        self._trace = trace
        self.primal = primal
        self.tangent = tangent

    @property
    def aval(self) -> ShapedArray:
        p = self.primal
        return p.aval if isinstance(p, Tracer) else _ops.aval(p)

    def concrete_value(self):
        p = self.primal
        if isinstance(p, Tracer):
            return p.concrete_value()
        return as_numpy(p)


class JVPTrace(Trace):
    name = "jvp"

    def lift(self, val) -> JVPTracer:
        return JVPTracer(self, val, zero_for(val))

    def unpack(self, x) -> tuple:
        """``(primal, tangent)`` of any value (a non-tracer has a Zero tangent)."""
        if isinstance(x, JVPTracer) and x._trace is self:
            return x.primal, x.tangent
        if isinstance(x, Tracer):
            check_alive(x)
        return x, zero_for(x)

    def process(self, prim, args, params):
        primals, tangents, nonzero = [], [], False
        for x in args:
            if type(x) is JVPTracer and x._trace is self:
                primals.append(x.primal)
                tangents.append(x.tangent)
                nonzero = nonzero or type(x.tangent) is not Zero
            else:
                p, t = self.unpack(x)
                primals.append(p)
                tangents.append(t)
                nonzero = nonzero or type(t) is not Zero
        with self.in_parent():
            if not nonzero:
                return bind(prim, *primals, **params)
            rule = jvp_rules.get(prim)
            if rule is None:
                return self._no_rule(prim, primals, params)
            if getattr(rule, "accepts_zeros", False):  # built by _ops.sum_of_terms_jvp
                tangents = [None if type(t) is Zero else t for t in tangents]
            else:
                tangents = [instantiate(t) for t in tangents]
            primals_out, tangents_out = rule(primals, tangents, **params)
        return [self._wrap(p, t) for p, t in zip(primals_out, tangents_out, strict=True)]

    def _wrap(self, primal, tangent):
        if tangent is None or type(tangent) is Zero or not is_differentiable(
                primal.aval if isinstance(primal, Tracer) else _ops.aval(primal)):
            return primal
        return JVPTracer(self, primal, tangent)

    def _no_rule(self, prim, primals, params):
        reason = no_rule_reasons["jvp"].get(prim)
        if reason is None:
            raise NotImplementedError(f"[jvp] differentiation rule for '{prim.name}' is not "
                                      "implemented (for an extension's primitive: "
                                      "functrans.extend.def_jvp or def_no_derivative)")
        outs = bind(prim, *primals, **params)
        if any(is_differentiable(_ops.aval(o)) for o in outs):
            raise TypeError(f"[jvp] '{prim.name}' is not differentiable: {reason}; wrap its "
                            "input in lax.stop_gradient if its derivative is not needed")
        return outs


def jvp_flat(fn: Callable, primals: Sequence, tangents: Sequence) -> tuple[list, list]:
    """Run ``fn(*flat) -> flat outputs`` on (primal, tangent) pairs.

    ``tangents`` entries may be ``Zero``; returned tangents may be ``Zero`` too.
    """
    trace = JVPTrace(current_trace())
    with new_trace(trace):
        ins = [trace.lift(p) if isinstance(t, Zero) else JVPTracer(trace, p, t)
               for p, t in zip(primals, tangents, strict=True)]
        outs = fn(*ins)
        pairs = [trace.unpack(o) for o in outs]
    return [p for p, _ in pairs], [t for _, t in pairs]


# ---- jvp of a closed jaxpr (used by the rules of higher-order primitives) ----------------

_jvp_jaxpr_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def jvp_jaxpr(closed: ClosedJaxpr) -> tuple[ClosedJaxpr, list[bool], list[bool]]:
    """``closed`` as ``(*primals, *float tangents) -> (*primal outs, *float tangent outs)``.

    Returns the jvp jaxpr and the masks of differentiable inputs and outputs. Cached
    per jaxpr object, so a jitted function's jvp compiles once.
    """
    hit = _jvp_jaxpr_cache.get(closed)
    if hit is not None:
        return hit
    from .staging import eval_closed, stage
    in_diff = [is_differentiable(a) for a in closed.in_avals]
    out_diff = [is_differentiable(a) for a in closed.out_avals]
    n = len(in_diff)

    def fn(*args):
        primals, it = list(args[:n]), iter(args[n:])
        tangents = [next(it) if d else zero_for(p) for p, d in zip(primals, in_diff,
                                                                      strict=True)]
        outs, touts = jvp_flat(lambda *xs: eval_closed(closed, *xs), primals, tangents)
        touts = [instantiate(t) for t, d in zip(touts, out_diff, strict=True) if d]
        return outs + touts

    tan_avals = [a.strip_weak_type() for a, d in zip(closed.in_avals, in_diff, strict=True) if d]
    new, tracer_consts = stage(fn, [*closed.in_avals, *tan_avals], "jvp")
    assert not tracer_consts
    result = (new, in_diff, out_diff)
    _jvp_jaxpr_cache[closed] = result
    return result


def float0_zeros(aval: ShapedArray) -> np.ndarray:
    return np.zeros(aval.shape, dtype=dtypes.float0)
