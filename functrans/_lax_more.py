"""The rest of ``jax.lax``'s names (re-exported by ``lax.py``): small elementwise and shape
utilities, XLA's bit generators, scatter variants, tokens, collectives expressed with the
existing ones, and the typing names (``DotAlgorithm``, ``RandomAlgorithm``, ...).

Most are compositions of existing primitives (so every transformation applies); ``clz``,
``reduce_precision``, ``rng_bit_generator`` and ``rng_uniform`` bind their own primitives.
"""

from __future__ import annotations

import builtins
import dataclasses
import enum
import functools
import math
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np

from . import lax as _lax
from .core import dtypes
from .core.array import Array, aval_of
from .core.trace import Tracer, bind, bind1
from .primitives import bitwise as _bw
from .primitives import elementwise as _ew
from .primitives import random_bits as _rb
from .primitives.conv import ConvDimensionNumbers
from .primitives.random_bits import RandomAlgorithm
from .tree_util import register_pytree_node, tree_map

__all__ = [
    "AccuracyMode", "ConvGeneralDilatedDimensionNumbers", "DotAlgorithm", "DotAlgorithmPreset",
    "DotDimensionNumbers", "PrecisionLike", "RaggedDotDimensionNumbers", "RandomAlgorithm",
    "Tolerance", "after_all", "approx_max_k", "approx_min_k", "batch_matmul",
    "broadcast_like", "broadcast_shapes", "broadcast_to_rank", "clz", "collapse", "composite",
    "create_token", "dce_sink", "dtype", "empty", "index_take", "mulhi", "pbroadcast", "pcast",
    "platform_dependent", "pshuffle", "pswapaxes", "reciprocal", "reduce_precision",
    "rng_bit_generator", "rng_uniform", "scatter_apply", "scatter_sub", "shape_as_value",
    "split", "stack", "stage", "tile", "unstack", "with_sharding_constraint",
]


def _shape(x) -> tuple[int, ...]:
    return aval_of(x, "lax").shape


def _asarray(x):
    return x if isinstance(x, Array | Tracer) else _lax._lift_scalars(x)[0]


# ---- types ---------------------------------------------------------------------------------

DotDimensionNumbers = tuple[tuple[Sequence[int], Sequence[int]],
                            tuple[Sequence[int], Sequence[int]]]
ConvGeneralDilatedDimensionNumbers = tuple[str, str, str] | ConvDimensionNumbers | None


class DotAlgorithm(NamedTuple):
    """``jax.lax.DotAlgorithm``: operand/accumulation types of a dot. Accepted as a
    ``precision``; the CPU backend computes at the operands' precision regardless."""
    lhs_precision_type: Any
    rhs_precision_type: Any
    accumulation_type: Any
    lhs_component_count: int = 1
    rhs_component_count: int = 1
    num_primitive_operations: int = 1
    allow_imprecise_accumulation: bool = False


DotAlgorithmPreset = enum.Enum("DotAlgorithmPreset", [
    "DEFAULT", "ANY_F8_ANY_F8_F32", "ANY_F8_ANY_F8_F32_FAST_ACCUM", "ANY_F8_ANY_F8_ANY",
    "ANY_F8_ANY_F8_ANY_FAST_ACCUM", "F16_F16_F16", "F16_F16_F32", "BF16_BF16_BF16",
    "BF16_BF16_F32", "BF16_BF16_F32_X3", "BF16_BF16_F32_X6", "BF16_BF16_F32_X9",
    "TF32_TF32_F32", "TF32_TF32_F32_X3", "F32_F32_F32", "F64_F64_F64"])
DotAlgorithmPreset.__doc__ = "``jax.lax.DotAlgorithmPreset``: named dot algorithms."

PrecisionLike = (None | str | _lax.Precision | tuple[str, str]
                 | tuple[_lax.Precision, _lax.Precision] | DotAlgorithm | DotAlgorithmPreset)


class AccuracyMode(enum.Enum):
    """``jax.lax.AccuracyMode`` for transcendental functions."""
    HIGHEST = 1
    DEFAULT = 2


