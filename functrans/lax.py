"""``functrans.lax``: the primitives as public functions, named as in ``jax.lax``.

Like ``jax.lax``, these do not broadcast or promote array operands: operands have
equal shapes and dtypes. Python scalars take the dtype of the array operands
(weakly typed). ``functrans.numpy`` broadcasts and promotes on top of these.
"""

from __future__ import annotations

import builtins
import enum
from collections.abc import Sequence

import numpy as np

from ._lax_control_flow import (  # noqa: F401  (control flow, re-exported; map at the end)
    associative_scan,
    cond,
    fori_loop,
    scan,
    switch,
    while_loop,
)
from .core import dtypes
from .core.array import Array, aval_of, weak_scalar
from .core.ir import ShapedArray
from .core.trace import Tracer, _state, bind, bind1
from .primitives import bitwise as _bw
from .primitives import collectives as _coll
from .primitives import cumulative as _cu
from .primitives import elementwise as _ew
from .primitives import indexing as _ix
from .primitives import reductions as _red
from .primitives import shapes as _sh
from .primitives import sorting as _so
from .primitives import special as _sp
from .primitives.dot import dot_general_p
from .primitives.elementwise import (
    RoundingMethod,  # noqa: F401 (re-export)
    add_p,
    convert_element_type_p,
    cos_p,
    div_p,
    eq_p,
    exp_p,
    ge_p,
    gt_p,
    integer_pow_p,
    le_p,
    log_p,
    logistic_p,
    lt_p,
    max_p,
    min_p,
    mul_p,
    ne_p,
    neg_p,
    pow_p,
    select_n_p,
    sin_p,
    sqrt_p,
    sub_p,
    tanh_p,
)
from .primitives.indexing import (  # noqa: F401 (re-export)
    GatherDimensionNumbers,
    GatherScatterMode,
    ScatterDimensionNumbers,
)
from .primitives.reductions import argmax_p, reduce_max_p, reduce_sum_p
from .primitives.shapes import (
    broadcast_in_dim_p,
    iota_p,
    reshape_p,
    slice_p,
    squeeze_p,
    transpose_p,
)

_PY_SCALARS = (bool, int, float, complex)
_PY_SCALAR_SET = frozenset(_PY_SCALARS)


_scalar_as = weak_scalar  # a Python scalar as a weakly typed rank-0 Array of a dtype


def _lift_scalars(*args):
    """As ``jax.lax``: each Python scalar becomes a weakly typed rank-0 array of its default
    dtype (bool, int32, float32, complex64); the primitive then requires equal dtypes, so
    ``add(x_f32, 1.0)`` works while ``add(1, 1.0)`` and ``add(x_f16, 1.0)`` raise."""
    return tuple(_scalar_as(a, dtypes.dtype_and_weak(a)[0]) if type(a) in _PY_SCALAR_SET
                 else a for a in args)


def _lift_scalars_like_arrays(*args):
    """Python scalars among ``args`` take the dtype of the first array operand (what the
    library's own code wants, see ``_lax_lenient``; ``jax.numpy`` does the same)."""
    if len(args) == 2:  # the hot case: an array and a Python scalar, either order
        x, y = args
        if type(y) in _PY_SCALAR_SET and type(getattr(x, "aval", None)) is ShapedArray:
            return x, _scalar_as(y, x.aval.dtype)
        if type(x) in _PY_SCALAR_SET and type(getattr(y, "aval", None)) is ShapedArray:
            return _scalar_as(x, y.aval.dtype), y
    if not any(isinstance(a, _PY_SCALARS) for a in args):
        return args
    arrays = [a for a in args if not isinstance(a, _PY_SCALARS)]
    if arrays:
        dtype = aval_of(arrays[0]).dtype
    else:
        dtype, _ = dtypes.promote(*[dtypes.dtype_and_weak(a) for a in args])
    return tuple(_scalar_as(a, dtype) if isinstance(a, _PY_SCALARS) else a for a in args)


def _nary(prim, lift=_lift_scalars):
    def op(*args):
        for a in args:
            if type(a) in _PY_SCALAR_SET:
                args = lift(*args)
                break
        return _state.trace.process(prim, args, {})[0]  # prim.bind1(*args), one call less
    op.__name__ = prim.name
    op.binds = prim  # callers holding only Arrays/tracers may bind it themselves (fnp ufuncs)
    op.__doc__ = f"Elementwise ``{prim.name}`` (``jax.lax.{prim.name}``)."
    return op


