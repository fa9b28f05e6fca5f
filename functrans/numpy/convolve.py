"""``convolve`` and ``correlate`` (1-D), as ``jax.numpy``: one ``conv_general_dilated``."""

from __future__ import annotations

from .. import lax
from ._util import promote_dtypes, promote_dtypes_inexact


def _conv1d(x, y, mode: str, op: str, preferred_element_type):
    if x.ndim != 1 or y.ndim != 1:
        raise ValueError(f"[{op}] only supports 1-D inputs, got shapes {x.shape} and {y.shape}")
    if x.shape[0] == 0 or y.shape[0] == 0:
        raise ValueError(f"[{op}] inputs cannot be empty, got shapes {x.shape} and {y.shape}")
    reverse = False
    if op == "correlate":
        y = lax.conj(y) if hasattr(lax, "conj") and y.dtype.kind == "c" else y
        if x.shape[0] < y.shape[0]:
            x, y, reverse = y, x, True
    else:
        if x.shape[0] < y.shape[0]:
            x, y = y, x
        y = lax.rev(y, (0,))
    n = y.shape[0]
    pads = {"valid": (0, 0), "same": (n // 2, n - n // 2 - 1), "full": (n - 1, n - 1)}
    if mode not in pads:
        raise ValueError(f"[{op}] mode must be one of 'full', 'same', 'valid', got {mode!r}")
    out = lax.conv_general_dilated(lax.reshape(x, (1, 1, x.shape[0])),
                                   lax.reshape(y, (1, 1, n)), (1,), [pads[mode]],
                                   preferred_element_type=preferred_element_type)
    out = lax.reshape(out, (out.shape[2],))
    return lax.rev(out, (0,)) if reverse else out


def convolve(a, v, mode: str = "full", *, precision=None, preferred_element_type=None):
    """Discrete linear convolution of two 1-D arrays (as ``jax.numpy.convolve``).

    Args:
      a, v: 1-D arrays.
      mode: 'full' (default), 'same' or 'valid'.
      precision: ignored.
      preferred_element_type: the result dtype.
    Returns:
      The convolution.
    Example:
      >>> fnp.convolve(fnp.array([1., 2., 3.]), fnp.array([0., 1., 0.5]))
    """
    promote = promote_dtypes_inexact if preferred_element_type is None else promote_dtypes
    a, v = promote(a, v)
    return _conv1d(a, v, mode, "convolve", preferred_element_type)


def correlate(a, v, mode: str = "valid", *, precision=None, preferred_element_type=None):
    """Cross-correlation of two 1-D arrays (as ``jax.numpy.correlate``).

    Args:
      a, v: 1-D arrays.
      mode: 'valid' (default), 'same' or 'full'.
      precision: ignored.
      preferred_element_type: the result dtype.
    Returns:
      The correlation.
    Example:
      >>> fnp.correlate(fnp.array([1., 2., 3.]), fnp.array([0., 1., 0.5]), 'full')
    """
    promote = promote_dtypes_inexact if preferred_element_type is None else promote_dtypes
    a, v = promote(a, v)
    return _conv1d(a, v, mode, "correlate", preferred_element_type)
