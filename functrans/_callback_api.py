"""Host callbacks from (possibly compiled) code: ``debug.print``, ``debug.callback``,
``pure_callback`` and ``experimental.io_callback``, on the primitives of
``primitives/callbacks.py``.

Arguments are pytrees; their array leaves (arrays, tracers, Python numbers) travel as
operands, other leaves (strings, None-like statics) are closed over. The callback gets
``functrans.Array`` values (``debug.print`` formats NumPy values, as JAX prints them).
"""

from __future__ import annotations

import string
from collections.abc import Callable
from typing import Any

import numpy as np

from . import tree_util
from .core import dtypes
from .core.array import aval_of, from_numpy
from .core.ir import ShapedArray
from .core.trace import Tracer, bind
from .primitives.callbacks import (
    HostCallback,
    debug_callback_p,
    io_callback_p,
    pure_callback_p,
)

_VMAP_METHODS = ("sequential", "sequential_unrolled", "expand_dims", "broadcast_all",
                 "legacy_vectorized", None)


def _is_dynamic(x) -> bool:
    if isinstance(x, Tracer):
        return True
    try:
        aval_of(x)
    except TypeError:
        return False
    return True


def _split_args(args, kwargs):
    """``(treedef, dynamic leaves, {position: static leaf})``."""
    leaves, treedef = tree_util.tree_flatten((args, kwargs))
    dyn, static = [], {}
    for i, leaf in enumerate(leaves):
        if _is_dynamic(leaf):
            dyn.append(leaf)
        else:
            static[i] = leaf
    return treedef, dyn, static


def _merge_args(treedef, dyn, static):
    it = iter(dyn)
    leaves = [static[i] if i in static else next(it) for i in range(treedef.num_leaves)]
    return tree_util.tree_unflatten(treedef, leaves)


def _flat_callback(fn: Callable, treedef, static: dict, as_arrays: bool) -> Callable:
    def flat(*vals):
        vals = [from_numpy(np.asarray(v)) if as_arrays else np.asarray(v) for v in vals]
        args, kwargs = _merge_args(treedef, vals, static)
        return fn(*args, **kwargs)
    return flat


def _name(fn) -> str:
    return getattr(fn, "__name__", type(fn).__name__)


class _FieldChecker(string.Formatter):
    """Checks that every field of a format string has a value, formatting nothing."""

    def format_field(self, value, format_spec):
        return ""

    def check_unused_args(self, used_args, args, kwargs):
        unused = [f"#{i}" for i in range(len(args)) if i not in used_args]
        unused += [k for k in kwargs if k not in used_args]
        if unused:
            raise ValueError(f"[debug.print] arguments {', '.join(unused)} have no field in "
                             "the format string; add '{}' (or '{name}') fields for them")


def debug_callback(callback: Callable[..., Any], *args, ordered: bool = False,
                   **kwargs) -> None:
    """Call ``callback(*args, **kwargs)`` on the host with the runtime values, also from
    inside jit, vmap (once per element) and grad (primal values only).

    Args:
      callback: a Python function; its return value is ignored.
      *args, **kwargs: pytrees of arrays (and static Python values) passed to it.
      ordered: accepted for JAX compatibility (callbacks run in program order).

    Returns:
      None.

    Example:
        >>> ft.jit(lambda x: ft.debug.callback(print, x * 2) or x)(1.0)
        2.0
    """
    treedef, dyn, static = _split_args(args, kwargs)
    flat = _flat_callback(callback, treedef, static, as_arrays=True)
    bind(debug_callback_p, *dyn, callback=HostCallback(flat, _name(callback)),
         ordered=bool(ordered))


def debug_print(fmt: str, *args, ordered: bool = False, **kwargs) -> None:
    """Print ``fmt.format(*args, **kwargs)`` with the runtime values of the arguments,
    also from inside jit, vmap (once per element) and grad (primal values only).

    Unlike an f-string, formatting happens when the values are known:
    write ``debug.print("x = {x}", x=x)``, not ``print(f"x = {x}")``.

    Args:
      fmt: a ``str.format`` format string.
      *args, **kwargs: the values to format (pytrees of arrays or Python values).
      ordered: accepted for JAX compatibility (prints run in program order).

    Returns:
      None.

    Example:
        >>> ft.jit(lambda x: ft.debug.print("x = {}", x) or x)(1.0)
        x = 1.0
    """
    if not isinstance(fmt, str):
        raise TypeError(f"[debug.print] fmt must be a format string, got {type(fmt).__name__}")
    _FieldChecker().format(fmt, *args, **kwargs)  # missing fields fail now, at the call
    has_fields = any(field is not None for _, field, _, _ in string.Formatter().parse(fmt))
    printopts = dict(np.get_printoptions())

    def show(*a, **k):
        with np.printoptions(**printopts):
            msg = fmt.format(*a, **k) if has_fields else " ".join((fmt, *map(str, a)))
        print(msg, flush=True)

    treedef, dyn, static = _split_args(args, kwargs)
    flat = _flat_callback(show, treedef, static, as_arrays=True)
    bind(debug_callback_p, *dyn, callback=HostCallback(flat, f"print({fmt!r})"),
         ordered=bool(ordered))