add, sub, mul, div, max, min = map(_nary, (add_p, sub_p, mul_p, div_p, max_p, min_p))
_pow_strict = _nary(pow_p)


def pow(x, y):  # noqa: A001 (jax.lax name)
    """``x ** y`` elementwise (``jax.lax.pow``): ``y`` has ``x``'s dtype or is an integer
    (a Python int, or an integer array, applied exactly as the same float exponent).

    Example:
        >>> lax.pow(fnp.array([2., 3.]), 2)
        Array([4., 9.], dtype=float32)
    """
    x_dtype = dtypes.dtype_and_weak(x)[0]
    y_dtype = dtypes.dtype_and_weak(y)[0]
    if dtypes.is_inexact(x_dtype) and dtypes.is_integer(y_dtype):
        y = _scalar_as(y, x_dtype) if type(y) in _PY_SCALAR_SET else convert_element_type(
            y, x_dtype)
    return _pow_strict(x, y)

neg, exp, log, sin, cos, tanh, logistic, sqrt = map(
    _nary, (neg_p, exp_p, log_p, sin_p, cos_p, tanh_p, logistic_p, sqrt_p))
eq, ne, lt, le, gt, ge = map(_nary, (eq_p, ne_p, lt_p, le_p, gt_p, ge_p))


def integer_pow(x, y: int):
    """``x ** y`` for a static Python int ``y``."""
    return bind1(integer_pow_p, x, y=int(y))


def select_n(which, *cases):
    """``cases[which]`` elementwise; a bool ``which`` picks ``cases[1]`` where True."""
    return bind1(select_n_p, which, *_lift_scalars(*cases))


def select(pred, on_true, on_false):
    """``on_true`` where ``pred`` else ``on_false`` (``jax.lax.select``)."""
    return select_n(pred, on_false, on_true)


def convert_element_type(x, new_dtype):
    """Cast ``x`` to ``new_dtype`` (never weakly typed)."""
    new_dtype = dtypes.user_dtype(new_dtype, "convert_element_type")
    if isinstance(x, _PY_SCALARS):
        x = _scalar_as(x, dtypes.dtype_and_weak(x)[0])
    aval = aval_of(x) if not isinstance(x, Tracer) else x.aval
    if aval.dtype == new_dtype and not aval.weak_type:
        return x
    return bind1(convert_element_type_p, x, new_dtype=new_dtype, weak_type=False)


def _convert_weak(x, new_dtype):
    """Cast keeping ``x``'s weak type (used by promotion)."""
    aval = x.aval if isinstance(x, Tracer) else aval_of(x)
    if aval.dtype == new_dtype:
        return x
    return bind1(convert_element_type_p, x, new_dtype=np.dtype(new_dtype),
                 weak_type=aval.weak_type)


def broadcast_in_dim(x, shape: Sequence[int], broadcast_dimensions: Sequence[int]):
    shape, dims = tuple(int(d) for d in shape), tuple(int(d) for d in broadcast_dimensions)
    if _shape(x) == shape and dims == tuple(range(len(shape))):
        return x
    return bind1(broadcast_in_dim_p, x, shape=shape, broadcast_dimensions=dims, sharding=None)


def broadcast(x, sizes: Sequence[int]):
    """Add leading dimensions of ``sizes``."""
    shape = _shape(x)
    return broadcast_in_dim(x, tuple(sizes) + shape,
                            tuple(range(len(sizes), len(sizes) + len(shape))))


def reshape(x, new_sizes: Sequence[int], dimensions=None):
    new_sizes = tuple(builtins.map(int, new_sizes))
    if dimensions is not None:
        x = transpose(x, dimensions)
    if _shape(x) == new_sizes:
        return x
    return bind1(reshape_p, x, new_sizes=new_sizes, dimensions=None, sharding=None)


def transpose(x, permutation: Sequence[int]):
    permutation = tuple(int(p) for p in permutation)
    if permutation == tuple(range(len(permutation))) and len(permutation) == len(_shape(x)):
        return x
    return bind1(transpose_p, x, permutation=permutation)


def squeeze(x, dimensions: Sequence[int]):
    ndim = len(_shape(x))
    dims = tuple(sorted({int(d) % ndim if ndim else int(d) for d in dimensions}))
    return bind1(squeeze_p, x, dimensions=dims) if dims else x


