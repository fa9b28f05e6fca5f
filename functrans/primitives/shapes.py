"""Shape primitives: broadcast_in_dim, reshape, transpose, squeeze, iota, slice, rev,
concatenate, pad, bitcast_convert_type."""

from __future__ import annotations

import numpy as np

from ..core import dtypes
from ..core.ir import ShapedArray
from ..core.registry import declare_no_rule, jvp_rules, transpose_rules, vmap_rules
from ..core.trace import bind, bind1
from . import _ops as ops
from ._batching import bdim_at_front, moveaxis, physical_axis
from ._builders import check_axes, primitive


# ---- broadcast_in_dim ------------------------------------------------------------
def _broadcast_in_dim_abstract_eval(x, *, shape, broadcast_dimensions, sharding=None):
    shape, dims = tuple(shape), tuple(broadcast_dimensions)
    ok = (len(dims) == x.ndim and all(0 <= d < len(shape) for d in dims)
          and all(a < b for a, b in zip(dims, dims[1:], strict=False))
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


def _broadcast_in_dim_vmap(axis_data, vals, bdims, *, shape, broadcast_dimensions,
                           sharding=None):
    x = bdim_at_front(vals[0], bdims[0], axis_data.size)
    dims = (0,) + tuple(d + 1 for d in broadcast_dimensions)
    return bind(broadcast_in_dim_p, x, shape=(axis_data.size, *shape),
                broadcast_dimensions=dims, sharding=sharding), [0]


vmap_rules[broadcast_in_dim_p] = _broadcast_in_dim_vmap


def _broadcast_in_dim_transpose(cts, x, *, shape, broadcast_dimensions, sharding=None):
    dims = broadcast_dimensions
    summed = [d for d in range(len(shape)) if d not in dims] + [
        d for i, d in enumerate(dims) if x.aval.shape[i] == 1 and shape[d] != 1]
    return [ops.reshape(ops.reduce_sum(cts[0], tuple(sorted(summed))), x.aval.shape)]


jvp_rules[broadcast_in_dim_p] = ops.linear_jvp(broadcast_in_dim_p)
transpose_rules[broadcast_in_dim_p] = _broadcast_in_dim_transpose


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


def _reshape_vmap(axis_data, vals, bdims, *, new_sizes, dimensions=None, sharding=None):
    x = bdim_at_front(vals[0], bdims[0], axis_data.size)
    return bind(reshape_p, x, new_sizes=(axis_data.size, *new_sizes), dimensions=dimensions,
                sharding=sharding), [0]


vmap_rules[reshape_p] = _reshape_vmap
jvp_rules[reshape_p] = ops.linear_jvp(reshape_p)
transpose_rules[reshape_p] = lambda cts, x, **params: [ops.reshape(cts[0], x.aval.shape)]


# ---- transpose ---------------------------------------------------------------------
def _transpose_abstract_eval(x, *, permutation):
    if sorted(permutation) != list(range(x.ndim)):
        raise TypeError(f"[transpose] permutation {tuple(permutation)} is not a permutation of "
                        f"the axes of {x.str_short()}")
    return ShapedArray(tuple(x.shape[p] for p in permutation), x.dtype, x.weak_type)


transpose_p = primitive("transpose", _transpose_abstract_eval,
                        lambda x, *, permutation: np.transpose(x, permutation))


def _transpose_vmap(axis_data, vals, bdims, *, permutation):
    (x,), (b,) = vals, bdims
    perm = (b,) + tuple(physical_axis(p, b) for p in permutation)
    return bind(transpose_p, x, permutation=perm), [0]


vmap_rules[transpose_p] = _transpose_vmap


def _transpose_transpose(cts, x, *, permutation):
    inverse = tuple(sorted(range(len(permutation)), key=lambda i: permutation[i]))
    return [ops.transpose(cts[0], inverse)]


jvp_rules[transpose_p] = ops.linear_jvp(transpose_p)
transpose_rules[transpose_p] = _transpose_transpose


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
                      lambda x, *, dimensions: x.squeeze(tuple(dimensions)))


