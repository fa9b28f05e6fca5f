"""Elementwise primitives: arithmetic, comparisons, transcendental functions,
select_n and convert_element_type. Operands have equal shapes (rank-0 operands
broadcast) and equal dtypes; ``functrans.numpy`` promotes and broadcasts first."""

from __future__ import annotations

import enum

import ml_dtypes
import numpy as np

from ..core import dtypes
from ..core.ir import ShapedArray
from ..core.registry import declare_no_rule, jvp_rules, transpose_rules, vmap_rules
from . import _ops as ops
from ._batching import elementwise_vmap
from ._builders import (
    binary,
    check_dtype,
    comparison,
    elementwise_shape,
    in_float64,
    naryop_abstract_eval,
    primitive,
    unary,
)


def _int_div(x, y):
    """Integer division rounds toward zero and x / 0 is -1, as XLA. Floor division
    corrected where the remainder is nonzero and the signs differ (no abs(), which
    overflows at the most negative integer)."""
    if dtypes.is_integer(x.dtype):
        y_safe = np.where(y == 0, 1, y).astype(x.dtype)
        q = np.floor_divide(x, y_safe)
        inexact = (np.remainder(x, y_safe) != 0) & ((x < 0) != (y_safe < 0))
        q = np.where(inexact, q + 1, q)
        return np.where(y == 0, -1, q).astype(x.dtype)
    return np.true_divide(x, y)


def _logistic(x):
    return np.where(x >= 0, 1 / (1 + np.exp(-np.abs(x))),
                    np.exp(-np.abs(x)) / (1 + np.exp(-np.abs(x)))).astype(x.dtype)


def _max(x, y):
    return np.maximum(x, y)


def _min(x, y):
    return np.minimum(x, y)


# ---- arithmetic ---------------------------------------------------------------
add_p = binary("add", np.add)
sub_p = binary("sub", np.subtract)
mul_p = binary("mul", np.multiply, "any")
div_p = binary("div", _int_div)
max_p = binary("max", _max, "any")
min_p = binary("min", _min, "any")
pow_p = binary("pow", in_float64(np.power), "inexact")
neg_p = unary("neg", np.negative, "number")

# ---- transcendental -----------------------------------------------------------
# Transcendental impls run in float64 for narrow floats and round once (in_float64): eager
# is then at least as accurate as XLA's approximations, and agrees with jit to rounding.
exp_p = unary("exp", in_float64(np.exp))
log_p = unary("log", in_float64(np.log))
sin_p = unary("sin", in_float64(np.sin))
cos_p = unary("cos", in_float64(np.cos))
tanh_p = unary("tanh", in_float64(np.tanh))
logistic_p = unary("logistic", in_float64(_logistic))
sqrt_p = unary("sqrt", np.sqrt)


# ---- arithmetic and transcendental: jvp and transpose rules ----------------------------
def _one_sided(out, t):
    """A single tangent term as the tangent of ``out`` (a rank-0 operand's broadcast)."""
    shape = ops.aval(out).shape
    return t if ops.aval(t).shape == shape else ops.broadcast_in_dim(t, shape, ())


def _add_jvp(primals, tangents):
    """A symbolic-zero tangent (None) adds no term: no ``0 + t`` for XLA to simplify."""
    out, (tx, ty) = ops.add(*primals), tangents
    if tx is None or ty is None:
        return [out], [_one_sided(out, ty if tx is None else tx)]
    return [out], [ops.add(tx, ty)]


_add_jvp.accepts_zeros = True


def _add_transpose(cts, x, y):
    return [ops.unbroadcast(x.aval, cts[0]) if ops.is_undefined(x) else None,
            ops.unbroadcast(y.aval, cts[0]) if ops.is_undefined(y) else None]


jvp_rules[add_p] = _add_jvp
transpose_rules[add_p] = _add_transpose


