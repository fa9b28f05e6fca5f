"""Collectives over named axes: psum, pmax, pmin, all_gather, reduce_scatter
(psum_scatter), all_to_all, ppermute, axis_index.

A collective names the axis it works over (``axes`` / ``axis_name``). The axis is
bound by a transformation: ``vmap(f, axis_name='i')`` gives the primitives their
meaning through the vmap rules below (a reduction or transpose over the batch
axis); ``pmap(f, axis_name='i')`` lowers the same primitives, with the same
params, to XLA collectives in ``xla_lowering/collectives.py`` (all_reduce,
all_gather, reduce_scatter, all_to_all, collective_permute, replica_id), so the
two agree. While a transformation traces
its function it records its axes in the *axis env* (``extend_axis_env``), which
abstract eval consults: a collective over a name nobody binds is an error.
"""

from __future__ import annotations

import contextlib

import numpy as np

from ..core import dtypes
from ..core.array import Array, aval_of
from ..core.ir import ShapedArray
from ..core.registry import (
    abstract_eval_rules,
    declare_no_rule,
    impl_rules,
    jvp_rules,
    transpose_rules,
    vmap_rules,
)
from ..core.trace import Primitive, bind, bind1
from ._batching import bdim_at_front, moveaxis, physical_axis, reshape, shape_of

# Primitives whose meaning depends on named axes: batched even with no mapped operand.
named_axis_primitives: set = set()

# ---- the axis env ----------------------------------------------------------------------
_axis_env: list[tuple] = []


@contextlib.contextmanager
def extend_axis_env(name, size: int):
    """Bind axis ``name`` (of ``size``) while the body traces; None binds nothing."""
    if name is None:
        yield
        return
    _axis_env.append((name, int(size)))
    try:
        yield
    finally:
        _axis_env.pop()


def bound_axis_size(name, api: str = "collective") -> int:
    """The size of the innermost axis bound to ``name``; NameError if unbound."""
    for bound, size in reversed(_axis_env):
        if bound == name:
            return size
    bound = ", ".join(repr(n) for n, _ in _axis_env) or "none"
    raise NameError(f"[{api}] unbound axis name {name!r}: no enclosing vmap/pmap binds it "
                    f"(bound names: {bound}); pass axis_name={name!r} to the vmap/pmap "
                    "that maps this axis")


def _names(axes) -> tuple:
    return tuple(axes) if isinstance(axes, tuple | list) else (axes,)


def _unbound_impl(name):
    def impl(*args, **params):
        axes = params.get("axes", params.get("axis_name"))
        raise NameError(f"[{name}] unbound axis name {_names(axes)[0]!r}: collectives only "
                        "run inside a vmap/pmap that binds their axis_name")
    return impl


def _collective(name: str, abstract_eval) -> Primitive:
    p = Primitive(name)
    abstract_eval_rules[p] = abstract_eval
    impl_rules[p] = _unbound_impl(name)
    named_axis_primitives.add(p)
    return p


def _checked(prim, rule):
    """``rule`` after abstract eval of the per-member avals (shapes and names checked)."""
    def checked(axis_data, vals, bdims, **params):
        avals = []
        for v, b in zip(vals, bdims, strict=True):
            a = aval_of(v, prim.name)
            avals.append(a if b is None else a.update(shape=a.shape[:b] + a.shape[b + 1:]))
        abstract_eval_rules[prim](*avals, **params)
        return rule(axis_data, vals, bdims, **params)
    return checked


def _check_groups(name, axis_index_groups, size: int | None = None) -> int | None:
    """Validate ``axis_index_groups`` (equal-sized groups partitioning the members of an
    axis of ``size``); returns the group size (None without groups)."""
    if axis_index_groups is None:
        return None
    groups = [list(g) for g in axis_index_groups]
    flat = sorted(i for g in groups for i in g)
    if (not groups or len({len(g) for g in groups}) != 1
            or (size is not None and flat != list(range(size)))):
        raise ValueError(f"[{name}] axis_index_groups={axis_index_groups} must split the "
                         f"{size} members of the axis into groups of equal size, each member "
                         "in exactly one group")
    return len(groups[0])


def _unsupported_groups(name, axis_index_groups):
    if axis_index_groups is not None:
        raise NotImplementedError(f"[{name}] axis_index_groups is not supported here; it is "
                                  "for psum/pmean/pmax/pmin/all_gather under pmap")