def _squeeze_vmap(axis_data, vals, bdims, *, dimensions):
    (x,), (b,) = vals, bdims
    ndim = len(x.shape) - 1
    dims = tuple(physical_axis(d % ndim, b) for d in dimensions)
    return bind(squeeze_p, x, dimensions=dims), [b - sum(1 for d in dims if d < b)]


vmap_rules[squeeze_p] = _squeeze_vmap
jvp_rules[squeeze_p] = ops.linear_jvp(squeeze_p)
transpose_rules[squeeze_p] = lambda cts, x, **params: [ops.reshape(cts[0], x.aval.shape)]


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


def _iota_vmap(axis_data, vals, bdims, **params):
    return bind(iota_p, **params), [None]  # no operands: the same for every batch member


vmap_rules[iota_p] = _iota_vmap
declare_no_rule("jvp", iota_p, "iota has no operands (its output is a constant)")


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


def _slice_vmap(axis_data, vals, bdims, *, start_indices, limit_indices, strides=None):
    (x,), (b,) = vals, bdims
    start, limit = list(start_indices), list(limit_indices)
    start.insert(b, 0)
    limit.insert(b, axis_data.size)
    if strides is not None:
        strides = list(strides)
        strides.insert(b, 1)
        strides = tuple(strides)
    return bind(slice_p, x, start_indices=tuple(start), limit_indices=tuple(limit),
                strides=strides), [b]


vmap_rules[slice_p] = _slice_vmap


def _slice_transpose(cts, x, *, start_indices, limit_indices, strides=None):
    strides = strides or (1,) * x.aval.ndim
    return [ops.pad_zeros(cts[0], x.aval.shape, start_indices, strides)]


jvp_rules[slice_p] = ops.linear_jvp(slice_p)
transpose_rules[slice_p] = _slice_transpose


# ---- rev: reverse along static dimensions ------------------------------------------------
def _rev_abstract_eval(x, *, dimensions):
    dims = check_axes("rev", dimensions, x.ndim)
    if len(set(dims)) != len(dims):
        raise ValueError(f"[rev] dimensions {tuple(dimensions)} repeat an axis")
    return x


rev_p = primitive("rev", _rev_abstract_eval,
                  lambda x, *, dimensions: np.flip(x, tuple(dimensions)).copy())


def _rev_vmap(axis_data, vals, bdims, *, dimensions):
    (x,), (b,) = vals, bdims
    dims = tuple(physical_axis(d % (len(x.shape) - 1), b) for d in dimensions)
    return bind(rev_p, x, dimensions=dims), [b]


vmap_rules[rev_p] = _rev_vmap
jvp_rules[rev_p] = ops.linear_jvp(rev_p)
transpose_rules[rev_p] = lambda cts, x, *, dimensions: [rev_p.bind1(cts[0],
                                                                    dimensions=dimensions)]


# ---- concatenate(*operands, dimension) ------------------------------------------------------
def _concatenate_abstract_eval(*xs, dimension):
    if not xs:
        raise TypeError("[concatenate] needs at least one operand")
    first = xs[0]
    if not 0 <= dimension < first.ndim:
        raise ValueError(f"[concatenate] dimension {dimension} is out of range for operands "
                         f"of rank {first.ndim} ({first.str_short()})")
    for x in xs[1:]:
        if x.ndim != first.ndim or any(a != b for i, (a, b) in enumerate(
                zip(x.shape, first.shape, strict=True)) if i != dimension):
            raise TypeError(f"[concatenate] operands must have equal shapes except along "
                            f"dimension {dimension}, got {first.str_short()} and "
                            f"{x.str_short()}")
        if x.dtype != first.dtype:
            raise TypeError(f"[concatenate] operands must have the same dtype, got "
                            f"{first.str_short()} and {x.str_short()}; convert with "
                            "x.astype(...)")
    shape = list(first.shape)
    shape[dimension] = sum(x.shape[dimension] for x in xs)
    return ShapedArray(tuple(shape), first.dtype, all(x.weak_type for x in xs))


