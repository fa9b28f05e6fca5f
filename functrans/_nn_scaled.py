"""Block-scaled matmul (``jax.nn.scaled_matmul``, ``scaled_dot_general``,
``get_scaled_dot_general_config``), re-exported by ``functrans.nn``.

JAX runs these only through cuDNN (GPU); this is the reference, non-fused
computation of the same math with functrans ops, on any backend:

* ``scaled_matmul(a, b, sa, sb)`` = ``einsum('BMK,BNK->BMN', a * repeat(sa), b * repeat(sb))``
  in float32 (block size ``K // sa.shape[-1]``).
* ``scaled_dot_general`` quantizes both operands per block of ``block_size`` along the
  contraction (JAX's recipe: scale = block amax / format max; mxfp8: scales rounded up
  to a power of two (e8m0), data float8_e4m3fn; nvfp4: operand divided by the global
  scale, scales rounded to float8_e4m3fn, data float4_e2m1fn), then ``scaled_matmul``.

functrans arrays have no fp8/fp4 dtypes: quantized values are held in float32, rounded
exactly onto the format's grid (round-to-nearest-even, as a cast), and fp8/fp4 NumPy
(ml_dtypes) inputs are upcast to float32 (exactly) on entry.
"""

from __future__ import annotations

import dataclasses
import math

import ml_dtypes
import numpy as np

from . import _lax_lenient as lax
from . import numpy as fnp
from .core import dtypes

_F32 = np.dtype(np.float32)


@dataclasses.dataclass(slots=True)
class BlockScaleConfig:
    """A block-scaling recipe (the fields of JAX's ``BlockScaleConfig``)."""

    mode: str
    block_size: int
    data_type: type
    scale_type: type
    global_scale: object | None
    infer_only: bool


def get_scaled_dot_general_config(mode: str, global_scale=None) -> BlockScaleConfig:
    """The quantization config of a block-scaling mode, for ``scaled_dot_general``.

    Args:
      mode: ``'mxfp8'`` (float8_e4m3fn data, e8m0 scales, blocks of 32) or ``'nvfp4'``
        (float4_e2m1fn data, float8_e4m3fn scales, blocks of 16, a global scale).
      global_scale: nvfp4's float32 ``(1,)`` global scale (default ones).
    Returns:
      A ``BlockScaleConfig``.
    Example:
      >>> configs = [nn.get_scaled_dot_general_config('mxfp8')] * 3
    """
    if mode == "nvfp4":
        scale = fnp.ones((1,), np.float32) if global_scale is None else global_scale
        return BlockScaleConfig("nvfp4", 16, ml_dtypes.float4_e2m1fn, ml_dtypes.float8_e4m3fn,
                                scale, False)
    if mode == "mxfp8":
        return BlockScaleConfig("mxfp8", 32, ml_dtypes.float8_e4m3fn, ml_dtypes.float8_e8m0fnu,
                                None, False)
    raise ValueError(f"[get_scaled_dot_general_config] unsupported mode {mode!r}; use "
                     "'mxfp8' or 'nvfp4'")


def _operand(x):
    """An array for ``x``; fp8/fp4 NumPy arrays (no functrans dtype) become float32."""
    dt = getattr(x, "dtype", None)
    if isinstance(x, np.ndarray) and dt is not None and dt.itemsize == 1 and dt.kind == "V":
        return fnp.asarray(x.astype(np.float32))
    return fnp.asarray(x)