def expand_dims(x, dimensions: Sequence[int]):
    """Insert size-1 axes at ``dimensions`` (positions in the result)."""
    shape = list(_shape(x))
    ndim = len(shape) + len(dimensions)
    for d in sorted(int(d) % ndim for d in dimensions):
        shape.insert(d, 1)
    return reshape(x, shape)


def slice(x, start_indices, limit_indices, strides=None):  # noqa: A001 (jax.lax name)
    strides = None if strides is None or all(s == 1 for s in strides) else tuple(strides)
    return bind1(slice_p, x, start_indices=tuple(builtins.map(int, start_indices)),
                 limit_indices=tuple(builtins.map(int, limit_indices)), strides=strides)


def reduce_sum(x, axes: Sequence[int]):  # hot in eager code: straight to the trace
    return _state.trace.process(reduce_sum_p, (x,), {"axes": tuple(builtins.map(int, axes))})[0]


def reduce_max(x, axes: Sequence[int]):
    return _state.trace.process(reduce_max_p, (x,), {"axes": tuple(builtins.map(int, axes))})[0]


def argmax(x, axis: int, index_dtype=dtypes.int32):
    return bind1(argmax_p, x, axes=(int(axis),), index_dtype=np.dtype(index_dtype))


class Precision(enum.Enum):
    """Operand precision of dot_general (``jax.lax.Precision``); None takes
    ``jax_default_matmul_precision``."""

    DEFAULT = 0
    HIGH = 1
    HIGHEST = 2


def dot_general(lhs, rhs, dimension_numbers, precision=None, preferred_element_type=None):
    (lc, rc), (lb, rb) = dimension_numbers
    if isinstance(precision, list):
        precision = tuple(precision)
    dn = ((tuple(lc), tuple(rc)), (tuple(lb), tuple(rb)))
    pet = None if preferred_element_type is None else np.dtype(preferred_element_type)
    return bind1(dot_general_p, *_lift_scalars_like_arrays(lhs, rhs), dimension_numbers=dn,
                 precision=precision, preferred_element_type=pet)


def dot(lhs, rhs, precision=None, preferred_element_type=None):
    """Vector/matrix products of rank-1 and rank-2 operands (``jax.lax.dot``)."""
    contract = ((len(_shape(lhs)) - 1,), (0,))
    return dot_general(lhs, rhs, (contract, ((), ())), precision, preferred_element_type)


def iota(dtype, size: int):
    return bind1(iota_p, dtype=np.dtype(dtype), shape=(int(size),), dimension=0, sharding=None)


def broadcasted_iota(dtype, shape: Sequence[int], dimension: int):
    return bind1(iota_p, dtype=np.dtype(dtype), shape=tuple(int(d) for d in shape),
                 dimension=int(dimension), sharding=None)


def full(shape: Sequence[int], fill_value, dtype=None):
    dtype = np.dtype(dtype) if dtype is not None else dtypes.dtype_and_weak(fill_value)[0]
    return broadcast(convert_element_type(fill_value, dtype), tuple(shape))


def full_like(x, fill_value, dtype=None, shape=None):
    """An array like ``x`` (its shape and dtype unless given) filled with ``fill_value``
    (``jax.lax.full_like``). Example: ``lax.full_like(x, 0)``"""
    a = x.aval if isinstance(x, Tracer) else aval_of(x)
    return full(a.shape if shape is None else shape, fill_value,
                a.dtype if dtype is None else dtype)


def _shape(x) -> tuple[int, ...]:
    if isinstance(x, _PY_SCALARS):
        return ()
    return tuple(x.shape)


# ---- collectives over named axes (bound by vmap/pmap axis_name) ------------------------------

def _axis_tuple(axis_name) -> tuple:
    return tuple(axis_name) if isinstance(axis_name, tuple | list) else (axis_name,)


def _groups(axis_index_groups):
    if axis_index_groups is None:
        return None
    return tuple(tuple(int(i) for i in g) for g in axis_index_groups)


def _preduce(prim, x, axis_name, axis_index_groups=None):
    from .tree_util import tree_flatten, tree_unflatten
    leaves, tree = tree_flatten(x)
    outs = bind(prim, *leaves, axes=_axis_tuple(axis_name),
                axis_index_groups=_groups(axis_index_groups))
    return tree_unflatten(tree, outs)


