"""``functrans.numpy``: NumPy's API with JAX's semantics, built on ``functrans.lax``."""

from numpy import (  # noqa: F401  (dtype scalar types; usable as dtype= arguments)
    bool_, float16, float32, float64, int8, int16, int32, int64, uint8, uint16, uint32,
)
from ml_dtypes import bfloat16  # noqa: F401
from .creation import (  # noqa: F401
    arange, array, asarray, empty, full, full_like, ones, ones_like, zeros, zeros_like,
)
from .linalg_ops import dot, matmul  # noqa: F401
from .reductions import argmax, max, mean, sum  # noqa: F401
from .shapes import concatenate, expand_dims, ravel, reshape, squeeze, stack, transpose  # noqa
from .ufuncs import (  # noqa: F401
    add, cos, divide, equal, exp, greater, greater_equal, less, less_equal, log, maximum,
    minimum, multiply, negative, not_equal, power, sin, sqrt, subtract, tanh, true_divide, where,
)
