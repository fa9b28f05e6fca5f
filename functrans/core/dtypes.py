"""Dtypes and JAX's type-promotion lattice (64-bit types off).

Python scalars are *weakly typed*: ``x * 2.0`` keeps ``x``'s dtype. The lattice
below is JAX's; ``result_type`` is the least upper bound of its arguments,
canonicalized to 32 bits.
"""

from __future__ import annotations

import functools
from typing import Any

import ml_dtypes
import numpy as np

bfloat16 = np.dtype(ml_dtypes.bfloat16)
float0 = np.dtype([("float0", np.void, 0)])  # tangent dtype of int/bool values

bool_ = np.dtype(np.bool_)
int8, int16, int32, int64 = (np.dtype(t) for t in (np.int8, np.int16, np.int32, np.int64))
uint8, uint16, uint32, uint64 = (np.dtype(t) for t in (np.uint8, np.uint16, np.uint32, np.uint64))
float16, float32, float64 = (np.dtype(t) for t in (np.float16, np.float32, np.float64))
complex64, complex128 = np.dtype(np.complex64), np.dtype(np.complex128)

_CANONICAL = {int64: int32, uint64: uint32, float64: float32, complex128: complex64}
_SUPPORTED = {bool_, int8, int16, int32, uint8, uint16, uint32, bfloat16, float16, float32,
              complex64}

# Weak lattice nodes: Python int/float/complex.
I_WEAK, F_WEAK, C_WEAK = "i*", "f*", "c*"
_WEAK_DEFAULT = {I_WEAK: int32, F_WEAK: float32, C_WEAK: complex64}

_LATTICE_UP: dict[Any, tuple] = {
    bool_: (I_WEAK,),
    I_WEAK: (uint8, int8),
    uint8: (uint16, int16), uint16: (uint32, int32), uint32: (uint64, int64), uint64: (F_WEAK,),
    int8: (int16,), int16: (int32,), int32: (int64,), int64: (F_WEAK,),
    F_WEAK: (bfloat16, float16, C_WEAK),
    bfloat16: (float32,), float16: (float32,), float32: (float64, complex64),
    float64: (complex128,),
    C_WEAK: (complex64,), complex64: (complex128,), complex128: (),
}


def _upper_set(node) -> frozenset:
    seen, todo = {node}, [node]
    while todo:
        for up in _LATTICE_UP[todo.pop()]:
            if up not in seen:
                seen.add(up)
                todo.append(up)
    return frozenset(seen)


_UPPER = {n: _upper_set(n) for n in _LATTICE_UP}


def canonicalize(dtype) -> np.dtype:
    """The dtype an array of ``dtype`` gets with 64-bit types off."""
    dtype = np.dtype(dtype)
    return _CANONICAL.get(dtype, dtype)


def check_supported(dtype, api: str = "functrans") -> np.dtype:
    dtype = canonicalize(dtype)
    if dtype not in _SUPPORTED:
        raise TypeError(f"[{api}] dtype {dtype} is not supported; use one of "
                        f"{sorted(str(d) for d in _SUPPORTED)}")
    return dtype


def _node(dtype: np.dtype, weak: bool):
    if not weak:
        return dtype
    if dtype == bool_:
        return bool_
    if is_float(dtype):
        return F_WEAK
    return {"i": I_WEAK, "u": I_WEAK, "c": C_WEAK}[dtype.kind]


@functools.lru_cache(maxsize=4096)
def _join(a, b):
    common = _UPPER[a] & _UPPER[b]
    for n in common:
        if _UPPER[n] == common:
            return n
    raise TypeError(f"no common type for {a} and {b}")  # unreachable: the lattice has a top


@functools.lru_cache(maxsize=4096)
def promote(*dtype_weak: tuple[np.dtype, bool]) -> tuple[np.dtype, bool]:
    """Join of ``(dtype, weak_type)`` pairs -> ``(dtype, weak_type)`` of the result."""
    node = _node(*dtype_weak[0])
    for dw in dtype_weak[1:]:
        node = _join(node, _node(*dw))
    if node in _WEAK_DEFAULT:
        return _WEAK_DEFAULT[node], True
    return canonicalize(node), False


def dtype_and_weak(x) -> tuple[np.dtype, bool]:
    """The ``(dtype, weak_type)`` a value takes when it enters functrans."""
    if isinstance(x, bool):
        return bool_, False
    if isinstance(x, int):
        return int32, True
    if isinstance(x, float):
        return float32, True
    if isinstance(x, complex):
        return complex64, True
    aval = getattr(x, "aval", None)
    if aval is not None:
        return aval.dtype, aval.weak_type
    dtype = getattr(x, "dtype", None)
    if dtype is None:
        dtype = np.asarray(x).dtype
    return canonicalize(dtype), False


def is_float(dtype) -> bool:
    dtype = np.dtype(dtype)
    return dtype.kind == "f" or dtype == bfloat16


def is_inexact(dtype) -> bool:
    return is_float(dtype) or np.dtype(dtype).kind == "c"


def is_integer(dtype) -> bool:
    return np.dtype(dtype).kind in "iu"


def short_name(dtype) -> str:
    dtype = np.dtype(dtype)
    if dtype == bool_:
        return "bool"
    if dtype == bfloat16:
        return "bf16"
    if dtype == float0:
        return "float0"
    return f"{dtype.kind.replace('V', 'f')}{dtype.itemsize * 8}"