def _sub_jvp(primals, tangents):
    """A symbolic-zero tangent (None) subtracts no term: ``-t``, not ``0 - t`` (which XLA
    keeps as a subtraction from a broadcast zero)."""
    out, (tx, ty) = ops.sub(*primals), tangents
    if tx is None or ty is None:
        return [out], [_one_sided(out, ops.neg(ty) if tx is None else tx)]
    return [out], [ops.sub(tx, ty)]


_sub_jvp.accepts_zeros = True


def _sub_transpose(cts, x, y):
    return [ops.unbroadcast(x.aval, cts[0]) if ops.is_undefined(x) else None,
            ops.unbroadcast(y.aval, ops.neg(cts[0])) if ops.is_undefined(y) else None]


jvp_rules[sub_p] = _sub_jvp
transpose_rules[sub_p] = _sub_transpose


_mul_jvp = ops.sum_of_terms_jvp(mul_p, lambda p, tx: ops.mul(tx, p[1]),
                                lambda p, ty: ops.mul(p[0], ty))


def _mul_transpose(cts, x, y):
    if ops.is_undefined(x) and ops.is_undefined(y):
        raise TypeError("[grad] mul of two linear values is not linear (cannot transpose)")
    if ops.is_undefined(x):
        return [ops.unbroadcast(x.aval, ops.mul(cts[0], y)), None]
    return [None, ops.unbroadcast(y.aval, ops.mul(x, cts[0]))]


jvp_rules[mul_p] = _mul_jvp
transpose_rules[mul_p] = _mul_transpose


# The denominator's term is -ty * x * y**-2 (JAX's form): its residuals are x and y**-2,
# not the quotient, so XLA can fuse the quotient into its consumers (e.g. exp(x / y))
# instead of materializing it for the backward pass.
_div_jvp = ops.sum_of_terms_jvp(
    div_p, lambda p, tx: ops.div(tx, p[1]),
    lambda p, ty: ops.mul(ops.mul(ops.neg(ty), p[0]), ops.integer_pow(p[1], -2)))


def _div_transpose(cts, x, y):
    if ops.is_undefined(y):
        raise TypeError("[grad] div is not linear in its denominator (cannot transpose)")
    return [ops.unbroadcast(x.aval, ops.div(cts[0], y)), None]


jvp_rules[div_p] = _div_jvp
transpose_rules[div_p] = _div_transpose


def _minmax_jvp(op):
    """JAX's rule: each tangent times 1 where its operand was chosen alone, 0.5 at a tie, 0
    elsewhere (a multiplication, so an inf/nan tangent of the side not chosen gives nan, as
    in JAX). A symbolic-zero tangent contributes no term."""
    def jvp(primals, tangents):
        (x, y), (tx, ty) = primals, tangents
        out = op(x, y)
        shape = ops.aval(out).shape

        def term(t, a, b):
            chosen, tie = ops.eq(a, out), ops.eq(b, out)
            one = ops.full(shape, 1, ops.aval(out).dtype)
            zero, two = ops.zeros_like(one), ops.full(shape, 2, ops.aval(out).dtype)
            if ops.aval(chosen).shape != shape:
                chosen, tie = (ops.broadcast_in_dim(c, shape, ()) for c in (chosen, tie))
            weight = ops.div(ops.select_n(chosen, zero, one), ops.select_n(tie, one, two))
            return ops.mul(t, weight)
        terms = [term(t, a, b) for t, a, b in ((tx, x, y), (ty, y, x)) if t is not None]
        return [out], [terms[0] if len(terms) == 1 else ops.add(*terms)]
    jvp.accepts_zeros = True
    return jvp


jvp_rules[max_p] = _minmax_jvp(ops.max_)
jvp_rules[min_p] = _minmax_jvp(ops.min_)


def _pow_base_term(primals, tx):
    """``tx * y * x ** (y - 1)`` (JAX's formula for a float exponent)."""
    x, y = primals
    return ops.mul(tx, ops.mul(y, ops.pow_(x, ops.sub(y, ops.ones_like(y)))))


