"""``functrans.dtypes`` (``jax.dtypes``): dtype constants and queries.

Example:
    >>> functrans.dtypes.issubdtype(functrans.dtypes.bfloat16, functrans.numpy.floating)
    True
"""

from __future__ import annotations

import numpy as np

from .core import dtypes as _core
from .numpy._dtypes import finfo, iinfo, issubdtype, promote_types, result_type

bfloat16 = _core.bfloat16
float0 = _core.float0


def canonicalize_dtype(dtype, allow_extended_dtype: bool = False) -> np.dtype:
    """The dtype functrans uses for ``dtype`` (64-bit types become 32-bit while x64 is
    off).

    Example:
        >>> functrans.dtypes.canonicalize_dtype("float64")
        dtype('float32')
    """
    return _core.canonicalize(np.dtype(dtype))


def scalar_type_of(x):
    """The Python scalar type (bool, int, float, complex) for ``x``'s dtype kind."""
    kind = np.dtype(getattr(x, "dtype", None) or np.asarray(x).dtype).kind
    return {"b": bool, "i": int, "u": int, "f": float, "V": float, "c": complex}[kind]


def itemsize_bits(dtype) -> int:
    """The size of one element of ``dtype`` in bits."""
    return np.dtype(dtype).itemsize * 8


__all__ = ["bfloat16", "float0", "canonicalize_dtype", "finfo", "iinfo", "issubdtype",
           "promote_types", "result_type", "scalar_type_of", "itemsize_bits"]