def _no_groups_under_vmap(name, axis_index_groups):
    if axis_index_groups is not None:
        raise NotImplementedError(f"[{name}] axis_index_groups over a vmapped axis is not "
                                  "supported (JAX neither); map that axis with pmap")


def _scalar(value, like):
    a = like.aval if hasattr(like, "aval") else None
    dtype = shape_dtype(like)
    return Array(np.asarray(value, dtype=dtype),
                 ShapedArray((), dtype, bool(a is not None and a.weak_type)))


def shape_dtype(x):
    from ..core.array import aval_of
    return aval_of(x, "collective").dtype


# ---- psum / pmax / pmin: reductions over named axes ----------------------------------------
def _preduce_abstract_eval(name):
    def abstract_eval(*avals, axes, axis_index_groups=None):
        size = 1
        for a in _names(axes):
            size *= bound_axis_size(a, name)
        _check_groups(name, axis_index_groups, size)
        return list(avals)
    return abstract_eval


def _preduce_vmap(prim, reduce_mapped, reduce_unmapped):
    def rule(axis_data, vals, bdims, *, axes, axis_index_groups=None):
        axes = _names(axes)
        if axis_data.name not in axes:
            return bind(prim, *vals, axes=axes, axis_index_groups=axis_index_groups), list(bdims)
        _no_groups_under_vmap(prim.name, axis_index_groups)
        outs = [reduce_unmapped(v, axis_data.size) if b is None else reduce_mapped(v, b)
                for v, b in zip(vals, bdims, strict=True)]
        rest = tuple(a for a in axes if a != axis_data.name)
        if rest:
            outs = bind(prim, *outs, axes=rest, axis_index_groups=None)
        return outs, [None] * len(outs)
    return rule


def _red(prim_name):
    def reduce(v, b):
        from . import reductions
        return bind1(getattr(reductions, f"{prim_name}_p"), v, axes=(b,))
    return reduce


def _psum_unmapped(v, size):
    from .elementwise import mul_p
    if shape_dtype(v) == dtypes.bool_:
        raise TypeError("[psum] of a bool array; convert it to an integer dtype first")
    return bind1(mul_p, v, _scalar(size, v))


def _pmin_mapped(v, b):
    from . import elementwise, reductions
    if hasattr(reductions, "reduce_min_p"):
        return bind1(reductions.reduce_min_p, v, axes=(b,))
    neg = elementwise.neg_p
    return bind1(neg, bind1(reductions.reduce_max_p, bind1(neg, v), axes=(b,)))


psum_p = _collective("psum", _preduce_abstract_eval("psum"))
_psum_vmap = _preduce_vmap(psum_p, _red("reduce_sum"), _psum_unmapped)
vmap_rules[psum_p] = _checked(psum_p, _psum_vmap)

pmax_p = _collective("pmax", _preduce_abstract_eval("pmax"))
_pmax_vmap = _preduce_vmap(pmax_p, _red("reduce_max"), lambda v, size: v)
vmap_rules[pmax_p] = _checked(pmax_p, _pmax_vmap)

pmin_p = _collective("pmin", _preduce_abstract_eval("pmin"))
_pmin_vmap = _preduce_vmap(pmin_p, _pmin_mapped, lambda v, size: v)
vmap_rules[pmin_p] = _checked(pmin_p, _pmin_vmap)


# ---- axis_index -------------------------------------------------------------------------------
def _axis_index_abstract_eval(*, axis_name):
    bound_axis_size(axis_name, "axis_index")
    return [ShapedArray((), dtypes.int32, False)]


def _axis_index_vmap(axis_data, vals, bdims, *, axis_name):
    if axis_name != axis_data.name:
        return bind(axis_index_p, axis_name=axis_name), [None]
    from .shapes import iota_p
    idx = bind1(iota_p, dtype=dtypes.int32, shape=(axis_data.size,), dimension=0,
                sharding=None)
    return [idx], [0]


axis_index_p = _collective("axis_index", _axis_index_abstract_eval)
vmap_rules[axis_index_p] = _checked(axis_index_p, _axis_index_vmap)


