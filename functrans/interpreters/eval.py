"""Eager evaluation: the root trace.

Invariant: EvalTrace has no tracers of its own; every value it sees is
concrete. It checks shapes with the abstract-eval rule (cached per primitive,
input avals and params), then runs the NumPy impl rule with NumPy's floating
point warnings off (XLA does not warn either), or a device rule when one is
registered (e.g. the jit call)::

    bind(sin_p, Array([0., 1.]))  ->  [Array([0., 0.84147])]
"""

from __future__ import annotations

import numpy as np

from ..core import dtypes
from ..core.array import Array, as_numpy, aval_of
from ..core.config import _values as _config_values
from ..core.config import config
from ..core.registry import abstract_eval_rules, device_impl_rules, impl_rules
from ..core.trace import Trace, Tracer, UnexpectedTracerError, _state, check_alive

try:  # NumPy 2: errstate is a context variable; setting it directly is ~10x cheaper
    from numpy._core._ufunc_config import _extobj_contextvar as _np_errstate
    with np.errstate(all="ignore"):
        _QUIET = _np_errstate.get()
except ImportError:  # pragma: no cover - other NumPy versions
    _np_errstate = None

_out_avals_cache: dict = {}  # (prim, avals[, params]) -> (out avals, impl, single-result)


def _host_plan(prim, avals: tuple, params: dict) -> tuple:
    """What eager evaluation of ``prim`` on ``avals`` needs, memoized on (prim, avals,
    params): the output avals (abstract eval, which also checks shapes and dtypes), the
    NumPy impl, and whether it is a single-result impl that can be called unwrapped."""
    try:
        key = (prim, avals, *params.items()) if params else (prim, avals)
        plan = _out_avals_cache.get(key)
    except TypeError:  # unhashable params
        key, plan = None, None
    if plan is None:
        rule = impl_rules[prim]
        single = getattr(rule, "single_result", None)
        outs = abstract_eval_rules[prim](*avals, **params)
        plan = (outs, rule if single is None else single, single is not None)
        if key is not None:
            _out_avals_cache[key] = plan
    return plan


def out_avals(prim, avals: tuple, params: dict) -> list:
    """``abstract_eval_rules[prim]`` memoized on (prim, avals, params)."""
    return _host_plan(prim, avals, params)[0]