def psum(x, axis_name, *, axis_index_groups=None):
    """Sum of ``x`` (a pytree) over the members of the named axis (``jax.lax.psum``).

    Example:
        >>> vmap(lambda x: lax.psum(x, 'i'), axis_name='i')(fnp.arange(3.))
        Array([3., 3., 3.], dtype=float32)
    """
    return _preduce(_coll.psum_p, x, axis_name, axis_index_groups)


def pmax(x, axis_name, *, axis_index_groups=None):
    """Maximum of ``x`` (a pytree) over the members of the named axis (or of each group of
    ``axis_index_groups``, under pmap)."""
    return _preduce(_coll.pmax_p, x, axis_name, axis_index_groups)


def pmin(x, axis_name, *, axis_index_groups=None):
    """Minimum of ``x`` (a pytree) over the members of the named axis (or of each group of
    ``axis_index_groups``, under pmap)."""
    return _preduce(_coll.pmin_p, x, axis_name, axis_index_groups)


def axis_size(axis_name) -> int:
    """The size of the named axis (a Python int; the product for a tuple of names)."""
    size = 1
    for name in _axis_tuple(axis_name):
        size *= _coll.bound_axis_size(name, "axis_size")
    return size


def pmean(x, axis_name, *, axis_index_groups=None):
    """Mean of ``x`` (a pytree) over the members of the named axis; integers give float32."""
    from .tree_util import tree_map
    n = len(axis_index_groups[0]) if axis_index_groups else axis_size(axis_name)

    def mean(s):
        if not dtypes.is_inexact(s.dtype):
            s = convert_element_type(s, dtypes.float32)
        return div(s, _scalar_as(n, s.dtype))
    return tree_map(mean, psum(x, axis_name, axis_index_groups=axis_index_groups))


def axis_index(axis_name):
    """This member's int32 index along the named axis (``jax.lax.axis_index``)."""
    return bind1(_coll.axis_index_p, axis_name=axis_name)


def all_gather(x, axis_name, *, axis_index_groups=None, axis: int = 0, tiled: bool = False):
    """Every member's ``x`` stacked along a new ``axis`` (concatenated if ``tiled``); with
    ``axis_index_groups`` (under pmap), every member of this member's group."""
    ndim = len(_shape(x))
    axis = int(axis) % (ndim + (not tiled)) if ndim + (not tiled) else 0
    groups = _groups(axis_index_groups)
    size = len(groups[0]) if groups else axis_size(axis_name)
    return bind1(_coll.all_gather_p, x, axis_name=axis_name, all_gather_dimension=axis,
                 axis_size=size, tiled=bool(tiled), axis_index_groups=groups)


def psum_scatter(x, axis_name, *, scatter_dimension: int = 0, tiled: bool = False):
    """The sum of ``x`` over the members, of which member i keeps block i along
    ``scatter_dimension`` (that axis is removed unless ``tiled``) (``jax.lax.psum_scatter``).

    Example:
        >>> vmap(lambda x: lax.psum_scatter(x, 'i'), axis_name='i')(fnp.ones((2, 2)))
        Array([2., 2.], dtype=float32)
    """
    ndim = len(_shape(x))
    return bind1(_coll.reduce_scatter_p, x, axis_name=axis_name,
                 scatter_dimension=int(scatter_dimension) % (ndim or 1),
                 axis_size=axis_size(axis_name), tiled=bool(tiled), axis_index_groups=None)


def all_to_all(x, axis_name, split_axis: int, concat_axis: int, *, tiled: bool = False):
    """Member i sends chunk j of ``split_axis`` to member j, which stacks (concatenates if
    ``tiled``) the chunks it receives along ``concat_axis`` (``jax.lax.all_to_all``)."""
    return bind1(_coll.all_to_all_p, x, axis_name=axis_name, split_axis=int(split_axis),
                 concat_axis=int(concat_axis), tiled=bool(tiled), axis_index_groups=None)


def ppermute(x, axis_name, perm):
    """Member ``dst`` receives member ``src``'s ``x`` for each ``(src, dst)`` in ``perm``;
    members that receive nothing get zeros (``jax.lax.ppermute``)."""
    perm = tuple((int(s), int(d)) for s, d in perm)
    return bind1(_coll.ppermute_p, x, axis_name=axis_name, perm=perm)


# ---- more elementwise ops (jax.lax names; abs/round shadow builtins in this module) ---------

def _named(op, name: str):
    op.__name__ = name
    op.__doc__ = f"Elementwise ``{name}`` (``jax.lax.{name}``)."
    return op


