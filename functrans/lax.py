"""``functrans.lax``: the primitives as public functions, named as in ``jax.lax``.

Like ``jax.lax``, these do not broadcast or promote array operands: operands have
equal shapes and dtypes. Python scalars take the dtype of the array operands
(weakly typed). ``functrans.numpy`` broadcasts and promotes on top of these.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .core import dtypes
from .core.array import Array, aval_of
from .core.ir import ShapedArray
from .core.trace import Tracer, bind, bind1
from .primitives import collectives as _coll
from .primitives.dot import dot_general_p
from .primitives.elementwise import (
    add_p, convert_element_type_p, cos_p, div_p, eq_p, exp_p, ge_p, gt_p, integer_pow_p, le_p,
    log_p, logistic_p, lt_p, max_p, min_p, mul_p, ne_p, neg_p, pow_p, select_n_p, sin_p, sqrt_p,
    sub_p, tanh_p,
)
from .primitives.reductions import argmax_p, reduce_max_p, reduce_sum_p
from .primitives.shapes import (
    broadcast_in_dim_p, iota_p, reshape_p, slice_p, squeeze_p, transpose_p,
)

_PY_SCALARS = (bool, int, float, complex)
_PY_SCALAR_SET = frozenset(_PY_SCALARS)


def _scalar_as(x, dtype) -> Array:
    """A Python scalar as a weakly typed rank-0 Array of ``dtype``."""
    return Array(np.asarray(x, dtype=dtype), ShapedArray((), dtype, True))


def _lift_scalars(*args):
    """Python scalars among ``args`` take the dtype of the first array operand."""
    if not any(isinstance(a, _PY_SCALARS) for a in args):
        return args
    arrays = [a for a in args if not isinstance(a, _PY_SCALARS)]
    if arrays:
        dtype = aval_of(arrays[0]).dtype
    else:
        dtype, _ = dtypes.promote(*[dtypes.dtype_and_weak(a) for a in args])
    return tuple(_scalar_as(a, dtype) if isinstance(a, _PY_SCALARS) else a for a in args)


def _nary(prim):
    def op(*args):
        for a in args:
            if type(a) in _PY_SCALAR_SET:
                args = _lift_scalars(*args)
                break
        return prim.bind1(*args)
    op.__name__ = prim.name
    op.__doc__ = f"Elementwise ``{prim.name}`` (``jax.lax.{prim.name}``)."
    return op


add, sub, mul, div, max, min, pow = map(_nary, (add_p, sub_p, mul_p, div_p, max_p, min_p, pow_p))
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
    new_dtype = dtypes.check_supported(new_dtype, "convert_element_type")
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
    new_sizes = tuple(int(d) for d in new_sizes)
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
    return bind1(slice_p, x, start_indices=tuple(int(i) for i in start_indices),
                 limit_indices=tuple(int(i) for i in limit_indices), strides=strides)


def reduce_sum(x, axes: Sequence[int]):
    return bind1(reduce_sum_p, x, axes=tuple(int(a) for a in axes))


def reduce_max(x, axes: Sequence[int]):
    return bind1(reduce_max_p, x, axes=tuple(int(a) for a in axes))


def argmax(x, axis: int, index_dtype=dtypes.int32):
    return bind1(argmax_p, x, axes=(int(axis),), index_dtype=np.dtype(index_dtype))


def dot_general(lhs, rhs, dimension_numbers, precision=None, preferred_element_type=None):
    (lc, rc), (lb, rb) = dimension_numbers
    dn = ((tuple(lc), tuple(rc)), (tuple(lb), tuple(rb)))
    pet = None if preferred_element_type is None else np.dtype(preferred_element_type)
    return bind1(dot_general_p, *_lift_scalars(lhs, rhs), dimension_numbers=dn,
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


def _shape(x) -> tuple[int, ...]:
    if isinstance(x, _PY_SCALARS):
        return ()
    return tuple(x.shape)


# ---- collectives over named axes (bound by vmap/pmap axis_name) ------------------------------

def _axis_tuple(axis_name) -> tuple:
    return tuple(axis_name) if isinstance(axis_name, tuple | list) else (axis_name,)


def _preduce(prim, x, axis_name):
    from .tree_util import tree_flatten, tree_unflatten
    leaves, tree = tree_flatten(x)
    outs = bind(prim, *leaves, axes=_axis_tuple(axis_name), axis_index_groups=None)
    return tree_unflatten(tree, outs)


def psum(x, axis_name):
    """Sum of ``x`` (a pytree) over the members of the named axis (``jax.lax.psum``).

    Example:
        >>> vmap(lambda x: lax.psum(x, 'i'), axis_name='i')(fnp.arange(3.))
        Array([3., 3., 3.], dtype=float32)
    """
    return _preduce(_coll.psum_p, x, axis_name)


def pmax(x, axis_name):
    """Maximum of ``x`` (a pytree) over the members of the named axis."""
    return _preduce(_coll.pmax_p, x, axis_name)


def pmin(x, axis_name):
    """Minimum of ``x`` (a pytree) over the members of the named axis."""
    return _preduce(_coll.pmin_p, x, axis_name)


def axis_size(axis_name) -> int:
    """The size of the named axis (a Python int; the product for a tuple of names)."""
    size = 1
    for name in _axis_tuple(axis_name):
        size *= _coll.bound_axis_size(name, "axis_size")
    return size


def pmean(x, axis_name):
    """Mean of ``x`` (a pytree) over the members of the named axis; integers give float32."""
    from .tree_util import tree_map
    n = axis_size(axis_name)

    def mean(s):
        if not dtypes.is_inexact(s.dtype):
            s = convert_element_type(s, dtypes.float32)
        return div(s, n)
    return tree_map(mean, psum(x, axis_name))


def axis_index(axis_name):
    """This member's int32 index along the named axis (``jax.lax.axis_index``)."""
    return bind1(_coll.axis_index_p, axis_name=axis_name)


def all_gather(x, axis_name, *, axis: int = 0, tiled: bool = False):
    """Every member's ``x`` stacked along a new ``axis`` (concatenated if ``tiled``)."""
    ndim = len(_shape(x))
    axis = int(axis) % (ndim + (not tiled)) if ndim + (not tiled) else 0
    return bind1(_coll.all_gather_p, x, axis_name=axis_name, all_gather_dimension=axis,
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