def _pow_exponent_term(primals, ty):
    """``ty * log(x) * x ** y`` with ``log(0)`` read as 0 (so ``0 ** y`` has slope 0)."""
    x, y = primals
    x_is_0 = ops.eq(x, ops.zeros_like(x))
    safe_x = ops.select_n(x_is_0, x, ops.ones_like(x))
    return ops.mul(ty, ops.mul(ops.log(safe_x), ops.pow_(x, y)))


# Each term only for a nonzero tangent: a constant exponent of a negative base adds no
# ``0 * log(x) = nan`` term.
_pow_jvp = ops.sum_of_terms_jvp(pow_p, _pow_base_term, _pow_exponent_term)
jvp_rules[pow_p] = _pow_jvp
jvp_rules[neg_p] = ops.linear_jvp(neg_p)
transpose_rules[neg_p] = lambda cts, x: [ops.neg(cts[0])]


def _exp_jvp(primals, tangents):
    out = ops.exp(primals[0])
    return [out], [ops.mul(tangents[0], out)]


def _log_jvp(primals, tangents):
    return [ops.log(primals[0])], [ops.div(tangents[0], primals[0])]


def _sin_jvp(primals, tangents):
    return [ops.sin(primals[0])], [ops.mul(tangents[0], ops.cos(primals[0]))]


def _cos_jvp(primals, tangents):
    return [ops.cos(primals[0])], [ops.neg(ops.mul(tangents[0], ops.sin(primals[0])))]


def _tanh_jvp(primals, tangents):
    """``t (1 + y) (1 - y)`` rather than ``t (1 - y^2)``: no cancellation as |y| -> 1 (JAX
    factors it the same way, so the two give XLA the same program to fuse)."""
    out, t = ops.tanh(primals[0]), tangents[0]
    return [out], [ops.mul(ops.add(t, ops.mul(t, out)), ops.sub(ops.scalar_like(out, 1), out))]


def _logistic_jvp(primals, tangents):
    out = ops.logistic(primals[0])
    return [out], [ops.mul(tangents[0], ops.mul(out, ops.sub(ops.scalar_like(out, 1), out)))]


def _sqrt_jvp(primals, tangents):
    out = ops.sqrt(primals[0])
    return [out], [ops.div(tangents[0], ops.mul(ops.scalar_like(out, 2), out))]


jvp_rules[exp_p] = _exp_jvp
jvp_rules[log_p] = _log_jvp
jvp_rules[sin_p] = _sin_jvp
jvp_rules[cos_p] = _cos_jvp
jvp_rules[tanh_p] = _tanh_jvp
jvp_rules[logistic_p] = _logistic_jvp
jvp_rules[sqrt_p] = _sqrt_jvp


# ---- integer_pow: x ** y for a static Python int y --------------------------------
def _integer_pow_abstract_eval(x, *, y):
    check_dtype("integer_pow", x, "number")
    if not isinstance(y, int):
        raise TypeError(f"[integer_pow] exponent must be a Python int, got {y!r}")
    return x


def _integer_pow_impl(x, *, y):
    if y < 0 and dtypes.is_integer(x.dtype):
        raise ValueError("[integer_pow] negative exponent of an integer array")
    with np.errstate(all="ignore"):
        return np.power(x, x.dtype.type(y)) if y >= 0 else np.reciprocal(np.power(x, -y))


integer_pow_p = primitive("integer_pow", _integer_pow_abstract_eval, _integer_pow_impl)
vmap_rules[integer_pow_p] = elementwise_vmap(integer_pow_p)


def _integer_pow_jvp(primals, tangents, *, y):
    (x,), (t,) = primals, tangents
    out = ops.integer_pow(x, y)
    if y == 0:
        return [out], [None]
    if y == 1:
        return [out], [t]
    d = x if y == 2 else ops.integer_pow(x, y - 1)
    return [out], [ops.mul(t, ops.mul(ops.scalar_like(x, y), d))]


