"""A jaxpr typechecker: every variable is bound once before use, and every
equation's output avals are what its abstract-eval rule says."""

from __future__ import annotations

from .ir import ClosedJaxpr, Jaxpr, Literal, Var
from .registry import abstract_eval_rules


class JaxprTypeError(TypeError):
    pass


def check_jaxpr(jaxpr: Jaxpr | ClosedJaxpr) -> None:
    """Raise JaxprTypeError naming the first ill-typed equation; recurse into params."""
    if isinstance(jaxpr, ClosedJaxpr):
        for v, c in zip(jaxpr.jaxpr.constvars, jaxpr.consts, strict=True):
            shape = getattr(c, "shape", ())
            if tuple(shape) != v.aval.shape:
                raise JaxprTypeError(f"const of shape {shape} bound to {v.aval.str_short()}")
        jaxpr = jaxpr.jaxpr
    env: set[Var] = set()

    def bind_var(v: Var, where: str) -> None:
        if v in env:
            raise JaxprTypeError(f"variable {v} bound twice ({where})")
        env.add(v)

    def read(x, where: str):
        if isinstance(x, Literal):
            return x.aval
        if x not in env:
            raise JaxprTypeError(f"variable {x} used before it is bound ({where})")
        return x.aval

    for v in (*jaxpr.constvars, *jaxpr.invars):
        bind_var(v, "inputs")
    for i, eqn in enumerate(jaxpr.eqns):
        where = f"equation {i}: {eqn.primitive.name}"
        in_avals = [read(x, where) for x in eqn.inputs]
        expected = abstract_eval_rules[eqn.primitive](*in_avals, **eqn.params)
        got = [v.aval for v in eqn.outvars]
        if [(a.shape, a.dtype) for a in expected] != [(a.shape, a.dtype) for a in got]:
            raise JaxprTypeError(f"{where} produces {[a.str_short() for a in expected]} but "
                                 f"binds {[a.str_short() for a in got]}")
        for p in eqn.params.values():
            if isinstance(p, (Jaxpr, ClosedJaxpr)):
                check_jaxpr(p)
        for v in eqn.outvars:
            bind_var(v, where)
    for x in jaxpr.outvars:
        read(x, "outputs")