class Tolerance:
    """``jax.lax.Tolerance``: requested accuracy of a unary function (``atol`` and
    ``rtol``, or ``atol`` and ``ulps``)."""

    def __init__(self, atol: float = 0.0, rtol: float = 0.0, ulps: int = 0):
        if atol < 0.0 or rtol < 0.0 or ulps < 0:
            raise ValueError("[Tolerance] atol, rtol and ulps must be non-negative")
        if atol == 0.0 and rtol == 0.0 and ulps == 0:
            raise ValueError("[Tolerance] set at least one of atol, rtol, ulps")
        self.atol, self.rtol, self.ulps = atol, rtol, ulps

    def __repr__(self) -> str:
        return f"Tolerance(atol={self.atol}, rtol={self.rtol}, ulps={self.ulps})"


@dataclasses.dataclass(frozen=True)
class RaggedDotDimensionNumbers:
    """``jax.lax.RaggedDotDimensionNumbers``: the dot dims of a ragged dot, the lhs
    dimension split into groups and the rhs dimension indexing the groups."""
    dot_dimension_numbers: Any
    lhs_ragged_dimensions: tuple
    rhs_group_dimensions: tuple

    def __init__(self, dot_dimension_numbers, lhs_ragged_dimensions, rhs_group_dimensions):
        dims = tuple(tuple(tuple(int(d) for d in s) for s in t) for t in dot_dimension_numbers)
        object.__setattr__(self, "dot_dimension_numbers", dims)
        object.__setattr__(self, "lhs_ragged_dimensions", tuple(lhs_ragged_dimensions))
        object.__setattr__(self, "rhs_group_dimensions", tuple(rhs_group_dimensions))


# ---- tokens --------------------------------------------------------------------------------

class Token:
    """An ordering token (``jax.lax.create_token``). functrans orders its effects itself
    (ordered callbacks thread their own token), so a token carries nothing; it is a pytree
    without leaves and passes through jit, vmap and grad."""

    def __repr__(self) -> str:
        return "Token()"


register_pytree_node(Token, lambda t: ((), None), lambda aux, children: Token())


def create_token(_=None) -> Token:
    """A fresh ordering token (``jax.lax.create_token``); the argument is ignored."""
    return Token()


def after_all(*operands) -> Token:
    """A token ordered after ``operands`` (``jax.lax.after_all``)."""
    for t in operands:
        if not isinstance(t, Token):
            raise TypeError(f"[after_all] operands must be tokens (lax.create_token()), got "
                            f"{type(t).__name__}")
    return Token()


# ---- elementwise -----------------------------------------------------------------------

def clz(x):
    """Count of leading zero bits of each integer (``jax.lax.clz``).

    Example:
        >>> lax.clz(fnp.int32([1, 0, -1]))  # [31, 32, 0]
    """
    return bind1(_bw.clz_p, _asarray(x))


def reciprocal(x):
    """``1 / x`` elementwise (``jax.lax.reciprocal``)."""
    return _lax.integer_pow(x, -1)


def reduce_precision(operand, exponent_bits: int, mantissa_bits: int):
    """Round floats to a narrower format's precision and range, keeping the dtype
    (``jax.lax.reduce_precision``, XLA's ReducePrecision).

    Args:
      operand: a float array.
      exponent_bits: exponent bits of the narrower format (>= 1).
      mantissa_bits: mantissa bits of the narrower format (>= 0).

    Returns:
      ``operand`` rounded to nearest even; out of range values become +-inf, values
      below its normal range +-0.

    Example:
        >>> lax.reduce_precision(fnp.float32(1.0001), 5, 10)  # float16 precision: 1.0
    """
    return bind1(_ew.reduce_precision_p, _asarray(operand),
                 exponent_bits=int(exponent_bits), mantissa_bits=int(mantissa_bits))


