"""``lax.reduce`` (general reductions) and ``lax.ragged_dot``/``ragged_dot_general``
(reference implementations), re-exported by ``lax.py``."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from . import lax as _lax
from ._lax_more import RaggedDotDimensionNumbers
from .core import dtypes
from .core.array import aval_of
from .core.trace import Tracer, bind
from .higher_order.reduce import reduce_p
from .interpreters.staging import stage
from .primitives import reductions as _red
from .tree_util import tree_flatten, tree_unflatten

__all__ = ["reduce", "ragged_dot", "ragged_dot_general"]


def _identity(kind: str, dtype) -> object:
    dtype = np.dtype(dtype)
    if kind in ("sum", "or", "xor"):
        return 0
    if kind == "prod":
        return 1
    if kind == "and":
        return True if dtype == dtypes.bool_ else -1
    big = kind == "min"
    if dtypes.is_inexact(dtype):
        return np.inf if big else -np.inf
    if dtype == dtypes.bool_:
        return big
    info = np.iinfo(dtype)
    return info.max if big else info.min


_MONOIDS = {"sum": _red.reduce_sum_p, "prod": _red.reduce_prod_p, "max": _red.reduce_max_p,
            "min": _red.reduce_min_p, "and": _red.reduce_and_p, "or": _red.reduce_or_p,
            "xor": _red.reduce_xor_p}


def _monoid_kind(computation) -> str | None:
    from . import _lax_lenient
    from . import numpy as fnp
    table = {fnp.add: "sum", fnp.multiply: "prod", fnp.maximum: "max", fnp.minimum: "min",
             fnp.bitwise_and: "and", fnp.bitwise_or: "or", fnp.bitwise_xor: "xor"}
    for ns in (_lax, _lax_lenient):
        table.update({ns.add: "sum", ns.mul: "prod", ns.max: "max", ns.min: "min",
                      ns.bitwise_and: "and", ns.bitwise_or: "or", ns.bitwise_xor: "xor"})
    try:
        return table.get(computation)
    except TypeError:  # unhashable callable
        return None


def _is_identity(init, kind: str, dtype) -> bool:
    if isinstance(init, Tracer):
        return False
    value = np.asarray(init)
    if value.shape != ():
        return False
    if kind in ("and", "or", "xor") and dtype == dtypes.bool_:
        return bool(value) == bool(_identity(kind, dtype))
    return value.astype(dtype) == np.asarray(_identity(kind, dtype)).astype(dtype)


def reduce(operands, init_values, computation: Callable, dimensions: Sequence[int],
           out_sharding=None):
    """Reduce ``operands`` over ``dimensions`` with ``computation`` (``jax.lax.reduce``).

    ``lax.add``/``mul``/``max``/``min``/``bitwise_*`` with their identity as the init use
    the dedicated reduction primitives; any other computation (a Python function of
    ``(accumulators, elements)`` pytrees, e.g. a variadic argmax) binds the general
    ``reduce`` primitive (differentiable, batchable, one ``stablehlo.reduce``).

    Args:
      operands: an array or a pytree of arrays of one shape.
      init_values: scalars with the structure of ``operands``.
      computation: ``f(acc, x) -> acc`` on scalars.
      dimensions: the axes to reduce.
      out_sharding: accepted and ignored (one device).

    Returns:
      The reduction, with the structure of ``operands``.

    Example:
        >>> lax.reduce(x, 0.0, lax.add, (0,))  # = lax.reduce_sum(x, (0,))
        >>> lax.reduce((x, idx), (-fnp.inf, 0), argmax_pair, (0,))  # variadic
    """
    flat_ops, tree = tree_flatten(operands)
    flat_inits, init_tree = tree_flatten(init_values)
    if tree != init_tree:
        raise TypeError(f"[reduce] operands and init_values must have one structure, got "
                        f"{tree} and {init_tree}")
    dims = tuple(int(d) for d in dimensions)
    ops = [_lax._lift_scalars(x)[0] if not isinstance(x, Tracer) else x for x in flat_ops]
    kind = _monoid_kind(computation) if len(ops) == 1 else None
    if kind is not None and _is_identity(flat_inits[0], kind, aval_of(ops[0], "reduce").dtype):
        out = bind(_MONOIDS[kind], ops[0], axes=dims)
        return tree_unflatten(tree, out)
    inits = [_lax.convert_element_type(i, aval_of(x, "reduce").dtype)
             for i, x in zip(flat_inits, ops, strict=True)]
    closed = _trace_computation(computation, tree, [aval_of(i, "reduce") for i in inits])
    outs = bind(reduce_p, *ops, *inits, computation=closed, dimensions=dims)
    return tree_unflatten(tree, outs)


def _trace_computation(computation, tree, scalar_avals):
    n = len(scalar_avals)

    def flat(*xs):
        acc, x = tree_unflatten(tree, list(xs[:n])), tree_unflatten(tree, list(xs[n:]))
        out, out_tree = tree_flatten(computation(acc, x))
        if out_tree != tree:
            raise TypeError(f"[reduce] the computation must return the structure {tree}, "
                            f"got {out_tree}")
        return out

    avals = [a.strip_weak_type() for a in scalar_avals]
    closed, tracer_consts = stage(flat, avals * 2, "reduce")
    if tracer_consts:
        raise TypeError("[reduce] the computation closes over a traced value; a reduction's "
                        "computation may use only its arguments and constants")
    return closed


# ---- ragged dot -------------------------------------------------------------------------

def ragged_dot(lhs, rhs, group_sizes, precision=None, preferred_element_type=None,
               group_offset=None, out_sharding=None):
    """Grouped matmul (``jax.lax.ragged_dot``): ``lhs[m, k]``'s rows fall into
    consecutive groups of ``group_sizes[g]``; each group multiplies ``rhs[g, k, n]``.
    Rows past ``sum(group_sizes)`` give zeros.

    Example:
        >>> lax.ragged_dot(x, w, fnp.array([2, 1], 'int32'))  # x[:2] @ w[0], x[2:3] @ w[1]
    """
    dn = RaggedDotDimensionNumbers((((1,), (1,)), ((), ())), (0,), (0,))
    return ragged_dot_general(lhs, rhs, group_sizes, dn, precision, preferred_element_type,
                              group_offset)


def _group_mask(group_sizes, length: int, dtype):
    """``[g, length]`` mask: 1 where position ``i`` lies in group ``g``."""
    sizes = _lax.convert_element_type(group_sizes, np.int32)
    ends = _lax.cumsum(sizes, 0)
    starts = _lax.sub(ends, sizes)
    g = aval_of(sizes, "ragged_dot").shape[0]
    pos = _lax.broadcasted_iota(np.int32, (g, length), 1)
    inside = _lax.bitwise_and(
        _lax.ge(pos, _lax.broadcast_in_dim(starts, (g, length), (0,))),
        _lax.lt(pos, _lax.broadcast_in_dim(ends, (g, length), (0,))))
    return _lax.convert_element_type(inside, dtype)


def ragged_dot_general(lhs, rhs, group_sizes, ragged_dot_dimension_numbers, precision=None,
                       preferred_element_type=None, group_offset=None, out_sharding=None):
    """Ragged dot with general dimensions (``jax.lax.ragged_dot_general``), as a masked
    batched ``dot_general`` (a reference implementation, differentiable and batchable).

    Supported: a ragged non-contracting lhs dim with an rhs group dim (``ragged_dot``'s
    case; output like ``dot_general`` without the group dim), and a ragged contracting
    dim without rhs group dims (output ``[g, *dot_general output]``); 1-D group sizes.
    """
    dn = ragged_dot_dimension_numbers
    if group_offset is not None:
        raise NotImplementedError("[ragged_dot_general] group_offset is not supported")
    (lc, rc), (lb, rb) = dn.dot_dimension_numbers
    if len(dn.lhs_ragged_dimensions) != 1 or len(aval_of(group_sizes, "ragged_dot").shape) != 1:
        raise NotImplementedError("[ragged_dot_general] needs one lhs ragged dimension and 1-D "
                                  "group_sizes")
    (ragged,) = dn.lhs_ragged_dimensions
    la = aval_of(lhs, "ragged_dot_general")
    dtype = la.dtype
    mask = _group_mask(group_sizes, la.shape[ragged], dtype)
    g = aval_of(mask, "ragged_dot").shape[0]
    nd = len(la.shape)
    masked = _lax.mul(_lax.broadcast_in_dim(lhs, (g, *la.shape), tuple(range(1, nd + 1))),
                      _lax.broadcast_in_dim(mask, (g, *la.shape), (0, ragged + 1)))
    shift = [d + 1 for d in lc], [d + 1 for d in lb]
    pet = preferred_element_type
    if ragged in lc and not dn.rhs_group_dimensions:  # ragged contracting: [g, ...]
        out = _lax.dot_general(masked, rhs, ((shift[0], rc), (shift[1], rb)), precision, pet)
        nb = len(lb)  # output: batch dims, then g (first lhs free dim), then the rest
        perm = (nb, *range(nb), *range(nb + 1, len(aval_of(out, "ragged_dot").shape)))
        return _lax.transpose(out, perm)
    if ragged in lc or ragged in lb or len(dn.rhs_group_dimensions) != 1:
        raise NotImplementedError("[ragged_dot_general] supports a ragged non-contracting lhs "
                                  "dim with one rhs group dim, or a ragged contracting dim")
    (group,) = dn.rhs_group_dimensions
    rank = len(aval_of(rhs, "ragged_dot").shape)
    rhs_g = _lax.transpose(rhs, (group, *[d for d in range(rank) if d != group]))

    def moved(d):  # where rhs dim d went when the group dim moved to the front
        return d + 1 if d < group else d
    out = _lax.dot_general(masked, rhs_g, ((shift[0], [moved(d) for d in rc]),
                                           ((0, *shift[1]), (0, *[moved(d) for d in rb]))),
                           precision, pet)
    return _lax.reduce_sum(out, (0,))
