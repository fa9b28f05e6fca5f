"""Thin bind wrappers used by the differentiation rules of every primitive family.

Rules are written with these (never with NumPy), so a rule's output is itself
traced by whatever transformation is current and differentiates again. Operands
must already have equal shapes and dtypes, as for the primitives; ``full_like``
and ``scalar_like`` make constants of a given aval.
"""

from __future__ import annotations

import numpy as np

from ..core import dtypes
from ..core.array import Array, aval_of
from ..core.ir import ShapedArray
from ..core.trace import Tracer, bind, bind1

_primitives: dict = {}


def _p(module: str, name: str):
    """``functrans.primitives.<module>.<name>``, looked up once (the families import this
    module, so it cannot import them at load time)."""
    found = _primitives.get((module, name))
    if found is None:
        from importlib import import_module
        found = _primitives[module, name] = getattr(
            import_module(f"functrans.primitives.{module}"), name)
    return found


def aval(x) -> ShapedArray:
    return x.aval if isinstance(x, Tracer) else aval_of(x)


def scalar(value, dtype) -> Array:
    """A rank-0 constant of ``dtype``."""
    dtype = np.dtype(dtype)
    return Array(np.asarray(value, dtype=dtype), ShapedArray((), dtype, False))


def full(shape, value, dtype):
    """An array of ``shape`` filled with ``value``."""
    s = scalar(value, dtype)
    return s if tuple(shape) == () else broadcast_in_dim(s, tuple(shape), ())


def full_like(x, value):
    a = aval(x)
    return full(a.shape, value, a.dtype)


def zeros_aval(a: ShapedArray):
    return full(a.shape, 0, a.dtype)


def scalar_like(x, value):
    """``value`` as a rank-0 constant of ``x``'s dtype: elementwise primitives broadcast
    rank-0 operands, so no full array is built (``mul b 2.0:f32[]``)."""
    return scalar(value, aval(x).dtype)


def _bin(name):
    def op(x, y):
        return bind1(_p("elementwise", f"{name}_p"), x, y)
    op.__name__ = name
    return op


add, sub, mul, div, max_, min_, pow_ = map(_bin, ("add", "sub", "mul", "div", "max", "min",
                                                  "pow"))
eq, ne, lt, gt, ge, le = map(_bin, ("eq", "ne", "lt", "gt", "ge", "le"))


def _un(name):
    def op(x):
        return bind1(_p("elementwise", f"{name}_p"), x)
    op.__name__ = name
    return op


neg, exp, log, sin, cos, tanh, logistic, sqrt = map(
    _un, ("neg", "exp", "log", "sin", "cos", "tanh", "logistic", "sqrt"))


def integer_pow(x, y: int):
    return bind1(_p("elementwise", "integer_pow_p"), x, y=int(y))


def select_n(which, *cases):
    return bind1(_p("elementwise", "select_n_p"), which, *cases)


def convert(x, new_dtype, weak_type: bool = False):
    new_dtype = np.dtype(new_dtype)
    a = aval(x)
    if a.dtype == new_dtype and a.weak_type == weak_type:
        return x
    return bind1(_p("elementwise", "convert_element_type_p"), x, new_dtype=new_dtype,
                 weak_type=weak_type, sharding=None)


def broadcast_in_dim(x, shape, broadcast_dimensions):
    shape, dims = tuple(shape), tuple(broadcast_dimensions)
    if aval(x).shape == shape and dims == tuple(range(len(shape))):
        return x
    return bind1(_p("shapes", "broadcast_in_dim_p"), x, shape=shape,
                 broadcast_dimensions=dims, sharding=None)


def reshape(x, new_sizes):
    new_sizes = tuple(new_sizes)
    if aval(x).shape == new_sizes:
        return x
    return bind1(_p("shapes", "reshape_p"), x, new_sizes=new_sizes, dimensions=None,
                 sharding=None)


def transpose(x, permutation):
    permutation = tuple(permutation)
    if permutation == tuple(range(len(permutation))):
        return x
    return bind1(_p("shapes", "transpose_p"), x, permutation=permutation)


def reduce_sum(x, axes):
    axes = tuple(axes)
    if not axes:
        return x
    return bind1(_p("reductions", "reduce_sum_p"), x, axes=axes)


def optimization_barrier(*xs) -> list:
    return bind(_p("elementwise", "optimization_barrier_p"), *xs)


def count_true(mask, axes, dtype):
    """How many entries of bool ``mask`` are true over ``axes``, as ``dtype``, at least 1
    (a divisor that is never 0)."""
    counts = reduce_sum(convert(mask, dtype), axes)
    return max_(counts, full_like(counts, 1))


def dot_general(lhs, rhs, dimension_numbers, precision=None, preferred_element_type=None):
    return bind1(_p("dot", "dot_general_p"), lhs, rhs, dimension_numbers=dimension_numbers,
                 precision=precision, preferred_element_type=preferred_element_type)


def sum_to_shape(x, shape):
    """Sum ``x`` over the axes ``broadcast_in_dim`` added/expanded to reach its shape."""
    xs = aval(x).shape
    if xs == tuple(shape):
        return x
    return reshape(reduce_sum(x, tuple(range(len(xs) - len(shape)))), shape)


def is_float(a: ShapedArray) -> bool:
    return dtypes.is_inexact(a.dtype)


def zeros_like(x):
    return full_like(x, 0)


def ones_like(x):
    return full_like(x, 1)


