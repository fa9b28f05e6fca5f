"""Host callbacks: primitives that call a Python function with concrete values.

* ``debug_callback``: calls ``callback(*arrays)`` for its side effect; no results. Under
  jvp it sees the primal values only, under vmap it is called once per batch element
  (in order), and it is never removed as dead code (``effectful_primitives``).
* ``pure_callback``: ``callback(*arrays) -> results`` of the declared ``result_avals``;
  assumed pure (it may be removed when unused, or repeated). Not differentiable (wrap
  it in ``custom_jvp``); under vmap as ``vmap_method`` says ('sequential' is rolled into a
  scan by ``higher_order/sequential_callbacks.py``, which overrides the rule registered here).
* ``io_callback``: like ``pure_callback`` but effectful (kept, never duplicated); under
  vmap it runs sequentially (rolled, likewise).

The ``callback`` param is a :class:`HostCallback` taking and returning flat lists of
NumPy arrays. Eagerly the impl rule calls it; compiled code calls it through XLA's host
callback mechanism (``xla_lowering/callbacks.py``)::

    debug_callback[callback=print_x ordered=False] a
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from ..core.ir import ShapedArray
from ..core.registry import (
    effectful_primitives,
    jvp_rules,
    transpose_rules,
    vmap_rules,
)
from ..core.trace import bind, bind1
from ._builders import primitive


class HostCallback:
    """A flat host function ``fn(*np_arrays) -> list of np arrays`` with a readable name
    (for printed jaxprs). Hashable by identity, like the function it wraps."""

    __slots__ = ("fn", "name")

    def __init__(self, fn: Callable, name: str):
        self.fn = fn
        self.name = name

    def __call__(self, *args):
        return self.fn(*args)

    def __repr__(self) -> str:
        return self.name


def check_results(api: str, outs, result_avals: Sequence[ShapedArray]) -> list[np.ndarray]:
    """The callback's results as NumPy arrays, checked against the declared avals."""
    outs = list(outs)
    if len(outs) != len(result_avals):
        raise RuntimeError(f"[{api}] the callback returned {len(outs)} values but "
                           f"result_shape_dtypes declares {len(result_avals)}")
    checked = []
    for i, (o, a) in enumerate(zip(outs, result_avals, strict=True)):
        o = np.asarray(o)
        if o.shape != a.shape or o.dtype != a.dtype:
            raise RuntimeError(
                f"[{api}] result #{i} of the callback has shape {o.shape} and dtype {o.dtype}, "
                f"but result_shape_dtypes declares {a.str_short()}; return arrays of the "
                "declared shapes and dtypes (e.g. np.asarray(x, dtype))")
        checked.append(o)
    return checked


# ---- debug_callback -----------------------------------------------------------------------

def _debug_callback_abstract_eval(*avals, callback, ordered):
    return []


def _debug_callback_impl(*args, callback, ordered):
    callback(*args)
    return []


debug_callback_p = primitive("debug_callback", _debug_callback_abstract_eval,
                             _debug_callback_impl, multiple_results=True)
effectful_primitives.add(debug_callback_p)


def _debug_callback_jvp(primals, tangents, **params):
    """Tangents do not reach the callback: it sees the primal values only."""
    bind(debug_callback_p, *primals, **params)
    return [], []


def _debug_callback_transpose(cts, *args, **params):
    return [None] * len(args)


def _index_at(x, bdim, i: int):
    """``x[i]`` along its batch axis ``bdim`` (``x`` itself when unmapped)."""
    if bdim is None:
        return x
    from . import shapes
    shape = x.shape if hasattr(x, "shape") else np.shape(x)
    start = [0] * len(shape)
    limit = list(shape)
    start[bdim], limit[bdim] = i, i + 1
    piece = bind1(shapes.slice_p, x, start_indices=tuple(start), limit_indices=tuple(limit),
                  strides=None)
    return bind1(shapes.squeeze_p, piece, dimensions=(bdim,))


def _stack(xs):
    from . import shapes
    rows = [bind1(shapes.broadcast_in_dim_p, x, shape=(1, *x.shape),
                  broadcast_dimensions=tuple(range(1, len(x.shape) + 1)), sharding=None)
            for x in xs]
    return bind1(shapes.concatenate_p, *rows, dimension=0)