def _result_avals(api: str, result_shape_dtypes):
    leaves, treedef = tree_util.tree_flatten(result_shape_dtypes)
    avals = []
    for leaf in leaves:
        if not (hasattr(leaf, "shape") and hasattr(leaf, "dtype")):
            raise TypeError(f"[{api}] result_shape_dtypes leaves need .shape and .dtype "
                            f"(e.g. functrans.ShapeDtypeStruct), got {type(leaf).__name__}")
        dtype = np.dtype(leaf.dtype)
        if dtypes.check_supported(dtype, api) != dtype:
            raise ValueError(f"[{api}] result_shape_dtypes cannot declare {dtype} while 64-bit "
                             "types are disabled; declare the 32-bit dtype")
        avals.append(ShapedArray(tuple(leaf.shape), dtype))
    return tuple(avals), treedef


def _results_callback(api: str, callback, treedef_in, static, out_treedef):
    flat = _flat_callback(callback, treedef_in, static, as_arrays=True)

    def call(*vals):
        out = flat(*vals)
        leaves, treedef = tree_util.tree_flatten(out)
        if treedef != out_treedef:
            raise RuntimeError(f"[{api}] the callback returned a {treedef} but "
                               f"result_shape_dtypes declares {out_treedef}")
        return [np.asarray(x) for x in leaves]
    return call


def pure_callback(callback: Callable[..., Any], result_shape_dtypes: Any, *args,
                  vmap_method: str | None = None, **kwargs):
    """Call a pure host function from (possibly compiled) code.

    Args:
      callback: ``callback(*args, **kwargs)`` returning arrays matching
        ``result_shape_dtypes``. It must be pure: it may be skipped when its results are
        unused, or called more than once.
      result_shape_dtypes: a pytree of objects with ``shape`` and ``dtype``
        (``ShapeDtypeStruct``, arrays).
      *args, **kwargs: pytrees of arrays passed to the callback.
      vmap_method: how it batches under vmap: ``'sequential'`` (one call per element),
        ``'expand_dims'`` (one call; unbatched arguments get a size-1 leading axis),
        ``'broadcast_all'`` (unbatched arguments broadcast), ``'legacy_vectorized'``.

    Returns:
      A pytree like ``result_shape_dtypes`` of arrays.

    Example:
        >>> f = lambda x: ft.pure_callback(np.sin, ft.ShapeDtypeStruct(x.shape, x.dtype), x)
        >>> ft.jit(f)(fnp.ones(3))
        Array([0.84147096, 0.84147096, 0.84147096], dtype=float32)

    Not differentiable by itself: wrap it in ``custom_jvp`` to give its derivative.
    """
    if vmap_method not in _VMAP_METHODS:
        raise ValueError(f"[pure_callback] vmap_method must be one of {list(_VMAP_METHODS)}, "
                         f"got {vmap_method!r}")
    result_avals, out_treedef = _result_avals("pure_callback", result_shape_dtypes)
    treedef, dyn, static = _split_args(args, kwargs)
    call = _results_callback("pure_callback", callback, treedef, static, out_treedef)
    outs = bind(pure_callback_p, *dyn, callback=HostCallback(call, _name(callback)),
                result_avals=result_avals, vmap_method=vmap_method)
    return tree_util.tree_unflatten(out_treedef, outs)


def io_callback(callback: Callable[..., Any], result_shape_dtypes: Any, *args,
                ordered: bool = False, **kwargs):
    """Call a host function with side effects from (possibly compiled) code: it is never
    removed or duplicated, and runs once per element under vmap.

    Args:
      callback: ``callback(*args, **kwargs)`` returning arrays matching
        ``result_shape_dtypes`` (``None`` for no results).
      result_shape_dtypes: a pytree of objects with ``shape`` and ``dtype``.
      *args, **kwargs: pytrees of arrays passed to the callback.
      ordered: accepted for JAX compatibility (callbacks run in program order).

    Returns:
      A pytree like ``result_shape_dtypes`` of arrays.

    Example:
        >>> log = []
        >>> f = lambda x: io_callback(lambda v: log.append(v) or v, x, x)
        >>> ft.jit(f)(fnp.ones(2))
        Array([1., 1.], dtype=float32)
    """
    result_avals, out_treedef = _result_avals("io_callback", result_shape_dtypes)
    treedef, dyn, static = _split_args(args, kwargs)
    call = _results_callback("io_callback", callback, treedef, static, out_treedef)
    outs = bind(io_callback_p, *dyn, callback=HostCallback(call, _name(callback)),
                result_avals=result_avals, ordered=bool(ordered))
    return tree_util.tree_unflatten(out_treedef, outs)
