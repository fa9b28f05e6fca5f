"""Shape primitives: broadcast_in_dim, reshape, transpose, squeeze, iota."""

from __future__ import annotations

import numpy as np

from ..core import dtypes
from ..core.ir import ShapedArray
from ._builders import check_axes, primitive


# ---- broadcast_in_dim ------------------------------------------------------------
def _broadcast_in_dim_abstract_eval(x, *, shape, broadcast_dimensions, sharding=None):
    shape, dims = tuple(shape), tuple(broadcast_dimensions)
    ok = (len(dims) == x.ndim and all(0 <= d < len(shape) for d in dims)
          and all(a < b for a, b in zip(dims, dims[1:]))
          and all(x.shape[i] in (1, shape[d]) for i, d in enumerate(dims)))
    if not ok:
        raise TypeError(f"[broadcast_in_dim] cannot broadcast {x.str_short()} to shape {shape} "
                        f"with broadcast_dimensions={dims}: need one increasing target dim per "
                        "operand dim, each of equal size or 1")
    return ShapedArray(shape, x.dtype, x.weak_type)


def _broadcast_in_dim_impl(x, *, shape, broadcast_dimensions, sharding=None):
    expanded = np.ones(len(shape), dtype=int)
    for i, d in enumerate(broadcast_dimensions):
        expanded[d] = x.shape[i]
    return np.array(np.broadcast_to(x.reshape(tuple(expanded)), shape))


broadcast_in_dim_p = primitive("broadcast_in_dim", _broadcast_in_dim_abstract_eval,
                               _broadcast_in_dim_impl)


# ---- reshape ---------------------------------------------------------------------
def _reshape_abstract_eval(x, *, new_sizes, dimensions=None, sharding=None):
    new_sizes = tuple(new_sizes)
    if any(d < 0 for d in new_sizes) or int(np.prod(new_sizes)) != x.size:
        raise TypeError(f"[reshape] cannot reshape {x.str_short()} (size {x.size}) into shape "
                        f"{new_sizes} (size {int(np.prod(new_sizes))}); the sizes must match")
    if dimensions is not None:
        raise NotImplementedError("[reshape] dimensions= is not supported; transpose first")
    return ShapedArray(new_sizes, x.dtype, x.weak_type)


reshape_p = primitive("reshape", _reshape_abstract_eval,
                      lambda x, *, new_sizes, dimensions=None, sharding=None:
                      x.reshape(new_sizes))


# ---- transpose ---------------------------------------------------------------------
def _transpose_abstract_eval(x, *, permutation):
    if sorted(permutation) != list(range(x.ndim)):
        raise TypeError(f"[transpose] permutation {tuple(permutation)} is not a permutation of "
                        f"the axes of {x.str_short()}")
    return ShapedArray(tuple(x.shape[p] for p in permutation), x.dtype, x.weak_type)


transpose_p = primitive("transpose", _transpose_abstract_eval,
                        lambda x, *, permutation: np.transpose(x, permutation))


# ---- squeeze -------------------------------------------------------------------------
def _squeeze_abstract_eval(x, *, dimensions):
    dims = check_axes("squeeze", dimensions, x.ndim)
    bad = [d for d in dims if x.shape[d] != 1]
    if bad:
        raise TypeError(f"[squeeze] cannot squeeze axes {tuple(bad)} of {x.str_short()}: "
                        "only axes of size 1 can be squeezed")
    return ShapedArray(tuple(d for i, d in enumerate(x.shape) if i not in dims),
                       x.dtype, x.weak_type)


squeeze_p = primitive("squeeze", _squeeze_abstract_eval,
                      lambda x, *, dimensions: np.squeeze(x, tuple(dimensions)))


# ---- iota ------------------------------------------------------------------------
def _iota_abstract_eval(*, dtype, shape, dimension, sharding=None):
    dtype = dtypes.check_supported(dtype, "iota")
    if not 0 <= dimension < len(shape):
        raise ValueError(f"[iota] dimension {dimension} out of range for shape {shape}")
    return ShapedArray(tuple(shape), dtype, False)


def _iota_impl(*, dtype, shape, dimension, sharding=None):
    line = np.arange(shape[dimension], dtype=dtype)
    idx = [None] * len(shape)
    idx[dimension] = slice(None)
    return np.array(np.broadcast_to(line[tuple(idx)], shape))


iota_p = primitive("iota", _iota_abstract_eval, _iota_impl)


# ---- slice (static start/limit/strides) ------------------------------------------------
def _slice_abstract_eval(x, *, start_indices, limit_indices, strides=None):
    strides = strides or (1,) * x.ndim
    if not len(start_indices) == len(limit_indices) == len(strides) == x.ndim:
        raise TypeError(f"[slice] needs one start/limit/stride per axis of {x.str_short()}, "
                        f"got {start_indices}, {limit_indices}, {strides}")
    for s, lim, d, st in zip(start_indices, limit_indices, x.shape, strides, strict=True):
        if not (0 <= s <= lim <= d) or st < 1:
            raise IndexError(f"[slice] start {tuple(start_indices)} / limit "
                             f"{tuple(limit_indices)} / strides {tuple(strides)} out of range "
                             f"for {x.str_short()}")
    shape = tuple(max(0, -(-(lim - s) // st)) for s, lim, st in
                  zip(start_indices, limit_indices, strides, strict=True))
    return ShapedArray(shape, x.dtype, x.weak_type)


def _slice_impl(x, *, start_indices, limit_indices, strides=None):
    strides = strides or (1,) * x.ndim
    return np.array(x[tuple(slice(s, lim, st) for s, lim, st in
                            zip(start_indices, limit_indices, strides, strict=True))])


slice_p = primitive("slice", _slice_abstract_eval, _slice_impl)