# ---- all_gather(x): stack (or concatenate, tiled) every member's x along a new axis -------
def _all_gather_abstract_eval(x, *, axis_name, all_gather_dimension, axis_size: int,
                              tiled=False, axis_index_groups=None):
    bound = bound_axis_size(axis_name, "all_gather")
    bound = _check_groups("all_gather", axis_index_groups, bound) or bound
    d = all_gather_dimension
    if bound != axis_size or not 0 <= d <= x.ndim - tiled:
        raise ValueError(f"[all_gather] axis {d} / axis_size {axis_size} invalid for "
                         f"{x.str_short()} over axis {axis_name!r} of size {bound}")
    shape = list(x.shape)
    if tiled:
        shape[d] *= axis_size
    else:
        shape.insert(d, axis_size)
    return [ShapedArray(tuple(shape), x.dtype, x.weak_type)]


def _all_gather_vmap(axis_data, vals, bdims, *, axis_name, all_gather_dimension, axis_size,
                     tiled=False, axis_index_groups=None):
    (x,), (b,) = vals, bdims
    d = all_gather_dimension
    if axis_name != axis_data.name:
        x = bdim_at_front(x, b, axis_data.size) if b is not None else x
        out = bind(all_gather_p, x, axis_name=axis_name, axis_size=axis_size, tiled=tiled,
                   all_gather_dimension=d + (b is not None),
                   axis_index_groups=axis_index_groups)
        return out, [None if b is None else 0]
    _no_groups_under_vmap("all_gather", axis_index_groups)
    x = bdim_at_front(x, b, axis_data.size)  # the gathered axis: every member's value
    out = moveaxis(x, 0, d)
    if tiled:
        shape = list(shape_of(out))
        out = reshape(out, shape[:d] + [shape[d] * shape[d + 1]] + shape[d + 2:])
    return [out], [None]


all_gather_p = _collective("all_gather", _all_gather_abstract_eval)
vmap_rules[all_gather_p] = _checked(all_gather_p, _all_gather_vmap)


# ---- all_to_all(x): member i's chunk j of split_axis goes to member j, at position i ------
def _all_to_all_abstract_eval(x, *, axis_name, split_axis, concat_axis, tiled=False,
                              axis_index_groups=None):
    _unsupported_groups("all_to_all", axis_index_groups)
    n = bound_axis_size(axis_name, "all_to_all")
    shape = list(x.shape)
    ok = 0 <= split_axis < x.ndim and 0 <= concat_axis < x.ndim + (not tiled)
    if not ok or (shape[split_axis] != n if not tiled else shape[split_axis] % n):
        raise ValueError(f"[all_to_all] split_axis={split_axis} of {x.str_short()} must "
                         f"{'be divisible by' if tiled else 'equal'} the size {n} of axis "
                         f"{axis_name!r} (and concat_axis={concat_axis} in range)")
    if tiled:
        shape[split_axis] //= n
        shape[concat_axis] *= n
    else:
        del shape[split_axis]
        shape.insert(concat_axis, n)
    return [ShapedArray(tuple(shape), x.dtype, x.weak_type)]


