"""reduce: XLA's general reduction with a user computation (``jax.lax.reduce``).

``reduce[computation, dimensions] *operands *init_values`` reduces ``n`` operands of one
shape over ``dimensions`` with ``computation``, a closed jaxpr of ``2n`` scalars (the
accumulators, then the elements) to ``n`` scalars. ``lax.reduce`` binds it only when the
computation is not one of the monoids that have their own primitives (add, mul, max,
min, and, or, xor with their identity as init).

Rules: the eager impl folds the elements in order from the init (as XLA does on the
CPU), applying the computation to all kept positions at once; the jvp (as JAX's)
combines (primal, tangent) pairs in a tree (the jvp'd computation applied to
half-batches, ``log2`` steps), exact for the monoids XLA's reduce expects. vmap moves
the batch dim out of the reduced dims; the lowering is one ``stablehlo.reduce`` whose
region is the computation.
"""

from __future__ import annotations

import math

import numpy as np

from ..core.ir import ClosedJaxpr, ShapedArray
from ..core.registry import (
    abstract_eval_rules,
    declare_no_rule,
    impl_rules,
    jvp_rules,
    vmap_rules,
)
from ..core.trace import Primitive, bind
from ..interpreters.jvp import jvp_jaxpr
from ..interpreters.staging import eval_closed
from ..primitives import _ops
from ..primitives._batching import AxisData, broadcast_batched, moveaxis
from ..primitives.shapes import reshape_p, slice_p, transpose_p

reduce_p = Primitive("reduce")


def _reduce_abstract_eval(*avals, computation: ClosedJaxpr, dimensions):
    n = len(avals) // 2
    ops, inits = avals[:n], avals[n:]
    if any(a.shape != ops[0].shape for a in ops):
        raise TypeError(f"[reduce] operands must have one shape, got "
                        f"{[a.str_short() for a in ops]}")
    if any(i.shape != () or i.dtype != a.dtype for a, i in zip(ops, inits, strict=True)):
        raise TypeError(f"[reduce] init_values must be scalars of the operands' dtypes, got "
                        f"{[i.str_short() for i in inits]} for {[a.str_short() for a in ops]}")
    if any(not 0 <= d < len(ops[0].shape) for d in dimensions) or \
            len(set(dimensions)) != len(dimensions):
        raise ValueError(f"[reduce] dimensions {dimensions} must be distinct axes of shape "
                         f"{ops[0].shape}")
    outs = computation.out_avals
    if [(o.shape, o.dtype) for o in outs] != [((), a.dtype) for a in ops]:
        raise TypeError(f"[reduce] the computation must return {n} scalars of dtypes "
                        f"{[str(a.dtype) for a in ops]}, got {[o.str_short() for o in outs]}")
    shape = tuple(d for i, d in enumerate(ops[0].shape) if i not in dimensions)
    return [ShapedArray(shape, a.dtype) for a in ops]


# ---- the pairwise tree (impl and jvp) ------------------------------------------------------

def _apply(closed: ClosedJaxpr, args: list) -> list:
    """``closed`` (a jaxpr of scalars) applied elementwise to 1-D ``args`` of one size."""
    from ..interpreters.vmap import batch_jaxpr
    size = _ops.aval(args[0]).shape[0]
    batched, out_bdims = batch_jaxpr(closed, AxisData(None, size), [0] * len(args))
    outs = eval_closed(batched, *args)
    return [o if b is not None else _ops.broadcast_in_dim(o, (size,), ())
            for o, b in zip(outs, out_bdims, strict=True)]


def _cols(x, start: int, stop: int):
    rows = _ops.aval(x).shape[0]
    return bind(slice_p, x, start_indices=(0, start), limit_indices=(rows, stop),
                strides=None)[0]


def _flat(x):
    return bind(reshape_p, x, new_sizes=(math.prod(_ops.aval(x).shape),), dimensions=None)[0]


def tree_reduce(closed: ClosedJaxpr, xs: list, inits: list) -> list:
    """Reduce each ``[M, K]`` value of ``xs`` over its second axis with ``closed`` (``n``
    accumulators and ``n`` elements), pairwise, then combine with the scalar ``inits``.
    Returns ``[M]`` values."""
    m, k = _ops.aval(xs[0]).shape
    while k > 1:
        half = k // 2
        lhs = [_flat(_cols(x, 0, half)) for x in xs]
        rhs = [_flat(_cols(x, half, 2 * half)) for x in xs]
        paired = [bind(reshape_p, o, new_sizes=(m, half), dimensions=None)[0]
                  for o in _apply(closed, lhs + rhs)]
        if k % 2:
            paired = [_concat_cols(p, _cols(x, k - 1, k)) for p, x in zip(paired, xs, strict=True)]
        xs, k = paired, half + k % 2
    accs = [_ops.broadcast_in_dim(i, (m,), ()) for i in inits]
    if k == 0 or m == 0:
        return accs
    return _apply(closed, accs + [_flat(x) for x in xs])


