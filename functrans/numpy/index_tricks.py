"""Index construction and element placement (``jax.numpy``): the index tricks ``r_``,
``c_``, ``s_``, ``index_exp``, ``mgrid``, ``ogrid``, ``ix_``; ``ravel_multi_index``,
``unravel_index``, ``tril/triu/diag/mask_indices``; and functional versions of in-place
NumPy functions: ``fill_diagonal``, ``place``, ``put``, ``put_along_axis``, plus
``choose``, ``compress``, ``extract``, ``delete``, ``insert``, ``resize``, ``block``,
``trim_zeros``.

Functions NumPy defines in place take ``inplace=False`` and return a new array (JAX's
convention; ``inplace=True`` raises).
"""

from __future__ import annotations

import builtins
import math

import numpy as np

from .. import lax
from ..core import dtypes
from ._util import as_array, aval, concrete, is_traced, promote_dtypes
from .creation import arange, array, linspace, meshgrid, zeros
from .shapes import (
    broadcast_arrays,
    concatenate,
    moveaxis,
    ravel,
    reshape,
    stack,
    tile,
)
from .sorting import argsort, nonzero, take
from .ufuncs import where

_range = builtins.range
s_ = np.s_
index_exp = np.index_exp


def _int32(value) -> object:
    from ..core.array import from_numpy
    return from_numpy(np.asarray(value, dtype=np.int32))


def _slice_values(s: slice):
    """``arange`` of a slice, or ``linspace`` when its step is imaginary (a count)."""
    start = 0 if s.start is None else s.start
    step = 1 if s.step is None else s.step
    if isinstance(step, complex):
        return linspace(start, s.stop, int(abs(step)), endpoint=True)
    return arange(start, s.stop, step)


class _AxisConcat:
    """``r_``/``c_``: concatenate slices, scalars and arrays along an axis; a leading
    string ``"axis[,ndmin[,trans1d]]"`` sets the layout."""

    def __init__(self, axis: int, ndmin: int, trans1d: int, name: str):
        self.axis, self.ndmin, self.trans1d, self.name = axis, ndmin, trans1d, name

    def __getitem__(self, key):
        items = key if isinstance(key, tuple) else (key,)
        axis, ndmin, trans1d = self.axis, self.ndmin, self.trans1d
        if items and isinstance(items[0], str):
            spec = items[0]
            items = items[1:]
            if spec in ("r", "c"):
                raise NotImplementedError(f"[{self.name}] matrix directives 'r'/'c' are not "
                                          "supported (functrans has no matrix type)")
            parts = [int(p) for p in spec.split(",")]
            axis = parts[0]
            ndmin = parts[1] if len(parts) > 1 else ndmin
            trans1d = parts[2] if len(parts) > 2 else trans1d
        arrays = [self._item(x, ndmin, trans1d) for x in items]
        return concatenate(promote_dtypes(*arrays), axis=axis) if arrays else array([])

    @staticmethod
    def _item(x, ndmin: int, trans1d: int):
        x = _slice_values(x) if isinstance(x, slice) else as_array(x)
        nd = aval(x).ndim
        if nd >= max(ndmin, 1):
            return x
        target = max(ndmin, 1)
        x = reshape(x, (1,) * (target - nd) + aval(x).shape)
        if trans1d != -1 and nd < target:
            k2 = target - nd
            k1 = trans1d + k2 + 1 if trans1d < 0 else trans1d
            axes = list(_range(target))
            x = lax.transpose(x, axes[:k1] + axes[k2:] + axes[k1:k2])
        return x


r_ = _AxisConcat(0, 1, -1, "r_")
c_ = _AxisConcat(-1, 2, 0, "c_")


class _Grid:
    """``mgrid`` (dense) and ``ogrid`` (sparse) grids from slices."""

    def __init__(self, sparse: bool):
        self.sparse = sparse

    def __getitem__(self, key):
        if isinstance(key, slice):
            return _slice_values(key)
        axes = [_slice_values(k) for k in key]
        axes = promote_dtypes(*axes)
        if self.sparse:
            n = len(axes)
            return [reshape(a, tuple(-1 if i == k else 1 for i in _range(n)))
                    for k, a in enumerate(axes)]
        if not axes:
            return array([])
        return stack(meshgrid(*axes, indexing="ij"), axis=0)


mgrid = _Grid(sparse=False)
ogrid = _Grid(sparse=True)


