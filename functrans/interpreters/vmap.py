"""Vectorization (vmap): a batch dimension per value.

Invariant: a BatchTracer carries ``val`` (a value of the parent trace) and
``bdim``: the axis of ``val`` that is the batch axis, or ``not_mapped`` (None)
when the value is the same for every batch element. An unmapped value is never
broadcast unless a rule needs it at full size. Rules run with the parent trace
current and return new ``(vals, bdims)``::

    vmap(sin)(xs)   # BatchTracer(val=xs, bdim=0) -> sin_p rule -> (sin(xs), 0)
    vmap(lambda x, y: x + y, in_axes=(0, None))(xs, y)  # y stays unbroadcast where it can
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence

from ..core.array import aval_of
from ..core.ir import ClosedJaxpr, Jaxpr, ShapedArray
from ..core.registry import vmap_rules
from ..core.trace import Trace, Tracer, bind, new_trace
from ..primitives._batching import (  # noqa: F401  (re-exported helpers)
    AxisData,
    bdim_at_front,
    broadcast_batched,
    moveaxis,
    not_mapped,
)
from ..primitives.collectives import extend_axis_env, named_axis_primitives
from .staging import eval_closed, stage


class BatchTracer(Tracer):
    __slots__ = ("val", "bdim")

    def __init__(self, trace: BatchTrace, val, bdim: int | None):
        self._trace = trace
        self.val = val
        self.bdim = bdim

    @property
    def aval(self) -> ShapedArray:
        aval = aval_of(self.val, "vmap")
        if self.bdim is None:
            return aval
        shape = aval.shape[:self.bdim] + aval.shape[self.bdim + 1:]
        return ShapedArray(shape, aval.dtype, aval.weak_type)


class BatchTrace(Trace):
    """The vmap interpreter for one batch axis (``axis_data``: name and size)."""

    name = "vmap"

    def __init__(self, parent: Trace | None, axis_data: AxisData):
        super().__init__(parent)
        self.axis_data = axis_data

    def lift(self, val) -> BatchTracer:
        return BatchTracer(self, val, not_mapped)

    def process_primitive(self, prim, tracers, params):
        vals = [t.val for t in tracers]
        bdims = [t.bdim for t in tracers]
        with self.in_parent():
            if all(b is None for b in bdims) and not _needs_rule(prim, params):
                outs, out_bdims = bind(prim, *vals, **params), None
            else:
                rule = vmap_rules.get(prim)
                if rule is None:
                    raise NotImplementedError(
                        f"[vmap] no batching rule for primitive '{prim.name}'; add "
                        f"vmap_rules[{prim.name}_p] in its primitives module (for an "
                        "extension's primitive: functrans.extend.def_vmap)")
                outs, out_bdims = rule(self.axis_data, vals, bdims, **params)
        if out_bdims is None:
            out_bdims = [None] * len(outs)
        return [BatchTracer(self, v, b) for v, b in zip(outs, out_bdims, strict=True)]


def _needs_rule(prim, params) -> bool:
    """Collectives and primitives carrying jaxprs are batched even when no operand is
    mapped: they may refer to this trace's named axis."""
    if prim in named_axis_primitives:
        return True
    return any(isinstance(v, ClosedJaxpr | Jaxpr) or (  # cond's branches: a tuple of them
        isinstance(v, tuple) and any(isinstance(b, ClosedJaxpr) for b in v))
        for v in params.values())


def batch_fun(fun: Callable, axis_data: AxisData, vals: Sequence, bdims: Sequence,
              out_dims_hint=None) -> tuple[list, list]:
    """Run ``fun(*flat_inputs) -> flat outputs`` vectorized over ``axis_data``.

    Args:
      fun: a function of flat values returning a list of values.
      axis_data: the batch axis (name, size).
      vals, bdims: the inputs (values of the current trace) and their batch dims.

    Returns:
      ``(outs, out_bdims)``: values of the current trace and their batch dims (None for
      outputs that do not depend on the batch).

    Example:
        >>> batch_fun(lambda x: [lax.sin(x)], AxisData(None, 3), [xs], [0])
        ([Array(...)], [0])
    """
    from ..core.trace import current_trace
    trace = BatchTrace(current_trace(), axis_data)
    tracers = [v if b is None else BatchTracer(trace, v, b)  # unmapped inputs pass as is
               for v, b in zip(vals, bdims, strict=True)]
    with extend_axis_env(axis_data.name, axis_data.size), new_trace(trace):
        outs = fun(*tracers)
        outs = [trace.to_tracer(o) for o in outs]
    return [o.val for o in outs], [o.bdim for o in outs]


# ---- batching a jaxpr (for higher-order primitives) -------------------------------------

_jaxpr_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def batch_jaxpr(closed: ClosedJaxpr, axis_data: AxisData, in_bdims: Sequence
                ) -> tuple[ClosedJaxpr, list]:
    """The jaxpr that computes ``closed`` over batched inputs laid out as ``in_bdims``.

    Cached per (jaxpr object, batch pattern, axis). Returns ``(batched, out_bdims)``; the
    batched jaxpr takes the inputs with their batch dims where ``in_bdims`` says.
    """
    key = (tuple(in_bdims), axis_data)
    per_jaxpr = _jaxpr_cache.setdefault(closed, {})
    hit = per_jaxpr.get(key)
    if hit is not None:
        return hit
    in_avals = [_batched_aval(a, b, axis_data.size)
                for a, b in zip(closed.in_avals, in_bdims, strict=True)]
    out_bdims: list = []

    def flat(*args):
        outs, bds = batch_fun(lambda *xs: eval_closed(closed, *xs), axis_data, args, in_bdims)
        out_bdims.extend(bds)
        return outs

    batched, tracer_consts = stage(flat, in_avals, "vmap")
    assert not tracer_consts, "a batched jaxpr closed over an outer tracer"
    per_jaxpr[key] = (batched, out_bdims)
    return batched, out_bdims


def _batched_aval(aval: ShapedArray, bdim, size: int) -> ShapedArray:
    if bdim is None:
        return aval
    shape = aval.shape[:bdim] + (size,) + aval.shape[bdim:]
    return ShapedArray(shape, aval.dtype, aval.weak_type)