jvp_rules[integer_pow_p] = _integer_pow_jvp

# ---- comparisons ------------------------------------------------------------------
eq_p = comparison("eq", np.equal)
ne_p = comparison("ne", np.not_equal)
lt_p = comparison("lt", np.less)
le_p = comparison("le", np.less_equal)
gt_p = comparison("gt", np.greater)
ge_p = comparison("ge", np.greater_equal)
for _cmp_p in (eq_p, ne_p, lt_p, le_p, gt_p, ge_p):
    declare_no_rule("jvp", _cmp_p, "a comparison has a boolean output (zero tangent)")


# ---- select_n(which, *cases): cases[which] elementwise ------------------------------
def _select_n_abstract_eval(which, *cases):
    if not cases:
        raise TypeError("[select_n] needs at least one case")
    if which.dtype != dtypes.bool_ and which.dtype != dtypes.int32:
        raise TypeError(f"[select_n] predicate must be bool or int32, got {which.str_short()}")
    if which.dtype == dtypes.bool_ and len(cases) > 2:
        raise TypeError("[select_n] a bool predicate selects between at most two cases")
    shape = elementwise_shape("select_n", [which, *cases])
    if any(c.shape != shape for c in cases):
        got = ", ".join(c.str_short() for c in cases)
        raise TypeError(f"[select_n] cases must all have shape {shape}, got {got}")
    if len({c.dtype for c in cases}) > 1:
        got = ", ".join(c.str_short() for c in cases)
        raise TypeError(f"[select_n] cases must have the same dtype, got {got}")
    return ShapedArray(shape, cases[0].dtype, all(c.weak_type for c in cases))


def _select_n_impl(which, *cases):
    if len(cases) == 1:
        return np.array(cases[0])
    if which.dtype == np.bool_:
        return np.where(which, cases[1], cases[0])
    return np.choose(which, np.broadcast_arrays(*cases), mode="clip")


select_n_p = primitive("select_n", _select_n_abstract_eval, _select_n_impl)
vmap_rules[select_n_p] = elementwise_vmap(select_n_p, scalar_operands=(0,))


def _select_n_jvp(primals, tangents):
    which, *cases = primals
    return [ops.select_n(which, *cases)], [ops.select_n(which, *tangents[1:])]


def _select_n_transpose(cts, which, *cases):
    if ops.is_undefined(which):
        raise TypeError("[grad] select_n is not linear in its predicate")
    zeros = ops.full_like(cts[0], 0)
    return [None] + [
        ops.select_n(which, *[cts[0] if j == i else zeros for j in range(len(cases))])
        if ops.is_undefined(c) else None for i, c in enumerate(cases)]


jvp_rules[select_n_p] = _select_n_jvp
transpose_rules[select_n_p] = _select_n_transpose


# ---- convert_element_type -----------------------------------------------------------
def _convert_element_type_abstract_eval(x, *, new_dtype, weak_type=False, sharding=None):
    return ShapedArray(x.shape, dtypes.check_supported(new_dtype, "convert_element_type"),
                       weak_type)


def _convert_element_type_impl(x, *, new_dtype, weak_type=False, sharding=None):
    new_dtype = np.dtype(new_dtype)
    if new_dtype == dtypes.bool_:
        return x != 0
    if dtypes.is_integer(new_dtype) and dtypes.is_inexact(x.dtype):
        return _float_to_int(np.real(x), new_dtype)
    with np.errstate(all="ignore"):
        return np.real(x).astype(new_dtype) if x.dtype.kind == "c" and new_dtype.kind != "c" \
            else x.astype(new_dtype)


