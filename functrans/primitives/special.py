"""Special functions: erf, erfc, erf_inv, lgamma, digamma (float operands).

The NumPy impls compute in float64 and round to the operand's dtype: erf, erfc and
lgamma vectorize ``math``; digamma uses the recurrence, the reflection formula and
the asymptotic series; erf_inv refines a rational approximation by Newton steps.
"""

from __future__ import annotations

import math

import numpy as np

from ..core.registry import jvp_rules
from . import _ops as ops
from ._builders import unary


def _lgamma_scalar(v: float) -> float:
    try:
        return math.lgamma(v)
    except ValueError:  # poles at 0, -1, -2, ...
        return math.inf


_ERF = np.frompyfunc(math.erf, 1, 1)
_ERFC = np.frompyfunc(math.erfc, 1, 1)
_LGAMMA = np.frompyfunc(_lgamma_scalar, 1, 1)


def _via_float64(fn):
    def impl(x):
        return np.asarray(fn(np.asarray(x, np.float64)), np.float64).astype(x.dtype)
    return impl


def _digamma64(x):
    pole = (x <= 0) & (x == np.floor(x))
    reflect = x < 0.5
    z = np.where(reflect, 1 - x, x)
    acc = np.zeros_like(z)
    for _ in range(12):  # recurrence psi(z) = psi(z + 1) - 1/z until z >= 12 (the series
        small = z < 12  # below then has a relative error under 1e-15)
        acc -= np.where(small, 1 / z, 0)
        z = np.where(small, z + 1, z)
    w = 1 / (z * z)
    tail = w * (1 / 12 - w * (1 / 120 - w * (1 / 252 - w * (1 / 240 - w / 132))))
    psi = acc + np.log(z) - 0.5 / z - tail
    psi = np.where(reflect, psi - np.pi / np.tan(np.pi * x), psi)
    return np.where(pole, np.nan, psi)


_ERFINV_SMALL = (2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06,
                 0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941)
_ERFINV_LARGE = (-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844,
                 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682)


def _horner(coeffs, w):
    p = np.zeros_like(w)
    for c in coeffs:
        p = p * w + c
    return p


def _erf_inv64(x):
    w = -np.log((1 - x) * (1 + x))
    small = w < 5
    y = x * np.where(small, _horner(_ERFINV_SMALL, w - 2.5),
                     _horner(_ERFINV_LARGE, np.sqrt(np.maximum(w, 5)) - 3))
    for _ in range(2):  # Newton on erf(y) = x
        finite = np.isfinite(y)
        ys = np.where(finite, y, 0)
        err = np.asarray(_ERF(ys), np.float64) - x
        y = np.where(finite, ys - err / (2 / np.sqrt(np.pi) * np.exp(-ys * ys)), y)
    y = np.where(np.abs(x) == 1, np.copysign(np.inf, x), y)
    return np.where(np.abs(x) > 1, np.nan, y)


erf_p = unary("erf", _via_float64(_ERF), "float")
erfc_p = unary("erfc", _via_float64(_ERFC), "float")
erf_inv_p = unary("erf_inv", _via_float64(_erf_inv64), "float")
lgamma_p = unary("lgamma", _via_float64(_LGAMMA), "float")
digamma_p = unary("digamma", _via_float64(_digamma64), "float")
jvp_rules[erf_p] = ops.unary_jvp(erf_p, lambda x, out: ops.mul(
    ops.full_like(x, 2 / math.sqrt(math.pi)), ops.exp(ops.neg(ops.mul(x, x)))))
jvp_rules[erfc_p] = ops.unary_jvp(erfc_p, lambda x, out: ops.mul(
    ops.full_like(x, -2 / math.sqrt(math.pi)), ops.exp(ops.neg(ops.mul(x, x)))))
jvp_rules[erf_inv_p] = ops.unary_jvp(erf_inv_p, lambda x, out: ops.mul(
    ops.full_like(x, math.sqrt(math.pi) / 2), ops.exp(ops.mul(out, out))))
jvp_rules[lgamma_p] = ops.unary_jvp(lgamma_p, lambda x, out: digamma_p.bind1(x))


def _trigamma(x):
    """psi'(x) from primitives (traceable, lowerable): reflection below 1/2
    (psi'(1 - x) + psi'(x) = pi^2 / sin^2(pi x)), the recurrence psi'(z) = psi'(z + 1) + 1/z^2
    up to z >= 6, then the asymptotic series."""
    reflect = ops.lt(x, ops.full_like(x, 0.5))
    z = ops.select_n(reflect, x, ops.sub(ops.ones_like(x), x))
    acc = ops.zeros_like(x)
    for _ in range(6):
        small = ops.lt(z, ops.full_like(z, 6.0))
        acc = ops.add(acc, ops.select_n(small, ops.zeros_like(z), ops.integer_pow(z, -2)))
        z = ops.select_n(small, z, ops.add(z, ops.ones_like(z)))
    w = ops.integer_pow(z, -2)
    series = ops.zeros_like(z)
    for c in (-1 / 30, 1 / 42, -1 / 30, 1 / 6):  # Bernoulli terms, Horner in w
        series = ops.add(ops.mul(series, w), ops.full_like(z, c))
    inv = ops.div(ops.ones_like(z), z)
    psi1 = ops.add(acc, ops.add(inv, ops.mul(w, ops.add(ops.full_like(z, 0.5),
                                                         ops.mul(inv, series)))))
    sin = ops.sin(ops.mul(ops.full_like(x, math.pi), x))
    reflected = ops.sub(ops.div(ops.full_like(x, math.pi ** 2), ops.mul(sin, sin)), psi1)
    return ops.select_n(reflect, psi1, reflected)


jvp_rules[digamma_p] = ops.unary_jvp(digamma_p, lambda x, out: _trigamma(x))
