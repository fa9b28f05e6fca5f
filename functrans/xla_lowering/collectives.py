"""StableHLO lowering of the named-axis collectives (primitives/collectives.py) inside
a pmap program.

A pmap program runs as ``num_replicas`` XLA replicas laid out row-major over the
mesh of the pmap axes bound around the collective (``ModuleContext.axis_env``,
outermost first) followed by a *rest* dimension holding the replicas of pmaps
nested deeper. A collective over axes ``A`` runs within replica groups: the
replicas that agree on every mesh coordinate except those of ``A``. Member ``k``
of a group is the replica whose coordinate along ``A`` is ``k`` — the same order
as ``axis_index``, so the collectives mean what their vmap rules say.
"""

from __future__ import annotations

import math

import numpy as np
from jaxlib.mlir import ir
from jaxlib.mlir.dialects import stablehlo as hlo

from ..core import dtypes
from ..core.ir import ShapedArray
from ..core.registry import lowering_rules
from ..primitives import collectives as coll
from .lower import constant, element_type, ir_type


def _mesh(mctx) -> tuple[list, list[int]]:
    names = [n for n, _ in mctx.axis_env]
    sizes = [s for _, s in mctx.axis_env]
    return names, sizes + [mctx.num_replicas // math.prod(sizes)]


def _dim(names: list, name) -> int:
    for d in range(len(names) - 1, -1, -1):  # the innermost binding of a repeated name
        if names[d] == name:
            return d
    raise NameError(f"[pmap] collective over axis {name!r}, which no enclosing pmap binds "
                    f"(pmap axes: {names}); a vmap axis is rewritten before lowering")


def replica_groups(mctx, axes, axis_index_groups=None) -> np.ndarray:
    """``(n_groups, group_size)`` replica ids; row k of a group is member k along ``axes``
    (with ``axis_index_groups``, each group is split into those subgroups of members)."""
    names, sizes = _mesh(mctx)
    dims = [_dim(names, a) for a in axes]
    ids = np.arange(mctx.num_replicas).reshape(sizes)
    others = [d for d in range(len(sizes)) if d not in dims]
    groups = ids.transpose(others + dims).reshape(-1, math.prod(sizes[d] for d in dims))
    if axis_index_groups is None:
        return groups
    return np.asarray([[row[k] for k in sub] for row in groups for sub in axis_index_groups])


def _groups_attr(groups: np.ndarray) -> ir.DenseIntElementsAttr:
    return ir.DenseIntElementsAttr.get(np.ascontiguousarray(groups, dtype=np.int64))


def _i64(v: int) -> ir.IntegerAttr:
    return ir.IntegerAttr.get(ir.IntegerType.get_signless(64), int(v))


def axis_index_value(mctx, name) -> ir.Value:
    """This replica's int32 coordinate along pmap axis ``name``."""
    names, sizes = _mesh(mctx)
    d = _dim(names, name)
    i32 = ir_type(ShapedArray((), dtypes.int32))
    rid = hlo.convert(i32, hlo.replica_id())
    stride = math.prod(sizes[d + 1:])
    if stride > 1:
        rid = hlo.divide(rid, constant(np.int32(stride)))
    return hlo.remainder(rid, constant(np.int32(sizes[d])))


def _reducer_region(op, dtype, combine) -> None:
    scalar = ir.RankedTensorType.get([], element_type(dtype))
    block = op.regions[0].blocks.append(scalar, scalar)
    with ir.InsertionPoint(block):
        hlo.return_([combine(*block.arguments)])


def _all_reduce_lowering(combine):
    def rule(ctx, *xs, axes, axis_index_groups=None):
        attr = _groups_attr(replica_groups(ctx.module, coll._names(axes), axis_index_groups))
        outs = []
        for x, aval in zip(xs, ctx.avals_in, strict=True):
            op = hlo.AllReduceOp([x.type], [x], replica_groups=attr)
            _reducer_region(op, aval.dtype, combine)
            outs.append(op.results[0])
        return outs
    return rule


lowering_rules[coll.psum_p] = _all_reduce_lowering(hlo.add)
lowering_rules[coll.pmax_p] = _all_reduce_lowering(hlo.maximum)
lowering_rules[coll.pmin_p] = _all_reduce_lowering(hlo.minimum)


def _axis_index_lowering(ctx, *, axis_name):
    return [axis_index_value(ctx.module, axis_name)]


lowering_rules[coll.axis_index_p] = _axis_index_lowering


def _insert_unit(x, aval: ShapedArray, d: int):
    return hlo.reshape(ir_type(aval.update(shape=aval.shape[:d] + (1,) + aval.shape[d:])), x)


def all_gather_value(mctx, x, aval: ShapedArray, out_aval: ShapedArray, axis_name, d: int,
                     tiled: bool, axis_index_groups=None):
    """Every member's ``x`` concatenated (``tiled``) or stacked along ``d``."""
    if not tiled:
        x = _insert_unit(x, aval, d)
    attr = _groups_attr(replica_groups(mctx, (axis_name,), axis_index_groups))
    return hlo.AllGatherOp([ir_type(out_aval)], [x], all_gather_dim=_i64(d),
                           replica_groups=attr).results[0]


def _all_gather_lowering(ctx, x, *, axis_name, all_gather_dimension, axis_size, tiled=False,
                         axis_index_groups=None):
    return [all_gather_value(ctx.module, x, ctx.avals_in[0], ctx.avals_out[0], axis_name,
                             all_gather_dimension, tiled, axis_index_groups)]


lowering_rules[coll.all_gather_p] = _all_gather_lowering


def _reduce_scatter_lowering(ctx, x, *, axis_name, scatter_dimension, axis_size, tiled=False,
                             axis_index_groups=None):
    aval, out = ctx.avals_in[0], ctx.avals_out[0]
    d = scatter_dimension
    block = aval.update(shape=aval.shape[:d] + (aval.shape[d] // axis_size,)
                        + aval.shape[d + 1:])
    attr = _groups_attr(replica_groups(ctx.module, (axis_name,)))
    op = hlo.ReduceScatterOp(ir_type(block), x, scatter_dimension=_i64(d), replica_groups=attr)
    _reducer_region(op, aval.dtype, hlo.add)
    y = op.results[0]
    return [y if tiled else hlo.reshape(ir_type(out), y)]


lowering_rules[coll.reduce_scatter_p] = _reduce_scatter_lowering


def _all_to_all_lowering(ctx, x, *, axis_name, split_axis, concat_axis, tiled=False,
                         axis_index_groups=None):
    aval, out = ctx.avals_in[0], ctx.avals_out[0]
    groups = replica_groups(ctx.module, (axis_name,))
    n = groups.shape[1]
    s, c = split_axis, concat_axis
    if not tiled:  # a unit axis to concatenate into; the split axis ends at size 1
        q = c if c <= s else c + 1
        x = _insert_unit(x, aval, q)
        shape = list(aval.shape[:q]) + [1] + list(aval.shape[q:])
        s, c = s + (q <= s), q
    else:
        shape = list(aval.shape)
    res = list(shape)
    res[s] //= n
    res[c] *= n
    y = hlo.AllToAllOp([x], _i64(s), _i64(c), _i64(n), _groups_attr(groups),
                       results=[ir_type(aval.update(shape=tuple(res)))]).results[0]
    return [y if tiled else hlo.reshape(ir_type(out), y)]


lowering_rules[coll.all_to_all_p] = _all_to_all_lowering


def _ppermute_lowering(ctx, x, *, axis_name, perm):
    groups = replica_groups(ctx.module, (axis_name,))
    pairs = [(g[src], g[dst]) for g in groups for src, dst in perm]
    attr = ir.DenseIntElementsAttr.get(np.asarray(pairs, np.int64).reshape(-1, 2))
    return [hlo.CollectivePermuteOp(x, attr, results=[x.type]).results[0]]


lowering_rules[coll.ppermute_p] = _ppermute_lowering