def _float_to_int(x, new_dtype):
    """Saturating float -> int with NaN -> 0, as XLA. The bounds are compared in float64
    (an int32 bound rounded to float32 would overflow)."""
    info = np.iinfo(new_dtype)
    x64 = np.asarray(x, np.float64)
    with np.errstate(all="ignore"):
        out = np.clip(np.nan_to_num(x64, nan=0, posinf=0, neginf=0), info.min, info.max)
        out = out.astype(new_dtype)
    out = np.where(x64 >= 2.0 ** (info.bits - (info.min < 0)), info.max, out)
    return np.where(x64 == -np.inf, info.min, out).astype(new_dtype)


convert_element_type_p = primitive("convert_element_type", _convert_element_type_abstract_eval,
                                   _convert_element_type_impl)
vmap_rules[convert_element_type_p] = elementwise_vmap(convert_element_type_p)


def _convert_element_type_jvp(primals, tangents, *, new_dtype, weak_type=False, sharding=None):
    out = ops.convert(primals[0], new_dtype, weak_type)
    if not (dtypes.is_inexact(np.dtype(new_dtype)) and ops.is_float(ops.aval(primals[0]))):
        return [out], [None]
    return [out], [ops.convert(tangents[0], new_dtype, weak_type)]


def _convert_element_type_transpose(cts, x, *, new_dtype, weak_type=False, sharding=None):
    return [ops.convert(cts[0], x.aval.dtype, x.aval.weak_type)]


jvp_rules[convert_element_type_p] = _convert_element_type_jvp
transpose_rules[convert_element_type_p] = _convert_element_type_transpose


# ---- more arithmetic: rem, abs, sign, square, nextafter, atan2 -------------------------
def _rem(x, y):
    if dtypes.is_integer(x.dtype):  # XLA: x rem 0 == x; the sign follows the dividend
        return np.where(y == 0, x, np.fmod(x, np.where(y == 0, 1, y))).astype(x.dtype)
    return np.fmod(x, y)


rem_p = binary("rem", _rem)
abs_p = unary("abs", np.abs, "signed")
sign_p = unary("sign", np.sign, "number")
square_p = unary("square", np.square, "number")
nextafter_p = binary("nextafter", np.nextafter, "float")
atan2_p = binary("atan2", in_float64(np.arctan2), "float")
copy_p = unary("copy", np.array, "any")


def _rem_divisor_term(primals, ty):
    """``-ty * trunc(x / y)``."""
    x, y = primals
    q = ops.div(x, y)
    return ops.neg(ops.mul(ty, ops.mul(sign_p.bind1(q), floor_p.bind1(abs_p.bind1(q)))))


def _atan2_denominator(primals):
    x, y = primals
    return ops.add(ops.mul(x, x), ops.mul(y, y))


# One term per nonzero tangent (a constant operand adds no ``0 * inf``).
_rem_jvp = ops.sum_of_terms_jvp(rem_p, lambda p, tx: tx, _rem_divisor_term)
_atan2_jvp = ops.sum_of_terms_jvp(
    atan2_p, lambda p, tx: ops.div(ops.mul(tx, p[1]), _atan2_denominator(p)),
    lambda p, ty: ops.neg(ops.div(ops.mul(ty, p[0]), _atan2_denominator(p))))


jvp_rules[rem_p] = _rem_jvp


def _abs_jvp(primals, tangents):
    """By selection, as in JAX: ``t`` where ``x >= 0`` (so 1 at 0), else ``-t``."""
    (x,), (t,) = primals, tangents
    return [abs_p.bind1(x)], [ops.select_n(ops.ge(x, ops.zeros_like(x)), ops.neg(t), t)]


jvp_rules[abs_p] = _abs_jvp
jvp_rules[sign_p] = ops.zero_jvp(sign_p)
jvp_rules[square_p] = ops.unary_jvp(square_p, lambda x, out: ops.mul(ops.scalar_like(x, 2), x))
jvp_rules[atan2_p] = _atan2_jvp
jvp_rules[copy_p] = ops.linear_jvp(copy_p)
transpose_rules[copy_p] = lambda cts, x: [copy_p.bind1(cts[0])]
declare_no_rule("jvp", nextafter_p, "nextafter is piecewise constant with jumps everywhere")