def ix_(*args):
    """Open-mesh index arrays: the k-th of n 1-D inputs reshaped to ``(1,..,len,..,1)``
    (``jax.numpy.ix_``).

    Example:
        >>> [a.shape for a in fnp.ix_(fnp.arange(2), fnp.arange(3))]
        [(2, 1), (1, 3)]
    """
    out = []
    for k, a in enumerate(args):
        a = as_array(a)
        if aval(a).ndim != 1:
            raise ValueError(f"[ix_] arguments must be 1-D, got shape {aval(a).shape}")
        if aval(a).dtype == dtypes.bool_:
            a = nonzero(a)[0]
        out.append(reshape(a, tuple(-1 if i == k else 1 for i in _range(len(args)))))
    return tuple(out)


def ravel_multi_index(multi_index, dims, mode="raise", order="C"):
    """Flat indices of ``multi_index`` into an array of shape ``dims``
    (``jax.numpy.ravel_multi_index``); mode 'raise' (concrete), 'wrap' or 'clip'.

    Example:
        >>> fnp.ravel_multi_index((fnp.array([1]), fnp.array([2])), (3, 4))
        Array([6], dtype=int32)
    """
    dims = tuple(int(d) for d in dims)
    idx = [as_array(i) for i in multi_index]
    if len(idx) != len(dims):
        raise ValueError(f"[ravel_multi_index] got {len(idx)} index arrays for {len(dims)} "
                         "dimensions")
    if mode == "raise":
        for i, d in zip(idx, dims, strict=True):
            if not is_traced(i):
                v = concrete(i, "ravel_multi_index")
                if np.any((v < 0) | (v >= d)):
                    raise ValueError("[ravel_multi_index] invalid entry in coordinates array")
    idx = broadcast_arrays(*idx)
    if mode == "wrap":
        idx = [i % d for i, d in zip(idx, dims, strict=True)]
    elif mode in ("clip", "raise"):
        idx = [lax.clamp(lax.full_like(i, 0), i, lax.full_like(i, d - 1))
               for i, d in zip(idx, dims, strict=True)]
    else:
        raise ValueError(f"[ravel_multi_index] invalid mode={mode!r}: use raise, wrap or clip")
    strides = np.cumprod((1,) + dims[::-1][:-1])[::-1] if order == "C" else \
        np.cumprod((1,) + dims[:-1])
    total = None
    for i, s in zip(idx, strides, strict=True):
        term = i * int(s)
        total = term if total is None else total + term
    return total


def unravel_index(indices, shape):
    """The coordinates of flat ``indices`` in an array of ``shape``
    (``jax.numpy.unravel_index``); out-of-range indices clip to the ends.

    Example:
        >>> fnp.unravel_index(fnp.array([6]), (3, 4))
        (Array([1], dtype=int32), Array([2], dtype=int32))
    """
    from .ufuncs import floor_divide, remainder
    idx = as_array(indices)
    shape = [int(s) for s in (shape if np.ndim(shape) else [shape])]
    out = [None] * len(shape)
    for i in reversed(_range(len(shape))):
        idx, out[i] = floor_divide(idx, shape[i]), remainder(idx, shape[i])
    high = lax.gt(idx, lax.full_like(idx, 0))
    low = lax.lt(idx, lax.full_like(idx, -1))
    return tuple(where(high, s - 1, where(low, 0, o)) for s, o in zip(shape, out, strict=True))


def tril_indices(n, k=0, m=None):
    """Row and column indices of the lower triangle of an ``(n, m)`` matrix."""
    return tuple(_int32(i) for i in np.tril_indices(int(n), int(k), m))


def triu_indices(n, k=0, m=None):
    """Row and column indices of the upper triangle of an ``(n, m)`` matrix."""
    return tuple(_int32(i) for i in np.triu_indices(int(n), int(k), m))


def tril_indices_from(arr, k=0):
    """``tril_indices`` for the shape of the 2-D ``arr``."""
    n, m = _shape2d("tril_indices_from", arr)
    return tril_indices(n, k, m)


def triu_indices_from(arr, k=0):
    """``triu_indices`` for the shape of the 2-D ``arr``."""
    n, m = _shape2d("triu_indices_from", arr)
    return triu_indices(n, k, m)


def _shape2d(api, arr):
    shape = aval(as_array(arr)).shape
    if len(shape) != 2:
        raise ValueError(f"[{api}] needs a 2-D array, got shape {shape}")
    return shape


