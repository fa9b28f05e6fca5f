"""Jaxpr surgery and masked transformations shared by the control-flow primitives.

The interpreters' ``jvp_jaxpr`` / ``partial_eval_jaxpr`` / ``batch_jaxpr`` serve the jit
call, whose inputs and outputs need no agreement between several jaxprs. Control flow
does: a loop's carry must come out as it went in (same tangent nonzeroness, same
knownness, same batching), and a cond's branches must agree with each other. The
helpers here take masks for that and are cached per (jaxpr object, masks):

* ``trace_closed``: trace a function; every constant becomes a leading input.
* ``jvp_nz``: jvp with a mask of nonzero input tangents and outputs to instantiate.
* ``partial_eval_inst``: known/unknown split with outputs forced unknown.
* ``batch_at0``: batching with every batched value at axis 0 and forced outputs.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence

from ..core.ir import ClosedJaxpr, Jaxpr, ShapedArray, Var
from ..interpreters.jvp import Zero, instantiate, is_differentiable, jvp_flat, zero_for
from ..interpreters.linearize import PartialJaxpr, partial_eval_jaxpr
from ..interpreters.staging import eval_closed, stage, trace_to_jaxpr
from ..interpreters.vmap import AxisData, batch_fun, bdim_at_front, moveaxis
from ..primitives import _ops


def trace_closed(fn: Callable, in_avals: Sequence[ShapedArray], name: str
                 ) -> tuple[ClosedJaxpr, list, list]:
    """``fn(*flat) -> flat`` as a ClosedJaxpr without consts: every constant it closes
    over (arrays, or tracers of enclosing transformations) is a leading input.

    Returns ``(closed, consts, raw outputs)``; callers bind ``prim(*consts, *args)``.
    """
    jaxpr, consts, outs = trace_to_jaxpr(fn, in_avals, name)
    return ClosedJaxpr(Jaxpr([], jaxpr.constvars + jaxpr.invars, jaxpr.eqns, jaxpr.outvars),
                       []), list(consts), outs


def reorder(closed: ClosedJaxpr, in_order: Sequence[int] | None = None,
            out_order: Sequence[int] | None = None) -> ClosedJaxpr:
    """``closed`` with its invars/outvars permuted (new position i takes old ``order[i]``)."""
    j = closed.jaxpr
    invars = j.invars if in_order is None else [j.invars[i] for i in in_order]
    outvars = j.outvars if out_order is None else [j.outvars[i] for i in out_order]
    return ClosedJaxpr(Jaxpr(j.constvars, invars, j.eqns, outvars), closed.consts)


def with_unused_invars(closed: ClosedJaxpr, avals: Sequence[ShapedArray], at: int
                       ) -> ClosedJaxpr:
    """``closed`` taking extra unused inputs of ``avals`` inserted at position ``at``."""
    j = closed.jaxpr
    extra = [Var(a) for a in avals]
    invars = j.invars[:at] + extra + j.invars[at:]
    return ClosedJaxpr(Jaxpr(j.constvars, invars, j.eqns, j.outvars), closed.consts)


def drop_invars(closed: ClosedJaxpr, keep: Sequence[bool]) -> ClosedJaxpr:
    """``closed`` without the inputs not in ``keep`` (they must be unused)."""
    j = closed.jaxpr
    dropped = {v for v, k in zip(j.invars, keep, strict=True) if not k}
    used = {x for e in j.eqns for x in e.inputs if type(x) is Var} | {
        x for x in j.outvars if type(x) is Var}
    assert not (dropped & used), "dropped an input the jaxpr uses"
    invars = [v for v, k in zip(j.invars, keep, strict=True) if k]
    return ClosedJaxpr(Jaxpr(j.constvars, invars, j.eqns, j.outvars), closed.consts)


def _cached(cache: weakref.WeakKeyDictionary, closed, key, make):
    per = cache.setdefault(closed, {})
    hit = per.get(key)
    if hit is None:
        hit = per[key] = make()
    return hit


# ---- jvp with nonzero masks ----------------------------------------------------------------

def zeros_as_none(tangents) -> list:
    """The jvp interpreter hands rules marked ``accepts_zeros`` None for a symbolic zero;
    accept a ``Zero`` object as well, so the rules do not depend on which one it is."""
    return [None if t is None or isinstance(t, Zero) else t for t in tangents]


_jvp_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def jvp_nz(closed: ClosedJaxpr, nonzeros: Sequence[bool], instantiate_out: Sequence[bool]
           ) -> tuple[ClosedJaxpr, list[bool]]:
    """The jvp of ``closed`` as ``(*primals, *tangents where nonzeros) -> (*primal outs,
    *tangents where out_nz)``; ``out_nz`` (returned) is True where a tangent is nonzero or
    ``instantiate_out`` asks for it (for differentiable outputs)."""
    key = (tuple(nonzeros), tuple(instantiate_out))
    return _cached(_jvp_cache, closed, key, lambda: _make_jvp_nz(closed, *key))


def _make_jvp_nz(closed, nonzeros, inst):
    n = len(nonzeros)
    out_nz: list[bool] = []

    def fn(*args):
        primals, it = list(args[:n]), iter(args[n:])
        tangents = [next(it) if nz else zero_for(p) for p, nz in zip(primals, nonzeros,
                                                                      strict=True)]
        outs, touts = jvp_flat(lambda *xs: eval_closed(closed, *xs), primals, tangents)
        keep = []
        for o, t, i in zip(outs, touts, inst, strict=True):
            diff = is_differentiable(_ops.aval(o))
            nz = diff and (i or not isinstance(t, Zero))
            out_nz.append(nz)
            if nz:
                keep.append(instantiate(t))
        return list(outs) + keep

    tan_avals = [a.strip_weak_type() for a, nz in zip(closed.in_avals, nonzeros, strict=True)
                 if nz]
    new, tracer_consts = stage(fn, [*closed.in_avals, *tan_avals], "jvp")
    assert not tracer_consts
    return new, out_nz


# ---- partial eval with forced-unknown outputs -------------------------------------------

def partial_eval_inst(closed: ClosedJaxpr, unknowns: Sequence[bool],
                      instantiate_out: Sequence[bool]) -> PartialJaxpr:
    """Split ``closed`` given which inputs are unknown; outputs in ``instantiate_out`` are
    unknown even when computable from known inputs (they become residuals)."""
    return partial_eval_jaxpr(closed, unknowns, instantiate_out)


# ---- batching with every batched value at axis 0 ---------------------------------------

_batch_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def batch_at0(closed: ClosedJaxpr, axis_data: AxisData, in_batched: Sequence[bool],
              force_out: Sequence[bool]) -> tuple[ClosedJaxpr, list[bool]]:
    """``closed`` over inputs batched at axis 0 where ``in_batched``; every batched output
    comes out at axis 0, and outputs in ``force_out`` are batched (broadcast) even when
    they do not depend on the batch. Returns ``(batched jaxpr, out_batched)``."""
    key = (tuple(in_batched), tuple(force_out), axis_data)
    return _cached(_batch_cache, closed, key,
                   lambda: _make_batch_at0(closed, axis_data, *key[:2]))


def _make_batch_at0(closed, axis_data, in_batched, force_out):
    size = axis_data.size
    out_batched: list[bool] = []
    in_avals = [batched_aval(a, size) if b else a
                for a, b in zip(closed.in_avals, in_batched, strict=True)]

    def fn(*args):
        outs, bdims = batch_fun(lambda *xs: eval_closed(closed, *xs), axis_data, args,
                                [0 if b else None for b in in_batched])
        res = []
        for o, b, f in zip(outs, bdims, force_out, strict=True):
            out_batched.append(b is not None or f)
            res.append(moveaxis(o, b, 0) if b is not None else
                       bdim_at_front(o, None, size) if f else o)
        return res

    new, tracer_consts = stage(fn, in_avals, "vmap")
    assert not tracer_consts
    return new, out_batched


def batched_aval(a: ShapedArray, size: int) -> ShapedArray:
    return ShapedArray((size, *a.shape), a.dtype, a.weak_type)


def at0(x, bdim, size: int, batched: bool):
    """``x`` with its batch axis at 0 if ``batched`` (broadcast if unmapped), else ``x``."""
    if not batched:
        assert bdim is None
        return x
    return bdim_at_front(x, bdim, size)
