"""Elementwise primitives: arithmetic, comparisons, transcendental functions,
select_n and convert_element_type. Operands have equal shapes (rank-0 operands
broadcast) and equal dtypes; ``functrans.numpy`` promotes and broadcasts first."""

from __future__ import annotations

import numpy as np

from ..core import dtypes
from ..core.ir import ShapedArray
from ._builders import binary, check_dtype, comparison, elementwise_shape, primitive, unary


def _int_div(x, y):
    if dtypes.is_integer(x.dtype):
        q = np.abs(x) // np.where(y == 0, 1, np.abs(y))
        return np.where(y == 0, -1, np.where((x < 0) != (y < 0), -q, q)).astype(x.dtype)
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
pow_p = binary("pow", np.power, "inexact")
neg_p = unary("neg", np.negative, "number")

# ---- transcendental -----------------------------------------------------------
exp_p = unary("exp", np.exp)
log_p = unary("log", np.log)
sin_p = unary("sin", np.sin)
cos_p = unary("cos", np.cos)
tanh_p = unary("tanh", np.tanh)
logistic_p = unary("logistic", _logistic)
sqrt_p = unary("sqrt", np.sqrt)


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

# ---- comparisons ------------------------------------------------------------------
eq_p = comparison("eq", np.equal)
ne_p = comparison("ne", np.not_equal)
lt_p = comparison("lt", np.less)
le_p = comparison("le", np.less_equal)
gt_p = comparison("gt", np.greater)
ge_p = comparison("ge", np.greater_equal)


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


# ---- convert_element_type -----------------------------------------------------------
def _convert_element_type_abstract_eval(x, *, new_dtype, weak_type=False, sharding=None):
    return ShapedArray(x.shape, dtypes.check_supported(new_dtype, "convert_element_type"),
                       weak_type)


def _convert_element_type_impl(x, *, new_dtype, weak_type=False, sharding=None):
    new_dtype = np.dtype(new_dtype)
    if new_dtype == dtypes.bool_:
        return x != 0
    if dtypes.is_integer(new_dtype) and dtypes.is_inexact(x.dtype):
        info = np.iinfo(new_dtype)
        with np.errstate(all="ignore"):
            x = np.clip(np.nan_to_num(np.real(x), nan=0), info.min, info.max)
    with np.errstate(all="ignore"):
        return np.real(x).astype(new_dtype) if x.dtype.kind == "c" and new_dtype.kind != "c" \
            else x.astype(new_dtype)


convert_element_type_p = primitive("convert_element_type", _convert_element_type_abstract_eval,
                                   _convert_element_type_impl)
