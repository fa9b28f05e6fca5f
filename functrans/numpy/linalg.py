"""``functrans.numpy.linalg`` (as ``jax.numpy.linalg``): norms, products and, from
``linalg_decomp``, the solvers and decompositions.

Example::

    fnp.linalg.norm(x); fnp.linalg.norm(m, ord="fro"); fnp.linalg.solve(a, b)
"""

from __future__ import annotations

import numpy as np

from .. import _lax_lenient as lax
from ._util import as_array, aval, promote_dtypes_inexact, reduction_axes
from .linalg_decomp import (  # noqa: F401 (re-export)
    EighResult,
    QRResult,
    SlogdetResult,
    SVDResult,
    cholesky,
    cond,
    det,
    eig,
    eigh,
    eigvals,
    eigvalsh,
    inv,
    lstsq,
    matrix_power,
    matrix_rank,
    pinv,
    qr,
    slogdet,
    solve,
    svd,
    svdvals,
    tensorinv,
    tensorsolve,
)
from .linalg_ops import matmul, tensordot, vecdot  # noqa: F401
from .shapes import matrix_transpose  # noqa: F401


def _vector_norm(x, axis, keepdims, ord):
    from .reductions import max as max_
    from .reductions import min as min_
    from .reductions import sum as sum_
    from .ufuncs import absolute, not_equal, power
    x_abs = absolute(x)
    if ord is None or ord == 2:
        return lax.sqrt(sum_(lax.mul(x_abs, x_abs), axis=axis, keepdims=keepdims))
    if ord == np.inf:
        return max_(x_abs, axis=axis, keepdims=keepdims)
    if ord == -np.inf:
        return min_(x_abs, axis=axis, keepdims=keepdims)
    if ord == 0:
        nz = lax.convert_element_type(not_equal(x, 0), aval(x).dtype)
        return sum_(nz, axis=axis, keepdims=keepdims)
    if ord == 1:
        return sum_(x_abs, axis=axis, keepdims=keepdims)
    return power(sum_(power(x_abs, float(ord)), axis=axis, keepdims=keepdims), 1.0 / ord)


def _matrix_norm(x, axes, keepdims, ord):
    from .reductions import max as max_
    from .reductions import min as min_
    from .reductions import sum as sum_
    from .ufuncs import absolute
    r, c = axes
    if ord in (None, "fro"):
        return lax.sqrt(sum_(lax.mul(x, x), axis=axes, keepdims=keepdims))
    if ord in (1, -1, np.inf, -np.inf):
        inner, outer_ = (r, c) if ord in (1, -1) else (c, r)
        sums = sum_(absolute(x), axis=inner, keepdims=True)
        fn = max_ if ord in (1, np.inf) else min_
        out = fn(sums, axis=outer_, keepdims=True)
        return out if keepdims else lax.squeeze(out, axes)
    if ord in (2, -2, "nuc"):
        from .linalg_decomp import svdvals
        from .shapes import moveaxis
        s = svdvals(moveaxis(x, (r, c), (-2, -1)))
        last = aval(s).ndim - 1
        reduce = {2: lax.reduce_max, -2: lax.reduce_min, "nuc": lax.reduce_sum}[ord]
        out = reduce(s, (last,))
        if keepdims:
            from .shapes import expand_dims
            out = expand_dims(out, tuple(sorted((r, c))))
        return out
    raise ValueError(f"[norm] invalid matrix norm ord={ord!r}; use None, 'fro', 'nuc', 1, "
                     "-1, 2, -2, inf or -inf")


def norm(x, ord=None, axis=None, keepdims=False):
    """Vector or matrix norm (``jax.numpy.linalg.norm``).

    Args:
      x: array.
      ord: vector orders (None/2, 1, inf, -inf, 0, p) or matrix orders (None/'fro', 1,
        -1, inf, -inf) when ``axis`` names two axes (or ``x`` is 2-D and axis is None).
      axis: None, an int or a pair of ints.
      keepdims: keep the reduced axes as size 1.
    Returns:
      The norm, a float Array.
    Example:
      ``fnp.linalg.norm(fnp.array([3.0, 4.0]))  # 5.0``
    """
    (x,) = promote_dtypes_inexact(x)
    x = as_array(x)
    nd = aval(x).ndim
    if axis is None:
        if ord is None:
            from .shapes import ravel
            out = _vector_norm(ravel(x), 0, False, None)
            return lax.reshape(out, (1,) * nd) if keepdims else out
        axes = tuple(range(nd))
    else:
        axes = reduction_axes(axis, nd, "norm")
    if len(axes) == 1:
        return _vector_norm(x, axes, keepdims, ord)
    if len(axes) == 2:
        return _matrix_norm(x, axes, keepdims, ord)
    raise ValueError(f"[norm] improper number of axes ({len(axes)}) for an array of rank "
                     f"{nd}: pass one axis (vector norm) or two (matrix norm)")



