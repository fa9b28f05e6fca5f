"""``functrans.numpy``: NumPy's API with JAX's semantics, built on ``functrans.lax``.

Broadcasting and dtype promotion follow ``jax.numpy`` with 64-bit types off
(JAX's promotion lattice, weakly typed Python scalars). Differences from JAX:
static out-of-range integer indices raise IndexError (as NumPy).

    import functrans.numpy as fnp
    fnp.sum(fnp.arange(6.0).reshape(2, 3) ** 2, axis=1)
"""

# ruff: noqa: F401, A004
import numpy as _np

from . import linalg
from ._dtypes import (
    bfloat16, bool_, can_cast, complex64, complex_, complexfloating, double, dtype, finfo,
    float16, float32, float64, float_, floating, generic, iinfo, inexact, int8, int16, int32,
    int64, int_, integer, isdtype, issubdtype, number, promote_types, result_type,
    signedinteger, single, uint, uint8, uint16, uint32, uint64, unsignedinteger,
)
from .creation import (
    arange, array, asarray, empty, empty_like, eye, full, full_like, geomspace, identity,
    indices, linspace, logspace, meshgrid, ones, ones_like, tri, tril, triu, zeros, zeros_like,
)
from .einsum import einsum
from .linalg_ops import (
    cross, diag, diagflat, diagonal, dot, inner, kron, matmul, outer, tensordot, trace, vdot,
    vecdot,
)
from .reductions import (
    all, amax, amin, any, argmax, argmin, average, count_nonzero, cumprod, cumsum,
    cumulative_prod, cumulative_sum, max, mean, min, nanmax, nanmean, nanmin, nanprod, nanstd,
    nansum, nanvar, prod, ptp, std, sum, var,
)
from .shapes import (
    append, array_split, atleast_1d, atleast_2d, atleast_3d, broadcast_arrays,
    broadcast_shapes, broadcast_to, column_stack, concat, concatenate, copy, diff, dsplit,
    dstack, expand_dims, flip, fliplr, flipud, hsplit, hstack, matrix_transpose, moveaxis,
    ndim, pad, permute_dims, ravel, repeat, reshape, roll, rot90, row_stack, shape, size,
    split, squeeze, stack, swapaxes, tile, transpose, vsplit, vstack,
)
from .sorting import (
    argsort, argwhere, flatnonzero, median, nonzero, percentile, quantile, searchsorted,
    sort, take, take_along_axis, unique,
)
from .ufuncs import (
    abs, absolute, acos, acosh, add, allclose, arccos, arccosh, arcsin, arcsinh, arctan,
    arctan2, arctanh, around, array_equal, array_equiv, asin, asinh, atan, atan2, atanh,
    bitwise_and, bitwise_invert, bitwise_left_shift, bitwise_not, bitwise_or,
    bitwise_right_shift, bitwise_xor, cbrt, ceil, clip, conj, conjugate, copysign, cos, cosh,
    deg2rad, degrees, divide, divmod, equal, exp, exp2, expm1, fix, float_power, floor,
    floor_divide, fmax, fmin, fmod, greater, greater_equal, heaviside, hypot, imag, invert,
    isclose, isfinite, isinf, isnan, isneginf, isposinf, left_shift, less, less_equal, log,
    log1p, log2, log10, logaddexp, logaddexp2, logical_and, logical_not, logical_or,
    logical_xor, maximum, minimum, mod, modf, multiply, nan_to_num, negative, not_equal,
    positive, power, rad2deg, radians, real, reciprocal, remainder, right_shift, rint, round,
    select, sign, signbit, sin, sinc, sinh, sqrt, square, subtract, tan, tanh, true_divide,
    trunc, where,
)

pi, e, inf, nan, euler_gamma = _np.pi, _np.e, _np.inf, _np.nan, _np.euler_gamma
newaxis = None
ndarray = None  # set below to functrans.Array


def _install_ndarray():
    global ndarray
    from ..core.array import Array
    ndarray = Array


_install_ndarray()