concatenate_p = primitive("concatenate", _concatenate_abstract_eval,
                          lambda *xs, dimension: np.concatenate(xs, axis=dimension))


def _concatenate_vmap(axis_data, vals, bdims, *, dimension):
    xs = [bdim_at_front(x, b, axis_data.size) for x, b in zip(vals, bdims, strict=True)]
    return bind(concatenate_p, *xs, dimension=dimension + 1), [0]


vmap_rules[concatenate_p] = _concatenate_vmap


def _concatenate_transpose(cts, *xs, dimension):
    ct, res, start = cts[0], [], 0
    shape = ops.aval(ct).shape
    for x in xs:
        size = ops.aval(x).shape[dimension] if not ops.is_undefined(x) else x.aval.shape[dimension]
        if ops.is_undefined(x):
            lo = tuple(start if d == dimension else 0 for d in range(len(shape)))
            hi = tuple(start + size if d == dimension else n for d, n in enumerate(shape))
            res.append(slice_p.bind1(ct, start_indices=lo, limit_indices=hi, strides=None))
        else:
            res.append(None)
        start += size
    return res


jvp_rules[concatenate_p] = ops.linear_jvp(concatenate_p)
transpose_rules[concatenate_p] = _concatenate_transpose


# ---- pad(x, padding_value, padding_config=((lo, hi, interior), ...)) ------------------------
def _padded_size(n: int, lo: int, hi: int, interior: int) -> int:
    return lo + hi + n + max(n - 1, 0) * interior


def _pad_abstract_eval(x, padding_value, *, padding_config):
    if padding_value.shape != () or padding_value.dtype != x.dtype:
        raise TypeError(f"[pad] padding_value must be a scalar of the operand's dtype "
                        f"{x.dtype}, got {padding_value.str_short()}")
    if len(padding_config) != x.ndim:
        raise ValueError(f"[pad] padding_config needs one (low, high, interior) per axis of "
                         f"{x.str_short()}, got {tuple(padding_config)}")
    shape = []
    for n, (lo, hi, interior) in zip(x.shape, padding_config, strict=True):
        size = _padded_size(n, lo, hi, interior)
        if interior < 0 or size < 0:
            raise ValueError(f"[pad] padding_config {tuple(padding_config)} is invalid for "
                             f"{x.str_short()}: interior padding must be >= 0 and negative "
                             "padding cannot remove more than the padded axis holds")
        shape.append(size)
    return ShapedArray(tuple(shape), x.dtype, x.weak_type)


def _pad_impl(x, padding_value, *, padding_config):
    grown = [_padded_size(n, max(lo, 0), max(hi, 0), it)
             for n, (lo, hi, it) in zip(x.shape, padding_config, strict=True)]
    out = np.full(grown, padding_value, x.dtype)
    inner = tuple(slice(max(lo, 0), max(lo, 0) + _padded_size(n, 0, 0, it), it + 1)
                  for n, (lo, hi, it) in zip(x.shape, padding_config, strict=True))
    out[inner] = x
    crop = tuple(slice(-min(lo, 0), size + min(hi, 0))
                 for size, (lo, hi, _) in zip(grown, padding_config, strict=True))
    return out[crop].copy()


pad_p = primitive("pad", _pad_abstract_eval, _pad_impl)