def vector_norm(x, /, *, axis=None, keepdims=False, ord=2):
    """Vector norm over ``axis`` (all axes flattened when None)
    (``jax.numpy.linalg.vector_norm``).

    Args:
      x: array; axis: None, an int or a tuple; keepdims: keep reduced axes; ord: as ``norm``.
    Returns:
      The norm.
    Example:
      ``fnp.linalg.vector_norm(fnp.ones((2, 2)))  # 2.0``
    """
    (x,) = promote_dtypes_inexact(x)
    x = as_array(x)
    nd = aval(x).ndim
    if axis is None:
        from .shapes import ravel
        out = _vector_norm(ravel(x), 0, False, ord)
        return lax.reshape(out, (1,) * nd) if keepdims else out
    return _vector_norm(x, reduction_axes(axis, nd, "vector_norm"), keepdims, ord)


def matrix_norm(x, /, *, keepdims=False, ord="fro"):
    """Matrix norm over the last two axes (``jax.numpy.linalg.matrix_norm``).

    Args:
      x: ``[..., m, n]``; keepdims; ord: 'fro', 'nuc', 1, -1, 2, -2, inf, -inf.
    Returns:
      ``[...]``.
    Example:
      ``fnp.linalg.matrix_norm(fnp.eye(2), ord=2)  # 1.0``
    """
    return norm(x, ord=ord, axis=(-2, -1), keepdims=keepdims)


def multi_dot(arrays, *, precision=None):
    """The product of a chain of matrices, the first/last may be vectors
    (``jax.numpy.linalg.multi_dot``); evaluated in the cheapest order for three.

    Args:
      arrays: sequence of at least two arrays.
    Returns:
      The product.
    Example:
      ``fnp.linalg.multi_dot([a, b, c])``
    """
    arrays = [as_array(a) for a in arrays]
    if len(arrays) < 2:
        raise ValueError(f"[multi_dot] needs at least two arrays, got {len(arrays)}")
    first_vec, last_vec = aval(arrays[0]).ndim == 1, aval(arrays[-1]).ndim == 1
    if first_vec:
        arrays[0] = lax.reshape(arrays[0], (1, *aval(arrays[0]).shape))
    if last_vec:
        arrays[-1] = lax.reshape(arrays[-1], (*aval(arrays[-1]).shape, 1))
    for a in arrays:
        if aval(a).ndim != 2:
            raise ValueError(f"[multi_dot] interior arrays must be 2-D, got shape "
                             f"{aval(a).shape}")
    out = arrays[0]
    for a in arrays[1:]:
        out = matmul(out, a, precision=precision)
    if first_vec and last_vec:
        return lax.reshape(out, ())
    if first_vec:
        return lax.reshape(out, aval(out).shape[1:])
    if last_vec:
        return lax.reshape(out, aval(out).shape[:1])
    return out


def outer(x1, x2, /):
    """Outer product of two vectors (``jax.numpy.linalg.outer``).

    Args:
      x1, x2: 1-D arrays.
    Returns:
      ``[len(x1), len(x2)]``.
    Example:
      ``fnp.linalg.outer(fnp.ones(2), fnp.ones(3))``
    """
    from .linalg_ops import outer as outer_
    for x in (x1, x2):
        if np.ndim(x) != 1 and aval(as_array(x)).ndim != 1:
            raise ValueError(f"[outer] needs 1-D inputs, got shape {aval(as_array(x)).shape}")
    return outer_(x1, x2)


def cross(x1, x2, /, *, axis=-1):
    """Cross product of 3-vectors along ``axis`` (``jax.numpy.linalg.cross``).

    Args:
      x1, x2: arrays with size 3 along ``axis``.
    Returns:
      The cross product (broadcast).
    Example:
      ``fnp.linalg.cross(fnp.array([1., 0, 0]), fnp.array([0., 1, 0]))``
    """
    from .linalg_ops import cross as cross_
    for x in (x1, x2):
        if aval(as_array(x)).shape[axis] != 3:
            raise ValueError(f"[cross] needs size 3 along axis {axis}, got shape "
                             f"{aval(as_array(x)).shape}")
    return cross_(x1, x2, axis=axis)


def trace(x, /, *, offset=0, dtype=None):
    """Sum of the ``offset`` diagonal of the last two axes (``jax.numpy.linalg.trace``).

    Args:
      x: ``[..., m, n]``; offset: int; dtype: result dtype.
    Returns:
      ``[...]``.
    Example:
      ``fnp.linalg.trace(fnp.eye(3))  # 3.0``
    """
    from .linalg_ops import trace as trace_
    return trace_(x, offset, -2, -1, dtype)


def diagonal(x, /, *, offset=0):
    """The ``offset`` diagonal of the last two axes (``jax.numpy.linalg.diagonal``).

    Args:
      x: ``[..., m, n]``; offset: int.
    Returns:
      ``[..., k]``.
    Example:
      ``fnp.linalg.diagonal(fnp.eye(3))``
    """
    from .linalg_ops import diagonal as diagonal_
    return diagonal_(x, offset, -2, -1)
