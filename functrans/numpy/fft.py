"""``functrans.numpy.fft`` (as ``jax.numpy.fft``): the NumPy FFT functions over the ``fft``
primitive, with ``n``/``s``, ``axis``/``axes`` and ``norm`` ('backward', 'ortho',
'forward').

Example::

    fnp.fft.fft(x); fnp.fft.irfft(fnp.fft.rfft(x), n=x.shape[-1]); fnp.fft.fftfreq(8)
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .. import _lax_lenient as lax
from ..primitives.fft import FftType
from ._util import aval

_NORMS = (None, "backward", "ortho", "forward")


def _fnp():
    from .. import numpy as fnp
    return fnp


def _scale(out, norm, n_total: int, inverse: bool, api: str):
    if norm not in _NORMS:
        raise ValueError(f"[{api}] invalid norm={norm!r}; use 'backward', 'ortho' or 'forward'")
    if norm in (None, "backward"):
        return out
    if norm == "ortho":
        factor = math.sqrt(n_total) if inverse else 1 / math.sqrt(n_total)
    else:  # forward: the forward transform carries 1/N, the inverse none
        factor = n_total if inverse else 1 / n_total
    return out * np.asarray(factor, dtype=np.dtype(aval(out).dtype).type(0).real.dtype)


def _resize(x, axis: int, size: int):
    """``x`` cut or zero-padded to ``size`` along ``axis``."""
    fnp = _fnp()
    cur = aval(x).shape[axis]
    if cur == size:
        return x
    if cur > size:
        return lax.slice_in_dim(x, 0, size, axis=axis)
    pad = [(0, 0)] * aval(x).ndim
    pad[axis] = (0, size - cur)
    return fnp.pad(x, pad)


def _fftn(api: str, fft_type: FftType, a, s, axes, norm):
    fnp = _fnp()
    a = fnp.asarray(a)
    if fft_type == FftType.RFFT:
        if aval(a).dtype.kind == "c":
            raise TypeError(f"[{api}] needs a real input, got {aval(a).dtype}")
        a = a.astype(fnp.result_type(a.dtype, np.float32))
    else:
        a = a.astype(fnp.result_type(a.dtype, np.complex64))
    nd = aval(a).ndim
    if axes is None:
        axes = tuple(range(nd)) if s is None else tuple(range(nd - len(s), nd))
    axes = tuple(ax % nd if -nd <= ax < nd else _bad_axis(api, ax, nd) for ax in axes)
    if len(set(axes)) != len(axes):
        raise ValueError(f"[{api}] axes {axes} repeat an axis")
    if s is None:
        s = [aval(a).shape[ax] for ax in axes]
        if fft_type == FftType.IRFFT:
            s[-1] = 2 * (s[-1] - 1)
    s = [int(v) for v in s]
    if len(s) != len(axes):
        raise ValueError(f"[{api}] s {tuple(s)} and axes {axes} must have the same length")
    if len(axes) > 3:  # XLA transforms <= 3 axes: the leading axes as a complex FFT apart
        lead, trail = (s[:-3], axes[:-3]), (s[-3:], axes[-3:])
        complex_type = FftType.IFFT if fft_type in (FftType.IFFT, FftType.IRFFT) else FftType.FFT
        if fft_type == FftType.IRFFT:
            a = _fftn(api, complex_type, a, *lead, norm)
            return _fftn(api, fft_type, a, *trail, norm)
        a = _fftn(api, fft_type, a, *trail, norm)
        return _fftn(api, complex_type, a, *lead, norm)
    if any(v < 1 for v in s):
        raise ValueError(f"[{api}] invalid number of data points {tuple(s)}")
    for ax, n in zip(axes, s, strict=True):
        last = ax == axes[-1] and fft_type == FftType.IRFFT
        a = _resize(a, ax, n // 2 + 1 if last else n)
    dest = list(range(nd - len(axes), nd))
    a = fnp.moveaxis(a, axes, dest)
    out = lax.fft(a, fft_type, tuple(s))
    out = _scale(out, norm, math.prod(s), fft_type in (FftType.IFFT, FftType.IRFFT), api)
    return fnp.moveaxis(out, dest, axes)


def _bad_axis(api, ax, nd):
    raise ValueError(f"[{api}] axis {ax} is out of range for an array of rank {nd}")


def _one(api, fft_type, a, n, axis, norm):
    return _fftn(api, fft_type, a, None if n is None else [n], (axis,), norm)


def _two(api, fft_type, a, s, axes, norm):
    if axes is None or len(axes) != 2:
        raise ValueError(f"[{api}] needs two axes, got {axes}")
    return _fftn(api, fft_type, a, s, axes, norm)


def fft(a, n=None, axis: int = -1, norm=None):
    """1-D discrete Fourier transform (``jax.numpy.fft.fft``).

    Args:
      a: array; n: length (cut or zero-padded); axis; norm: 'backward', 'ortho', 'forward'.
    Returns:
      complex array.
    Example:
      ``fnp.fft.fft(fnp.ones(4))  # [4, 0, 0, 0]``
    """
    return _one("fft", FftType.FFT, a, n, axis, norm)


def ifft(a, n=None, axis: int = -1, norm=None):
    """1-D inverse DFT (``jax.numpy.fft.ifft``). Args/Returns as ``fft``.

    Example:
      ``fnp.fft.ifft(fnp.fft.fft(x))``
    """
    return _one("ifft", FftType.IFFT, a, n, axis, norm)


def rfft(a, n=None, axis: int = -1, norm=None):
    """1-D DFT of a real input, the ``n // 2 + 1`` non-negative frequencies
    (``jax.numpy.fft.rfft``). Args/Returns as ``fft``.

    Example:
      ``fnp.fft.rfft(fnp.ones(4))``
    """
    return _one("rfft", FftType.RFFT, a, n, axis, norm)


def irfft(a, n=None, axis: int = -1, norm=None):
    """Inverse of ``rfft``: a real signal of length ``n`` (default ``2 (m - 1)``)
    (``jax.numpy.fft.irfft``). Args/Returns as ``fft``.

    Example:
      ``fnp.fft.irfft(fnp.fft.rfft(x), n=x.shape[-1])``
    """
    return _one("irfft", FftType.IRFFT, a, n, axis, norm)


def fft2(a, s=None, axes=(-2, -1), norm=None):
    """2-D DFT (``jax.numpy.fft.fft2``).

    Args:
      a: array; s: lengths; axes: two axes; norm.
    Returns:
      complex array.
    Example:
      ``fnp.fft.fft2(x)``
    """
    return _two("fft2", FftType.FFT, a, s, axes, norm)


def ifft2(a, s=None, axes=(-2, -1), norm=None):
    """2-D inverse DFT (``jax.numpy.fft.ifft2``). Args/Returns as ``fft2``.

    Example:
      ``fnp.fft.ifft2(fnp.fft.fft2(x))``
    """
    return _two("ifft2", FftType.IFFT, a, s, axes, norm)


def rfft2(a, s=None, axes=(-2, -1), norm=None):
    """2-D DFT of a real input (``jax.numpy.fft.rfft2``). Args/Returns as ``fft2``.

    Example:
      ``fnp.fft.rfft2(x)``
    """
    return _two("rfft2", FftType.RFFT, a, s, axes, norm)


def irfft2(a, s=None, axes=(-2, -1), norm=None):
    """Inverse of ``rfft2`` (``jax.numpy.fft.irfft2``). Args/Returns as ``fft2``.

    Example:
      ``fnp.fft.irfft2(fnp.fft.rfft2(x), s=x.shape)``
    """
    return _two("irfft2", FftType.IRFFT, a, s, axes, norm)


def fftn(a, s=None, axes=None, norm=None):
    """N-D DFT over ``axes`` (default all, or the last ``len(s)``; at most 3)
    (``jax.numpy.fft.fftn``).

    Args:
      a: array; s: lengths; axes; norm.
    Returns:
      complex array.
    Example:
      ``fnp.fft.fftn(x)``
    """
    return _fftn("fftn", FftType.FFT, a, s, axes, norm)


def ifftn(a, s=None, axes=None, norm=None):
    """N-D inverse DFT (``jax.numpy.fft.ifftn``). Args/Returns as ``fftn``.

    Example:
      ``fnp.fft.ifftn(fnp.fft.fftn(x))``
    """
    return _fftn("ifftn", FftType.IFFT, a, s, axes, norm)


def rfftn(a, s=None, axes=None, norm=None):
    """N-D DFT of a real input (``jax.numpy.fft.rfftn``). Args/Returns as ``fftn``.

    Example:
      ``fnp.fft.rfftn(x)``
    """
    return _fftn("rfftn", FftType.RFFT, a, s, axes, norm)


def irfftn(a, s=None, axes=None, norm=None):
    """Inverse of ``rfftn`` (``jax.numpy.fft.irfftn``). Args/Returns as ``fftn``.

    Example:
      ``fnp.fft.irfftn(fnp.fft.rfftn(x), s=x.shape)``
    """
    return _fftn("irfftn", FftType.IRFFT, a, s, axes, norm)


_SWAP = {None: "forward", "backward": "forward", "ortho": "ortho", "forward": "backward"}


def hfft(a, n=None, axis: int = -1, norm=None):
    """DFT of a Hermitian-symmetric signal given by its first half: a real spectrum
    (``jax.numpy.fft.hfft``). Args as ``fft``.

    Returns:
      real array of length ``n`` (default ``2 (m - 1)``).
    Example:
      ``fnp.fft.hfft(fnp.fft.ihfft(x), n=x.shape[-1])``
    """
    if norm not in _NORMS:
        raise ValueError(f"[hfft] invalid norm={norm!r}")
    return irfft(_fnp().conj(_fnp().asarray(a)), n, axis, _SWAP[norm])


def ihfft(a, n=None, axis: int = -1, norm=None):
    """Inverse of ``hfft`` (``jax.numpy.fft.ihfft``). Args as ``fft``.

    Returns:
      complex array of ``n // 2 + 1`` entries.
    Example:
      ``fnp.fft.ihfft(x)``
    """
    if norm not in _NORMS:
        raise ValueError(f"[ihfft] invalid norm={norm!r}")
    return _fnp().conj(rfft(a, n, axis, _SWAP[norm]))


def fftfreq(n: int, d=1.0, *, dtype=None, device=None):
    """Sample frequencies of a length-``n`` DFT (``jax.numpy.fft.fftfreq``).

    Args:
      n: window length; d: sample spacing; dtype: float dtype of the result.
    Returns:
      ``[0, 1, ..., -1] / (d n)``.
    Example:
      ``fnp.fft.fftfreq(4)  # [0, .25, -.5, -.25]``
    """
    fnp = _fnp()
    k = np.concatenate([np.arange(0, (n - 1) // 2 + 1), np.arange(-(n // 2), 0)])
    return fnp.asarray(k, dtype=dtype or fnp.float32) / (fnp.asarray(d) * n)


def rfftfreq(n: int, d=1.0, *, dtype=None, device=None):
    """Sample frequencies of ``rfft`` (``jax.numpy.fft.rfftfreq``).

    Args:
      n: window length; d: sample spacing; dtype.
    Returns:
      ``[0, 1, ..., n // 2] / (d n)``.
    Example:
      ``fnp.fft.rfftfreq(4)  # [0, .25, .5]``
    """
    fnp = _fnp()
    return fnp.asarray(np.arange(n // 2 + 1), dtype=dtype or fnp.float32) / (
        fnp.asarray(d) * n)


def _shift(x, axes, sign: int):
    fnp = _fnp()
    x = fnp.asarray(x)
    if axes is None:
        axes = tuple(range(aval(x).ndim))
    elif isinstance(axes, int):
        axes = (axes,)
    shifts = [sign * (aval(x).shape[ax] // 2) for ax in axes]
    return fnp.roll(x, shifts, axes)


def fftshift(x, axes: int | Sequence[int] | None = None):
    """Move the zero frequency to the center (``jax.numpy.fft.fftshift``).

    Args:
      x: array; axes: axes to shift (default all).
    Returns:
      shifted array.
    Example:
      ``fnp.fft.fftshift(fnp.fft.fftfreq(5))``
    """
    return _shift(x, axes, 1)


def ifftshift(x, axes: int | Sequence[int] | None = None):
    """Inverse of ``fftshift`` (``jax.numpy.fft.ifftshift``). Args/Returns as ``fftshift``.

    Example:
      ``fnp.fft.ifftshift(fnp.fft.fftshift(x))``
    """
    return _shift(x, axes, -1)
