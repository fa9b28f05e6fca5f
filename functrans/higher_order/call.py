"""The jit call primitive: ``jit[name=f jaxpr={...}] *args``.

It carries a ClosedJaxpr whose invars take ``args``. Its rules transform the
inner jaxpr with the interpreters (cached per jaxpr object), so ``grad(jit(f))``
and ``vmap(jit(f))`` stay one compiled program each. Eagerly it runs through the
device rule that ``xla_lowering`` registers (compile once, execute); without
XLA loaded it evaluates the inner jaxpr.
"""

from __future__ import annotations

from ..core.ir import ClosedJaxpr
from ..core.registry import abstract_eval_rules, impl_rules
from ..core.trace import Primitive
from ..interpreters.staging import eval_closed

jit_p = Primitive("jit")


def _jit_abstract_eval(*avals, jaxpr: ClosedJaxpr, name: str):
    expected = jaxpr.in_avals
    if len(avals) != len(expected) or any(
            a.shape != e.shape or a.dtype != e.dtype for a, e in zip(avals, expected)):
        got = ", ".join(a.str_short() for a in avals)
        want = ", ".join(a.str_short() for a in expected)
        raise TypeError(f"[jit] {name} was traced for ({want}) but called with ({got})")
    return jaxpr.out_avals


def _jit_impl(*args, jaxpr: ClosedJaxpr, name: str):
    return eval_closed(jaxpr, *args)


abstract_eval_rules[jit_p] = _jit_abstract_eval
impl_rules[jit_p] = _jit_impl