class EvalTrace(Trace):
    name = "eval"

    def __init__(self):
        super().__init__(None)
        self.device_rules = device_impl_rules
        # On accelerators xla_lowering.eager installs ``device_op(prim, args, params)``,
        # which runs every primitive as a cached one-op executable on the device.
        self.device_op = None

    def _process_general(self, prim, args, params):
        """A device rule (the jit call), per-op execution on an accelerator, or the
        debug_nans/debug_infs checks."""
        device_rule = self.device_rules.get(prim)
        if device_rule is not None:
            _check_no_tracers(args)
            outs = device_rule(*args, **params)
        elif self.device_op is not None:
            outs = self.device_op(prim, args, params)
        else:
            outs = self.process_on_host(prim, args, params)
        if _config_values["jax_debug_nans"] or _config_values["jax_debug_infs"]:
            self._debug_check(prim, args, params, outs, device_rule is not None)
        return outs

    def _debug_check(self, prim, args, params, outs, compiled: bool) -> None:
        """debug_nans/debug_infs: name the primitive that made the first NaN/inf. A
        compiled call (jit) is re-run op by op on the host first, so an inner primitive
        is named when it is the culprit (as JAX does)."""
        bad = bad_value_kind(outs)
        if bad is None:
            return
        if compiled:
            self.process_on_host(prim, args, params)  # raises at the inner primitive
            raise floating_point_error(bad, prim.name, deoptimized=True)
        raise floating_point_error(bad, prim.name)

    def process_on_host(self, prim, args, params):
        """Run ``prim`` with its NumPy impl, whatever device rule it has."""
        return self.process(prim, args, params, True)

    def process(self, prim, args, params, on_host=False):
        # The common eager case runs in this one frame (it is every eager op's overhead).
        if not on_host and (self.device_op is not None or prim in self.device_rules
                            or _config_values["jax_debug_nans"]
                            or _config_values["jax_debug_infs"]):
            return self._process_general(prim, args, params)
        try:  # fast path: every argument is a functrans Array (no comprehensions: hot)
            if len(args) == 1:
                (x,) = args
                avals = (x.aval,)
                vals = [x._np if x._np is not None else x.numpy()]
            elif len(args) == 2:
                x, y = args
                avals = (x.aval, y.aval)
                vals = [x._np if x._np is not None else x.numpy(),
                        y._np if y._np is not None else y.numpy()]
            else:
                avals = tuple([x.aval for x in args])
                vals = [x._np if x._np is not None else x.numpy() for x in args]
        except AttributeError:
            avals, vals = self._convert_args(prim, args)
        try:
            plan = _out_avals_cache.get((prim, avals, *params.items()) if params else
                                        (prim, avals))
        except TypeError:  # unhashable params
            plan = None
        outs_aval, impl, single = plan or _host_plan(prim, avals, params)
        token = _np_errstate.set(_QUIET) if _np_errstate is not None else None
        try:
            outs = impl(*vals, **params)
        finally:
            if token is not None:
                _np_errstate.reset(token)
        if single:
            aval = outs_aval[0]
            if type(outs) is not np.ndarray or outs.dtype is not aval.dtype \
                    or outs.shape != aval.shape:
                return [_wrap(outs, aval)]
            return [Array(outs, aval)]
        return [_wrap(o, a) for o, a in zip(outs, outs_aval, strict=True)]

    @staticmethod
    def _convert_args(prim, args):
        avals, vals = [], []
        for x in args:
            if isinstance(x, Tracer):
                _check_no_tracers([x])
            avals.append(aval_of(x, prim.name))
            vals.append(as_numpy(x, prim.name))
        return tuple(avals), vals


def _check_no_tracers(args) -> None:
    for x in args:
        if isinstance(x, Tracer):
            check_alive(x)
            raise UnexpectedTracerError(
                f"[{x._trace.name}] a traced value {x.aval.str_short()} of an inner "
                f"{x._trace.name} transformation reached eager evaluation outside it. This "
                "happens when a custom_jvp/custom_vjp function closes over a value that is "
                "being differentiated (its rule cannot see that value): pass the value as an "
                "explicit argument of the custom function instead.")


def _wrap(value, aval) -> Array:
    if type(value) is not np.ndarray or value.dtype is not aval.dtype:
        value = np.asarray(value, dtype=aval.dtype)
    if value.shape != aval.shape:
        raise AssertionError(f"impl produced shape {value.shape}, abstract eval {aval.shape}")
    return Array(value, aval)


def bad_value_kind(values) -> str | None:
    """``"nan"``/``"inf"`` when a value has one that the debug options look for."""
    nans, infs = _config_values["jax_debug_nans"], _config_values["jax_debug_infs"]
    for v in values:
        a = v.numpy() if type(v) is Array else np.asarray(v)
        if not dtypes.is_inexact(a.dtype):  # ints, bools, float0
            continue
        if nans and np.isnan(a).any():
            return "nan"
        if infs and np.isinf(a).any():
            return "inf"
    return None


def floating_point_error(kind: str, where: str, deoptimized: bool = False
                         ) -> FloatingPointError:
    option = f"jax_debug_{kind}s"
    msg = f"[{option}] invalid value ({kind}) encountered in {where}"
    if deoptimized:
        msg += ("; the function was re-run op by op (as without jit) and no single "
                "primitive produced it there (XLA's fused or reordered arithmetic did)")
    return FloatingPointError(msg + f"; turn the check off with "
                              f"functrans.config.update({option!r}, False)")


eval_trace = EvalTrace()
config.on_change(_out_avals_cache.clear)  # abstract eval depends on x64 and promotion
_state.trace = eval_trace
