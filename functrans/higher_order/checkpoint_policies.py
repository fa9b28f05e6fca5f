"""Checkpoint policies and ``checkpoint_name`` (``jax.checkpoint_policies``,
``jax.ad_checkpoint.checkpoint_name``).

A policy is called as ``policy(prim, *in_avals, **params)`` on every equation of a
checkpointed function whose inputs are all known (primal) under linearize; ``True``
means its outputs may be saved as residuals, ``False`` that the backward pass recomputes
them. ``split_with_policy`` does that split: it partially evaluates the jaxpr with a
``PolicyPartialEvalTrace``, which computes every known equation now but remembers how to
recompute those the policy does not save; when the linear part needs such a value it
stages the recomputation (recursively) instead of taking the value as a residual.

``name[name=...] x`` (``name_p``) is the identity; ``checkpoint_name`` binds it so that
the name policies (``save_only_these_names``, ...) can single a value out.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..core.ir import ClosedJaxpr
from ..core.registry import (
    abstract_eval_rules,
    effectful_primitives,
    impl_rules,
    jvp_rules,
    transpose_rules,
    vmap_rules,
)
from ..core.trace import Primitive, bind
from ..interpreters.linearize import PartialEvalTrace, PartialJaxpr, split_jaxpr
from ..interpreters.staging import StagingTrace, StagingTracer
from ..primitives.conv import conv_general_dilated_p
from ..primitives.dot import dot_general_p
from ..tree_util import tree_map

# ---- name_p: the identity, carrying a name for the policies ---------------------------

name_p = Primitive("name")


def checkpoint_name(x, name: str):
    """``x`` unchanged, tagged with ``name`` for checkpoint policies
    (``jax.ad_checkpoint.checkpoint_name``).

    Args:
      x: an array or a pytree of arrays.
      name: the name the policies ``save_only_these_names`` & co. look for.

    Returns:
      ``x`` (the same values).

    Example:
        >>> def f(x):
        ...     y = checkpoint_name(fnp.sin(x), "y")
        ...     return fnp.sin(y)
        >>> grad(checkpoint(f, policy=checkpoint_policies.save_only_these_names("y")))(1.0)
    """
    return tree_map(lambda v: bind(name_p, v, name=name)[0], x)


abstract_eval_rules[name_p] = lambda aval, *, name: [aval]
impl_rules[name_p] = lambda x, *, name: [x]
# the primal is named, the tangent is not (as JAX): the policy sees primal values only
jvp_rules[name_p] = lambda primals, tangents, *, name: (bind(name_p, primals[0], name=name),
                                                       [tangents[0]])
transpose_rules[name_p] = lambda cts, x, *, name: list(cts)
vmap_rules[name_p] = lambda axis_data, vals, bdims, *, name: (bind(name_p, vals[0], name=name),
                                                              list(bdims))


# ---- the policies ------------------------------------------------------------------------

def everything_saveable(*_, **__) -> bool:
    """Save every residual (no rematerialization)."""
    return True


def nothing_saveable(*_, **__) -> bool:
    """Save nothing but the checkpoint's inputs; recompute the rest (the default)."""
    return False


everything_saveable._functrans_saves = "everything"
nothing_saveable._functrans_saves = "nothing"


def _no_batch_dims(params) -> bool:
    (_, _), (lhs_b, rhs_b) = params["dimension_numbers"]
    return not lhs_b and not rhs_b


@dataclass(frozen=True)
class _DotsSaveable:
    only_if_no_batch_dims: bool

    def __call__(self, prim, *avals, **params) -> bool:
        if self.only_if_no_batch_dims:
            return prim is dot_general_p and _no_batch_dims(params)
        return prim in (dot_general_p, conv_general_dilated_p)


dots_saveable = checkpoint_dots = _DotsSaveable(False)
dots_with_no_batch_dims_saveable = checkpoint_dots_with_no_batch_dims = _DotsSaveable(True)


@dataclass(frozen=True)
class _OffloadDotWithNoBatchDims:
    offload_src: str
    offload_dst: str

    def __call__(self, prim, *avals, **params) -> bool:  # one memory space: offload = save
        return prim is dot_general_p and _no_batch_dims(params)


def offload_dot_with_no_batch_dims(offload_src, offload_dst):
    """Like ``dots_with_no_batch_dims_saveable``; with a single memory space here, an
    offloaded residual is simply saved."""
    return _OffloadDotWithNoBatchDims(offload_src, offload_dst)