def _pad_vmap(axis_data, vals, bdims, *, padding_config):
    (x, pv), (b, pv_b) = vals, bdims
    x = bdim_at_front(x, b, axis_data.size)
    config = ((0, 0, 0), *padding_config)
    if pv_b is None:
        return bind(pad_p, x, pv, padding_config=config), [0]
    # a batched padding value: pad with a placeholder, then select per batch member
    from ._batching import reshape, shape_of
    pv = moveaxis(pv, pv_b, 0)
    first = reshape(bind1(slice_p, pv, start_indices=(0,), limit_indices=(1,), strides=None),
                    ())
    padded = bind1(pad_p, x, first, padding_config=config)
    ones = bind1(broadcast_in_dim_p, np.bool_(True), shape=shape_of(x), broadcast_dimensions=(),
                 sharding=None)
    inside = bind1(pad_p, ones, np.bool_(False), padding_config=config)
    fill = bind1(broadcast_in_dim_p, pv, shape=shape_of(padded),
                 broadcast_dimensions=(0,), sharding=None)
    return bind(_select_n_p(), inside, fill, padded), [0]


def _select_n_p():
    from .elementwise import select_n_p
    return select_n_p


vmap_rules[pad_p] = _pad_vmap


def _pad_transpose(cts, x, padding_value, *, padding_config):
    """Operand: un-pad (negative low/high padding), then drop the interior padding with a
    strided slice. Padding value: everything the operand did not receive."""
    ct = cts[0]
    unpadded = pad_p.bind1(ct, ops.scalar(0, ops.aval(ct).dtype),
                           padding_config=tuple((-lo, -hi, 0) for lo, hi, _ in padding_config))
    shape = ops.aval(unpadded).shape
    ct_x = slice_p.bind1(unpadded, start_indices=(0,) * len(shape), limit_indices=shape,
                         strides=tuple(it + 1 for _, _, it in padding_config))
    axes = tuple(range(len(shape)))
    ct_pv = ops.sub(ops.reduce_sum(ct, axes), ops.reduce_sum(ct_x, axes)) \
        if ops.is_undefined(padding_value) else None
    return [ct_x if ops.is_undefined(x) else None, ct_pv]


jvp_rules[pad_p] = ops.linear_jvp(pad_p)
transpose_rules[pad_p] = _pad_transpose


# ---- bitcast_convert_type: reinterpret the bits (widths may differ) -------------------------
def _bitcast_convert_type_abstract_eval(x, *, new_dtype):
    new_dtype = dtypes.check_supported(new_dtype, "bitcast_convert_type")
    old, new = x.dtype.itemsize, new_dtype.itemsize
    if dtypes.bool_ in (x.dtype, new_dtype):
        raise TypeError(f"[bitcast_convert_type] bool is not bit-castable ({x.str_short()} to "
                        f"{new_dtype}); convert with convert_element_type instead")
    if new == old:
        shape = x.shape
    elif new < old:
        shape = (*x.shape, old // new)
    elif x.shape and x.shape[-1] == new // old:
        shape = x.shape[:-1]
    else:
        raise TypeError(f"[bitcast_convert_type] casting {x.str_short()} to the wider "
                        f"{new_dtype} needs a last axis of size {new // old}")
    return ShapedArray(shape, new_dtype, False)


def _bitcast_convert_type_impl(x, *, new_dtype):
    out_shape = _bitcast_convert_type_abstract_eval(
        ShapedArray(x.shape, x.dtype), new_dtype=new_dtype).shape
    return np.ascontiguousarray(x).reshape(-1).view(new_dtype).reshape(out_shape)


bitcast_convert_type_p = primitive("bitcast_convert_type", _bitcast_convert_type_abstract_eval,
                                   _bitcast_convert_type_impl)


def _bitcast_convert_type_vmap(axis_data, vals, bdims, *, new_dtype):
    x = bdim_at_front(vals[0], bdims[0], axis_data.size)
    return bind(bitcast_convert_type_p, x, new_dtype=new_dtype), [0]


vmap_rules[bitcast_convert_type_p] = _bitcast_convert_type_vmap
# A reinterpretation of bits: zero tangent, as in JAX (jax.jvp gives zeros float->float).
jvp_rules[bitcast_convert_type_p] = ops.zero_jvp(bitcast_convert_type_p)
