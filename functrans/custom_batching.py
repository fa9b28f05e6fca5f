"""``functrans.custom_batching`` (``jax.custom_batching``): functions with their own
vmap rule (``custom_vmap``) and functions batched by a loop (``sequential_vmap``)."""

from __future__ import annotations

import functools
from collections.abc import Callable

from .core.trace import bind
from .higher_order._jaxpr_util import trace_closed
from .higher_order.custom_batching import BatchingRule, custom_vmap_call_p
from .primitives import _ops
from .tree_util import tree_flatten, tree_map, tree_unflatten

__all__ = ["custom_vmap", "sequential_vmap"]


class custom_vmap:  # noqa: N801 (jax.custom_batching name)
    """A function with a custom batching rule (``jax.custom_batching.custom_vmap``).

    Example:
        >>> @custom_vmap
        ... def f(x):
        ...     return fnp.sin(x)
        >>> @f.def_vmap
        ... def f_vmap(axis_size, in_batched, x):
        ...     return fnp.sin(x), in_batched[0]
    """

    def __init__(self, fun: Callable):
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.vmap_rule: Callable | None = None

    def def_vmap(self, vmap_rule: Callable) -> Callable:
        """Set the rule ``vmap_rule(axis_size, in_batched, *args) -> (out, out_batched)``:
        batched arguments have the batch axis first, ``in_batched`` mirrors ``args``
        with bools, ``out_batched`` mirrors ``out``. Returns ``vmap_rule``."""
        self.vmap_rule = vmap_rule
        return vmap_rule

    def __call__(self, *args, **kwargs):
        if kwargs:
            raise TypeError("[custom_vmap] pass arguments positionally")
        if self.vmap_rule is None:
            raise AttributeError(f"[custom_vmap] no vmap rule for {self.__name__}; define one "
                                 "with @f.def_vmap")
        leaves, in_tree = tree_flatten(args)
        store: dict = {}

        def flat(*xs):
            out, store["out_tree"] = tree_flatten(self.fun(*tree_unflatten(in_tree, list(xs))))
            return out

        closed, consts, _ = trace_closed(flat, [_ops.aval(x) for x in leaves], "custom_vmap")
        out_tree = store["out_tree"]
        rule = BatchingRule(self._flat_rule(in_tree, out_tree), getattr(
            self.vmap_rule, "__name__", "vmap_rule"))
        outs = bind(custom_vmap_call_p, *consts, *leaves, call_jaxpr=closed, rule=rule,
                    num_consts=len(consts))
        return tree_unflatten(out_tree, outs)

    def _flat_rule(self, in_tree, out_tree):
        def rule(axis_size, in_batched, *xs):
            args = tree_unflatten(in_tree, list(xs))
            batched = tree_unflatten(in_tree, list(in_batched))
            out, out_batched = self.vmap_rule(axis_size, batched, *args)
            flat_out, tree = tree_flatten(out)
            if tree != out_tree:
                raise TypeError(f"[custom_vmap] the vmap rule returned structure {tree}; the "
                                f"function returns {out_tree}")
            flags = tree_flatten(tree_map(bool, out_batched))[0] if not isinstance(
                out_batched, bool) else [out_batched] * len(flat_out)
            return flat_out, flags
        return rule


def sequential_vmap(f: Callable) -> custom_vmap:
    """``f`` batched by a loop (``lax.map``) over the batch, calling ``f`` once per
    element (``jax.custom_batching.sequential_vmap``).

    Example:
        >>> g = sequential_vmap(lambda x: x + 1)
        >>> vmap(g)(fnp.arange(3))  # three calls of the function, in a loop
    """
    from . import lax
    g = custom_vmap(f)

    @g.def_vmap
    def rule(axis_size, in_batched, *args):
        flags, tree = tree_flatten(list(in_batched))
        leaves = tree_flatten(list(args))[0]
        mapped = [x for x, b in zip(leaves, flags, strict=True) if b]

        def one(xs):
            it = iter(xs)
            full = [next(it) if b else x for x, b in zip(leaves, flags, strict=True)]
            return g(*tree_unflatten(tree, full))

        out = lax.map(one, mapped)
        return out, tree_map(lambda _: True, out)
    return g
