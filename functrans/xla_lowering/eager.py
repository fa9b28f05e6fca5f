"""Eager execution on an accelerator: each primitive runs as a cached one-op XLA
executable on the device where its inputs live (no host round trip).

On the CPU the NumPy impls are faster, so this is off there unless
``FUNCTRANS_EAGER_ON_DEVICE=1`` (the tests use it to check the path on the CPU).
"""

from __future__ import annotations

import os

from ..core.array import Array, aval_of
from ..core.config import config
from ..core.ir import ClosedJaxpr, Eqn, Jaxpr, Var
from ..core.registry import abstract_eval_rules, lowering_rules
from ..core.trace import Tracer, check_alive
from ..interpreters.eval import eval_trace
from . import runtime

_one_op_jaxprs: dict = {}
config.on_change(_one_op_jaxprs.clear)  # abstract eval depends on x64 and promotion modes


def _one_op_jaxpr(prim, avals: tuple, params: dict) -> ClosedJaxpr:
    key = (prim, avals, tuple(params.items()))
    closed = _one_op_jaxprs.get(key)
    if closed is None:
        invars = [Var(a) for a in avals]
        outvars = [Var(a) for a in abstract_eval_rules[prim](*avals, **params)]
        closed = ClosedJaxpr(Jaxpr([], invars, [Eqn(prim, invars, params, outvars)], outvars),
                             [])
        _one_op_jaxprs[key] = closed
    return closed


def device_op(prim, args, params) -> list:
    """Run ``prim`` as a one-op executable on the device of its first device input (an
    extension's primitive without a lowering runs its NumPy impl on the host)."""
    if prim not in lowering_rules:
        return eval_trace.process_on_host(prim, args, params)
    for x in args:
        if isinstance(x, Tracer):
            check_alive(x)
    avals = tuple(aval_of(x, prim.name) for x in args)
    device = next((x._dev for x in args if type(x) is Array and x._buf is not None), None)
    try:
        closed = _one_op_jaxpr(prim, avals, params)
    except TypeError:  # unhashable params: not cached
        return eval_trace.process_on_host(prim, args, params)
    return runtime.compiled(closed, device or runtime.default_device(), prim.name)(*args)


def enable(on: bool = True) -> None:
    eval_trace.device_op = device_op if on else None


def _decide_on_first_use(prim, args, params) -> list:
    """The eager device rule until the first eager primitive runs: it decides (which needs
    the client, so importing functrans creates none, as ``import jax`` creates none), then
    runs the primitive as decided."""
    enable(default_enabled())
    if eval_trace.device_op is None:
        return eval_trace.process_on_host(prim, args, params)
    return device_op(prim, args, params)


def install_default() -> None:
    """Per-op device execution if the platform is an accelerator (or the environment asks
    for it), decided now if the environment says, else at the first eager primitive."""
    if os.environ.get("FUNCTRANS_EAGER_ON_DEVICE") is not None:
        enable(default_enabled())
    else:
        eval_trace.device_op = _decide_on_first_use


def default_enabled() -> bool:
    flag = os.environ.get("FUNCTRANS_EAGER_ON_DEVICE")
    if flag is not None:
        return flag not in ("0", "", "false")
    return runtime.platform() != "cpu"