def scaled_matmul(lhs, rhs, lhs_scales, rhs_scales, preferred_element_type=np.float32):
    """Block-scaled batched matmul: ``(B, M, K) x (B, N, K) -> (B, M, N)``, each block of
    ``K // K_s`` contraction elements multiplied by its scale (computed in float32).

    Args:
      lhs: ``(B, M, K)``.
      rhs: ``(B, N, K)``.
      lhs_scales: ``(B, M, K_s)`` with ``K % K_s == 0``.
      rhs_scales: ``(B, N, K_s)``.
      preferred_element_type: the result dtype (default float32).
    Returns:
      ``(B, M, N)`` of ``preferred_element_type``.
    Example:
      >>> nn.scaled_matmul(a, b, fnp.full((1, 1, 1), 0.5), fnp.full((1, 1, 1), 0.5))
    """
    a, b, sa, sb = (_operand(x) for x in (lhs, rhs, lhs_scales, rhs_scales))
    _check_scaled_shapes(a.shape, b.shape, sa.shape, sb.shape)
    out_dtype = dtypes.canonicalize(preferred_element_type)
    a_scaled = a.astype(_F32) * fnp.repeat(sa.astype(_F32), a.shape[2] // sa.shape[2], axis=-1)
    b_scaled = b.astype(_F32) * fnp.repeat(sb.astype(_F32), b.shape[2] // sb.shape[2], axis=-1)
    out = lax.dot_general(a_scaled, b_scaled, (((2,), (2,)), ((0,), (0,))),
                          preferred_element_type=_F32)
    return out.astype(out_dtype)


def _check_scaled_shapes(a, b, sa, sb) -> None:
    shapes = f"lhs {a}, rhs {b}, lhs_scales {sa}, rhs_scales {sb}"
    if not all(len(s) == 3 for s in (a, b, sa, sb)):
        raise ValueError(f"[scaled_matmul] needs 3-D (B, M, K) operands and scales, got "
                         f"{shapes}")
    if a[0] != b[0] or a[2] != b[2]:
        raise ValueError(f"[scaled_matmul] lhs and rhs need the same batch B and contraction "
                         f"K, got {shapes}")
    if sa[0] != sb[0] or sa[2] != sb[2] or sa[1] != a[1] or sb[1] != b[1]:
        raise ValueError(f"[scaled_matmul] scales need the operands' B and M/N and one "
                         f"K_s, got {shapes}")
    if sa[2] == 0 or a[2] % sa[2]:
        raise ValueError(f"[scaled_matmul] K={a[2]} must be a multiple of the scales' "
                         f"K_s={sa[2]} (the block size is K // K_s), got {shapes}")


# ---- quantization (scaled_dot_general) --------------------------------------------------------

def _round_to_format(x, fmt):
    """float32 ``x`` (within the format's range) rounded to the nearest value of the
    small float format ``fmt`` (ties to even), as a cast to it would."""
    info = ml_dtypes.finfo(fmt)
    bits = lax.bitcast_convert_type(fnp.abs(x), np.uint32)
    exp = lax.shift_right_logical(bits, fnp.full(x.shape, 23, np.uint32)).astype(np.int32)
    exp = fnp.maximum(exp - 127, info.minexp)  # subnormals share the smallest exponent
    quantum_bits = lax.shift_left((exp - info.nmant + 127).astype(np.uint32),
                                  fnp.full(x.shape, 23, np.uint32))
    quantum = lax.bitcast_convert_type(quantum_bits, np.float32)
    return lax.round(x / quantum, lax.RoundingMethod.TO_NEAREST_EVEN) * quantum


def _e8m0_round_up(scale):
    """The e8m0 exponent byte of float32 ``scale``, rounded up (JAX's recipe), as uint32."""
    bits = lax.bitcast_convert_type(scale.astype(_F32), np.uint32)
    exp = lax.shift_right_logical(bits, fnp.full(bits.shape, 23, np.uint32))
    mant = bits & np.uint32(0x7FFFFF)
    round_up = (mant > 0) & (exp != 0xFE) & ~((exp == 0) & (mant <= 0x400000))
    return fnp.where(round_up, exp + np.uint32(1), exp) & np.uint32(0xFF)


def _e8m0_value(exp, dtype):
    value = lax.bitcast_convert_type(lax.shift_left(exp, fnp.full(exp.shape, 23, np.uint32)),
                                     np.float32)
    tiny = 2.0 ** -15 if dtype == np.float16 else 2.0 ** -127
    return fnp.where(value == 0, fnp.asarray(np.float32(tiny)), value).astype(dtype)


def _quantize(x, config: BlockScaleConfig):
    """``(B, M, K)`` -> (quantized values as float32, per-block scales as float32)."""
    b, m, k = x.shape
    bs = config.block_size
    if k < bs or k % bs:
        raise ValueError(f"[scaled_dot_general] the contraction size {k} must be a multiple "
                         f"of the block size {bs} ({config.mode})")
    x = fnp.reshape(x, (b, m, k // bs, bs))
    data_max = np.array(float(ml_dtypes.finfo(config.data_type).max), x.dtype)
    amax = fnp.max(fnp.abs(x), axis=-1, keepdims=True) / data_max
    if config.mode == "mxfp8":
        exp = _e8m0_round_up(amax)
        x = x / _e8m0_value(exp, x.dtype)
        scales = _e8m0_value(exp, _F32)
    elif config.mode == "nvfp4":
        scale_max = np.array(float(ml_dtypes.finfo(config.scale_type).max), x.dtype)
        x = x / fnp.asarray(config.global_scale).astype(x.dtype)
        scales = _round_to_format(fnp.clip(amax, 0, scale_max).astype(_F32), config.scale_type)
        x = x / scales
    else:
        raise ValueError(f"[scaled_dot_general] unknown config mode {config.mode!r}")
    q = _round_to_format(fnp.clip(x, -data_max, data_max).astype(_F32), config.data_type)
    return fnp.reshape(q, (b, m, k)), fnp.reshape(scales, (b, m, k // bs))


def _to_bmk(x, contract, batch):
    """``x`` transposed to (batch, free, contracting) axes and reshaped to (B, M, K)."""
    free = [d for d in range(x.ndim) if d not in contract and d not in batch]
    order = [d for d in range(x.ndim) if d in batch] + free + \
            [d for d in range(x.ndim) if d in contract]
    sizes = [math.prod(x.shape[d] for d in ds) for ds in (batch, free, contract)]
    return fnp.reshape(fnp.transpose(x, order), tuple(sizes))


def scaled_dot_general(lhs, rhs, dimension_numbers, preferred_element_type=np.float32,
                       configs=None, implementation=None):
    """``lax.dot_general`` with block-scaled quantized operands (``jax.nn`` semantics).

    Args:
      lhs, rhs: float operands.
      dimension_numbers: ``((lhs_contract, rhs_contract), (lhs_batch, rhs_batch))``.
      preferred_element_type: the result dtype (float32, bfloat16 or float16).
      configs: ``[lhs, rhs, grad]`` configs (``get_scaled_dot_general_config``); None
        means a plain ``lax.dot_general``.
      implementation: ignored (JAX's deprecated backend selector).
    Returns:
      Batch dims, then lhs free dims, then rhs free dims. Its derivative is
      straight-through (the unquantized ``dot_general``'s); JAX also quantizes the
      gradient matmuls with ``configs[2]``.
    Example:
      >>> nn.scaled_dot_general(x, y, (((1,), (1,)), ((), ())), configs=configs)
    """
    del implementation
    lhs, rhs = fnp.asarray(lhs), fnp.asarray(rhs)
    out_dtype = dtypes.canonicalize(preferred_element_type)
    if configs is None:
        return lax.dot_general(lhs, rhs, dimension_numbers, preferred_element_type=out_dtype)
    if out_dtype not in (np.dtype(np.float32), dtypes.bfloat16, np.dtype(np.float16)):
        raise ValueError(f"[scaled_dot_general] preferred_element_type must be float32, "
                         f"bfloat16 or float16, got {out_dtype}")
    dims = tuple(tuple(tuple(d) for d in p) for p in dimension_numbers)
    from .higher_order.custom_derivatives import custom_jvp

    @custom_jvp
    def quantized(lhs, rhs):
        return _scaled_dot_forward(lhs, rhs, dims, out_dtype, configs)

    @quantized.defjvp
    def _quantized_jvp(primals, tangents):
        # straight-through: the derivative of the unquantized dot_general
        (x, y), (tx, ty) = primals, tangents
        t = lax.dot_general(tx, y, dims, preferred_element_type=out_dtype) + \
            lax.dot_general(x, ty, dims, preferred_element_type=out_dtype)
        return quantized(x, y), t

    return quantized(lhs, rhs)


def _scaled_dot_forward(lhs, rhs, dims, out_dtype, configs):
    (lc, rc), (lb, rb) = dims
    a, sa = _quantize(_to_bmk(lhs, lc, lb), configs[0])
    b, sb = _quantize(_to_bmk(rhs, rc, rb), configs[1])
    nvfp4 = configs[0].mode == "nvfp4"
    out = scaled_matmul(a, b, sa, sb, _F32 if nvfp4 else out_dtype)
    if nvfp4:
        gs = fnp.asarray(configs[0].global_scale) * fnp.asarray(configs[1].global_scale)
        out = (out * gs).astype(out_dtype)
    batch = [lhs.shape[d] for d in lb]
    free_l = [lhs.shape[d] for d in range(lhs.ndim) if d not in lc and d not in lb]
    free_r = [rhs.shape[d] for d in range(rhs.ndim) if d not in rc and d not in rb]
    return fnp.reshape(out, (*batch, *free_l, *free_r))