# ---- stop_gradient: the identity with a symbolic-zero tangent (no `0 * t` is ever built) --
stop_gradient_p = unary("stop_gradient", np.asarray, "any")
jvp_rules[stop_gradient_p] = ops.zero_jvp(stop_gradient_p)
declare_no_rule("transpose", stop_gradient_p, "its jvp has a zero tangent, so it never "
                "appears on a linear path")


# ---- optimization_barrier: the identity on several operands that XLA may not fuse through --
def _optimization_barrier_abstract_eval(*xs):
    return list(xs)


def _optimization_barrier_impl(*xs):
    return list(xs)


optimization_barrier_p = primitive("optimization_barrier", _optimization_barrier_abstract_eval,
                                   _optimization_barrier_impl, multiple_results=True)


def _optimization_barrier_jvp(primals, tangents):
    outs = optimization_barrier_p.bind(*primals)
    return outs, list(tangents)


def _optimization_barrier_vmap(axis_data, vals, bdims):
    return optimization_barrier_p.bind(*vals), list(bdims)


jvp_rules[optimization_barrier_p] = _optimization_barrier_jvp
transpose_rules[optimization_barrier_p] = lambda cts, *xs: list(cts)
vmap_rules[optimization_barrier_p] = _optimization_barrier_vmap

# ---- rounding -----------------------------------------------------------------------------
floor_p = unary("floor", np.floor, "float")
ceil_p = unary("ceil", np.ceil, "float")
jvp_rules[floor_p] = ops.zero_jvp(floor_p)
jvp_rules[ceil_p] = ops.zero_jvp(ceil_p)


class RoundingMethod(enum.IntEnum):
    """How ``lax.round`` breaks ties (as ``jax.lax.RoundingMethod``)."""

    AWAY_FROM_ZERO = 0
    TO_NEAREST_EVEN = 1


def _round_impl(x, *, rounding_method):
    if rounding_method == RoundingMethod.TO_NEAREST_EVEN:
        return np.rint(x)
    t = np.trunc(x)
    return np.where(np.abs(x - t) >= 0.5, t + np.sign(x), t).astype(x.dtype)


def _round_abstract_eval(x, *, rounding_method):
    check_dtype("round", x, "float")
    if rounding_method not in tuple(RoundingMethod):
        raise ValueError(f"[round] rounding_method must be a lax.RoundingMethod, got "
                         f"{rounding_method!r}")
    return x


round_p = primitive("round", _round_abstract_eval, _round_impl)
vmap_rules[round_p] = elementwise_vmap(round_p)
jvp_rules[round_p] = ops.zero_jvp(round_p)

# ---- more transcendental ---------------------------------------------------------------
exp2_p = unary("exp2", in_float64(np.exp2))
log1p_p = unary("log1p", in_float64(np.log1p))
expm1_p = unary("expm1", in_float64(np.expm1))
rsqrt_p = unary("rsqrt", in_float64(lambda x: (1 / np.sqrt(x)).astype(x.dtype)))
cbrt_p = unary("cbrt", in_float64(np.cbrt), "float")
tan_p = unary("tan", in_float64(np.tan))
asin_p = unary("asin", in_float64(np.arcsin))
acos_p = unary("acos", in_float64(np.arccos))
atan_p = unary("atan", in_float64(np.arctan))
sinh_p = unary("sinh", in_float64(np.sinh))
cosh_p = unary("cosh", in_float64(np.cosh))
asinh_p = unary("asinh", in_float64(np.arcsinh))
acosh_p = unary("acosh", in_float64(np.arccosh))
atanh_p = unary("atanh", in_float64(np.arctanh))
is_finite_p = primitive("is_finite", naryop_abstract_eval("is_finite", "float", dtypes.bool_),
                        np.isfinite)