rem, atan2, nextafter = map(_nary, (_ew.rem_p, _ew.atan2_p, _ew.nextafter_p))
abs, sign, floor, ceil, square = map(  # noqa: A001 (jax.lax names)
    _nary, (_ew.abs_p, _ew.sign_p, _ew.floor_p, _ew.ceil_p, _ew.square_p))
exp2, log1p, expm1, rsqrt, cbrt, tan = map(
    _nary, (_ew.exp2_p, _ew.log1p_p, _ew.expm1_p, _ew.rsqrt_p, _ew.cbrt_p, _ew.tan_p))
asin, acos, atan, sinh, cosh, asinh, acosh, atanh = map(
    _nary, (_ew.asin_p, _ew.acos_p, _ew.atan_p, _ew.sinh_p, _ew.cosh_p, _ew.asinh_p,
            _ew.acosh_p, _ew.atanh_p))
is_finite = _nary(_ew.is_finite_p)
erf, erfc, erf_inv, lgamma, digamma = map(
    _nary, (_sp.erf_p, _sp.erfc_p, _sp.erf_inv_p, _sp.lgamma_p, _sp.digamma_p))
bitwise_and = _named(_nary(_bw.and_p), "bitwise_and")
bitwise_or = _named(_nary(_bw.or_p), "bitwise_or")
bitwise_xor = _named(_nary(_bw.xor_p), "bitwise_xor")
bitwise_not = _named(_nary(_bw.not_p), "bitwise_not")
shift_left, shift_right_logical, shift_right_arithmetic, population_count = map(
    _nary, (_bw.shift_left_p, _bw.shift_right_logical_p, _bw.shift_right_arithmetic_p,
            _bw.population_count_p))
copy_p = _ew.copy_p


def round(x, rounding_method=RoundingMethod.AWAY_FROM_ZERO):  # noqa: A001 (jax.lax name)
    """Round to the nearest integer; ties away from zero or to even (``rounding_method``).

    Example:
        >>> lax.round(fnp.array([0.5, 1.5]), lax.RoundingMethod.TO_NEAREST_EVEN)
        Array([0., 2.], dtype=float32)
    """
    return bind1(_ew.round_p, x, rounding_method=RoundingMethod(int(rounding_method)))


def clamp(min, x, max):  # noqa: A002 (jax.lax signature)
    """``x`` clipped to ``[min, max]``; ``min``/``max`` are scalars or of ``x``'s shape."""
    return bind1(_ew.clamp_p, *_lift_scalars(min, x, max))


# ---- rev, concatenate, pad, bitcast_convert_type -------------------------------------------

def rev(operand, dimensions: Sequence[int]):
    """``operand`` reversed along ``dimensions``."""
    return bind1(_sh.rev_p, operand, dimensions=tuple(int(d) for d in dimensions))


def concatenate(operands, dimension: int):
    """Join arrays of equal shapes (except along ``dimension``) along ``dimension``."""
    operands = list(operands)
    if len(operands) == 1:
        return operands[0]
    return bind1(_sh.concatenate_p, *operands, dimension=int(dimension))


def pad(operand, padding_value, padding_config):
    """Pad with ``padding_value``: ``padding_config`` has one ``(low, high, interior)`` per
    axis; negative low/high crop.

    Example:
        >>> lax.pad(fnp.array([1., 2.]), 0., [(1, -1, 1)])
        Array([0., 1., 0.], dtype=float32)
    """
    operand, padding_value = _lift_scalars(operand, padding_value)
    config = tuple((int(lo), int(hi), int(it)) for lo, hi, it in padding_config)
    return bind1(_sh.pad_p, operand, padding_value, padding_config=config)


def bitcast_convert_type(operand, new_dtype):
    """Reinterpret the bits of ``operand`` as ``new_dtype`` (a narrower dtype adds a last
    axis, a wider one consumes it)."""
    new_dtype = dtypes.check_supported(new_dtype, "bitcast_convert_type")
    return bind1(_sh.bitcast_convert_type_p, operand, new_dtype=new_dtype)


def slice_in_dim(operand, start_index, limit_index, stride: int = 1, axis: int = 0):
    """``lax.slice`` along one axis."""
    shape = _shape(operand)
    axis = int(axis) % len(shape)
    start, stop, step = builtins.slice(start_index, limit_index, stride).indices(shape[axis])
    starts, limits, strides = [0] * len(shape), list(shape), [1] * len(shape)
    starts[axis], limits[axis], strides[axis] = start, builtins.max(stop, start), step
    return slice(operand, starts, limits, strides)


