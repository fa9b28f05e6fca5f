"""Reductions over static axes: reduce_sum, reduce_max, argmax."""

from __future__ import annotations

import numpy as np

from ..core import dtypes
from ..core.ir import ShapedArray
from ._builders import check_axes, check_dtype, primitive, reduction

reduce_sum_p = reduction("reduce_sum", np.sum, "any")
reduce_max_p = reduction("reduce_max", np.max, "any")


# ---- argmax(x, axes=(axis,), index_dtype) -------------------------------------------
def _argmax_abstract_eval(x, *, axes, index_dtype):
    check_dtype("argmax", x, "any")
    if len(axes) != 1:
        raise TypeError(f"[argmax] needs exactly one axis, got axes={axes}")
    (axis,) = check_axes("argmax", axes, x.ndim)
    if x.shape[axis] == 0:
        raise ValueError(f"[argmax] axis {axis} of {x.str_short()} is empty")
    if not dtypes.is_integer(index_dtype):
        raise TypeError(f"[argmax] index_dtype must be an integer dtype, got {index_dtype}")
    shape = tuple(d for i, d in enumerate(x.shape) if i != axis)
    return ShapedArray(shape, index_dtype, False)


def _argmax_impl(x, *, axes, index_dtype):
    # NaN counts as the maximum (first NaN wins), as in XLA and NumPy.
    return np.argmax(x, axis=axes[0]).astype(index_dtype)


argmax_p = primitive("argmax", _argmax_abstract_eval, _argmax_impl)