def pad_zeros(ct, operand_shape, start_indices, strides):
    """Place ``ct`` into zeros of ``operand_shape`` at a strided window (slice transpose):
    one ``pad`` with low = start, interior = stride - 1 and the rest as high padding."""
    ct_shape = aval(ct).shape
    if any(n == 0 for n in ct_shape):
        return full(operand_shape, 0, aval(ct).dtype)
    config = []
    for n_op, n_ct, start, stride in zip(operand_shape, ct_shape, start_indices, strides,
                                         strict=True):
        covered = start + (n_ct - 1) * stride + 1
        config.append((start, n_op - covered, stride - 1))
    return bind1(_p("shapes", "pad_p"), ct, scalar(0, aval(ct).dtype),
                 padding_config=tuple(config))


# ---- transpose-rule helpers ------------------------------------------------------------

class UndefinedPrimal:
    """Marks an argument of a transpose rule that the primitive is linear in (its value is
    unknown; ``aval`` gives its shape and dtype).

    Example:
        >>> UndefinedPrimal(ShapedArray((3,), np.float32)).aval.shape
        (3,)
    """

    __slots__ = ("aval",)

    def __init__(self, aval: ShapedArray):
        self.aval = aval

    def __repr__(self) -> str:
        return f"UndefinedPrimal({self.aval.str_short()})"


def is_undefined(x) -> bool:
    return isinstance(x, UndefinedPrimal)


def unbroadcast(a: ShapedArray, ct):
    """``ct`` as a cotangent of an operand of aval ``a``: summed down when an elementwise
    op broadcast the rank-0 operand, cast to its dtype."""
    if ct is None:
        return None
    if a.shape == () and aval(ct).shape != ():
        ct = reduce_sum(ct, tuple(range(aval(ct).ndim)))
    return convert(ct, a.dtype, a.weak_type) if aval(ct).dtype != a.dtype else ct


def linear_jvp(prim):
    """The jvp rule of a primitive linear in its one operand: apply it to the tangent."""
    def jvp(primals, tangents, **params):
        return bind(prim, *primals, **params), bind(prim, *tangents, **params)
    return jvp


def sum_of_terms_jvp(prim, *terms):
    """The jvp rule of a primitive whose tangent is a sum of one term per operand
    (``mul``, ``div``, ``dot_general``): ``terms[i](primals, t_i, **params)``.

    The jvp interpreter passes ``None`` for a symbolic-zero tangent to rules built here
    (``rule.accepts_zeros``), and this helper skips that operand's term, so no zeros
    are materialized and no work is done for them; the terms never see zeros."""
    def jvp(primals, tangents, **params):
        out = bind1(prim, *primals, **params)
        acc = None
        for term, t in zip(terms, tangents, strict=True):
            if t is not None:
                c = term(primals, t, **params)
                acc = c if acc is None else add(acc, c)
        return [out], [acc]
    jvp.accepts_zeros = True
    return jvp


def zero_jvp(prim):
    """The jvp rule of a piecewise-constant primitive (floor, sign, ...): a symbolic zero
    tangent (``None``), never a materialized one, so no ``0 * inf = nan`` downstream."""
    def jvp(primals, tangents, **params):
        outs = bind(prim, *primals, **params)
        return outs, [None] * len(outs)
    return jvp


def unary_jvp(prim, deriv):
    """The jvp rule ``t * deriv(x, out)`` of an elementwise one-operand primitive."""
    def jvp(primals, tangents, **params):
        out = bind1(prim, *primals, **params)
        return [out], [mul(tangents[0], deriv(primals[0], out))]
    return jvp


def constant(value: np.ndarray) -> Array:
    """A NumPy array as a (non-weak) constant operand."""
    value = np.asarray(value)
    return Array(value, ShapedArray(value.shape, value.dtype, False))


def take_along_axis(x, idx, axis: int):
    """``x`` gathered at int32 ``idx`` along ``axis`` (``idx`` has ``x``'s rank and its sizes
    on every other axis): one gather with the other axes as batching dims."""
    gather = _p("indexing", "gather_p")
    dn = _p("indexing", "GatherDimensionNumbers")
    others = tuple(d for d in range(aval(x).ndim) if d != axis)
    idx = reshape(idx, (*aval(idx).shape, 1))
    return bind1(gather, x, idx, dimension_numbers=dn((), (axis,), (axis,), others, others),
                 slice_sizes=(1,) * aval(x).ndim, indices_are_sorted=False,
                 unique_indices=False, mode=_p("indexing", "GatherScatterMode").CLIP,
                 fill_value=None)


def take_slices(x, idx, axis: int):
    """``x``'s slices along ``axis`` at int32 ``idx`` (shaped like ``x``'s axes up to and
    including ``axis``; the axes before it are batch axes), the axes after ``axis`` taken
    whole: ``x[..., idx, :]`` per batch element, as one gather (a row permutation needs no
    index broadcast over the row)."""
    gather = _p("indexing", "gather_p")
    dn = _p("indexing", "GatherDimensionNumbers")
    shape = aval(x).shape
    batch = tuple(range(axis))
    idx = reshape(idx, (*aval(idx).shape, 1))
    return bind1(gather, x, idx,
                 dimension_numbers=dn(tuple(range(axis + 1, len(shape))), (axis,), (axis,),
                                      batch, batch),
                 slice_sizes=(*(1,) * (axis + 1), *shape[axis + 1:]), indices_are_sorted=False,
                 unique_indices=False, mode=_p("indexing", "GatherScatterMode").CLIP,
                 fill_value=None)


def iota_along(shape, axis: int) -> Array:
    """An int32 array of ``shape`` counting 0, 1, ... along ``axis``: an ``iota``, which XLA
    fuses into its consumers (a NumPy constant would be read from memory)."""
    return bind1(_p("shapes", "iota_p"), dtype=dtypes.int32, shape=tuple(shape),
                 dimension=axis, sharding=None)
