"""Printing jaxprs in JAX's text form:
``{ lambda ; a:f32[3]. let b:f32[3] = sin a in (b,) }``."""

from __future__ import annotations

import numpy as np

from .ir import ClosedJaxpr, Jaxpr, Literal, Var


class _Names:
    def __init__(self):
        self.names: dict[Var, str] = {}

    def __call__(self, v) -> str:
        if isinstance(v, Literal):
            val = np.asarray(v.val)
            text = repr(val.item()) if val.ndim == 0 else str(val.tolist())
            return f"{text}:{v.aval.str_short()}"
        if v not in self.names:
            self.names[v] = _letters(len(self.names))
        return self.names[v]

    def binder(self, v: Var, used=None) -> str:
        """``name:type``; an equation's output that nothing uses prints as ``_`` (as JAX)."""
        if used is not None and v not in used:
            return f"_:{v.aval.str_short()}"
        return f"{self(v)}:{v.aval.str_short()}"


def _letters(i: int) -> str:
    s = ""
    while True:
        s = chr(ord("a") + i % 26) + s
        i = i // 26 - 1
        if i < 0:
            return s


def _pp_param(value, indent: int) -> str:
    if isinstance(value, ClosedJaxpr):
        value = value.jaxpr
    if isinstance(value, Jaxpr):
        return _pp(value, _Names(), indent + 4)
    if isinstance(value, tuple) and value and all(
            isinstance(v, ClosedJaxpr | Jaxpr) for v in value):  # cond branches
        pad = " " * (indent + 4)
        return "(\n" + "".join(f"{pad}{_pp_param(v, indent)}\n" for v in value) + pad + ")"
    if isinstance(value, np.dtype):
        return str(value)
    if isinstance(value, type) and issubclass(value, np.generic):
        return np.dtype(value).name
    return str(value)


def _pp_params(params: dict, indent: int) -> str:
    if not params:
        return ""
    items = [f"{k}={_pp_param(v, indent)}"
             for k, v in sorted(params.items(), key=lambda kv: (kv[0] != "name", kv[0]))]
    one_line = " ".join(items)
    if len(one_line) <= 60 and "\n" not in one_line:
        return f"[{one_line}]"
    pad = " " * (indent + 2)
    return "[\n" + "".join(f"{pad}{it}\n" for it in items) + " " * indent + "]"


def _pp_eqn(eqn, names: _Names, indent: int, used=None) -> str:
    outs = " ".join(names.binder(v, used) for v in eqn.outvars)
    ins = " ".join(names(x) for x in eqn.inputs)
    params = _pp_params(eqn.params, indent)
    return f"{outs} = {eqn.primitive.name}{params} {ins}".rstrip()


def _pp(jaxpr: Jaxpr, names: _Names, indent: int) -> str:
    consts = " ".join(names.binder(v) for v in jaxpr.constvars)
    args = " ".join(names.binder(v) for v in jaxpr.invars)
    head = f"{{ lambda {consts}; {args}. let"
    used = {x for e in jaxpr.eqns for x in e.inputs if isinstance(x, Var)}
    used.update(v for v in jaxpr.outvars if isinstance(v, Var))
    body = [_pp_eqn(e, names, indent + 4, used) for e in jaxpr.eqns]
    outs = ", ".join(names(v) for v in jaxpr.outvars)
    outs = f"({outs},)" if len(jaxpr.outvars) == 1 else f"({outs})"
    one_line = f"{head} {'; '.join(body) + ' ' if body else ''}in {outs} }}"
    if "\n" not in one_line and indent + len(one_line) <= 80:
        return one_line
    pad = " " * (indent + 4)
    lines = [head] + [pad + b for b in body] + [" " * (indent + 2) + f"in {outs} }}"]
    return "\n".join(lines)


def pp_jaxpr(jaxpr: Jaxpr) -> str:
    return _pp(jaxpr, _Names(), 0)


def pp_eqn(eqn) -> str:
    return _pp_eqn(eqn, _Names(), 0)
