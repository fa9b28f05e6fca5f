"""Shared builders for primitives and their rules.

A family module declares a primitive in one line with a builder, then lists its
remaining rules beside it::

    sin_p = unary("sin", np.sin)
    jvp_rules[sin_p] = _sin_jvp
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from ..core import dtypes
from ..core.ir import ShapedArray
from ..core.registry import abstract_eval_rules, impl_rules, vmap_rules
from ..core.trace import Primitive
from ._batching import elementwise_vmap, reduction_vmap


def primitive(name: str, abstract_eval: Callable, impl: Callable, multiple_results=False
              ) -> Primitive:
    """A primitive whose rules return one value each, unless ``multiple_results``."""
    p = Primitive(name)
    if multiple_results:
        abstract_eval_rules[p], impl_rules[p] = abstract_eval, impl
    else:
        abstract_eval_rules[p] = lambda *a, **k: [abstract_eval(*a, **k)]
        impl_rules[p] = rule = lambda *a, **k: [impl(*a, **k)]
        rule.single_result = impl  # eager evaluation calls it directly (no list)
    return p


# ---- accuracy: narrow floats computed in float64 ---------------------------------
# Eager is the reference semantics, so it must be at least as accurate as XLA: float16,
# bfloat16 and float32 operands of transcendental functions, sums, products and dot
# products are computed in float64 and rounded once to the operand's dtype.
NARROW_FLOATS = frozenset(np.dtype(d) for d in (np.float16, dtypes.bfloat16, np.float32))


def in_float64(np_fn: Callable) -> Callable:
    """``np_fn`` (a NumPy ufunc or any function of arrays) evaluated in float64 when the
    first operand is a narrow float, rounded once back to its dtype."""
    def impl(x, *rest):  # x.astype(...) is cheaper than a ufunc's dtype= (small arrays)
        dtype = x.dtype
        if dtype not in NARROW_FLOATS:
            return np_fn(x, *rest)
        if not rest:  # unary (the hot case): no list, and .astype is cheaper than asarray
            out = np_fn(x.astype(np.float64))
            return out.astype(dtype) if type(out) is np.ndarray else np.asarray(out, dtype)
        return np.asarray(np_fn(x.astype(np.float64), *[v.astype(np.float64) for v in rest]),
                          dtype)
    impl.__name__ = getattr(np_fn, "__name__", "impl")
    return impl


def accumulate_wide(np_reduce: Callable) -> Callable:
    """A NumPy reduction/accumulation (``np.add.reduce``, ``np.cumsum``-like, taking
    ``axis`` and ``dtype``) that accumulates narrow floats in float64. It also takes the
    reduction primitives' param ``axes=`` for ``axis=`` (``reduction`` then registers it
    as the impl as it is, one call less per eager reduction)."""
    def impl(x, *, axis=None, axes=None):
        if axes is not None:
            axis = axes
        if x.dtype not in NARROW_FLOATS:
            return np_reduce(x, axis=axis)
        out = np_reduce(x, axis=axis, dtype=np.float64)  # .astype: cheaper than asarray
        return out.astype(x.dtype) if type(out) is np.ndarray else np.asarray(out, x.dtype)
    impl.accepts_axes = True
    return impl


# Small float sums: ``np.add.reduce(x, dtype=np.float64)`` is mostly per-call setup on small
# arrays. A vector of up to 32 elements is summed by ``math.fsum`` (exactly, then rounded
# once), up to 4096 elements by BLAS (``x64.dot(ones)``, one ddot/dgemv call, float64
# accumulation), also for the sum over all axes or one axis of a matrix. Larger arrays and
# other axes keep ``add.reduce`` (buffered casting, no float64 copy of the operand).
_FSUM_MAX = 32
_DOT_SUM_MAX = 4096
_ONES64: dict = {}  # n -> read-only float64 ones(n)
_ALL_AXES = [tuple(range(n)) for n in range(9)]


def _ones64(n: int) -> np.ndarray:
    ones = _ONES64.get(n)
    if ones is None:
        ones = _ONES64[n] = np.ones(n)
        ones.flags.writeable = False
    return ones


def sum_wide(x: np.ndarray, *, axes) -> np.ndarray:
    """reduce_sum's impl: narrow floats summed in float64 and rounded once (small arrays
    by fsum or BLAS), other dtypes as they are."""
    dtype = x.dtype
    if dtype not in NARROW_FLOATS:
        return np.add.reduce(x, axis=axes)
    n, ndim = x.size, x.ndim
    if ndim == 1 and len(axes) == 1:  # the hot case, checked first
        if n <= _FSUM_MAX:
            try:
                return np.array(math.fsum(x.tolist()), dtype)
            except ValueError:  # inf + -inf
                return np.array(np.nan, dtype)
        if n <= _DOT_SUM_MAX:
            return np.array(x.astype(np.float64).dot(_ones64(n)), dtype)
    elif 0 < n <= _DOT_SUM_MAX:
        if ndim == 2 and len(axes) == 1:  # a column or row sum: one dgemv
            rows, cols = x.shape
            out = (_ones64(rows).dot(x.astype(np.float64)) if axes[0] in (0, -2) else
                   x.astype(np.float64).dot(_ones64(cols)))
            return out.astype(dtype)
        if ndim < 9 and tuple(axes) == _ALL_AXES[ndim]:
            return np.array(x.astype(np.float64).reshape(-1).dot(_ones64(n)), dtype)
    out = np.add.reduce(x, axis=axes, dtype=np.float64)
    return out.astype(dtype) if type(out) is np.ndarray else np.asarray(out, dtype)


sum_wide.accepts_axes = True


# ---- dtype checks ---------------------------------------------------------

KINDS: dict[str, Callable[[np.dtype], bool]] = {
    "float": dtypes.is_float,
    "inexact": dtypes.is_inexact,
    "int": dtypes.is_integer,
    "number": lambda d: d != dtypes.bool_,
    "int_or_bool": lambda d: dtypes.is_integer(d) or d == dtypes.bool_,
    "signed": lambda d: dtypes.is_inexact(d) or np.dtype(d).kind == "i",
    "any": lambda d: True,
}


def check_dtype(name: str, aval: ShapedArray, kind: str) -> None:
    if not KINDS[kind](aval.dtype):
        raise TypeError(f"[{name}] does not accept dtype {aval.dtype} ({aval.str_short()}); "
                        f"it needs a {kind.replace('_', ' or ')} dtype: convert with "
                        f"x.astype(...) or lax.convert_element_type")


def check_axes(name: str, axes, ndim: int) -> tuple[int, ...]:
    for a in axes:
        if not -ndim <= a < ndim:
            raise ValueError(f"[{name}] axis {a} is out of range for an array of rank {ndim}")
    return tuple(a % ndim if ndim else a for a in axes)


# ---- elementwise ------------------------------------------------------------

def elementwise_shape(name: str, avals) -> tuple[int, ...]:
    """Operands must have equal shapes; rank-0 operands broadcast (as in jax.lax)."""
    shapes = {a.shape for a in avals if a.shape != ()}
    if len(shapes) > 1:
        got = ", ".join(a.str_short() for a in avals)
        raise TypeError(f"[{name}] operands must have equal shapes, got {got}; broadcast them "
                        "first (functrans.numpy functions broadcast automatically)")
    return shapes.pop() if shapes else ()


def elementwise_dtype(name: str, avals) -> np.dtype:
    kinds = {a.dtype for a in avals}
    if len(kinds) > 1:
        got = ", ".join(a.str_short() for a in avals)
        raise TypeError(f"[{name}] operands must have the same dtype, got {got}; convert one "
                        "with x.astype(...) (functrans.numpy functions promote automatically)")
    return avals[0].dtype


def naryop_abstract_eval(name: str, kind: str, out_dtype=None):
    accepts = KINDS[kind]
    accepted: dict[np.dtype, bool] = {}  # accepts(dtype), remembered per dtype

    def abstract_eval(*avals, **params):
        a0 = avals[0]
        shape, dtype, weak = a0.shape, a0.dtype, a0.weak_type
        for a in avals:  # one pass for the usual case: equal shapes and dtypes
            if a.shape != shape:
                shape = None
            if a.dtype != dtype:
                dtype = None
            weak = weak and a.weak_type
        if shape is None:
            shape = elementwise_shape(name, avals)
        if dtype is None:
            dtype = elementwise_dtype(name, avals)
        ok = accepted.get(dtype)
        if ok is None:
            ok = accepted[dtype] = bool(accepts(dtype))
        if not ok:
            check_dtype(name, a0, kind)
        if out_dtype is not None:
            return ShapedArray(shape, out_dtype, False)
        return ShapedArray(shape, dtype, weak)
    return abstract_eval


def unary(name: str, np_fn: Callable, kind: str = "inexact") -> Primitive:
    """An elementwise one-operand primitive with a NumPy impl (and its vmap rule)."""
    p = primitive(name, naryop_abstract_eval(name, kind), np_fn)
    vmap_rules[p] = elementwise_vmap(p)
    return p


def binary(name: str, np_fn: Callable, kind: str = "number", out_dtype=None) -> Primitive:
    """An elementwise two-operand primitive (equal shapes and dtypes), with its vmap rule."""
    p = primitive(name, naryop_abstract_eval(name, kind, out_dtype), np_fn)
    vmap_rules[p] = elementwise_vmap(p)
    return p


def comparison(name: str, np_fn: Callable) -> Primitive:
    return binary(name, np_fn, "any", out_dtype=dtypes.bool_)


# ---- reductions -------------------------------------------------------------

def reduce_abstract_eval(name: str, kind: str, out_dtype=None):
    def abstract_eval(x, *, axes, **params):
        check_dtype(name, x, kind)
        axes = check_axes(name, axes, x.ndim)
        shape = tuple(d for i, d in enumerate(x.shape) if i not in axes)
        dtype = params.get("index_dtype", out_dtype) or x.dtype
        return ShapedArray(shape, dtype, x.weak_type and dtype == x.dtype)
    return abstract_eval


def reduction(name: str, np_fn: Callable, kind: str = "number") -> Primitive:
    """A reduction over static ``axes``: ``np_fn(x, axis=axes)`` (with its vmap rule)."""
    impl = np_fn if getattr(np_fn, "accepts_axes", False) else (
        lambda x, *, axes: np_fn(x, axis=tuple(axes)))
    p = primitive(name, reduce_abstract_eval(name, kind), impl)
    vmap_rules[p] = reduction_vmap(p)
    return p