def index_in_dim(operand, index: int, axis: int = 0, keepdims: bool = True):
    """Static index ``index`` along ``axis`` (kept as a size-1 axis if ``keepdims``)."""
    axis = int(axis) % len(_shape(operand))
    index = int(index) + (_shape(operand)[axis] if int(index) < 0 else 0)
    out = slice_in_dim(operand, index, index + 1, 1, axis)
    return out if keepdims else squeeze(out, (axis,))


# ---- reductions -------------------------------------------------------------------------

def _reduce(prim):
    def op(operand, axes: Sequence[int]):
        return bind1(prim, operand, axes=tuple(int(a) for a in axes))
    return _named(op, prim.name)


reduce_min, reduce_prod, reduce_and, reduce_or, reduce_xor = map(
    _reduce, (_red.reduce_min_p, _red.reduce_prod_p, _red.reduce_and_p, _red.reduce_or_p,
              _red.reduce_xor_p))


def argmin(operand, axis: int, index_dtype):
    """Index of the first minimum along ``axis`` (NaN counts as the minimum)."""
    return bind1(_red.argmin_p, operand, axes=(int(axis),), index_dtype=np.dtype(index_dtype))


def _cumulative(prim):
    def op(operand, axis: int = 0, reverse: bool = False):
        return bind1(prim, operand, axis=int(axis), reverse=bool(reverse))
    op.__name__ = prim.name
    op.__doc__ = (f"Cumulative ``{prim.name}`` along ``axis`` (from the end if ``reverse``), "
                  f"as ``jax.lax.{prim.name}``.")
    return op


cumsum, cumprod, cummax, cummin, cumlogsumexp = map(
    _cumulative, (_cu.cumsum_p, _cu.cumprod_p, _cu.cummax_p, _cu.cummin_p, _cu.cumlogsumexp_p))


# ---- sorting ----------------------------------------------------------------------------

def _axis_index(axis: int, ndim: int, api: str) -> int:
    if not -ndim <= int(axis) < builtins.max(ndim, 1):
        raise ValueError(f"[{api}] axis {axis} is out of range for an operand of rank {ndim}")
    return int(axis) % ndim if ndim else int(axis)


def sort(operand, dimension: int = -1, is_stable: bool = True, num_keys: int = 1):
    """Sort ``operand`` (or a sequence of operands, lexicographically by the first
    ``num_keys``) along ``dimension``; NaNs sort last.

    Example:
        >>> lax.sort(fnp.array([3., fnp.nan, 1.]))
        Array([ 1.,  3., nan], dtype=float32)
    """
    single = not isinstance(operand, tuple | list)
    operands = (operand,) if single else tuple(operand)
    dim = _axis_index(dimension, len(_shape(operands[0])), "sort")
    keys = operands[:int(num_keys)]
    if any(_dtype_of(k).kind == "c" for k in keys):
        # Complex keys order lexicographically by (real, imag), as JAX's: sort by the parts
        # and carry every operand along.
        parts = [p for k in keys for p in ((real(k), imag(k)) if _dtype_of(k).kind == "c"
                                          else (k,))]
        outs = bind(_so.sort_p, *parts, *operands, dimension=dim, is_stable=bool(is_stable),
                    num_keys=len(parts))[len(parts):]
    else:
        outs = bind(_so.sort_p, *operands, dimension=dim, is_stable=bool(is_stable),
                    num_keys=int(num_keys))
    return outs[0] if single else tuple(outs)


def _dtype_of(x) -> np.dtype:
    return (x.aval if isinstance(x, Tracer) else aval_of(x)).dtype


def sort_key_val(keys, values, dimension: int = -1, is_stable: bool = True):
    """Sort ``keys`` along ``dimension`` and permute ``values`` the same way."""
    return sort((keys, values), dimension, is_stable, 1)


def top_k(operand, k: int, *, axis: int = -1):
    """The ``k`` largest entries along ``axis`` (descending) and their int32 indices."""
    axis = _axis_index(axis, len(_shape(operand)), "top_k")
    values, indices = bind(_so.top_k_p, operand, k=int(k), axis=axis)
    return values, indices


# ---- dynamic slicing --------------------------------------------------------------------

