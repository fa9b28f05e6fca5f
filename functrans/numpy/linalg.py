"""``functrans.numpy.linalg``: norms and the product helpers of ``jax.numpy.linalg``.

Example::

    fnp.linalg.norm(x); fnp.linalg.norm(m, ord="fro"); fnp.linalg.norm(x, ord=1, axis=0)
"""

from __future__ import annotations

import numpy as np

from .. import _lax_lenient as lax
from ._util import as_array, aval, promote_dtypes_inexact, reduction_axes
from .linalg_ops import diagonal, matmul, outer, tensordot, trace, vecdot  # noqa: F401
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
    raise NotImplementedError(f"[norm] matrix ord={ord!r} is not supported (needs an SVD); "
                              "use None, 'fro', 1, -1, inf or -inf")


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

