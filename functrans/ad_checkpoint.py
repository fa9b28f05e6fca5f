"""``functrans.ad_checkpoint`` (``jax.ad_checkpoint``): checkpoint, checkpoint_name, the
policies, and ``saved_residuals`` / ``print_saved_residuals`` to see what a policy saves."""

from __future__ import annotations

import inspect
from collections.abc import Callable

from ._misc_api import checkpoint_policies  # noqa: F401
from .core.ir import ShapedArray, Var
from .higher_order.checkpoint import checkpoint, checkpoint_p, remat  # noqa: F401
from .higher_order.checkpoint_policies import checkpoint_name, name_p  # noqa: F401
from .interpreters.linearize import linearize_flat
from .interpreters.staging import trace_to_jaxpr
from .primitives import _ops
from .tree_util import tree_flatten, tree_unflatten

__all__ = ["checkpoint", "remat", "checkpoint_name", "checkpoint_policies",
           "saved_residuals", "print_saved_residuals"]


def saved_residuals(fun: Callable, *args, **kwargs) -> list[tuple[ShapedArray, str]]:
    """The values reverse mode saves between ``fun``'s forward and backward passes.

    Args:
      fun: the function (typically ``checkpoint(f, policy=...)``).
      *args, **kwargs: example arguments (only their shapes and dtypes matter).

    Returns:
      A list of ``(aval, description)``: ``'from the argument x'``, ``'output of
      dot_general'``, ``"named 'h1'"`` (a ``checkpoint_name`` value), ...

    Example:
        >>> f = checkpoint(lambda w, x: fnp.sin(w @ x).sum(),
        ...                policy=checkpoint_policies.dots_saveable)
        >>> saved_residuals(f, w, x)  # w, x and the output of dot_general
    """
    leaves, in_tree = tree_flatten((args, kwargs))
    avals = [_ops.aval(x) for x in leaves]
    store: dict = {}

    def flat(*xs):
        a, kw = tree_unflatten(in_tree, list(xs))
        outs, store["out_tree"] = tree_flatten(fun(*a, **kw))
        return outs

    def residuals(*xs):
        return linearize_flat(flat, list(xs))[1].consts

    jaxpr, _, _ = trace_to_jaxpr(residuals, avals, "saved_residuals")
    names = _arg_names(fun, args, kwargs, leaves)
    producers = {v: e for e in jaxpr.eqns for v in e.outvars}
    return [(v.aval, _describe(v, jaxpr, producers, names)) for v in jaxpr.outvars]


def print_saved_residuals(fun: Callable, *args, **kwargs) -> None:
    """Print ``saved_residuals(fun, *args, **kwargs)``, one per line."""
    for aval, what in saved_residuals(fun, *args, **kwargs):
        print(aval.str_short(), what)


def _arg_names(fun, args, kwargs, leaves) -> list[str]:
    try:
        bound = inspect.signature(fun).bind(*args, **kwargs)
        named = list(bound.arguments.items())
    except (TypeError, ValueError):
        named = [(f"args[{i}]", a) for i, a in enumerate(args)] + list(kwargs.items())
    out = []
    for name, value in named:
        n = len(tree_flatten(value)[0])
        out += [name if n == 1 else f"{name}[{i}]" for i in range(n)]
    return out if len(out) == len(leaves) else [f"leaf {i}" for i in range(len(leaves))]


def _describe(v, jaxpr, producers, names) -> str:
    if not isinstance(v, Var):
        return "a literal"
    if v in jaxpr.invars:
        return f"from the argument {names[jaxpr.invars.index(v)]}"
    if v in jaxpr.constvars:
        return "a constant"
    eqn = producers[v]
    while eqn.primitive is checkpoint_p:  # look inside the known part of a checkpoint
        inner = eqn.params["jaxpr"].jaxpr
        w = inner.outvars[eqn.outvars.index(v)]
        if w in inner.invars:
            return _describe(eqn.inputs[inner.invars.index(w)], jaxpr, producers, names)
        v, eqn = w, {o: e for e in inner.eqns for o in e.outvars}[w]
    if eqn.primitive is name_p:
        return f"named {eqn.params['name']!r}"
    return f"output of {eqn.primitive.name}"