def _concat_cols(a, b):
    from ..primitives.shapes import concatenate_p
    return bind(concatenate_p, a, b, dimension=1)[0]


def _as_rows(x, dimensions):
    """``x`` as ``[M, K]``: kept axes first, reduced axes (``dimensions``) flattened last."""
    shape = _ops.aval(x).shape
    kept = [i for i in range(len(shape)) if i not in dimensions]
    x = bind(transpose_p, x, permutation=(*kept, *dimensions))[0]
    m = math.prod(shape[i] for i in kept)
    return bind(reshape_p, x, new_sizes=(m, math.prod(shape[d] for d in dimensions)),
                dimensions=None)[0]


def _reduce_via_tree(closed, operands, inits, dimensions):
    shape = _ops.aval(operands[0]).shape
    out_shape = tuple(d for i, d in enumerate(shape) if i not in dimensions)
    outs = tree_reduce(closed, [_as_rows(x, dimensions) for x in operands], inits)
    return [bind(reshape_p, o, new_sizes=out_shape, dimensions=None)[0] for o in outs]


def _reduce_impl(*args, computation, dimensions):
    """A left fold in element order from the init (what XLA does on the CPU), vectorized
    over the kept positions."""
    n = len(args) // 2
    shape = args[0].shape
    out_shape = tuple(d for i, d in enumerate(shape) if i not in dimensions)
    rows = [np.asarray(_as_rows(x, dimensions)) for x in args[:n]]
    m, k = rows[0].shape
    accs = [np.broadcast_to(i, (m,)) for i in args[n:]]
    for j in range(k if m else 0):
        accs = [np.asarray(a) for a in _apply(computation, accs + [r[:, j] for r in rows])]
    return [np.asarray(a, x.dtype).reshape(out_shape) for a, x in zip(accs, args[:n], strict=True)]


def _reduce_jvp(primals, tangents, *, computation, dimensions):
    """The jvp of the computation reduced pairwise over (primal, tangent) pairs (as JAX's,
    exact when the computation is a monoid, which XLA's reduce assumes)."""
    n = len(primals) // 2
    jvp_closed, in_diff, out_diff = jvp_jaxpr(computation)
    if not any(in_diff):
        return bind(reduce_p, *primals, computation=computation, dimensions=dimensions), \
            [None] * n
    diff = in_diff[:n]  # the accumulators' and the elements' dtypes agree
    tangents = [_ops.zeros_aval(_ops.aval(p)) if t is None else t
                for p, t in zip(primals, tangents, strict=True)]
    pairs = _pair_jaxpr(jvp_closed, n, diff)
    ops = list(primals[:n]) + [t for t, d in zip(tangents[:n], diff, strict=True) if d]
    inits = list(primals[n:]) + [t for t, d in zip(tangents[n:], diff, strict=True) if d]
    outs = _reduce_via_tree(pairs, ops, inits, dimensions)
    it = iter(outs[n:])
    primal_outs = bind(reduce_p, *primals, computation=computation, dimensions=dimensions)
    return primal_outs, [next(it) if d else None for d in diff]


def _pair_jaxpr(jvp_closed: ClosedJaxpr, n: int, diff: list) -> ClosedJaxpr:
    """The jvp jaxpr reordered as a computation over (values, tangents) accumulators and
    (values, tangents) elements, so ``tree_reduce`` can run it."""
    from ._jaxpr_util import reorder
    nd = sum(diff)
    # jvp_closed takes (acc, x, acc_dot, x_dot); the pair computation takes
    # (acc, acc_dot, x, x_dot) as its 2 * (n + nd) inputs
    acc, xs = list(range(n)), list(range(n, 2 * n))
    acc_dot, x_dot = list(range(2 * n, 2 * n + nd)), list(range(2 * n + nd, 2 * n + 2 * nd))
    return reorder(jvp_closed, acc + acc_dot + xs + x_dot)


def _reduce_vmap(axis_data, vals, bdims, *, computation, dimensions):
    n = len(vals) // 2
    if any(b is not None for b in bdims[n:]):
        raise NotImplementedError("[reduce] vmap over init_values is not supported; pass "
                                  "unbatched init values (an identity of the computation)")
    ops = [broadcast_batched(v, axis_data.size, 0) if b is None else moveaxis(v, b, 0)
           for v, b in zip(vals[:n], bdims[:n], strict=True)]
    outs = bind(reduce_p, *ops, *vals[n:], computation=computation,
                dimensions=tuple(d + 1 for d in dimensions))
    return outs, [0] * n


abstract_eval_rules[reduce_p] = _reduce_abstract_eval
impl_rules[reduce_p] = _reduce_impl
jvp_rules[reduce_p] = _reduce_jvp
vmap_rules[reduce_p] = _reduce_vmap
declare_no_rule("transpose", reduce_p, "a general reduction is not linear; its jvp is "
                "written with linear primitives, which transpose")