@dataclass(frozen=True)
class _Names:
    names: frozenset
    saved: bool  # True: save the listed names; False: save every name but those

    def __call__(self, prim, *avals, **params) -> bool:
        return prim is name_p and (params["name"] in self.names) == self.saved


def save_only_these_names(*names) -> Callable:
    """Save only ``checkpoint_name`` values whose name is listed."""
    return _Names(frozenset(names), True)


def save_any_names_but_these(*names) -> Callable:
    """Save only ``checkpoint_name`` values, except those with a listed name."""
    return _Names(frozenset(names), False)


def save_anything_except_these_names(*names) -> Callable:
    """JAX's version saves everything (its own TODO says the exclusion is not
    implemented); so does this one."""
    return everything_saveable


@dataclass(frozen=True)
class _SaveAndOffloadNames:
    names: frozenset

    def __call__(self, prim, *avals, **params) -> bool:
        return prim is name_p and params["name"] in self.names


def save_and_offload_only_these_names(*, names_which_can_be_saved,
                                      names_which_can_be_offloaded, offload_src, offload_dst):
    """``save_only_these_names`` over both lists (offloading is saving here)."""
    saved, offloaded = frozenset(names_which_can_be_saved), frozenset(
        names_which_can_be_offloaded)
    if saved & offloaded:
        raise ValueError("[checkpoint] names_which_can_be_saved and names_which_can_be_offloaded "
                         f"must not intersect; both hold {sorted(saved & offloaded)}")
    return _SaveAndOffloadNames(saved | offloaded)


def save_from_both_policies(policy_1: Callable, policy_2: Callable) -> Callable:
    """A residual is saved iff either policy saves it."""
    def policy(prim, *avals, **params) -> bool:
        out1, out2 = policy_1(prim, *avals, **params), policy_2(prim, *avals, **params)
        if not (isinstance(out1, bool) and isinstance(out2, bool)):
            raise ValueError(f"[checkpoint] save_from_both_policies needs boolean policies; got "
                             f"{out1!r} and {out2!r}")
        return out1 or out2
    return policy


# ---- partial evaluation under a policy ----------------------------------------------------

class PolicyPartialEvalTrace(PartialEvalTrace):
    """Known equations run in the parent; the outputs of those ``policy`` does not save
    are recomputed (staged again) when the unknown part needs them."""

    def __init__(self, parent, policy: Callable):
        super().__init__(parent, "checkpoint")
        self.policy = policy
        self._recipes: dict[int, tuple] = {}

    def process(self, prim, args, params):
        if any(self.is_unknown(x) for x in args):
            return super().process(prim, args, params)
        with self.in_parent():
            outs = bind(prim, *args, **params)
        if prim not in effectful_primitives and not self._saveable(prim, args, params):
            recipe = (prim, list(args), params, outs)
            for o in outs:
                self._recipes[id(o)] = recipe
        return outs

    def _saveable(self, prim, args, params) -> bool:
        from ..primitives._ops import aval
        return bool(self.policy(prim, *[aval(a) for a in args], **params))

    def lift(self, val):
        recipe = self._recipes.get(id(val))
        if recipe is None or id(val) in self._const_ids:
            return super().lift(val)
        prim, args, params, outs = recipe
        staged = StagingTrace.process(self, prim, args, params)
        for o, s in zip(outs, staged, strict=True):
            self._const_ids[id(o)] = s.var
        return StagingTracer(self, self._const_ids[id(val)])


_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def split_with_policy(closed: ClosedJaxpr, unknowns: Sequence[bool],
                      policy: Callable) -> PartialJaxpr:
    """``closed`` split as ``partial_eval_jaxpr`` does, except that a known value the
    unknown part needs is a residual only if the policy saves the equation computing it
    (or it is an input); otherwise the unknown part recomputes it. Cached per jaxpr,
    mask and policy."""
    key = (tuple(unknowns), policy)
    per = _cache.setdefault(closed, {})
    hit = per.get(key)
    if hit is None:
        hit = per[key] = _split(closed, tuple(unknowns), policy)
    return hit


def _split(closed: ClosedJaxpr, unknowns, policy) -> PartialJaxpr:
    return split_jaxpr(closed, unknowns, None,
                       lambda parent: PolicyPartialEvalTrace(parent, policy))
