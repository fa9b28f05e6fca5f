"""Dtype objects and functions: ``fnp.float32(3.0)`` makes an Array and
``fnp.float32`` works as ``dtype=``; result_type, promote_types, finfo, iinfo,
dtype, issubdtype, can_cast and NumPy's abstract scalar classes.

Example::

    fnp.float32(3.0); fnp.result_type(fnp.int8, 2.0); fnp.issubdtype(x.dtype, fnp.floating)
"""

from __future__ import annotations

import ml_dtypes
import numpy as np

from ..core import dtypes as _dt

# NumPy's abstract scalar hierarchy (as jax.numpy re-exports it).
generic, number, integer = np.generic, np.number, np.integer
signedinteger, unsignedinteger = np.signedinteger, np.unsignedinteger
inexact, floating, complexfloating = np.inexact, np.floating, np.complexfloating


class _ScalarType:
    """A dtype usable as ``dtype=`` and callable: ``fnp.float32(3.0)`` -> Array."""

    def __init__(self, dtype, name: str):
        self.dtype = np.dtype(dtype)
        self.__name__ = self.__qualname__ = name
        self.type = self.dtype.type

    def __call__(self, x=0):
        from .creation import asarray
        _dt.warn_if_x64(self.dtype, self.__name__)
        return asarray(x, dtype=_dt.canonicalize(self.dtype))

    def __eq__(self, other):
        try:
            return self.dtype == np.dtype(other)
        except TypeError:
            return NotImplemented

    def __hash__(self):
        return hash(self.dtype)

    def __repr__(self):
        return f"functrans.numpy.{self.__name__}"


def _st(dtype, name):
    return _ScalarType(dtype, name)


bool_ = _st(np.bool_, "bool_")
int8, int16, int32, int64 = (_st(t, t.__name__) for t in (np.int8, np.int16, np.int32,
                                                          np.int64))
uint8, uint16, uint32, uint64 = (_st(t, t.__name__) for t in (np.uint8, np.uint16, np.uint32,
                                                              np.uint64))
float16, float32, float64 = (_st(t, t.__name__) for t in (np.float16, np.float32, np.float64))
bfloat16 = _st(ml_dtypes.bfloat16, "bfloat16")
complex64 = _st(np.complex64, "complex64")
complex128 = _st(np.complex128, "complex128")
# As jax.numpy: NumPy's default types (64-bit), canonicalized to 32 bits with x64 off.
float_, int_, uint, complex_ = float64, int64, uint64, complex128
single, double, csingle, cdouble = float32, float64, complex64, complex128


def dtype(x, align=False, copy=False):
    """The NumPy dtype of a dtype-like or array-like value (``jax.numpy.dtype``)."""
    if isinstance(x, _ScalarType):
        return x.dtype
    if hasattr(x, "dtype") and not isinstance(x, type):
        return np.dtype(x.dtype)
    if isinstance(x, (bool, int, float, complex)):
        return _dt.dtype_and_weak(x)[0]
    return np.dtype(x)


def _dtype_weak(x):
    if isinstance(x, (bool, int, float, complex)):
        return _dt.dtype_and_weak(x)
    if isinstance(x, (_ScalarType, str, type, np.dtype)):
        return _dt.canonicalize(dtype(x)), False
    return _dt.dtype_and_weak(x)


def result_type(*args):
    """The dtype of an operation on ``args`` (arrays, dtypes or Python scalars) under
    JAX's promotion rules (``jax.numpy.result_type``)."""
    if not args:
        raise ValueError("[result_type] at least one array or dtype is required")
    return _dt.promote(*[_dtype_weak(a) for a in args])[0]


def promote_types(a, b):
    """The promoted dtype of two dtypes (``jax.numpy.promote_types``)."""
    return _dt.promote((_dt.canonicalize(dtype(a)), False), (_dt.canonicalize(dtype(b)), False))[0]


def finfo(dtype_):
    """Machine limits of a float dtype (``jax.numpy.finfo``)."""
    return ml_dtypes.finfo(dtype(dtype_))


def iinfo(int_type):
    """Machine limits of an integer dtype (``jax.numpy.iinfo``)."""
    return ml_dtypes.iinfo(dtype(int_type))


def issubdtype(arg1, arg2):
    """Whether ``arg1`` is a sub-dtype of ``arg2``; bfloat16 counts as floating
    (``jax.numpy.issubdtype``)."""
    d1 = dtype(arg1) if not (isinstance(arg1, type) and issubclass(arg1, np.generic)
                             and arg1 in _ABSTRACT) else arg1
    if isinstance(arg2, type) and issubclass(arg2, np.generic) and arg2 in _ABSTRACT:
        if d1 in _ABSTRACT:
            return issubclass(d1, arg2)
        if d1 == _dt.bfloat16:
            return arg2 in (np.floating, np.inexact, np.number, np.generic)
        return np.issubdtype(d1, arg2)
    return d1 == dtype(arg2)


_ABSTRACT = (np.generic, np.number, np.integer, np.signedinteger, np.unsignedinteger,
             np.inexact, np.floating, np.complexfloating, np.bool_)


def isdtype(dtype_, kind):
    """Whether ``dtype_`` is of ``kind`` (array-API ``isdtype``)."""
    kinds = kind if isinstance(kind, tuple) else (kind,)
    d = dtype(dtype_)
    checks = {"bool": lambda: d == _dt.bool_, "signed integer": lambda: d.kind == "i",
              "unsigned integer": lambda: d.kind == "u", "integral": lambda: d.kind in "iu",
              "real floating": lambda: _dt.is_float(d), "complex floating": lambda: d.kind == "c",
              "numeric": lambda: d != _dt.bool_}
    return any(checks[k]() if isinstance(k, str) else d == dtype(k) for k in kinds)


def can_cast(from_, to, casting="safe"):
    """Whether a cast is allowed under NumPy's casting rule (``jax.numpy.can_cast``)."""
    return np.can_cast(dtype(from_), dtype(to), casting)
