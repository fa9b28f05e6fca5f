"""Shared pieces of vmap rules: the axis data, batch-dim helpers, rule builders.

Rule signature: ``vmap_rules[p](axis_data, vals, bdims, **params) -> (vals, bdims)``;
a bdim is an int (the batch axis of that value) or ``not_mapped`` (None). Rules run
with the parent trace current and bind primitives, so they compose with every other
transformation. The helpers bind ``transpose``/``broadcast_in_dim``/``reshape``
(imported lazily: ``shapes`` itself uses these helpers).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..core.array import aval_of
from ..core.trace import bind, bind1

not_mapped = None


@dataclass(frozen=True)
class AxisData:
    """The batch axis a vmap rule works over: its ``name`` (or None) and ``size``."""

    name: Any
    size: int


def _shapes():
    from . import shapes
    return shapes


def shape_of(x) -> tuple[int, ...]:
    return aval_of(x, "vmap").shape


def moveaxis(x, src: int, dst: int):
    """``x`` with axis ``src`` moved to position ``dst`` (a transpose, if needed)."""
    ndim = len(shape_of(x))
    src, dst = src % ndim, dst % ndim
    if src == dst:
        return x
    perm = [i for i in range(ndim) if i != src]
    perm.insert(dst, src)
    return bind1(_shapes().transpose_p, x, permutation=tuple(perm))


def broadcast_batched(x, size: int, axis: int):
    """Insert a new axis of ``size`` at ``axis`` (materializing an unmapped value)."""
    shape = list(shape_of(x))
    axis = axis % (len(shape) + 1)
    dims = tuple(i if i < axis else i + 1 for i in range(len(shape)))
    shape.insert(axis, size)
    return bind1(_shapes().broadcast_in_dim_p, x, shape=tuple(shape), broadcast_dimensions=dims,
                 sharding=None)


def bdim_at_front(x, bdim, size: int):
    """``x`` with its batch axis first; an unmapped ``x`` is broadcast."""
    if bdim is None:
        return broadcast_batched(x, size, 0)
    return moveaxis(x, bdim, 0)


def match_bdim(x, bdim, size: int, dst: int):
    """``x`` with its batch axis at ``dst``; an unmapped ``x`` is broadcast."""
    if bdim is None:
        return broadcast_batched(x, size, dst)
    return moveaxis(x, bdim, dst)


def reshape(x, new_sizes):
    if tuple(shape_of(x)) == tuple(new_sizes):
        return x
    return bind1(_shapes().reshape_p, x, new_sizes=tuple(new_sizes), dimensions=None,
                 sharding=None)


def physical_axis(axis: int, bdim: int) -> int:
    """The axis of the batched value holding logical ``axis`` (batch axis at ``bdim``)."""
    return axis + 1 if axis >= bdim else axis


# ---- rule builders ------------------------------------------------------------------------

def elementwise_vmap(prim, scalar_operands=True):
    """The vmap rule of an elementwise n-ary primitive.

    Operands may mix mapped and unmapped values with different batch dims. Rank-0
    unmapped operands stay rank 0 (the primitive broadcasts them) where
    ``scalar_operands`` allows (True, or a tuple of operand positions); other operands
    are brought to the batched full shape."""
    def rule(axis_data, vals, bdims, **params):
        ranks = [len(shape_of(v)) - (b is not None) for v, b in zip(vals, bdims, strict=True)]
        rank = max(ranks)
        full = next(_unbatched_shape(v, b) for v, b, r in zip(vals, bdims, ranks, strict=True)
                    if r == rank)
        out_bdim = next((b for b, r in zip(bdims, ranks, strict=True)
                         if b is not None and r == rank), 0)
        batched = full[:out_bdim] + (axis_data.size,) + full[out_bdim:]
        args = [_to_batched_full(v, b, r, rank, out_bdim, batched,
                                 scalar_operands is True or i in scalar_operands)
                for i, (v, b, r) in enumerate(zip(vals, bdims, ranks, strict=True))]
        outs = bind(prim, *args, **params)
        return outs, [out_bdim] * len(outs)
    return rule


def _unbatched_shape(v, b) -> tuple[int, ...]:
    shape = shape_of(v)
    return shape if b is None else shape[:b] + shape[b + 1:]


def _to_batched_full(v, b, r, rank, out_bdim, batched, scalar_operands):
    if b is None and r == 0 and scalar_operands:
        return v
    if b is not None and r == rank:
        return moveaxis(v, b, out_bdim)
    if b is None and r == rank:
        dims = tuple(i for i in range(len(batched)) if i != out_bdim)
    elif b is None:
        dims = ()
    else:  # a mapped rank-0 operand (size,) among full-rank ones
        dims = (out_bdim,)
    return bind1(_shapes().broadcast_in_dim_p, v, shape=batched, broadcast_dimensions=dims,
                 sharding=None)


def axis_param_vmap(prim, param: str = "axis"):
    """The vmap rule of a one-operand op whose ``axis`` param names one logical axis and
    whose result keeps the batch axis in place (cumsum, rev-like ops)."""
    def rule(axis_data, vals, bdims, **params):
        (x,), (b,) = vals, bdims
        params[param] = physical_axis(params[param], b)
        outs = bind(prim, x, **params)
        return outs, [b] * len(outs)
    return rule


def reduction_vmap(prim):
    """The vmap rule of a reduction with an ``axes`` param: the batch axis stays where
    it is and the reduced axes are renumbered around it."""
    def rule(axis_data, vals, bdims, *, axes, **params):
        (x,), (b,) = vals, bdims
        ndim = len(shape_of(x)) - 1
        axes = tuple(a % ndim if ndim else a for a in axes)
        phys = tuple(physical_axis(a, b) for a in axes)
        out_bdim = b - sum(1 for a in phys if a < b)
        return bind(prim, x, axes=phys, **params), [out_bdim]
    return rule