vmap_rules[is_finite_p] = elementwise_vmap(is_finite_p)


def _one_minus_sq(x):
    return ops.sub(ops.scalar_like(x, 1), ops.mul(x, x))


jvp_rules[exp2_p] = ops.unary_jvp(
    exp2_p, lambda x, out: ops.mul(out, ops.scalar_like(out, 0.6931471805599453)))
jvp_rules[log1p_p] = ops.unary_jvp(
    log1p_p, lambda x, out: ops.div(ops.scalar_like(x, 1), ops.add(x, ops.scalar_like(x, 1))))
jvp_rules[expm1_p] = ops.unary_jvp(expm1_p, lambda x, out: ops.add(out, ops.scalar_like(out, 1)))
jvp_rules[rsqrt_p] = ops.unary_jvp(
    rsqrt_p, lambda x, out: ops.mul(ops.scalar_like(x, -0.5), ops.div(out, x)))
jvp_rules[cbrt_p] = ops.unary_jvp(
    cbrt_p, lambda x, out: ops.mul(ops.scalar_like(x, 1 / 3), ops.integer_pow(out, -2)))
jvp_rules[tan_p] = ops.unary_jvp(
    tan_p, lambda x, out: ops.add(ops.scalar_like(out, 1), ops.mul(out, out)))
jvp_rules[asin_p] = ops.unary_jvp(asin_p, lambda x, out: rsqrt_p.bind1(_one_minus_sq(x)))
jvp_rules[acos_p] = ops.unary_jvp(
    acos_p, lambda x, out: ops.neg(rsqrt_p.bind1(_one_minus_sq(x))))
jvp_rules[atan_p] = ops.unary_jvp(
    atan_p, lambda x, out: ops.div(ops.scalar_like(x, 1), ops.add(ops.scalar_like(x, 1),
                                                                ops.mul(x, x))))
jvp_rules[sinh_p] = ops.unary_jvp(sinh_p, lambda x, out: cosh_p.bind1(x))
jvp_rules[cosh_p] = ops.unary_jvp(cosh_p, lambda x, out: sinh_p.bind1(x))
jvp_rules[asinh_p] = ops.unary_jvp(
    asinh_p, lambda x, out: rsqrt_p.bind1(ops.add(ops.mul(x, x), ops.scalar_like(x, 1))))
jvp_rules[acosh_p] = ops.unary_jvp(
    acosh_p, lambda x, out: rsqrt_p.bind1(ops.mul(ops.sub(x, ops.scalar_like(x, 1)),
                                                  ops.add(x, ops.scalar_like(x, 1)))))
jvp_rules[atanh_p] = ops.unary_jvp(
    atanh_p, lambda x, out: ops.div(ops.scalar_like(x, 1), _one_minus_sq(x)))
declare_no_rule("jvp", is_finite_p, "boolean output (zero tangent)")


# ---- clamp(min, x, max): min and max are rank-0 or of x's shape -------------------------
def _clamp_abstract_eval(lo, x, hi):
    if lo.shape not in ((), x.shape) or hi.shape not in ((), x.shape):
        raise TypeError(f"[clamp] min and max must be scalars or have the operand's shape, got "
                        f"min {lo.str_short()}, x {x.str_short()}, max {hi.str_short()}")
    if not lo.dtype == x.dtype == hi.dtype:
        raise TypeError(f"[clamp] min, x and max must have the same dtype, got "
                        f"{lo.str_short()}, {x.str_short()}, {hi.str_short()}")
    check_dtype("clamp", x, "number")
    return ShapedArray(x.shape, x.dtype, x.weak_type)


clamp_p = primitive("clamp", _clamp_abstract_eval,
                    lambda lo, x, hi: np.minimum(np.maximum(x, lo), hi))
