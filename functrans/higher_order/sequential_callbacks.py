"""Rolled sequential vmap of host callbacks: ``pure_callback(..., vmap_method='sequential')``
and unordered ``io_callback`` under vmap become one ``scan`` over the batch whose body
calls the callback on one element (as JAX's ``lax.map``), so the program holds one
callback however large the batch. ``'sequential_unrolled'`` (and ``debug_callback``, as
in JAX) keep the unrolled rule of ``primitives/callbacks.py``.

These rules live here, not beside the primitives, because they bind ``scan``.
"""

from __future__ import annotations

from ..core.registry import vmap_rules
from ..core.trace import bind
from ..primitives import callbacks as cb
from ..primitives._batching import moveaxis
from ..primitives._ops import aval
from ._jaxpr_util import trace_closed
from .loops import scan_p


def rolled_vmap(prim):
    """One call per batch element, in order, inside a scan over the batch."""
    def rule(axis_data, vals, bdims, **params):
        batched = [b is not None for b in bdims]
        consts = [v for v, b in zip(vals, batched, strict=True) if not b]
        xs = [moveaxis(v, bd, 0) for v, bd in zip(vals, bdims, strict=True) if bd is not None]

        def body(*args):
            const_it, x_it = iter(args[:len(consts)]), iter(args[len(consts):])
            ins = [next(x_it) if b else next(const_it) for b in batched]
            return bind(prim, *ins, **params)

        in_avals = [aval(c) for c in consts] + [_unbatched(aval(x)) for x in xs]
        closed, hoisted, _ = trace_closed(body, in_avals, "vmap")
        outs = bind(scan_p, *hoisted, *consts, *xs, jaxpr=closed, length=axis_data.size,
                    reverse=False, unroll=1, num_consts=len(hoisted) + len(consts),
                    num_carry=0)
        return outs, [0] * len(outs)
    return rule


def _unbatched(a):
    return a.update(shape=a.shape[1:])


def _pure_callback_vmap(axis_data, vals, bdims, *, vmap_method, **params):
    if vmap_method == "sequential":
        return rolled_vmap(cb.pure_callback_p)(axis_data, vals, bdims,
                                               vmap_method=vmap_method, **params)
    return cb._pure_callback_vmap(axis_data, vals, bdims, vmap_method=vmap_method, **params)


def _io_callback_vmap(axis_data, vals, bdims, *, ordered, **params):
    if ordered:
        return cb._io_callback_vmap(axis_data, vals, bdims, ordered=ordered, **params)
    return rolled_vmap(cb.io_callback_p)(axis_data, vals, bdims, ordered=ordered, **params)


vmap_rules[cb.pure_callback_p] = _pure_callback_vmap
vmap_rules[cb.io_callback_p] = _io_callback_vmap
