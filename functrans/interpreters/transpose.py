"""Transposition of linear jaxprs: the backward pass of reverse mode.

Invariant: the inputs a jaxpr is linear in are ``UndefinedPrimal(aval)``; every other
input is a value of the current trace. Equations with no linear input are evaluated
forward; the linear ones are walked in reverse, each transpose rule mapping output
cotangents to input cotangents. Cotangents accumulate by addition; a missing one is
a symbolic zero (never materialized unless a rule needs it)::

    backward_pass({ lambda ; t. let u = mul t 3.0 in (u,) }, [], [UndefinedPrimal(f32[])], [1.0])
      -> [3.0]
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence

import numpy as np

from ..core.array import Array
from ..core.ir import ClosedJaxpr, Jaxpr, Literal, Var
from ..core.registry import transpose_rules
from ..core.trace import bind
from ..primitives import _ops
from ..primitives._ops import UndefinedPrimal, is_undefined, unbroadcast  # noqa: F401
from .jvp import Zero


def backward_pass(jaxpr: Jaxpr, consts: Sequence, args: Sequence, cts_out: Sequence) -> list:
    """Cotangents of the ``UndefinedPrimal`` entries of ``args`` (``Zero`` where none
    reaches them), given output cotangents ``cts_out`` (values or ``Zero``)."""
    env: dict = {}
    linear: set = set()

    def read(x):
        if isinstance(x, Literal):  # typed as staged: a bare 2.0 is float64 under x64
            return Array(np.asarray(x.val, x.aval.dtype), x.aval)
        return env[x]

    for v, c in zip(jaxpr.constvars, consts, strict=True):
        env[v] = c
    for v, a in zip(jaxpr.invars, args, strict=True):
        if is_undefined(a):
            linear.add(v)
        else:
            env[v] = a
    linear_eqns = []
    for eqn in jaxpr.eqns:
        for x in eqn.inputs:  # (a Literal is never in ``linear``: it hashes by identity)
            if x in linear:
                linear_eqns.append(eqn)
                linear.update(eqn.outvars)
                break
        else:
            outs = bind(eqn.primitive, *[read(x) for x in eqn.inputs], **eqn.params)
            env.update(zip(eqn.outvars, outs, strict=True))
    cts: dict = {}
    for v, ct in zip(jaxpr.outvars, cts_out, strict=True):
        if type(v) is Var and v in linear:
            _accumulate(cts, v, ct)
    for eqn in reversed(linear_eqns):
        _transpose_eqn(eqn, cts, linear, read)
    return [cts.get(v, Zero(v.aval)) for v, a in zip(jaxpr.invars, args, strict=True)
            if is_undefined(a)]


def _accumulate(cts: dict, v: Var, ct) -> None:
    if ct is None or isinstance(ct, Zero):
        return
    prev = cts.get(v)
    cts[v] = ct if prev is None else _ops.add(prev, ct)


def _transpose_eqn(eqn, cts: dict, linear: set, read) -> None:
    cts_out = [cts.pop(v, None) for v in eqn.outvars]
    for ct in cts_out:
        if ct is not None:
            break
    else:  # no cotangent reaches this equation
        return
    if len(cts_out) > 1:
        cts_out = [_ops.zeros_aval(v.aval) if ct is None else ct
                   for v, ct in zip(eqn.outvars, cts_out, strict=True)]
    args = [UndefinedPrimal(x.aval) if x in linear else read(x) for x in eqn.inputs]
    rule = transpose_rules.get(eqn.primitive)
    if rule is None:
        raise NotImplementedError(
            f"[grad] transpose rule for '{eqn.primitive.name}' is not implemented (reverse-mode "
            "differentiation needs it); use forward mode (jvp/jacfwd) instead")
    cts_in = rule(cts_out, *args, **eqn.params)
    for x, a, ct in zip(eqn.inputs, args, cts_in, strict=True):
        if is_undefined(a):
            _accumulate(cts, x, ct)


# ---- transpose of a closed jaxpr (for higher-order primitives) ---------------------------

_transpose_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def transpose_jaxpr(closed: ClosedJaxpr, linear: tuple[bool, ...]) -> ClosedJaxpr:
    """``(*non-linear args, *cts of outputs) -> cts of the linear args`` (zeros
    instantiated), cached per jaxpr object and linearity mask."""
    per = _transpose_cache.setdefault(closed, {})
    hit = per.get(linear)
    if hit is not None:
        return hit
    from .staging import stage
    nonlin_avals = [a for a, lin in zip(closed.in_avals, linear, strict=True) if not lin]
    n = len(nonlin_avals)

    def fn(*xs):
        it = iter(xs[:n])
        args = [UndefinedPrimal(a) if lin else next(it)
                for a, lin in zip(closed.in_avals, linear, strict=True)]
        cts = backward_pass(closed.jaxpr, closed.consts, args, list(xs[n:]))
        return [_ops.zeros_aval(c.aval) if isinstance(c, Zero) else c for c in cts]

    new, tracer_consts = stage(fn, [*nonlin_avals, *[a.strip_weak_type()
                                                     for a in closed.out_avals]], "transpose")
    assert not tracer_consts
    per[linear] = new
    return new
