"""Small top-level names of the API (``jax.*``): ``jacobian``, ``clear_caches``,
``closure_convert``, ``custom_gradient``, ``named_call``,
``ensure_compile_time_eval``, ``typeof`` and ``checkpoint_policies``."""

from __future__ import annotations

import contextlib
import functools
import importlib
from collections.abc import Callable
from types import SimpleNamespace

from ._autodiff_api import jacrev
from .api import abstractify, flatten_fun
from .core.ir import ShapedArray
from .core.trace import Trace, Tracer, bind, current_trace, set_current_trace
from .higher_order import checkpoint_policies as _cp
from .higher_order.custom_derivatives import custom_vjp
from .interpreters.eval import eval_trace
from .interpreters.staging import eval_jaxpr, trace_to_jaxpr
from .tree_util import tree_flatten, tree_unflatten

jacobian = jacrev


# (module, attribute) of every cache keyed by functions or jaxprs; missing ones are skipped.
_CACHES = [
    ("functrans.interpreters.eval", "_out_avals_cache"),
    ("functrans.interpreters.vmap", "_jaxpr_cache"),
    ("functrans.interpreters.jvp", "_jvp_jaxpr_cache"),
    ("functrans.interpreters.linearize", "_dce_cache"),
    ("functrans.interpreters.linearize", "_pe_cache"),
    ("functrans.interpreters.transpose", "_transpose_cache"),
    ("functrans.xla_lowering.runtime", "_cache"),
    ("functrans.xla_lowering.eager", "_one_op_jaxprs"),
]


def clear_caches() -> None:
    """Drop the compiled programs and transformation caches (``jax.clear_caches``); later
    calls retrace and recompile."""
    for mod_name, attr in _CACHES:
        try:
            cache = getattr(importlib.import_module(mod_name), attr)
        except (ImportError, AttributeError):
            continue
        cache.clear()
    from .api import Jitted
    for jitted in list(Jitted.instances):
        jitted.cache.clear()
        jitted.fast_cache.clear()
        jitted.tree_cache.clear()


def _is_hoisted(c) -> bool:
    """Traced values (of enclosing transformations) become arguments; concrete constants
    stay closed over, as in JAX."""
    return isinstance(c, Tracer)


def closure_convert(fun: Callable, *example_args):
    """``fun`` with the traced values it closes over turned into explicit trailing
    arguments (``jax.closure_convert``), for use with ``custom_vjp``.

    Args:
      fun: a function of pytrees of arrays.
      *example_args: arguments of the shapes ``fun`` will be called with.

    Returns:
      ``(converted, consts)`` with ``converted(*args, *consts) == fun(*args)``.

    Example:
        >>> f, consts = closure_convert(lambda x: x * w, 1.0)   # w a closed-over array
        >>> f(2.0, *consts)
    """
    leaves, in_tree = tree_flatten((example_args, {}))
    avals = [abstractify(x, "closure_convert") for x in leaves]
    out_store: list = []
    jaxpr, consts, _ = trace_to_jaxpr(flatten_fun(fun, in_tree, out_store, "closure_convert"),
                                      avals, "closure_convert")
    hoisted = [_is_hoisted(c) for c in consts]
    kept = [c for c, h in zip(consts, hoisted, strict=True) if not h]
    n_in = len(leaves)

    def converted(*args):
        arg_leaves = tree_flatten(args[:len(args) - sum(hoisted)])[0]
        it_h, it_k = iter(args[len(args) - sum(hoisted):]), iter(kept)
        all_consts = [next(it_h) if h else next(it_k) for h in hoisted]
        if len(arg_leaves) != n_in:
            raise TypeError(f"[closure_convert] expected {n_in} array arguments before the "
                            f"{sum(hoisted)} constants, got {len(arg_leaves)}")
        return tree_unflatten(out_store[0], eval_jaxpr(jaxpr, all_consts, *arg_leaves))

    functools.update_wrapper(converted, fun)
    return converted, [c for c, h in zip(consts, hoisted, strict=True) if h]


def custom_gradient(fun: Callable) -> Callable:
    """Define a function and its gradient together (``jax.custom_gradient``): ``fun``
    returns ``(value, vjp)`` where ``vjp(cotangent)`` returns one cotangent per argument.

    Example:
        >>> @custom_gradient
        ... def f(x):
        ...     return x ** 2, lambda g: (g * 3.0 * x,)
        >>> grad(f)(2.0)  # 3 * 2, the custom gradient
        Array(6., dtype=float32, weak_type=True)
    """
    @functools.wraps(fun)
    def wrapper(*args):
        box: dict = {}

        @custom_vjp
        def f(*xs):
            return fun(*xs)[0]

        def fwd(*xs):
            ans, rule = fun(*xs)
            box["rule"], consts = closure_convert(rule, ans)
            return ans, consts

        def bwd(consts, ct):
            cts = box["rule"](ct, *consts)
            return tuple(cts) if isinstance(cts, (tuple, list)) else (cts,)

        f.defvjp(fwd, bwd)
        return f(*args)
    return wrapper


def named_call(fun: Callable, *, name: str | None = None) -> Callable:
    """``fun`` under a name (``jax.named_call``); functrans keeps no names in its
    programs, so this returns an equivalent function."""
    @functools.wraps(fun)
    def named(*args, **kwargs):
        return fun(*args, **kwargs)
    if name is not None:
        named.__name__ = name
    return named


class _CompileTimeEvalTrace(Trace):
    """Runs primitives whose operands are all concrete eagerly, even inside jit; others go
    to the enclosing trace."""

    name = "ensure_compile_time_eval"

    def process(self, prim, args, params):
        if any(isinstance(x, Tracer) for x in args):
            with set_current_trace(self.parent):
                return bind(prim, *args, **params)
        with set_current_trace(self):
            return eval_trace.process(prim, args, params)


@contextlib.contextmanager
def ensure_compile_time_eval():
    """Inside this context, operations on concrete values run now, not in the traced
    program (``jax.ensure_compile_time_eval``).

    Example:
        >>> @jit
        ... def f(x):
        ...     with ensure_compile_time_eval():
        ...         table = fnp.arange(4) ** 2  # computed while tracing
        ...     return x + table
    """
    with set_current_trace(_CompileTimeEvalTrace(current_trace())):
        yield


def typeof(x) -> ShapedArray:
    """The abstract value (shape, dtype, weak type) of ``x`` (``jax.typeof``)."""
    if isinstance(x, Tracer):
        return x.aval
    return abstractify(x, "typeof")


checkpoint_policies = SimpleNamespace(**{
    name: getattr(_cp, name) for name in (
        "everything_saveable", "nothing_saveable", "dots_saveable", "checkpoint_dots",
        "dots_with_no_batch_dims_saveable", "checkpoint_dots_with_no_batch_dims",
        "offload_dot_with_no_batch_dims", "save_anything_except_these_names",
        "save_any_names_but_these", "save_only_these_names",
        "save_and_offload_only_these_names", "save_from_both_policies")})


def effects_barrier() -> None:
    """Wait until the host callbacks (``debug.print``, ``io_callback``, ...) of every
    compiled program run so far have happened (``jax.effects_barrier``)."""
    from .xla_lowering.runtime import effects_barrier as barrier
    barrier()