def mulhi(x, y):
    """The high half of the double-width product of integers (``jax.lax.mulhi``).

    Computed with half-width limbs in the operands' own width (two's complement
    correction for signed types), so it is exact for every integer width.

    Example:
        >>> lax.mulhi(fnp.uint8(200), fnp.uint8(200))  # 40000 >> 8 = 156
    """
    x, y = _lax._lift_scalars(x, y)
    dt = np.dtype(aval_of(x, "mulhi").dtype)
    if dt.kind not in "iu" or np.dtype(aval_of(y, "mulhi").dtype) != dt:
        raise TypeError(f"[mulhi] needs two integer operands of one dtype, got "
                        f"{aval_of(x, 'mulhi').str_short()} and {aval_of(y, 'mulhi').str_short()}")
    bits = dt.itemsize * 8
    udt = np.dtype(f"uint{bits}")
    ux, uy = (_lax.bitcast_convert_type(v, udt) for v in (x, y))
    hi = _umulhi(ux, uy, bits // 2, udt)
    if dt.kind == "i":  # signed = unsigned - (x < 0 ? y : 0) - (y < 0 ? x : 0)
        zero = _lax.full_like(ux, 0)
        hi = _lax.sub(hi, _lax.select(_lax.lt(x, _lax.full_like(x, 0)), uy, zero))
        hi = _lax.sub(hi, _lax.select(_lax.lt(y, _lax.full_like(y, 0)), ux, zero))
        return _lax.bitcast_convert_type(hi, dt)
    return hi


def _umulhi(x, y, half: int, udt):
    shift = _lax.full_like(x, half)
    mask = _lax.full_like(x, (1 << half) - 1)
    x_lo, x_hi = _lax.bitwise_and(x, mask), _lax.shift_right_logical(x, shift)
    y_lo, y_hi = _lax.bitwise_and(y, mask), _lax.shift_right_logical(y, shift)
    lo_lo, hi_lo = _lax.mul(x_lo, y_lo), _lax.mul(x_hi, y_lo)
    lo_hi, hi_hi = _lax.mul(x_lo, y_hi), _lax.mul(x_hi, y_hi)
    cross = _lax.add(_lax.add(_lax.shift_right_logical(lo_lo, shift),
                              _lax.bitwise_and(hi_lo, mask)), lo_hi)
    return _lax.add(_lax.add(hi_hi, _lax.shift_right_logical(hi_lo, shift)),
                    _lax.shift_right_logical(cross, shift))


# ---- XLA's random bit generators ----------------------------------------------------------

def rng_bit_generator(key, shape, dtype=np.uint32, algorithm=RandomAlgorithm.RNG_DEFAULT, *,
                      out_sharding=None):
    """XLA's stateless bit generator (``jax.lax.rng_bit_generator``): bits of ``shape``
    and the next key; bit-identical to JAX on the same backend.

    Args:
      key: uint32[4] key.
      shape: the bits' shape.
      dtype: an unsigned integer dtype.
      algorithm: a ``RandomAlgorithm``.
      out_sharding: accepted and ignored (one device).

    Returns:
      ``(new_key, bits)``.

    Example:
        >>> new_key, bits = lax.rng_bit_generator(fnp.zeros(4, 'uint32'), (2, 3))
    """
    dtype = dtypes.canonicalize(np.dtype(dtype))
    shape = tuple(int(d) for d in shape)
    return tuple(bind(_rb.rng_bit_generator_p, key, shape=shape, dtype=dtype,
                      algorithm=RandomAlgorithm(algorithm)))


def rng_uniform(a, b, shape):
    """XLA's stateful uniform generator (``jax.lax.rng_uniform``): values in ``[a, b)``
    of ``shape``; not reproducible across programs (use ``functrans.random``)."""
    a, b = _lax._lift_scalars(a, b)
    return bind1(_rb.rng_uniform_p, a, b, shape=tuple(int(d) for d in shape))


# ---- shapes ------------------------------------------------------------------------------

def broadcast_shapes(*shapes) -> tuple[int, ...]:
    """The NumPy broadcast of ``shapes`` (``jax.lax.broadcast_shapes``)."""
    try:
        return tuple(np.broadcast_shapes(*[tuple(s) for s in shapes]))
    except ValueError:
        raise ValueError(f"[broadcast_shapes] shapes {[tuple(s) for s in shapes]} do not "
                         "broadcast: each dimension must match or be 1") from None


def broadcast_to_rank(x, rank: int):
    """``x`` with leading size-1 axes added up to ``rank`` (``jax.lax.broadcast_to_rank``)."""
    x = _asarray(x)
    n = len(_shape(x))
    return x if n >= rank else _lax.broadcast(x, (1,) * (rank - n))


def broadcast_like(arr, like_arr):
    """``arr`` broadcast (NumPy rules) to the shape of ``like_arr``."""
    arr, shape = _asarray(arr), _shape(like_arr)
    src = _shape(arr)
    if len(src) > len(shape) or any(s not in (1, d) for s, d in zip(
            src[::-1], shape[::-1], strict=False)):
        raise ValueError(f"[broadcast_like] cannot broadcast shape {src} to {shape}")
    dims = tuple(range(len(shape) - len(src), len(shape)))
    squeezed = [i for i, (s, d) in enumerate(zip(src, (shape[j] for j in dims), strict=True))
                if s != d]
    if squeezed:
        arr = _lax.squeeze(arr, squeezed)
        dims = tuple(d for i, d in enumerate(dims) if i not in squeezed)
    return _lax.broadcast_in_dim(arr, shape, dims)


def collapse(operand, start_dimension: int, stop_dimension: int | None = None):
    """``operand`` with dims ``[start, stop)`` merged into one (``jax.lax.collapse``)."""
    shape = _shape(operand)
    lo, hi, _ = builtins.slice(start_dimension, stop_dimension).indices(len(shape))
    if hi < lo:
        raise ValueError(f"[collapse] empty dimension range [{start_dimension}:"
                         f"{stop_dimension}] for shape {shape}")
    return _lax.reshape(operand, (*shape[:lo], math.prod(shape[lo:hi]), *shape[hi:]))


def split(operand, sizes: Sequence[int], axis: int = 0) -> list:
    """``operand`` cut along ``axis`` into pieces of ``sizes`` (``jax.lax.split``)."""
    operand = _asarray(operand)
    shape = _shape(operand)
    axis = _axis(axis, len(shape), "split")
    sizes = [int(s) for s in sizes]
    if builtins.sum(sizes) != shape[axis] or builtins.min(sizes, default=0) < 0:
        raise ValueError(f"[split] sizes {sizes} must be non-negative and sum to the size "
                         f"{shape[axis]} of axis {axis} of shape {shape}")
    starts = np.cumsum([0, *sizes])
    return [_lax.slice_in_dim(operand, int(s), int(s) + n, 1, axis)
            for s, n in zip(starts[:-1], sizes, strict=True)]


def unstack(x, axis: int = 0) -> tuple:
    """The slices of ``x`` along ``axis``, as a tuple (``jax.lax.unstack``)."""
    x = _asarray(x)
    axis = _axis(axis, len(_shape(x)), "unstack")
    return tuple(_lax.index_in_dim(x, i, axis, keepdims=False) for i in range(_shape(x)[axis]))


def stack(operands: Sequence, axis: int = 0):
    """Join equal-shaped arrays along a new axis (``jax.lax.stack``)."""
    operands = [_asarray(o) for o in operands]
    if not operands:
        raise ValueError("[stack] needs at least one operand")
    axis = _axis(axis, len(_shape(operands[0])) + 1, "stack")
    return _lax.concatenate([_lax.expand_dims(o, (axis,)) for o in operands], axis)


def tile(operand, reps: Sequence[int]):
    """``operand`` repeated ``reps[i]`` times along each axis (``jax.lax.tile``)."""
    operand = _asarray(operand)
    shape, reps = _shape(operand), tuple(int(r) for r in reps)
    if len(reps) != len(shape):
        raise ValueError(f"[tile] reps must have one entry per axis of shape {shape}, got "
                         f"{reps}")
    wide = _lax.broadcast_in_dim(operand, [n for r, d in zip(reps, shape, strict=True)
                                           for n in (r, d)],
                                 tuple(range(1, 2 * len(shape), 2)))
    return _lax.reshape(wide, tuple(r * d for r, d in zip(reps, shape, strict=True)))


def _axis(axis: int, ndim: int, api: str) -> int:
    if not -ndim <= axis < ndim:
        raise ValueError(f"[{api}] axis {axis} is out of range for rank {ndim}")
    return axis % ndim


def empty(shape, dtype, *, out_sharding=None):
    """An array of ``shape`` and ``dtype`` whose values are unspecified
    (``jax.lax.empty``); here zeros."""
    shape = (int(shape),) if isinstance(shape, int | np.integer) else tuple(shape)
    return _lax.full(shape, 0, dtype)


def shape_as_value(shape):
    """``shape`` as an int32 vector (``jax.lax.shape_as_value``; a NumPy array, as JAX
    gives for a constant shape)."""
    return np.asarray(tuple(int(d) for d in shape), np.int32).reshape(len(shape))


def dtype(x) -> np.dtype:
    """The dtype of a value or a dtype-like (``jax.lax.dtype``): Python scalars give
    the default types (float32, int32 unless x64)."""
    if isinstance(x, type):
        return np.dtype(x)
    if hasattr(x, "dtype"):
        return np.dtype(x.dtype)
    if isinstance(x, bool | int | float | complex):
        return dtypes.dtype_and_weak(x)[0]
    return np.dtype(x)


def index_take(src, idxs, axes: Sequence[int]):
    """``src`` indexed by one index array per axis in ``axes`` (``jax.lax.index_take``);
    indices wrap modulo the axis size."""
    src = _asarray(src)
    shape, axes = _shape(src), tuple(int(a) for a in axes)
    cols = [_lax.expand_dims(_asarray(i), (1,)) for i in idxs]
    indices = _lax.concatenate(cols, 1)
    ia = aval_of(indices, "index_take")
    sizes = np.broadcast_to(np.array([shape[a] for a in axes], ia.dtype), ia.shape)
    indices = _lax.rem(_lax.add(_lax.rem(indices, sizes), sizes), sizes)
    slice_sizes = tuple(1 if i in axes else d for i, d in enumerate(shape))
    dnums = _lax.GatherDimensionNumbers(
        offset_dims=tuple(range(1, len(shape) - len(axes) + 1)), collapsed_slice_dims=axes,
        start_index_map=axes)
    return _lax.gather(src, indices, dnums, slice_sizes)


# ---- scatter variants --------------------------------------------------------------------

def scatter_sub(operand, scatter_indices, updates, dimension_numbers, *,
                indices_are_sorted=False, unique_indices=False, mode=None):
    """``operand`` with ``updates`` subtracted at ``scatter_indices``
    (``jax.lax.scatter_sub``; duplicates accumulate)."""
    operand, updates = _lax._lift_scalars_like_arrays(operand, updates)
    return _lax.scatter_add(operand, scatter_indices, _lax.neg(updates), dimension_numbers,
                            indices_are_sorted=indices_are_sorted,
                            unique_indices=unique_indices, mode=mode)


def scatter_apply(operand, scatter_indices, func: Callable, dimension_numbers, *,
                  update_shape=(), indices_are_sorted=False, unique_indices=False, mode=None):
    """``operand`` with ``func`` applied to the windows at ``scatter_indices``
    (``jax.lax.scatter_apply``): the windows are gathered, mapped and scattered back.

    Unlike XLA's scatter, a window addressed twice gets ``func`` once, not twice.
    """
    operand = _asarray(operand)
    dn = _lax._dims(dimension_numbers, _lax.ScatterDimensionNumbers)
    shape, update_shape = _shape(operand), tuple(update_shape)
    window = iter(update_shape[d] for d in dn.update_window_dims)
    slice_sizes = tuple(1 if i in dn.inserted_window_dims or i in dn.operand_batching_dims
                        else next(window) for i in range(len(shape)))
    gdn = _lax.GatherDimensionNumbers(
        offset_dims=dn.update_window_dims, collapsed_slice_dims=dn.inserted_window_dims,
        start_index_map=dn.scatter_dims_to_operand_dims,
        operand_batching_dims=dn.operand_batching_dims,
        start_indices_batching_dims=dn.scatter_indices_batching_dims)
    windows = _lax.gather(operand, scatter_indices, gdn, slice_sizes, mode=mode,
                          indices_are_sorted=indices_are_sorted, unique_indices=unique_indices)
    return _lax.scatter(operand, scatter_indices, func(windows), dn,
                        indices_are_sorted=indices_are_sorted, unique_indices=unique_indices,
                        mode=mode)


# ---- top-k ---------------------------------------------------------------------------------

def approx_max_k(operand, k: int, reduction_dimension: int = -1, recall_target: float = 0.95,
                 reduction_input_size_override: int = -1, aggregate_to_topk: bool = True):
    """The ``k`` largest values along ``reduction_dimension`` and their indices
    (``jax.lax.approx_max_k``); exact here (as JAX off TPU). Floats only, as JAX."""
    operand = _float_operand(operand, "approx_max_k")
    return _lax.top_k(operand, int(k), axis=reduction_dimension)


def _float_operand(operand, api: str):
    operand = _asarray(operand)
    if not dtypes.is_float(aval_of(operand, api).dtype):
        raise TypeError(f"[{api}] operand must be a floating type, got "
                        f"{aval_of(operand, api).str_short()}")
    return operand


def approx_min_k(operand, k: int, reduction_dimension: int = -1, recall_target: float = 0.95,
                 reduction_input_size_override: int = -1, aggregate_to_topk: bool = True):
    """The ``k`` smallest values along ``reduction_dimension`` and their indices
    (``jax.lax.approx_min_k``); exact here. NaNs count as largest."""
    from . import numpy as fnp
    operand = _float_operand(operand, "approx_min_k")
    keys = _lax.neg(operand)
    keys = _lax.select(_lax.ne(operand, operand), _lax.full_like(keys, -np.inf), keys)
    _, indices = _lax.top_k(keys, int(k), axis=reduction_dimension)
    return fnp.take_along_axis(operand, indices, axis=reduction_dimension), indices


def batch_matmul(lhs, rhs, precision=None):
    """Matrix products over equal leading batch dims (``jax.lax.batch_matmul``)."""
    ls, rs = _shape(lhs), _shape(rhs)
    if len(ls) < 2 or len(ls) != len(rs) or ls[:-2] != rs[:-2]:
        raise ValueError(f"[batch_matmul] needs operands of one rank >= 2 with equal batch "
                         f"dims, got shapes {ls} and {rs}")
    batch = tuple(range(len(ls) - 2))
    return _lax.dot_general(lhs, rhs, (((len(ls) - 1,), (len(rs) - 2,)), (batch, batch)),
                            precision=precision)


# ---- collectives by composition ----------------------------------------------------------

def pbroadcast(x, axis_name, source: int):
    """Every member of ``axis_name`` gets member ``source``'s ``x``
    (``jax.lax.pbroadcast``)."""
    return tree_map(lambda v: _lax.index_in_dim(_lax.all_gather(v, axis_name), int(source),
                                                0, keepdims=False), x)


def pshuffle(x, axis_name, perm: Sequence[int]):
    """Member ``i`` gets member ``perm[i]``'s ``x`` (``jax.lax.pshuffle``)."""
    perm = [int(p) for p in perm]
    if sorted(perm) != list(range(len(perm))):
        raise ValueError(f"[pshuffle] perm {perm} is not a permutation of 0..{len(perm) - 1}")
    return _lax.ppermute(x, axis_name, list(zip(perm, range(len(perm)), strict=True)))


def pswapaxes(x, axis_name, axis: int, *, axis_index_groups=None):
    """Swap the named axis with positional ``axis`` (``jax.lax.pswapaxes``): an
    ``all_to_all`` splitting and concatenating along ``axis``."""
    if axis_index_groups is not None:
        raise NotImplementedError("[pswapaxes] axis_index_groups is not supported; "
                                  "use lax.all_to_all over the whole axis")
    return _lax.all_to_all(x, axis_name, axis, axis)


def pcast(x, axis_name, *, to: str):
    """``jax.lax.pcast`` changes how shard_map types a value over ``axis_name``; with
    no varying-axes types here it is the identity."""
    return x


def with_sharding_constraint(x, shardings):
    """The identity: a sharding constraint is meaningless on one device (``jax.lax.
    with_sharding_constraint``; for several devices use pmap)."""
    return x


# ---- staging helpers ---------------------------------------------------------------------

def stage(x):
    """``x`` as a value of the current trace (``jax.lax.stage``): an Array eagerly, a
    traced value under a transformation."""
    return bind1(_ew.copy_p, _asarray(x))


def dce_sink(val, *, prevent_mlir_dce: bool = False) -> None:
    """``jax.lax.dce_sink`` keeps a value from dead-code elimination; functrans does not
    eliminate user code, so this does nothing."""
    return None


def composite(decomposition: Callable, name: str, version: int = 0) -> Callable:
    """``decomposition`` as a named composite (``jax.lax.composite``); functrans inlines
    the decomposition (XLA sees its operations).

    Example:
        >>> my_tanh = lax.composite(lambda x: fnp.tanh(x), name="my.tanh")
    """
    @functools.wraps(decomposition)
    def call(*args, **kwargs):
        return decomposition(*args, **kwargs)
    call.composite_name, call.composite_version = name, version
    return call


def platform_dependent(*args, default: Callable | None = None, **per_platform: Callable):
    """Call the branch for the platform the program runs on (``jax.lax.
    platform_dependent``): ``cpu=``, ``cuda=``, ``rocm=``, ``tpu=``, or ``default``.

    The platform is the default backend, chosen at trace time."""
    from .api import default_backend
    platform = default_backend()
    names = ("cuda", "rocm", "gpu") if platform == "gpu" else (platform,)
    for name in names:
        if name in per_platform:
            return per_platform[name](*args)
    if default is None:
        raise NotImplementedError(f"[platform_dependent] no branch for platform {platform!r} "
                                  f"(given: {sorted(per_platform)}) and no default=")
    return default(*args)