def diag_indices(n, ndim=2):
    """Indices of the main diagonal of an ``(n,) * ndim`` array."""
    if n < 0 or ndim < 0:
        raise ValueError("[diag_indices] n and ndim must be non-negative")
    return (arange(int(n)),) * int(ndim)


def diag_indices_from(arr):
    """``diag_indices`` for a square ``arr`` (all axes equal)."""
    shape = aval(as_array(arr)).shape
    if len(shape) < 2 or len(set(shape)) != 1:
        raise ValueError(f"[diag_indices_from] needs an array with equal axes, got {shape}")
    return diag_indices(shape[0], len(shape))


def mask_indices(n, mask_func, k=0, *, size=None):
    """Indices where ``mask_func(ones((n, n)), k)`` is nonzero (``jax.numpy.mask_indices``)."""
    from .creation import ones
    return nonzero(mask_func(ones((int(n), int(n))), k), size=size)


def _tile_to(v, n: int):
    v = ravel(as_array(v))
    reps = -(-n // max(aval(v).shape[0], 1))
    return tile(v, reps)[:n] if reps > 1 else v[:n]


def _no_inplace(api, inplace):
    if inplace:
        raise ValueError(f"[{api}] functrans arrays are immutable: pass inplace=False to get "
                         "the updated array back")


def fill_diagonal(a, val, wrap=False, *, inplace=True):
    """``a`` with its main diagonal set to ``val`` (cycled) (``jax.numpy.fill_diagonal``);
    needs ``inplace=False``."""
    _no_inplace("fill_diagonal", inplace)
    if wrap:
        raise NotImplementedError("[fill_diagonal] wrap=True is not supported")
    a = as_array(a)
    shape = aval(a).shape
    if len(shape) < 2 or (len(shape) > 2 and len(set(shape)) != 1):
        raise ValueError(f"[fill_diagonal] needs a 2-D array or equal axes, got {shape}")
    n = min(shape)
    val = as_array(val)
    v = val if aval(val).ndim == 0 else _tile_to(val, n)
    return a.at[diag_indices(n, len(shape))].set(v)


def place(arr, mask, vals, *, inplace=True):
    """``arr`` with the positions where ``mask`` holds set to ``vals`` (cycled, in order)
    (``jax.numpy.place``); needs ``inplace=False``."""
    _no_inplace("place", inplace)
    arr, mask = as_array(arr), ravel(as_array(mask))
    n = aval(arr).size
    if aval(mask).shape[0] != n:
        raise ValueError("[place] arr and mask must have the same size")
    if n == 0:
        return arr
    pos = nonzero(mask, size=n, fill_value=n)[0]
    ok = lax.lt(pos, lax.full_like(pos, n))
    new = lax.convert_element_type(_tile_to(vals, n), aval(arr).dtype)
    safe = where(ok, pos, n - 1)
    return reshape(_scatter_ordered(ravel(arr), safe, new, ok), aval(arr).shape)


def _scatter_ordered(flat, pos, new, ok):
    """``flat`` with ``new`` written at ``pos`` where ``ok`` (others untouched)."""
    n = aval(flat).shape[0]
    hit = zeros((n,), dtypes.bool_).at[pos].max(ok)
    vals = zeros((n,), aval(flat).dtype).at[pos].add(where(ok, new, 0))
    return where(hit, vals, flat)


def put(a, ind, v, mode=None, *, inplace=True):
    """``a`` with the flat positions ``ind`` set to ``v`` (cycled) (``jax.numpy.put``);
    needs ``inplace=False``. mode: None (as JAX: out-of-range indices go to the ends),
    'clip' or 'wrap'."""
    _no_inplace("put", inplace)
    a = as_array(a)
    ind = ravel(as_array(ind))
    n = aval(a).size
    if n == 0 or aval(ind).shape[0] == 0:
        return a
    v = lax.convert_element_type(_tile_to(v, aval(ind).shape[0]), aval(a).dtype)
    if mode == "clip":
        ind = lax.clamp(lax.full_like(ind, 0), ind, lax.full_like(ind, n - 1))
    elif mode == "wrap":
        ind = ind % n
    elif mode == "raise":
        raise NotImplementedError("[put] mode='raise' is not supported; use 'clip' or 'wrap'")
    elif mode is not None:
        raise ValueError(f"[put] mode should be one of 'wrap' or 'clip'; got {mode!r}")
    else:  # JAX: out-of-range indices clamp to the ends (negatives wrap once)
        shape = aval(a).shape
        ind = ravel_multi_index(unravel_index(ind, shape), shape, mode="clip")
    ok = logical_and_(lax.ge(ind, lax.full_like(ind, 0)), lax.lt(ind, lax.full_like(ind, n)))
    flat = ravel(a)
    safe = where(ok, ind, 0)
    # Later writes win, as in NumPy and XLA's scatter on the CPU.
    return reshape(_last_write(flat, safe, v, ok), aval(a).shape)


def logical_and_(x, y):
    return lax.bitwise_and(x, y)


def _last_write(flat, pos, new, ok):
    """``flat`` with ``new[j]`` written at ``pos[j]`` (where ``ok``); the last write to a
    position wins."""
    n, k = aval(flat).shape[0], aval(pos).shape[0]
    order = lax.iota(dtypes.int32, k)
    latest = zeros((n,), dtypes.int32).at[pos].max(where(ok, order + 1, 0))
    wins = logical_and_(ok, lax.eq(take(latest, pos), order + 1))
    return _scatter_ordered(flat, pos, new, wins)


def put_along_axis(arr, indices, values, axis, inplace=True, *, mode=None):
    """``arr`` with ``values`` written at ``indices`` along ``axis``
    (``jax.numpy.put_along_axis``); needs ``inplace=False``."""
    _no_inplace("put_along_axis", inplace)
    arr, indices = as_array(arr), as_array(indices)
    if axis is None:
        return reshape(put_along_axis(ravel(arr), ravel(indices), ravel(as_array(values)), 0,
                                      inplace=False, mode=mode), aval(arr).shape)
    nd = aval(arr).ndim
    axis = int(axis) % nd
    if aval(indices).ndim != nd:
        raise ValueError(f"[put_along_axis] indices must have rank {nd}, got "
                         f"{aval(indices).shape}")
    idx_shape = np.broadcast_shapes(aval(indices).shape,
                                    tuple(1 if i == axis else d for i, d in
                                          enumerate(aval(arr).shape)))
    ind = lax.broadcast_in_dim(indices, idx_shape, tuple(_range(nd))) \
        if aval(indices).shape != idx_shape else indices
    size = aval(arr).shape[axis]
    ind = where(lax.lt(ind, lax.full_like(ind, 0)), ind + size, ind)
    full_idx = tuple(ind if i == axis else lax.broadcasted_iota(dtypes.int32, idx_shape, i)
                     for i in _range(nd))
    vals = lax.convert_element_type(as_array(values), aval(arr).dtype)
    return arr.at[full_idx].set(lax.broadcast_in_dim(vals, idx_shape, tuple(
        _range(nd - aval(vals).ndim, nd))) if aval(vals).shape != idx_shape else vals)


def choose(a, choices, out=None, mode="raise"):
    """``choices[a[i]][i]`` elementwise, broadcasting (``jax.numpy.choose``).

    Example:
        >>> fnp.choose(fnp.array([0, 1]), [fnp.array([1, 2]), fnp.array([3, 4])])
        Array([1, 4], dtype=int32)
    """
    a = as_array(a)
    if not dtypes.is_integer(aval(a).dtype):
        raise ValueError("[choose] `a` must be an integer array")
    n = len(choices)
    if mode == "raise":
        if is_traced(a):
            raise TypeError("[choose] mode='raise' needs a concrete `a`; under jit use "
                            "mode='wrap' or mode='clip'")
        v = concrete(a, "choose")
        if np.any((v < 0) | (v >= n)):
            raise ValueError("[choose] invalid entry in choice array")
    elif mode == "wrap":
        a = a % n
    elif mode == "clip":
        a = lax.clamp(lax.full_like(a, 0), a, lax.full_like(a, n - 1))
    else:
        raise ValueError(f"[choose] mode={mode!r} not understood: raise, wrap or clip")
    a, *cs = broadcast_arrays(a, *promote_dtypes(*choices))
    stacked = stack(cs, axis=0)
    from .sorting import take_along_axis
    return take_along_axis(stacked, lax.expand_dims(a, (0,)), axis=0)[0]


def compress(condition, a, axis=None, *, size=None, fill_value=0, out=None):
    """The slices of ``a`` along ``axis`` where the 1-D ``condition`` holds
    (``jax.numpy.compress``); pass a static ``size`` (padded with ``fill_value``) under jit.
    """
    cond = lax.ne(as_array(condition), lax.full_like(as_array(condition), 0)) \
        if aval(as_array(condition)).dtype != dtypes.bool_ else as_array(condition)
    if aval(cond).ndim != 1:
        raise ValueError("[compress] condition must be a 1-D array")
    arr = ravel(as_array(a)) if axis is None else moveaxis(as_array(a), axis, 0)
    axis = 0 if axis is None else axis
    n = aval(arr).shape[0]
    cond, extra = cond[:n], cond[n:]
    arr = arr[:aval(cond).shape[0]]
    if size is None:
        if is_traced(cond):
            raise TypeError("[compress] the result size depends on a traced condition: pass "
                            "a static size=")
        if np.any(concrete(extra, "compress")):
            raise ValueError("[compress] condition contains entries that are out of bounds")
        keep = np.nonzero(concrete(cond, "compress"))[0]
        result = take(arr, _int32(keep), axis=0)
    else:
        if not 0 <= size <= aval(arr).shape[0]:
            raise ValueError(f"[compress] size must be in [0, {aval(arr).shape[0]}], got "
                             f"{size}")
        mask = lax.broadcast_in_dim(cond, aval(arr).shape, (0,))
        filled = where(mask, arr, lax.convert_element_type(as_array(fill_value),
                                                             aval(arr).dtype))
        order = argsort(cond, stable=True, descending=True)
        result = take(filled, order, axis=0)[:size]
    return moveaxis(result, 0, axis)


def extract(condition, arr, *, size=None, fill_value=0):
    """The elements of ``arr`` where ``condition`` holds, flattened (``jax.numpy.extract``)."""
    return compress(ravel(as_array(condition)), ravel(as_array(arr)), size=size,
                    fill_value=fill_value)


def delete(arr, obj, axis=None, *, assume_unique_indices=False):
    """``arr`` without the entries ``obj`` (indices or a slice) along ``axis``
    (``jax.numpy.delete``); ``obj`` must be concrete unless ``assume_unique_indices``."""
    a = as_array(arr)
    if axis is None:
        a, axis = ravel(a), 0
    axis = int(axis) % max(aval(a).ndim, 1)
    n = aval(a).shape[axis]
    if isinstance(obj, slice):
        drop = np.arange(n)[obj]
    elif is_traced(obj):
        if not assume_unique_indices:
            raise TypeError("[delete] a traced obj needs assume_unique_indices=True (then "
                            "the result size is static)")
        from .setops import isin
        obj = as_array(obj)
        obj = where(lax.lt(obj, lax.full_like(obj, 0)), obj + n, obj)
        keep_mask = isin(arange(n), obj, invert=True)
        keep = nonzero(keep_mask, size=n - aval(ravel(obj)).shape[0])[0]
        return take(a, keep, axis=axis)
    else:
        drop = np.asarray(concrete(obj, "delete"))
        if drop.dtype == bool:
            raise ValueError("[delete] boolean obj is not supported; pass indices")
        if np.any((drop < -n) | (drop >= n)):
            raise IndexError(f"[delete] index out of bounds for axis {axis} with size {n}")
        drop = drop % max(n, 1)
    keep = np.setdiff1d(np.arange(n), drop)
    return take(a, _int32(keep), axis=axis)


def insert(arr, obj, values, axis=None):
    """``arr`` with ``values`` inserted before the indices ``obj`` along ``axis``
    (``jax.numpy.insert``)."""
    a = as_array(arr)
    if axis is None:
        a, axis = ravel(a), 0
    axis = int(axis) % max(aval(a).ndim, 1)
    n_in = aval(a).shape[axis]
    if isinstance(obj, slice):
        ind = _int32(np.arange(n_in)[obj])
        scalar_obj = False
    else:
        ind = as_array(obj)
        scalar_obj = aval(ind).ndim == 0
        if aval(ind).ndim > 1 or not dtypes.is_integer(aval(ind).dtype):
            raise ValueError("[insert] obj must be a slice, an integer or a 1-D integer array")
        ind = lax.convert_element_type(ind, dtypes.int32)
    vals = lax.convert_element_type(as_array(values), aval(a).dtype)
    vals = reshape(vals, (1,) * (aval(a).ndim - aval(vals).ndim) + aval(vals).shape)
    if aval(ravel(ind)).shape[0] == 1:
        if scalar_obj:
            vals = moveaxis(vals, 0, axis)
        ind = lax.broadcast(ravel(ind)[0], (aval(vals).shape[axis],))
    n_ins = int(np.broadcast_shapes(aval(ind).shape, (aval(vals).shape[axis],))[0])
    ind = lax.broadcast(ind, (n_ins,)) if aval(ind).shape == () else ind
    ind = where(lax.lt(ind, lax.full_like(ind, 0)), ind + n_in, ind)
    ind = lax.clamp(lax.full_like(ind, 0), ind, lax.full_like(ind, n_in))
    order = argsort(ind, stable=True)
    val_pos = zeros((n_ins,), dtypes.int32).at[order].set(take(ind, order) +
                                                         lax.iota(dtypes.int32, n_ins))
    taken = zeros((n_in + n_ins,), dtypes.bool_).at[val_pos].set(True)
    arr_pos = nonzero(lax.bitwise_not(taken), size=n_in)[0]
    out_shape = list(aval(a).shape)
    out_shape[axis] += n_ins
    vshape = list(out_shape)
    vshape[axis] = n_ins
    vals = lax.broadcast_in_dim(vals, tuple(vshape), tuple(_range(len(vshape)))) \
        if aval(vals).shape != tuple(vshape) else vals
    out = zeros(tuple(out_shape), aval(a).dtype)
    lead = (slice(None),) * axis
    out = out.at[lead + (val_pos,)].set(vals)
    return out.at[lead + (arr_pos,)].set(a)


def resize(a, new_shape):
    """``a`` flattened, repeated as needed and reshaped to ``new_shape``
    (``jax.numpy.resize``)."""
    new_shape = (int(new_shape),) if np.ndim(new_shape) == 0 else tuple(int(d) for d in
                                                                         new_shape)
    if any(d < 0 for d in new_shape):
        raise ValueError("[resize] all elements of new_shape must be non-negative")
    flat = ravel(as_array(a))
    size = math.prod(new_shape)
    if size == 0 or aval(flat).shape[0] == 0:
        return zeros(new_shape, aval(flat).dtype)
    return reshape(_tile_to(flat, size), new_shape)


def block(arrays):
    """Assemble an array from nested lists of blocks (``jax.numpy.block``): the innermost
    lists concatenate along the last axis, the next along the one before, ...

    Example:
        >>> fnp.block([[fnp.ones((2, 2)), fnp.zeros((2, 1))]]).shape
        (2, 3)
    """
    def depth(x):
        if isinstance(x, list):
            if not x:
                raise ValueError("[block] lists cannot be empty")
            ds = {depth(e) for e in x}
            if len(ds) != 1:
                raise ValueError("[block] list depths are mismatched")
            return ds.pop() + 1
        if isinstance(x, tuple):
            raise TypeError("[block] blocks are given as lists, not tuples")
        return 0

    def max_ndim(x):
        return max(max_ndim(e) for e in x) if isinstance(x, list) else aval(as_array(x)).ndim

    d = depth(arrays)
    nd = max(d, max_ndim(arrays))

    def build(x, level):
        if not isinstance(x, list):
            x = as_array(x)
            return reshape(x, (1,) * (nd - aval(x).ndim) + aval(x).shape)
        parts = promote_dtypes(*[build(e, level + 1) for e in x])
        return concatenate(parts, axis=-(d - level))

    return build(arrays, 0)


def trim_zeros(filt, trim="fb", axis=None):
    """``filt`` without its leading ('f') and/or trailing ('b') zeros (concrete input)
    (``jax.numpy.trim_zeros``)."""
    v = concrete(as_array(filt), "trim_zeros")
    nz = np.nonzero(v.reshape(-1) if v.ndim == 1 else np.any(v != 0, axis=tuple(
        _range(1, v.ndim))))[0]
    if v.ndim != 1 and axis is None:
        raise NotImplementedError("[trim_zeros] multi-dimensional input needs axis=0")
    start = int(nz[0]) if nz.size and "f" in trim.lower() else (v.shape[0] if not nz.size
                                                                 else 0)
    stop = int(nz[-1]) + 1 if nz.size and "b" in trim.lower() else (
        0 if not nz.size else v.shape[0])
    return as_array(filt)[start:max(start, stop)]


__all__ = ["r_", "c_", "s_", "index_exp", "mgrid", "ogrid", "ix_", "ravel_multi_index",
           "unravel_index", "tril_indices", "triu_indices", "tril_indices_from",
           "triu_indices_from", "diag_indices", "diag_indices_from", "mask_indices",
           "fill_diagonal", "place", "put", "put_along_axis", "choose", "compress", "extract",
           "delete", "insert", "resize", "block", "trim_zeros"]
