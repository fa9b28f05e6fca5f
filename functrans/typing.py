"""``functrans.typing`` (``jax.typing``): annotations for array arguments."""

from __future__ import annotations

from typing import Any

import numpy as np

from .core.array import Array
from .core.trace import Tracer

ArrayLike = Array | Tracer | np.ndarray | np.bool_ | np.number | bool | int | float | complex
"""Anything functrans accepts as an array: Arrays, traced values, NumPy arrays and
scalars, Python scalars."""

DTypeLike = str | type | np.dtype | Any
"""Anything ``numpy.dtype`` accepts (``'float32'``, ``fnp.float32``, ``np.dtype(...)``)."""

__all__ = ["ArrayLike", "DTypeLike"]
