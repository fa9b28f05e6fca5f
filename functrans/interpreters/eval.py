"""Eager evaluation: the root trace.

Invariant: EvalTrace has no tracers of its own; every value it sees is
concrete. It checks shapes with the abstract-eval rule, then runs the NumPy
impl rule (or a device rule when one is registered, e.g. the jit call)::

    bind(sin_p, Array([0., 1.]))  ->  [Array([0., 0.84147])]
"""

from __future__ import annotations

import numpy as np

from ..core.array import Array, as_numpy, aval_of
from ..core.registry import abstract_eval_rules, device_impl_rules, impl_rules
from ..core.trace import Trace, Tracer, _state, check_alive


class EvalTrace(Trace):
    name = "eval"

    def __init__(self):
        super().__init__(None)
        self.use_device_ops_only = False  # accelerators: run every op as a device program

    def process(self, prim, args, params):
        for x in args:
            if isinstance(x, Tracer):
                check_alive(x)
                raise AssertionError(f"live tracer {x} reached eager evaluation")
        device_rule = device_impl_rules.get(prim)
        if device_rule is not None:
            return device_rule(*args, **params)
        avals = [aval_of(x, prim.name) for x in args]
        out_avals = abstract_eval_rules[prim](*avals, **params)
        outs = impl_rules[prim](*[as_numpy(x) for x in args], **params)
        return [_wrap(o, a) for o, a in zip(outs, out_avals, strict=True)]


def _wrap(value, aval) -> Array:
    if type(value) is not np.ndarray or value.dtype != aval.dtype:
        value = np.asarray(value, dtype=aval.dtype)
    if value.shape != aval.shape:
        raise AssertionError(f"impl produced shape {value.shape}, abstract eval {aval.shape}")
    return Array(value, aval)


eval_trace = EvalTrace()
_state.trace = eval_trace