def _start_indices(api: str, shape, start_indices, allow_negative_indices) -> list:
    """One int32 scalar per axis; negative indices count from the end when allowed."""
    if not isinstance(start_indices, tuple | list):
        n = _shape(start_indices)[0] if _shape(start_indices) else 0
        start_indices = [reshape(slice(start_indices, (i,), (i + 1,)), ()) for i in range(n)]
    if len(start_indices) != len(shape):
        raise TypeError(f"[{api}] needs one start index per axis of shape {shape}, got "
                        f"{len(start_indices)}")
    allow = allow_negative_indices
    allow = [bool(allow)] * len(shape) if isinstance(allow, bool) else list(allow)
    out = []
    for i, d, neg in zip(start_indices, shape, allow, strict=True):
        if isinstance(i, int | np.integer):
            v = int(i) + d if neg and i < 0 else int(i)
            out.append(Array(np.asarray(v, np.int32), ShapedArray((), dtypes.int32)))
            continue
        i = convert_element_type(i, dtypes.int32)
        zero, size = (_scalar_as(v, dtypes.int32) for v in (0, d))  # int32 in x64 mode too
        out.append(select_n(lt(i, zero), i, add(i, size)) if neg else i)
    return out


def dynamic_slice(operand, start_indices, slice_sizes, *, allow_negative_indices=True):
    """The ``slice_sizes`` window at traced ``start_indices``, clamped to fit (as XLA).

    Example:
        >>> lax.dynamic_slice(fnp.arange(5.), (fnp.int32(4),), (2,))
        Array([3., 4.], dtype=float32)
    """
    starts = _start_indices("dynamic_slice", _shape(operand), start_indices,
                            allow_negative_indices)
    return bind1(_ix.dynamic_slice_p, operand, *starts,
                 slice_sizes=tuple(int(n) for n in slice_sizes))


def dynamic_update_slice(operand, update, start_indices, *, allow_negative_indices=True):
    """``operand`` with ``update`` written at traced ``start_indices`` (clamped to fit)."""
    operand, update = _lift_scalars_like_arrays(operand, update)
    starts = _start_indices("dynamic_update_slice", _shape(operand), start_indices,
                            allow_negative_indices)
    return bind1(_ix.dynamic_update_slice_p, operand, update, *starts)


def dynamic_slice_in_dim(operand, start_index, slice_size: int = 1, axis: int = 0, *,
                         allow_negative_indices=True):
    """``dynamic_slice`` along one axis (whole extent on the others)."""
    shape = _shape(operand)
    axis = int(axis) % len(shape)
    starts = [0] * len(shape)
    starts[axis] = start_index
    sizes = list(shape)
    sizes[axis] = int(slice_size)
    return dynamic_slice(operand, starts, sizes, allow_negative_indices=allow_negative_indices)


def dynamic_index_in_dim(operand, index, axis: int = 0, keepdims: bool = True, *,
                         allow_negative_indices=True):
    """Traced index ``index`` along ``axis``."""
    out = dynamic_slice_in_dim(operand, index, 1, axis,
                               allow_negative_indices=allow_negative_indices)
    return out if keepdims else squeeze(out, (int(axis) % len(_shape(operand)),))


def dynamic_update_slice_in_dim(operand, update, start_index, axis: int, *,
                                allow_negative_indices=True):
    """``dynamic_update_slice`` at ``start_index`` along ``axis`` (0 on the others)."""
    axis = int(axis) % len(_shape(operand))
    starts = [0] * len(_shape(operand))
    starts[axis] = start_index
    return dynamic_update_slice(operand, update, starts,
                                allow_negative_indices=allow_negative_indices)


def dynamic_update_index_in_dim(operand, update, index, axis: int, *,
                                allow_negative_indices=True):
    """Write ``update`` (without or with a size-1 ``axis``) at ``index`` along ``axis``."""
    axis = int(axis) % len(_shape(operand))
    if len(_shape(update)) == len(_shape(operand)) - 1:
        update = expand_dims(update, (axis,))
    return dynamic_update_slice_in_dim(operand, update, index, axis,
                                       allow_negative_indices=allow_negative_indices)


# ---- gather and scatter -----------------------------------------------------------------

def _dims(dimension_numbers, cls):
    return cls(*(tuple(int(d) for d in field) for field in dimension_numbers))