def sequential_vmap(prim):
    """Unrolled over the batch: one call per element, in order; results stacked."""
    def rule(axis_data, vals, bdims, **params):
        rows = [bind(prim, *[_index_at(v, b, i) for v, b in zip(vals, bdims, strict=True)],
                     **params) for i in range(axis_data.size)]
        n_out = len(rows[0]) if rows else 0
        return [_stack([r[k] for r in rows]) for k in range(n_out)], [0] * n_out
    return rule


jvp_rules[debug_callback_p] = _debug_callback_jvp
transpose_rules[debug_callback_p] = _debug_callback_transpose
vmap_rules[debug_callback_p] = sequential_vmap(debug_callback_p)


# ---- pure_callback and io_callback --------------------------------------------------------

def _callback_abstract_eval(*avals, callback, result_avals, **params):
    return list(result_avals)


def _callback_impl(api):
    def impl(*args, callback, result_avals, **params):
        return check_results(api, callback(*args), result_avals)
    return impl


pure_callback_p = primitive("pure_callback", _callback_abstract_eval,
                            _callback_impl("pure_callback"), multiple_results=True)
io_callback_p = primitive("io_callback", _callback_abstract_eval,
                          _callback_impl("io_callback"), multiple_results=True)
effectful_primitives.add(io_callback_p)


def _not_differentiable(api: str):
    def rule(*args, **params):
        raise ValueError(f"[{api}] host callbacks are not differentiable; to take gradients "
                         "through one, wrap it in functrans.custom_jvp (or custom_vjp) and "
                         "give its derivative (itself possibly another callback)")
    return rule


def _expand_vmap(axis_data, vals, bdims, *, callback, result_avals, vmap_method):
    """``expand_dims``/``broadcast_all``/``legacy_vectorized``: one call on whole batches
    (batch axis first; unbatched operands get a size-1 axis, or the full size)."""
    from ._batching import broadcast_batched, moveaxis
    args = []
    for v, b in zip(vals, bdims, strict=True):
        if b is not None:
            args.append(moveaxis(v, b, 0))
        elif vmap_method == "legacy_vectorized":
            args.append(v)
        else:
            size = axis_data.size if vmap_method == "broadcast_all" else 1
            args.append(broadcast_batched(v, size, 0))
    batched = tuple(ShapedArray((axis_data.size, *a.shape), a.dtype) for a in result_avals)
    outs = bind(pure_callback_p, *args, callback=callback, result_avals=batched,
                vmap_method=vmap_method)
    return outs, [0] * len(outs)


def _pure_callback_vmap(axis_data, vals, bdims, *, callback, result_avals, vmap_method):
    params = dict(callback=callback, result_avals=result_avals, vmap_method=vmap_method)
    if vmap_method in ("sequential", "sequential_unrolled"):
        return sequential_vmap(pure_callback_p)(axis_data, vals, bdims, **params)
    if vmap_method in ("expand_dims", "broadcast_all", "legacy_vectorized"):
        return _expand_vmap(axis_data, vals, bdims, **params)
    raise NotImplementedError(
        "[pure_callback] vmap of a pure_callback needs vmap_method: one of 'sequential', "
        "'sequential_unrolled', 'expand_dims', 'broadcast_all' (got None); pass it to "
        "functrans.pure_callback(..., vmap_method=...)")


def _io_callback_vmap(axis_data, vals, bdims, *, callback, result_avals, ordered):
    if ordered:
        raise ValueError("[io_callback] cannot vmap an ordered io_callback (its calls would "
                         "have no defined order); use ordered=False, or loop with lax.map")
    return sequential_vmap(io_callback_p)(axis_data, vals, bdims, callback=callback,
                                          result_avals=result_avals, ordered=ordered)


jvp_rules[pure_callback_p] = _not_differentiable("pure_callback")
vmap_rules[pure_callback_p] = _pure_callback_vmap
jvp_rules[io_callback_p] = _not_differentiable("io_callback")
vmap_rules[io_callback_p] = _io_callback_vmap
