"""Dtypes and JAX's type-promotion lattice, with 64-bit mode off or on.

Python scalars are *weakly typed*: ``x * 2.0`` keeps ``x``'s dtype. The lattice
below is JAX's; ``promote`` is the least upper bound of its arguments.

*Canonicalization* (``jax_enable_x64``, read from ``core.config``): with 64-bit
mode off (the default) an array of float64/int64/uint64/complex128 entering
functrans becomes float32/int32/uint32/complex64, Python scalars and default
dtypes are 32-bit; explicitly requesting a 64-bit dtype warns (``warn_if_x64``).
With it on, 64-bit dtypes are kept and the defaults (Python ``int``/``float``/
``complex``, ``zeros()``, ``arange()``, integer means, indices) are 64-bit.
``jax_numpy_dtype_promotion='strict'`` allows no implicit promotion between
different array dtypes (only Python scalars promote).
"""

from __future__ import annotations

import functools
import warnings
from typing import Any

import ml_dtypes
import numpy as np

from .config import _values as _config_values

bfloat16 = np.dtype(ml_dtypes.bfloat16)
float0 = np.dtype([("float0", np.void, 0)])  # tangent dtype of int/bool values

bool_ = np.dtype(np.bool_)
int8, int16, int32, int64 = (np.dtype(t) for t in (np.int8, np.int16, np.int32, np.int64))
uint8, uint16, uint32, uint64 = (np.dtype(t) for t in (np.uint8, np.uint16, np.uint32, np.uint64))
float16, float32, float64 = (np.dtype(t) for t in (np.float16, np.float32, np.float64))
complex64, complex128 = np.dtype(np.complex64), np.dtype(np.complex128)

_CANONICAL = {int64: int32, uint64: uint32, float64: float32, complex128: complex64}
_SUPPORTED_32 = frozenset({bool_, int8, int16, int32, uint8, uint16, uint32, bfloat16, float16,
                           float32, complex64})
_SUPPORTED_64 = _SUPPORTED_32 | {int64, uint64, float64, complex128}

# Weak lattice nodes: Python int/float/complex.
I_WEAK, F_WEAK, C_WEAK = "i*", "f*", "c*"
_WEAK_DEFAULT_32 = {I_WEAK: int32, F_WEAK: float32, C_WEAK: complex64}
_WEAK_DEFAULT_64 = {I_WEAK: int64, F_WEAK: float64, C_WEAK: complex128}


def x64_enabled() -> bool:
    """Whether 64-bit mode (``jax_enable_x64``) is on."""
    return _config_values["jax_enable_x64"]


def default_int() -> np.dtype:
    return int64 if _config_values["jax_enable_x64"] else int32


def default_uint() -> np.dtype:
    return uint64 if _config_values["jax_enable_x64"] else uint32


def default_float() -> np.dtype:
    return float64 if _config_values["jax_enable_x64"] else float32


def default_complex() -> np.dtype:
    return complex128 if _config_values["jax_enable_x64"] else complex64

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
    """The dtype an array of ``dtype`` gets: itself in 64-bit mode, else its 32-bit
    counterpart."""
    dtype = np.dtype(dtype)
    if _config_values["jax_enable_x64"]:
        return dtype
    return _CANONICAL.get(dtype, dtype)


def check_supported(dtype, api: str = "functrans") -> np.dtype:
    dtype = canonicalize(dtype)
    supported = _SUPPORTED_64 if _config_values["jax_enable_x64"] else _SUPPORTED_32
    if dtype not in supported:
        raise TypeError(f"[{api}] dtype {dtype} is not supported; use one of "
                        f"{sorted(str(d) for d in supported)}")
    return dtype