def gather(operand, start_indices, dimension_numbers, slice_sizes, *, unique_indices=False,
           indices_are_sorted=False, mode=None, fill_value=None):
    """Windows of ``operand`` at ``start_indices`` (index vectors in their last axis), laid
    out by ``GatherDimensionNumbers``; ``mode`` handles out-of-bounds (default: clamp).

    Example:
        >>> dn = lax.GatherDimensionNumbers((1,), (0,), (0,))
        >>> lax.gather(fnp.ones((3, 2)), fnp.array([[2], [0]]), dn, (1, 2)).shape
        (2, 2)
    """
    mode = GatherScatterMode.from_any(mode, GatherScatterMode.PROMISE_IN_BOUNDS)
    return bind1(_ix.gather_p, operand, start_indices,
                 dimension_numbers=_dims(dimension_numbers, GatherDimensionNumbers),
                 slice_sizes=tuple(int(n) for n in slice_sizes),
                 indices_are_sorted=bool(indices_are_sorted),
                 unique_indices=bool(unique_indices), mode=mode, fill_value=fill_value)


def _scatter(prim):
    def op(operand, scatter_indices, updates, dimension_numbers, *,
           indices_are_sorted=False, unique_indices=False, mode=None):
        operand, updates = _lift_scalars_like_arrays(operand, updates)
        return bind1(prim, operand, scatter_indices, updates,
                     dimension_numbers=_dims(dimension_numbers, ScatterDimensionNumbers),
                     indices_are_sorted=bool(indices_are_sorted),
                     unique_indices=bool(unique_indices),
                     mode=GatherScatterMode.from_any(mode, GatherScatterMode.FILL_OR_DROP))
    kind = prim.name.replace("-", "_")
    op.__name__ = kind
    op.__doc__ = (f"``jax.lax.{kind}``: combine ``updates`` into ``operand`` at "
                  "``scatter_indices`` (out-of-bounds windows are dropped by default).")
    return op


scatter, scatter_add, scatter_mul, scatter_min, scatter_max = map(
    _scatter, (_ix.scatter_p, _ix.scatter_add_p, _ix.scatter_mul_p, _ix.scatter_min_p,
               _ix.scatter_max_p))


# ---- stop_gradient, optimization_barrier ---------------------------------------------------

def stop_gradient(x):
    """``x`` with a zero derivative (``jax.lax.stop_gradient``), over pytrees. Its tangent
    is a symbolic zero, so nothing downstream multiplies by a materialized zero.

    Example:
        >>> grad(lambda x: x * lax.stop_gradient(x))(3.0)
        Array(3., dtype=float32)
    """
    from .tree_util import tree_map

    def leaf(v):
        if isinstance(v, builtins.bool | builtins.int | builtins.float) or not dtypes.is_inexact(
                (v.aval if isinstance(v, Tracer) else aval_of(v)).dtype):
            return v
        return bind1(_ew.stop_gradient_p, v)
    return tree_map(leaf, x)


def optimization_barrier(operand):
    """The identity on a pytree of arrays that XLA may not fuse or reorder computations
    across (``jax.lax.optimization_barrier``).

    Example:
        >>> a, b = lax.optimization_barrier((x, y))
    """
    from .tree_util import tree_flatten, tree_unflatten
    leaves, tree = tree_flatten(operand)
    return tree_unflatten(tree, bind(_ew.optimization_barrier_p, *leaves))


# ---- linalg (functrans.lax.linalg, as jax.lax.linalg) -------------------------------------

def _bind_linalg_submodule():
    import sys

    from . import lax_linalg
    sys.modules[__name__ + ".linalg"] = lax_linalg
    return lax_linalg


linalg = _bind_linalg_submodule()


from ._lax_complex import FftType, complex, conj, fft, imag, real  # noqa: E402, F401, A004

# last, because the module-level code above uses the builtin map
from ._lax_control_flow import map  # noqa: E402, F401, A004  (jax.lax.map)
from ._lax_conv import *  # noqa: E402, F403 (convolutions: functrans/_lax_conv.py)
from ._lax_custom_solve import custom_linear_solve, custom_root  # noqa: E402, F401
from ._lax_more import *  # noqa: E402, F403 (the rest of jax.lax: functrans/_lax_more.py)
from ._lax_reduce import *  # noqa: E402, F403 (lax.reduce, ragged_dot: functrans/_lax_reduce.py)
from ._lax_special import (  # noqa: E402, F401 (special functions: functrans/_lax_special.py)
    bessel_i0e,
    bessel_i1e,
    betainc,
    igamma,
    igamma_grad_a,
    igammac,
    polygamma,
    random_gamma_grad,
    zeta,
)
