"""Complex numbers: the ``complex``, ``real``, ``imag`` and ``conj`` primitives, and the
complex cases of elementwise rules whose real cases live in ``elementwise.py``
(``abs`` of a complex value is real, with JAX's jvp).

Differentiation follows JAX's conventions: tangents of complex values are complex,
transposes are plain (not conjugate) transposes, so ``grad`` of a real-valued function
of a complex input is the cotangent JAX returns (``grad(lambda z: abs(z)**2)(z) ==
2 * conj(z)``), and holomorphic functions differentiate as ``f'(z)``::

    complex_p.bind1(x, y) -> x + 1j * y;  real_p.bind1(z) -> Re z
"""

from __future__ import annotations

import numpy as np

from ..core import dtypes
from ..core.ir import ShapedArray
from ..core.registry import (
    abstract_eval_rules,
    impl_rules,
    jvp_rules,
    transpose_rules,
    vmap_rules,
)
from . import _ops as ops
from ._batching import elementwise_vmap
from ._builders import elementwise_shape, primitive
from .elementwise import abs_p, logistic_p

_TO_REAL = {dtypes.complex64: dtypes.float32, dtypes.complex128: dtypes.float64}
_TO_COMPLEX = {dtypes.float32: dtypes.complex64, dtypes.float64: dtypes.complex128}


def real_dtype(dtype) -> np.dtype:
    """complex64 -> float32, complex128 -> float64; real dtypes unchanged."""
    dtype = np.dtype(dtype)
    return _TO_REAL.get(dtype, dtype)


def complex_dtype(dtype) -> np.dtype:
    """The complex dtype whose parts have ``dtype`` (narrow floats -> complex64)."""
    dtype = np.dtype(dtype)
    if dtype.kind == "c":
        return dtype
    return _TO_COMPLEX.get(dtype, dtypes.complex64)


def _check_complex(name: str, x: ShapedArray) -> None:
    if x.dtype.kind != "c":
        raise TypeError(f"[{name}] needs a complex operand (complex64 or complex128), got "
                        f"{x.str_short()}; for real values use the value itself "
                        "(functrans.numpy.real/imag accept real arrays)")


# ---- real / imag ------------------------------------------------------------------
def _part_abstract_eval(name):
    def abstract_eval(x):
        _check_complex(name, x)
        return ShapedArray(x.shape, real_dtype(x.dtype), x.weak_type)
    return abstract_eval


real_p = primitive("real", _part_abstract_eval("real"), lambda x: np.real(x).copy())
imag_p = primitive("imag", _part_abstract_eval("imag"), lambda x: np.imag(x).copy())
vmap_rules[real_p] = elementwise_vmap(real_p)
vmap_rules[imag_p] = elementwise_vmap(imag_p)


def _real_transpose(cts, x):
    return [complex_p.bind1(cts[0], ops.zeros_like(cts[0]))]


def _imag_transpose(cts, x):
    return [complex_p.bind1(ops.zeros_like(cts[0]), ops.neg(cts[0]))]


jvp_rules[real_p] = ops.linear_jvp(real_p)
jvp_rules[imag_p] = ops.linear_jvp(imag_p)
transpose_rules[real_p] = _real_transpose
transpose_rules[imag_p] = _imag_transpose


# ---- complex(x, y) = x + i y ----------------------------------------------------------
def _complex_abstract_eval(x, y):
    shape = elementwise_shape("complex", [x, y])
    if x.dtype != y.dtype or x.dtype not in _TO_COMPLEX:
        raise TypeError(f"[complex] real and imaginary parts must both be float32 or both "
                        f"float64, got {x.str_short()} and {y.str_short()}; convert with "
                        "x.astype(...)")
    return ShapedArray(shape, _TO_COMPLEX[x.dtype], x.weak_type and y.weak_type)


complex_p = primitive("complex", _complex_abstract_eval, lambda x, y: x + 1j * y)
vmap_rules[complex_p] = elementwise_vmap(complex_p)


def _complex_jvp(primals, tangents):
    return [complex_p.bind1(*primals)], [complex_p.bind1(*tangents)]


def _complex_transpose(cts, x, y):
    ct = cts[0]
    return [ops.unbroadcast(x.aval, real_p.bind1(ct)) if ops.is_undefined(x) else None,
            ops.unbroadcast(y.aval, ops.neg(imag_p.bind1(ct))) if ops.is_undefined(y)
            else None]


jvp_rules[complex_p] = _complex_jvp
transpose_rules[complex_p] = _complex_transpose


# ---- conj: complex conjugate (of a real operand: the value as complex) -------------------
def _conj_abstract_eval(x, *, input_dtype):
    if not dtypes.is_inexact(x.dtype) or x.dtype == dtypes.bfloat16:
        raise TypeError(f"[conj] needs a float or complex operand, got {x.str_short()}")
    return ShapedArray(x.shape, complex_dtype(x.dtype), x.weak_type)


def _conj_impl(x, *, input_dtype):
    return np.conj(x).astype(complex_dtype(x.dtype))


conj_p = primitive("conj", _conj_abstract_eval, _conj_impl)
vmap_rules[conj_p] = elementwise_vmap(conj_p)


def _conj_transpose(cts, x, *, input_dtype):
    if np.dtype(input_dtype).kind == "c":
        return [conj_p.bind1(cts[0], input_dtype=ops.aval(cts[0]).dtype)]
    return [real_p.bind1(cts[0])]


jvp_rules[conj_p] = ops.linear_jvp(conj_p)
transpose_rules[conj_p] = _conj_transpose


def conj(x):
    return conj_p.bind1(x, input_dtype=ops.aval(x).dtype)


# ---- abs of a complex value: real result; d|z| = Re(conj(z) dz) / |z| (0 at z = 0) -------
_abs_real_abstract_eval = abstract_eval_rules[abs_p]
_abs_real_jvp = jvp_rules[abs_p]


def _abs_abstract_eval(x, **params):
    outs = _abs_real_abstract_eval(x, **params)
    if x.dtype.kind != "c":
        return outs
    return [ShapedArray(x.shape, real_dtype(x.dtype), x.weak_type)]


def _abs_jvp(primals, tangents, **params):
    (x,), (t,) = primals, tangents
    if ops.aval(x).dtype.kind != "c":
        return _abs_real_jvp(primals, tangents, **params)
    out = abs_p.bind1(x)
    safe = ops.select_n(ops.eq(out, ops.full_like(out, 0)), out, ops.full_like(out, 1))
    unit = ops.div(conj(x), ops.convert(safe, ops.aval(x).dtype))
    return [out], [real_p.bind1(ops.mul(t, unit))]


abstract_eval_rules[abs_p] = _abs_abstract_eval
jvp_rules[abs_p] = _abs_jvp


# ---- logistic of a complex value: 1 / (1 + exp(-z)) (the real impl's stable form uses |x|)
_logistic_real_impl = impl_rules[logistic_p]


def _logistic_impl(x):
    if x.dtype.kind != "c":
        return _logistic_real_impl(x)
    return [(1 / (1 + np.exp(-x))).astype(x.dtype)]


impl_rules[logistic_p] = _logistic_impl