def warn_if_x64(dtype, api: str) -> None:
    """JAX's warning when a 64-bit dtype is requested explicitly with 64-bit mode off."""
    if dtype is None or _config_values["jax_enable_x64"]:
        return
    inner = getattr(dtype, "dtype", None)  # fnp.float64 and the like carry a np.dtype
    dtype = np.dtype(inner if isinstance(inner, np.dtype) else dtype)
    if dtype in _CANONICAL:
        warnings.warn(f"[{api}] explicitly requested dtype {dtype} is not available with "
                      f"64-bit mode off and becomes {_CANONICAL[dtype]}; to keep 64-bit "
                      "dtypes call functrans.config.update('jax_enable_x64', True) first "
                      "(or set FUNCTRANS_ENABLE_X64=1)", UserWarning, stacklevel=3)


def user_dtype(dtype, api: str) -> np.dtype:
    """A dtype the user asked for: warned about when 64-bit and unavailable, then
    canonicalized and checked."""
    if dtype is int or dtype is float or dtype is complex:  # the default of their kind
        return {int: default_int, float: default_float, complex: default_complex}[dtype]()
    warn_if_x64(dtype, api)
    return check_supported(dtype, api)


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


class TypePromotionError(ValueError):
    """Raised when dtypes have no implicit promotion (``jax.numpy`` strict mode)."""


def promote(*dtype_weak: tuple[np.dtype, bool]) -> tuple[np.dtype, bool]:
    """Join of ``(dtype, weak_type)`` pairs -> ``(dtype, weak_type)`` of the result."""
    v = _config_values
    return _promote(v["jax_enable_x64"], v["jax_numpy_dtype_promotion"] == "strict",
                    *dtype_weak)


@functools.lru_cache(maxsize=4096)
def _promote(x64: bool, strict: bool, *dtype_weak: tuple[np.dtype, bool]
             ) -> tuple[np.dtype, bool]:
    if strict:
        _check_strict(dtype_weak)
    node = _node(*dtype_weak[0])
    for dw in dtype_weak[1:]:
        node = _join(node, _node(*dw))
    if node in _WEAK_DEFAULT_32:
        return (_WEAK_DEFAULT_64 if x64 else _WEAK_DEFAULT_32)[node], True
    return (node if x64 else _CANONICAL.get(node, node)), False


def _check_strict(dtype_weak) -> None:
    """Strict lattice: strong dtypes do not mix; a weak scalar promotes only within its
    kind or to a wider kind (int -> float -> complex)."""
    strong = {d for d, w in dtype_weak if not w}
    ok = len(strong) <= 1
    if ok and strong:
        (d,) = strong
        fits = {I_WEAK: d != bool_, F_WEAK: is_inexact(d), C_WEAK: d.kind == "c"}
        ok = all(fits.get(_node(dt, True), dt == d) for dt, w in dtype_weak if w)
    if not ok:
        got = tuple(str(d) for d, _ in dtype_weak)
        raise TypePromotionError(
            f"[promote] input dtypes {got} have no implicit promotion path with "
            "jax_numpy_dtype_promotion='strict'; cast the inputs explicitly (x.astype(...)) "
            "or set jax_numpy_dtype_promotion='standard'")


def dtype_and_weak(x) -> tuple[np.dtype, bool]:
    """The ``(dtype, weak_type)`` a value takes when it enters functrans."""
    if isinstance(x, bool):
        return bool_, False
    if isinstance(x, int):
        return default_int(), True
    if isinstance(x, float):
        return default_float(), True
    if isinstance(x, complex):
        return default_complex(), True
    aval = getattr(x, "aval", None)
    if aval is not None:
        return aval.dtype, aval.weak_type
    dtype = getattr(x, "dtype", None)
    if dtype is None:
        dtype = np.asarray(x).dtype
    return canonicalize(dtype), False


def to_inexact(dtype) -> np.dtype:
    """The float dtype integer/bool values become in ``sqrt``, ``mean``, ``/`` (JAX's
    table: 32-bit and narrower -> float32, 64-bit -> float64)."""
    dtype = np.dtype(dtype)
    if is_inexact(dtype):
        return dtype
    return float64 if dtype.itemsize == 8 else float32


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
