"""``functrans.lax``'s complex-valued operations: ``complex``/``real``/``imag``/``conj`` and the
FFT (re-exported by ``functrans.lax``; the primitives live in ``primitives/complex_ops.py``
and ``primitives/fft.py``)."""

from __future__ import annotations

from .core import dtypes
from .core.trace import bind1
from .lax import _PY_SCALARS, _lift_scalars, _scalar_as
from .primitives import complex_ops as _cx

# ---- fft ----------------------------------------------------------------------------------

def fft(x, fft_type, fft_lengths):
    """FFT, IFFT, RFFT or IRFFT over the trailing ``len(fft_lengths)`` (1-3) axes
    (``jax.lax.fft``).

    Args:
      x: complex (real for RFFT) array.
      fft_type: ``lax.FftType`` member or its name ('FFT', 'IFFT', 'RFFT', 'IRFFT').
      fft_lengths: sizes of the transformed axes (of the real side for RFFT/IRFFT).
    Returns:
      The transform.
    Example:
      ``lax.fft(x.astype(jnp.complex64), lax.FftType.FFT, (8,))``
    """
    from .primitives import fft as _fft
    if isinstance(fft_type, str):
        fft_type = _fft.FftType[fft_type.upper()]
    return _fft.fft(x, fft_type, fft_lengths)


from .primitives.fft import FftType  # noqa: E402, F401 (re-export)


# ---- complex numbers ------------------------------------------------------------------------
def complex(x, y):  # noqa: A001 (the jax.lax name)
    """``x + 1j * y`` from float32 (or float64) parts (``jax.lax.complex``).

    Example:
        >>> lax.complex(1.0, 2.0)
        Array(1.+2.j, dtype=complex64)
    """
    return bind1(_cx.complex_p, *_lift_scalars(x, y))


def real(x):
    """The real part of a complex array (``jax.lax.real``)."""
    return bind1(_cx.real_p, x)


def imag(x):
    """The imaginary part of a complex array (``jax.lax.imag``)."""
    return bind1(_cx.imag_p, x)


def conj(x):
    """The complex conjugate; a real operand becomes complex (``jax.lax.conj``)."""
    if isinstance(x, _PY_SCALARS):
        x = _scalar_as(x, dtypes.dtype_and_weak(x)[0])
    return _cx.conj(x)
