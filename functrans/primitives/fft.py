"""fft: FFT, IFFT, RFFT, IRFFT over the last 1-3 axes (as ``jax.lax.fft``).

``fft_lengths`` are the sizes of the transformed (trailing) axes of the *real* side:
RFFT maps real ``[..., n]`` to complex ``[..., n // 2 + 1]``; IRFFT maps complex
``[..., n // 2 + 1]`` back to real ``[..., n]``. IFFT and IRFFT include the 1/N factor
(as XLA and NumPy). The primitive is linear: jvp applies it to the tangent; its
transposes follow JAX's convention for complex values (plain, not conjugate,
transposes).
"""

from __future__ import annotations

import enum
import math

import numpy as np

from ..core import dtypes
from ..core.ir import ShapedArray
from ..core.registry import jvp_rules, transpose_rules, vmap_rules
from ..core.trace import bind, bind1
from . import _ops as ops
from ._batching import moveaxis
from ._builders import primitive
from .complex_ops import complex_dtype, conj, real_dtype, real_p


class FftType(enum.IntEnum):
    """The kind of transform (``jax.lax.FftType``)."""

    FFT = 0
    IFFT = 1
    RFFT = 2
    IRFFT = 3


def _fft_abstract_eval(x, *, fft_type, fft_lengths):
    fft_type, k = FftType(fft_type), len(fft_lengths)
    if not 1 <= k <= 3 or x.ndim < k:
        raise ValueError(f"[fft] transforms 1 to 3 trailing axes of an array of rank >= that "
                         f"number, got fft_lengths={tuple(fft_lengths)} for {x.str_short()}")
    shape = list(x.shape)
    if fft_type == FftType.RFFT:
        if x.dtype not in (dtypes.float32, dtypes.float64):
            raise TypeError(f"[fft] RFFT needs a float32/float64 operand, got {x.str_short()}")
        if tuple(shape[-k:]) != tuple(fft_lengths):
            raise ValueError(f"[fft] RFFT fft_lengths={tuple(fft_lengths)} must equal the "
                             f"trailing axes of {x.str_short()}")
        shape[-1] = fft_lengths[-1] // 2 + 1
        return ShapedArray(tuple(shape), complex_dtype(x.dtype))
    if x.dtype.kind != "c":
        raise TypeError(f"[fft] {fft_type.name} needs a complex operand, got {x.str_short()}; "
                        "convert with x.astype(jnp.complex64)")
    want = list(fft_lengths)
    if fft_type == FftType.IRFFT:
        want[-1] = fft_lengths[-1] // 2 + 1
    if shape[-k:] != want:
        raise ValueError(f"[fft] {fft_type.name} of {x.str_short()} with fft_lengths="
                         f"{tuple(fft_lengths)} needs trailing axes {tuple(want)}")
    if fft_type == FftType.IRFFT:
        shape[-1] = fft_lengths[-1]
        return ShapedArray(tuple(shape), real_dtype(x.dtype))
    return ShapedArray(tuple(shape), x.dtype)


def _fft_impl(x, *, fft_type, fft_lengths):
    fft_type, k = FftType(fft_type), len(fft_lengths)
    axes = tuple(range(x.ndim - k, x.ndim))
    if fft_type == FftType.FFT:
        out = np.fft.fftn(x, axes=axes)
    elif fft_type == FftType.IFFT:
        out = np.fft.ifftn(x, axes=axes)
    elif fft_type == FftType.RFFT:
        return np.fft.rfftn(x, axes=axes).astype(complex_dtype(x.dtype))
    else:
        return np.fft.irfftn(x, s=tuple(fft_lengths), axes=axes).astype(real_dtype(x.dtype))
    return out.astype(x.dtype)


fft_p = primitive("fft", _fft_abstract_eval, _fft_impl)


def fft(x, fft_type, fft_lengths):
    return bind1(fft_p, x, fft_type=FftType(fft_type), fft_lengths=tuple(fft_lengths))


def _rfft_transpose(ct, fft_lengths):
    """RFFT = (FFT of the real input as complex)[..., :n // 2 + 1]: pad the cotangent back
    to n, apply FFT's transpose (FFT itself: the DFT matrix is symmetric), keep the real
    part (the transpose of the real-to-complex embedding)."""
    a = ops.aval(ct)
    n = fft_lengths[-1]
    pad = [(0, 0, 0)] * (a.ndim - 1) + [(0, n - a.shape[-1], 0)]
    from .shapes import pad_p
    full = bind1(pad_p, ct, ops.scalar(0, a.dtype), padding_config=tuple(pad))
    return real_p.bind1(fft(full, FftType.FFT, fft_lengths))


def _irfft_transpose(ct, fft_lengths):
    """The transpose of IRFFT: RFFT of the cotangent, doubled at the bins that stand for two
    conjugate bins, scaled by 1/N and conjugated (JAX's convention)."""
    x = fft(ct, FftType.RFFT, fft_lengths)
    a = ops.aval(x)
    n_out, odd = a.shape[-1], fft_lengths[-1] % 2
    weights = np.full(n_out, 2.0)
    weights[0] = 1.0
    if not odd:
        weights[-1] = 1.0
    scale = np.broadcast_to(weights / math.prod(fft_lengths), a.shape).astype(a.dtype)
    return conj(ops.mul(ops.constant(scale), x))


def _fft_transpose(cts, x, *, fft_type, fft_lengths):
    ct = cts[0]
    if ct is None:
        return [None]
    fft_type = FftType(fft_type)
    if fft_type == FftType.RFFT:
        return [_rfft_transpose(ct, fft_lengths)]
    if fft_type == FftType.IRFFT:
        return [_irfft_transpose(ct, fft_lengths)]
    # FFT^T = FFT and IFFT^T = IFFT (symmetric DFT matrices)
    return [fft(ct, fft_type, fft_lengths)]


def _fft_vmap(axis_data, vals, bdims, **params):
    (x,), (b,) = vals, bdims
    return bind(fft_p, moveaxis(x, b, 0), **params), [0]


jvp_rules[fft_p] = ops.linear_jvp(fft_p)
transpose_rules[fft_p] = _fft_transpose
vmap_rules[fft_p] = _fft_vmap