def _all_to_all_vmap(axis_data, vals, bdims, *, axis_name, split_axis, concat_axis,
                     tiled=False, axis_index_groups=None):
    (x,), (b,) = vals, bdims
    x = bdim_at_front(x, b, axis_data.size)
    if axis_name != axis_data.name:
        return bind(all_to_all_p, x, axis_name=axis_name, split_axis=split_axis + 1,
                    concat_axis=concat_axis + 1, tiled=tiled, axis_index_groups=None), [0]
    n = axis_data.size
    if tiled:  # split the tiled axis into (member, chunk); merge j into concat_axis after
        shape = list(shape_of(x))
        s = split_axis + 1
        x = reshape(x, shape[:s] + [n, shape[s] // n] + shape[s + 1:])
        out = _all_to_all_untiled(x, split_axis, concat_axis)
        oshape = list(shape_of(out))
        c = concat_axis + 1
        return [reshape(out, oshape[:c] + [oshape[c] * oshape[c + 1]] + oshape[c + 2:])], [0]
    return [_all_to_all_untiled(x, split_axis, concat_axis)], [0]


def _all_to_all_untiled(x, split_axis, concat_axis):
    """x: (sender j, *S) with S[split_axis] = n -> (receiver i, *S without split, j at
    concat_axis)."""
    y = moveaxis(x, split_axis + 1, 0)  # (i, j, S without split)
    return moveaxis(y, 1, concat_axis + 1)


all_to_all_p = _collective("all_to_all", _all_to_all_abstract_eval)
vmap_rules[all_to_all_p] = _checked(all_to_all_p, _all_to_all_vmap)


# ---- ppermute(x, perm): member dst receives member src's x; others get zeros -------------
def _ppermute_abstract_eval(x, *, axis_name, perm):
    n = bound_axis_size(axis_name, "ppermute")
    srcs, dsts = [p[0] for p in perm], [p[1] for p in perm]
    if (len(set(srcs)) != len(srcs) or len(set(dsts)) != len(dsts)
            or not all(0 <= i < n for i in srcs + dsts)):
        raise ValueError(f"[ppermute] perm={perm} must pair distinct sources with distinct "
                         f"destinations in range(0, {n}) (the size of axis {axis_name!r})")
    return [x]


def _ppermute_vmap(axis_data, vals, bdims, *, axis_name, perm):
    (x,), (b,) = vals, bdims
    if axis_name != axis_data.name:
        return bind(ppermute_p, x, axis_name=axis_name, perm=perm), [b]
    from .elementwise import eq_p, select_n_p
    from .shapes import broadcast_in_dim_p, iota_p, slice_p
    x = bdim_at_front(x, b, axis_data.size)
    shape = shape_of(x)
    out = bind1(broadcast_in_dim_p, _scalar(0, x), shape=shape, broadcast_dimensions=(),
                sharding=None)
    member = bind1(iota_p, dtype=dtypes.int32, shape=shape, dimension=0, sharding=None)
    for src, dst in perm:
        row = bind1(slice_p, x, start_indices=(src,) + (0,) * (len(shape) - 1),
                    limit_indices=(src + 1,) + shape[1:], strides=None)
        row = bind1(broadcast_in_dim_p, row, shape=shape,
                    broadcast_dimensions=tuple(range(len(shape))), sharding=None)
        hit = bind1(eq_p, member, Array(np.asarray(dst, np.int32),
                                        ShapedArray((), dtypes.int32)))
        out = bind1(select_n_p, hit, out, row)
    return [out], [0]


ppermute_p = _collective("ppermute", _ppermute_abstract_eval)
vmap_rules[ppermute_p] = _checked(ppermute_p, _ppermute_vmap)


# ---- reduce_scatter (psum_scatter): member i keeps block i of the sum over members --------
def _reduce_scatter_abstract_eval(x, *, axis_name, scatter_dimension, axis_size: int,
                                  tiled=False, axis_index_groups=None):
    _unsupported_groups("psum_scatter", axis_index_groups)
    n = bound_axis_size(axis_name, "psum_scatter")
    d, shape = scatter_dimension, list(x.shape)
    ok = n == axis_size and 0 <= d < x.ndim
    if not ok or (shape[d] % n if tiled else shape[d] != n):
        raise ValueError(f"[psum_scatter] scatter_dimension={d} of {x.str_short()} must "
                         f"{'be divisible by' if tiled else 'equal'} the size {n} of axis "
                         f"{axis_name!r}")
    if tiled:
        shape[d] //= n
    else:
        del shape[d]
    return [ShapedArray(tuple(shape), x.dtype, x.weak_type)]


def _reduce_scatter_vmap(axis_data, vals, bdims, *, axis_name, scatter_dimension, axis_size,
                         tiled=False, axis_index_groups=None):
    (x,), (b,) = vals, bdims
    d = scatter_dimension
    if axis_name != axis_data.name:
        if b is None:
            return bind(reduce_scatter_p, x, axis_name=axis_name, scatter_dimension=d,
                        axis_size=axis_size, tiled=tiled, axis_index_groups=None), [None]
        dp = physical_axis(d, b)
        out_b = b - 1 if (not tiled and dp < b) else b
        return bind(reduce_scatter_p, x, axis_name=axis_name, scatter_dimension=dp,
                    axis_size=axis_size, tiled=tiled, axis_index_groups=None), [out_b]
    total = _psum_unmapped(x, axis_data.size) if b is None else _red("reduce_sum")(x, b)
    if not tiled:  # member i keeps row i of axis d: that axis becomes the batch axis
        return [total], [d]
    shape = list(shape_of(total))
    n = axis_data.size
    return [reshape(total, shape[:d] + [n, shape[d] // n] + shape[d + 1:])], [d]


reduce_scatter_p = _collective("reduce_scatter", _reduce_scatter_abstract_eval)
vmap_rules[reduce_scatter_p] = _checked(reduce_scatter_p, _reduce_scatter_vmap)

__all__ = ["psum_p", "pmax_p", "pmin_p", "axis_index_p", "all_gather_p", "all_to_all_p",
           "ppermute_p", "reduce_scatter_p", "extend_axis_env", "bound_axis_size",
           "named_axis_primitives", "physical_axis"]


# ---- differentiation: the linear collectives ----------------------------------------------
def _linear_jvp(prim):
    def jvp(primals, tangents, **params):
        return bind(prim, *primals, **params), bind(prim, *tangents, **params)
    return jvp


def _psum_transpose(cts, *args, axes, axis_index_groups=None):
    return bind(psum_p, *cts, axes=axes, axis_index_groups=axis_index_groups)


def _ppermute_transpose(cts, x, *, axis_name, perm):
    inverse = tuple((dst, src) for src, dst in perm)
    return bind(ppermute_p, cts[0], axis_name=axis_name, perm=inverse)


def _all_to_all_transpose(cts, x, *, axis_name, split_axis, concat_axis, tiled=False,
                          axis_index_groups=None):
    return bind(all_to_all_p, cts[0], axis_name=axis_name, split_axis=concat_axis,
                concat_axis=split_axis, tiled=tiled, axis_index_groups=axis_index_groups)


def _all_gather_transpose(cts, x, *, axis_name, all_gather_dimension, axis_size,
                          tiled=False, axis_index_groups=None):
    """Sum the cotangents over the members, then each member keeps its own block."""
    _unsupported_groups("all_gather (differentiated)", axis_index_groups)
    from .elementwise import mul_p
    from .indexing import dynamic_slice_p
    from .shapes import squeeze_p
    total = bind1(psum_p, cts[0], axes=(axis_name,), axis_index_groups=None)
    shape, d = list(shape_of(total)), all_gather_dimension
    block = shape[d] // axis_size if tiled else 1
    me = bind1(axis_index_p, axis_name=axis_name)
    start = bind1(mul_p, me, Array(np.asarray(block, np.int32), ShapedArray((), dtypes.int32)))
    zero = Array(np.zeros((), np.int32), ShapedArray((), dtypes.int32))
    starts = [start if i == d else zero for i in range(len(shape))]
    sizes = tuple(block if i == d else n for i, n in enumerate(shape))
    out = bind1(dynamic_slice_p, total, *starts, slice_sizes=sizes)
    return [out if tiled else bind1(squeeze_p, out, dimensions=(d,))]


def _reduce_scatter_transpose(cts, x, *, axis_name, scatter_dimension, axis_size,
                              tiled=False, axis_index_groups=None):
    return bind(all_gather_p, cts[0], axis_name=axis_name, all_gather_dimension=scatter_dimension,
                axis_size=axis_size, tiled=tiled, axis_index_groups=axis_index_groups)


def _pextremum_jvp(prim):
    """Beyond JAX: the tangent of the selected member; members tied at the extremum
    share it evenly. Built from psum, so it means the same under vmap and pmap."""
    def jvp(primals, tangents, *, axes, axis_index_groups=None):
        from .elementwise import convert_element_type_p, div_p, eq_p, mul_p
        outs = bind(prim, *primals, axes=axes, axis_index_groups=axis_index_groups)
        t_outs = []
        for x, t, y in zip(primals, tangents, outs, strict=True):
            hit = bind1(convert_element_type_p, bind1(eq_p, x, y), new_dtype=shape_dtype(t),
                        weak_type=False, sharding=None)
            count = bind1(psum_p, hit, axes=axes, axis_index_groups=axis_index_groups)
            num = bind1(psum_p, bind1(mul_p, t, hit), axes=axes,
                        axis_index_groups=axis_index_groups)
            t_outs.append(bind1(div_p, num, count))
        return outs, t_outs
    return jvp


jvp_rules[psum_p] = _linear_jvp(psum_p)
jvp_rules[reduce_scatter_p] = _linear_jvp(reduce_scatter_p)
transpose_rules[reduce_scatter_p] = _reduce_scatter_transpose
jvp_rules[pmax_p] = _pextremum_jvp(pmax_p)
jvp_rules[pmin_p] = _pextremum_jvp(pmin_p)
transpose_rules[psum_p] = _psum_transpose
jvp_rules[ppermute_p] = _linear_jvp(ppermute_p)
transpose_rules[ppermute_p] = _ppermute_transpose
jvp_rules[all_to_all_p] = _linear_jvp(all_to_all_p)
transpose_rules[all_to_all_p] = _all_to_all_transpose
jvp_rules[all_gather_p] = _linear_jvp(all_gather_p)
transpose_rules[all_gather_p] = _all_gather_transpose
declare_no_rule("jvp", axis_index_p, "no operands: an integer constant per member")
