"""checkpoint / remat: trade memory for recomputation in reverse mode.

``checkpoint[jaxpr, prevent_cse, differentiated] *args`` evaluates ``jaxpr``. Under
linearize its partial-eval rule saves no intermediate residuals: the known part computes
only the primal outputs, and the staged linear part takes the *inputs* as residuals and
recomputes what the tangents need, so the backward pass re-runs the forward computation
of the checkpointed function instead of storing it.

``differentiated`` marks the recomputation (the staged unknown part and its transpose).
The lowering inlines the jaxpr; with ``prevent_cse`` a recomputation's inputs first pass
through an ``optimization_barrier`` (as JAX does), so XLA cannot merge the recomputation
with the forward pass and keep the intermediates alive after all.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

from ..core.ir import ClosedJaxpr
from ..core.registry import (
    abstract_eval_rules,
    impl_rules,
    jvp_rules,
    partial_eval_rules,
    transpose_rules,
    vmap_rules,
)
from ..core.trace import Primitive, bind
from ..interpreters.jvp import jvp_jaxpr
from ..interpreters.linearize import dce_closed, partial_eval_jaxpr
from ..interpreters.staging import eval_closed, stage
from ..interpreters.transpose import is_undefined, transpose_jaxpr
from ..primitives import _ops
from ..tree_util import tree_flatten, tree_unflatten
from .checkpoint_policies import split_with_policy

checkpoint_p = Primitive("checkpoint")


def checkpoint(fun: Callable, *, prevent_cse: bool = True,
               static_argnums: int | Sequence[int] = (), policy=None) -> Callable:
    """``fun`` whose intermediates are recomputed, not stored, for reverse mode
    (``jax.checkpoint``).

    Args:
      fun: the function to checkpoint.
      prevent_cse: put an optimization barrier before the recomputation in the backward
        pass, so XLA does not undo the rematerialization by common-subexpression
        elimination (``jax.checkpoint``'s default).
      static_argnums: positional arguments that are Python values (baked into the trace).
      policy: which intermediates the forward pass may save: ``None`` (save nothing but
        the inputs) or a ``checkpoint_policies`` member / any callable
        ``policy(prim, *in_avals, **params) -> bool`` asked for each equation with primal
        inputs (``True``: save its outputs; ``False``: recompute them backwards).

    Returns:
      A function with ``fun``'s signature.

    Example:
        >>> f = checkpoint(lambda x: fnp.sin(fnp.sin(x)))
        >>> grad(f)(1.0)  # sin(sin x) recomputed in the backward pass
    """
    saves = getattr(policy, "_functrans_saves", None) if policy is not None else "nothing"
    if saves == "everything":
        return fun
    if saves == "nothing":
        policy = None
    elif not callable(policy):
        raise TypeError(f"[checkpoint] policy must be a callable "
                        f"policy(prim, *avals, **params) -> bool; got {policy!r}")
    nums = (static_argnums,) if isinstance(static_argnums, int) else tuple(static_argnums)

    @functools.wraps(fun)
    def wrapped(*args, **kwargs):
        static = {i % len(args): args[i] for i in nums}
        dyn = [a for i, a in enumerate(args) if i not in static]
        leaves, in_tree = tree_flatten((dyn, kwargs))
        store: dict = {}

        def flat(*xs):
            d, kw = tree_unflatten(in_tree, list(xs))
            it = iter(d)
            full = [static[i] if i in static else next(it) for i in range(len(args))]
            out_leaves, store["out_tree"] = tree_flatten(fun(*full, **kw))
            return out_leaves

        closed, consts = stage(flat, [_ops.aval(x) for x in leaves], "checkpoint")
        outs = bind(checkpoint_p, *consts, *leaves, jaxpr=closed, prevent_cse=prevent_cse,
                    differentiated=False, policy=policy)
        return tree_unflatten(store["out_tree"], outs)
    return wrapped


remat = checkpoint


def _checkpoint_abstract_eval(*avals, jaxpr: ClosedJaxpr, **params):
    return jaxpr.out_avals


def _checkpoint_impl(*args, jaxpr: ClosedJaxpr, **params):
    return eval_closed(jaxpr, *args)


def _checkpoint_jvp(primals, tangents, *, jaxpr, **params):
    jvp_closed, in_diff, out_diff = jvp_jaxpr(jaxpr)
    float_tangents = [t for t, d in zip(tangents, in_diff, strict=True) if d]
    outs = bind(checkpoint_p, *primals, *float_tangents, jaxpr=jvp_closed, **params)
    n = len(jaxpr.out_avals)
    it = iter(outs[n:])
    return outs[:n], [next(it) if d else None for d in out_diff]


def _checkpoint_partial_eval(trace, args, params):
    """Known part: the known outputs only (no residuals). Unknown part: the whole
    computation of the unknown outputs, taking every input (known ones as residuals)."""
    jaxpr = params["jaxpr"]
    unknowns = tuple(trace.is_unknown(x) for x in args)
    if params.get("policy") is not None:
        return _partial_eval_with_policy(trace, args, unknowns, params)
    split = partial_eval_jaxpr(jaxpr, unknowns)
    n_known = len(split.out_unknown) - sum(split.out_unknown)
    known = dce_closed(split.known, (True,) * n_known + (False,) * split.n_res)
    with trace.in_parent():
        known_outs = bind(checkpoint_p, *[x for x, u in zip(args, unknowns, strict=True)
                                          if not u], jaxpr=known, **_rest(params))
    unknown = dce_closed(jaxpr, tuple(split.out_unknown))
    unknown_outs = trace.stage_eqn(checkpoint_p, list(args), dict(params, jaxpr=unknown,
                                                                  differentiated=True))
    known_it, unknown_it = iter(known_outs), iter(unknown_outs)
    return [next(unknown_it) if u else next(known_it) for u in split.out_unknown]


def _partial_eval_with_policy(trace, args, unknowns, params):
    """Known part: the known outputs and the residuals the policy saves. Unknown part:
    recomputes the rest from the saved residuals and the inputs."""
    split = split_with_policy(params["jaxpr"], unknowns, params["policy"])
    known_args = [x for x, u in zip(args, unknowns, strict=True) if not u]
    n_known = len(split.out_unknown) - sum(split.out_unknown)
    computed = tuple(src is None for src in split.res_src)
    known = dce_closed(split.known, (True,) * n_known + computed)
    with trace.in_parent():
        outs = bind(checkpoint_p, *known_args, jaxpr=known, **_rest(params))
    known_outs, res_it = outs[:n_known], iter(outs[n_known:])
    res = [next(res_it) if src is None else known_args[src] for src in split.res_src]
    unknown_args = [x for x, u in zip(args, unknowns, strict=True) if u]
    unknown_outs = trace.stage_eqn(checkpoint_p, res + unknown_args,
                                   dict(params, jaxpr=split.unknown, differentiated=True))
    known_it, unknown_it = iter(known_outs), iter(unknown_outs)
    return [next(unknown_it) if u else next(known_it) for u in split.out_unknown]


def _rest(params):
    return {k: v for k, v in params.items() if k != "jaxpr"}


def _checkpoint_transpose(cts, *args, jaxpr, **params):
    linear = tuple(is_undefined(a) for a in args)
    transposed = transpose_jaxpr(jaxpr, linear)
    cts_in = bind(checkpoint_p, *[a for a in args if not is_undefined(a)], *cts,
                  jaxpr=transposed, **params)
    it = iter(cts_in)
    return [next(it) if lin else None for lin in linear]


def _checkpoint_vmap(axis_data, vals, bdims, *, jaxpr, **params):
    from ..interpreters.vmap import batch_jaxpr
    batched, out_bdims = batch_jaxpr(jaxpr, axis_data, bdims)
    return bind(checkpoint_p, *vals, jaxpr=batched, **params), out_bdims


abstract_eval_rules[checkpoint_p] = _checkpoint_abstract_eval
impl_rules[checkpoint_p] = _checkpoint_impl
jvp_rules[checkpoint_p] = _checkpoint_jvp
partial_eval_rules[checkpoint_p] = _checkpoint_partial_eval
transpose_rules[checkpoint_p] = _checkpoint_transpose
vmap_rules[checkpoint_p] = _checkpoint_vmap