vmap_rules[clamp_p] = elementwise_vmap(clamp_p, scalar_operands=(0, 2))


def _clamp_jvp(primals, tangents):
    """The tangent of whichever operand the result equals (as in JAX)."""
    (lo, x, hi), (t_lo, t_x, t_hi) = primals, tangents
    out = clamp_p.bind1(lo, x, hi)
    shape = ops.aval(x).shape
    t_lo, t_hi = (ops.broadcast_in_dim(t, shape, ()) if ops.aval(t).shape != shape else t
                  for t in (t_lo, t_hi))
    zeros = ops.full_like(x, 0)
    from_lo = ops.select_n(gt_p.bind1(lo, x), zeros, ops.select_n(lt_p.bind1(lo, hi), zeros,
                                                                   t_lo))
    in_range = ops.select_n(gt_p.bind1(x, lo), zeros, ops.select_n(lt_p.bind1(x, hi), zeros, t_x))
    from_hi = ops.select_n(lt_p.bind1(hi, x), zeros, t_hi)
    return [out], [ops.add(ops.add(from_lo, in_range), from_hi)]


jvp_rules[clamp_p] = _clamp_jvp


# ---- reduce_precision -----------------------------------------------------------------

def _reduce_precision_abstract_eval(x, *, exponent_bits, mantissa_bits):
    check_dtype("reduce_precision", x, "float")
    if exponent_bits < 1 or mantissa_bits < 0:
        raise ValueError(f"[reduce_precision] needs exponent_bits >= 1 and mantissa_bits >= 0, "
                         f"got exponent_bits={exponent_bits}, mantissa_bits={mantissa_bits}")
    return ShapedArray(x.shape, x.dtype, x.weak_type)


def _float_layout(dtype) -> tuple[int, int, np.dtype]:
    """(exponent bits, mantissa bits, unsigned int dtype of the same width)."""
    info = ml_dtypes.finfo(dtype)
    return info.nexp, info.nmant, np.dtype(f"uint{np.dtype(dtype).itemsize * 8}")


def _reduce_precision(x, *, exponent_bits, mantissa_bits):
    """XLA's ReducePrecision on the bits: round the mantissa to nearest even, then
    overflow to +-inf and underflow (denormals included) to +-0; NaNs pass unchanged."""
    src_exp, src_mant, udt = _float_layout(x.dtype)
    bits = np.asarray(x).view(udt).copy()
    one = udt.type(1)
    if mantissa_bits < src_mant:
        drop = udt.type(src_mant - mantissa_bits)
        last_bit = one << drop
        bias = (last_bit >> one) - one + ((bits & last_bit) >> drop)
        bits = (bits + bias) & ~(last_bit - one)
    if exponent_bits < src_exp:
        exp_mask = udt.type(((1 << src_exp) - 1) << src_mant)
        src_bias, dst_bias = (1 << (src_exp - 1)) - 1, (1 << (exponent_bits - 1)) - 1
        exponent = bits & exp_mask
        sign = bits & udt.type(1 << (udt.itemsize * 8 - 1))
        overflow = exponent > udt.type((src_bias + dst_bias) << src_mant)
        underflow = exponent <= udt.type((src_bias - dst_bias) << src_mant)
        bits = np.where(overflow, sign | exp_mask, np.where(underflow, sign, bits)).astype(udt)
    return np.asarray(np.where(np.isnan(x), x, bits.view(x.dtype)), x.dtype)


reduce_precision_p = primitive("reduce_precision", _reduce_precision_abstract_eval,
                               _reduce_precision)
vmap_rules[reduce_precision_p] = elementwise_vmap(reduce_precision_p)
# linear in JAX's convention: the tangent (and the cotangent) is rounded the same way
jvp_rules[reduce_precision_p] = ops.linear_jvp(reduce_precision_p)
transpose_rules[reduce_precision_p] = lambda cts, x, **params: [
    reduce_precision_p.bind1(cts[0], **params)]
