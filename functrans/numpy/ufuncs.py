"""Elementwise math with NumPy broadcasting and JAX's dtype promotion.

Example::

    fnp.add(fnp.ones(3, fnp.int8), 2.0)   # float32[3], weakly typed (as jax.numpy)
"""

from __future__ import annotations

import math

import numpy as np

from .. import _lax_lenient as lax
from ..core import dtypes
from ..core.trace import _state
from ..higher_order.custom_derivatives import custom_jvp
from ._util import (
    as_array,
    aval,
    broadcast_all,
    fast_operands,
    full_like_,
    promote_and_broadcast,
    promote_dtypes,
    promote_dtypes_inexact,
)


def _doc(fn, name, text):
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (f"{text} (``jax.numpy.{name}``).\n\n"
                  f"Args:\n  x: array or scalar operands (broadcast together).\n"
                  f"Returns:\n  An Array of the promoted dtype.\n"
                  f"Example:\n  ``fnp.{name}(fnp.arange(3.0)"
                  f"{', 2.0' if 'binary' in text else ''})``")
    return fn


def _binary(lax_fn, name, inexact=False, bool_fn=None):
    """``bool_fn``: what replaces ``lax_fn`` on bool operands (add is or, multiply is and)."""
    prim = getattr(lax_fn, "binds", None)

    def fn(x, y, /):
        ops = fast_operands(x, y, inexact)
        if ops is not None:  # Arrays/tracers now (a Python scalar lifted to a weak Array)
            if bool_fn is not None and ops[0].aval.dtype == dtypes.bool_:
                return bool_fn(*ops)
            if prim is not None:  # straight to the current trace (hot in eager code)
                return _state.trace.process(prim, ops, {})[0]
            return lax_fn(*ops)
        x, y = promote_dtypes_inexact(x, y) if inexact else promote_dtypes(x, y)
        x, y = broadcast_all(x, y, api=name, keep_scalars=True)
        if bool_fn is not None and aval(x).dtype == dtypes.bool_:
            return bool_fn(x, y)
        return lax_fn(x, y)
    if prim is not None:  # what the Array/Tracer operators inline (see _array_methods)
        fn.fast_path = (prim, inexact, bool_fn is not None)
    return _doc(fn, name, f"Elementwise binary ``{name}`` with broadcasting")


def _unary(lax_fn, name, inexact=True):
    prim = getattr(lax_fn, "binds", None)

    def fn(x, /):
        aval_ = getattr(x, "aval", None)
        if aval_ is not None and aval_.dtype.kind in ("fV" if inexact else "fViu"):
            if prim is not None:  # straight to the current trace (hot in eager code)
                return _state.trace.process(prim, (x,), {})[0]
            return lax_fn(x)
        (x,) = promote_dtypes_inexact(x) if inexact else promote_dtypes(x)
        return lax_fn(as_array(x))
    return _doc(fn, name, f"Elementwise ``{name}``" + ("; integers become float32"
                                                        if inexact else ""))


def _is_int_or_bool(x) -> bool:
    d = aval(x).dtype
    return dtypes.is_integer(d) or d == dtypes.bool_


def _int_passthrough(lax_fn, name):
    """Rounding functions: integer and bool inputs are returned unchanged."""
    def fn(x, /):
        (x,) = promote_dtypes(x)
        return as_array(x) if _is_int_or_bool(x) else lax_fn(as_array(x))
    return _doc(fn, name, f"Elementwise ``{name}``; integers pass through")


# ---- arithmetic --------------------------------------------------------------------
add = _binary(lax.add, "add", bool_fn=lax.bitwise_or)  # on bools: or, as JAX
subtract = _binary(lax.sub, "subtract")
multiply = _binary(lax.mul, "multiply", bool_fn=lax.bitwise_and)  # on bools: and
maximum = _binary(lax.max, "maximum")
minimum = _binary(lax.min, "minimum")
true_divide = _binary(lax.div, "true_divide", inexact=True)
divide = _doc(lambda x, y, /: true_divide(x, y), "divide", "Elementwise binary ``x / y``")
arctan2 = _binary(lambda a, b: lax.atan2(a, b), "arctan2", inexact=True)
atan2 = arctan2


def negative(x, /):
    """Elementwise ``-x`` (``jax.numpy.negative``)."""
    (x,) = promote_dtypes(x)
    return lax.neg(as_array(x))


def positive(x, /):
    """Elementwise ``+x`` (``jax.numpy.positive``)."""
    (x,) = promote_dtypes(x)
    return as_array(x)


def _bool_to_int(fn_bool, fn_num):
    def fn(x, y):
        return fn_bool(x, y) if aval(x).dtype == dtypes.bool_ else fn_num(x, y)
    return fn


def floor_divide(x, y, /):
    """Elementwise ``x // y`` rounding toward -inf (``jax.numpy.floor_divide``)."""
    x, y = promote_and_broadcast(x, y, api="floor_divide")
    x, y = as_array(x), as_array(y)
    dt = aval(x).dtype
    if dt == dtypes.bool_:
        return logical_and(x, y)
    if dtypes.is_integer(dt):
        q = lax.div(x, y)
        if dt.kind == "u":
            return q
        fix = logical_and(not_equal(lax.lt(x, 0), lax.lt(y, 0)), not_equal(lax.rem(x, y), 0))
        return lax.select(fix, lax.sub(q, 1), q)
    rem = lax.rem(x, y)
    q = lax.div(lax.sub(x, rem), y)
    fix = logical_and(not_equal(rem, 0), not_equal(lax.lt(rem, 0), lax.lt(y, 0)))
    return lax.round(lax.select(fix, lax.sub(q, 1), q), lax.RoundingMethod.TO_NEAREST_EVEN)


def remainder(x, y, /):
    """Elementwise ``x % y`` with the sign of ``y`` (``jax.numpy.remainder``)."""
    x, y = promote_and_broadcast(x, y, api="remainder")
    x, y = as_array(x), as_array(y)
    rem = lax.rem(x, y)
    if aval(x).dtype.kind == "u":
        return rem
    fix = logical_and(not_equal(rem, 0), not_equal(lax.lt(rem, 0), lax.lt(y, 0)))
    return lax.select(fix, lax.add(rem, y), rem)


mod = remainder
fmod = _binary(lambda a, b: lax.rem(a, b), "fmod")


def divmod(x, y, /):  # noqa: A001 (numpy name)
    """``(floor_divide(x, y), remainder(x, y))`` (``jax.numpy.divmod``)."""
    return floor_divide(x, y), remainder(x, y)


def power(x, y, /):
    """``x ** y`` (``jax.numpy.power``); integer exponents use repeated squaring."""
    if isinstance(y, int) and not isinstance(y, bool):
        (x,) = promote_dtypes(x)
        if y >= 0 or not _is_int_or_bool(x):
            return lax.integer_pow(as_array(x), y)
    x, y = promote_and_broadcast(x, y, api="power")
    x, y = as_array(x), as_array(y)
    if dtypes.is_inexact(aval(x).dtype):
        return lax.pow(x, y)
    return _int_power(x, y)


def _int_power(x, y):
    if aval(x).dtype == dtypes.bool_:
        return logical_or(x, logical_not(y))
    acc = full_like_(x, 1)
    base = x
    for _ in range(int(aval(y).dtype.itemsize * 8)):
        acc = lax.select(lax.eq(lax.rem(y, 2), 1) if aval(y).dtype.kind == "u" else
                         lax.ne(lax.rem(y, 2), 0), lax.mul(acc, base), acc)
        base = lax.mul(base, base)
        y = lax.div(y, 2)
    return acc


def float_power(x, y, /):
    """``x ** y`` computed in floating point (``jax.numpy.float_power``)."""
    x, y = promote_dtypes_inexact(x, y)
    return lax.pow(*broadcast_all(as_array(x), as_array(y), api="float_power"))


def square(x, /):
    """Elementwise ``x * x`` (``jax.numpy.square``)."""
    (x,) = promote_dtypes(x)
    return lax.integer_pow(as_array(x), 2)


def reciprocal(x, /):
    """Elementwise ``1 / x``; integers become float32 (``jax.numpy.reciprocal``)."""
    (x,) = promote_dtypes_inexact(x)
    return lax.integer_pow(as_array(x), -1)


def absolute(x, /):
    """Elementwise ``|x|`` (``jax.numpy.absolute``)."""
    (x,) = promote_dtypes(x)
    x = as_array(x)
    dt = aval(x).dtype
    return x if dt.kind == "u" or dt == dtypes.bool_ else lax.abs(x)


abs = absolute  # noqa: A001 (numpy name)


def sign(x, /):
    """Elementwise sign: -1, 0 or 1 (``jax.numpy.sign``)."""
    (x,) = promote_dtypes(x)
    return lax.sign(as_array(x))


# ---- transcendental ------------------------------------------------------------------
exp = _unary(lax.exp, "exp")
log = _unary(lax.log, "log")
sin = _unary(lax.sin, "sin")
cos = _unary(lax.cos, "cos")
tanh = _unary(lax.tanh, "tanh")
sqrt = _unary(lax.sqrt, "sqrt")
tan = _unary(lambda x: lax.tan(x), "tan")
arcsin = _unary(lambda x: lax.asin(x), "arcsin")
arccos = _unary(lambda x: lax.acos(x), "arccos")
arctan = _unary(lambda x: lax.atan(x), "arctan")
sinh = _unary(lambda x: lax.sinh(x), "sinh")
cosh = _unary(lambda x: lax.cosh(x), "cosh")
arcsinh = _unary(lambda x: lax.asinh(x), "arcsinh")
arccosh = _unary(lambda x: lax.acosh(x), "arccosh")
arctanh = _unary(lambda x: lax.atanh(x), "arctanh")
asin, acos, atan, asinh, acosh, atanh = arcsin, arccos, arctan, arcsinh, arccosh, arctanh
expm1 = _unary(lambda x: lax.expm1(x), "expm1")
log1p = _unary(lambda x: lax.log1p(x), "log1p")
cbrt = _unary(lambda x: lax.cbrt(x), "cbrt")
exp2 = _unary(lambda x: lax.exp2(x), "exp2")
log2 = _unary(lambda x: lax.div(lax.log(x), lax.log(full_like_(x, 2))), "log2")
log10 = _unary(lambda x: lax.div(lax.log(x), lax.log(full_like_(x, 10))), "log10")
deg2rad = _unary(lambda x: lax.mul(x, math.pi / 180), "deg2rad")
rad2deg = _unary(lambda x: lax.mul(x, 180 / math.pi), "rad2deg")
radians, degrees = deg2rad, rad2deg


def sinc(x, /):
    """Normalized sinc ``sin(pi x) / (pi x)`` (``jax.numpy.sinc``)."""
    (x,) = promote_dtypes_inexact(x)
    x = as_array(x)
    is_zero = lax.eq(x, 0)
    safe = lax.mul(lax.select(is_zero, full_like_(x, 1), x), math.pi)
    return lax.select(is_zero, full_like_(x, 1), lax.div(lax.sin(safe), safe))


def hypot(x, y, /):
    """``sqrt(x**2 + y**2)`` without overflow for large inputs (``jax.numpy.hypot``)."""
    x, y = promote_dtypes_inexact(x, y)
    x, y = broadcast_all(lax.abs(as_array(x)), lax.abs(as_array(y)), api="hypot")
    any_inf = lax.bitwise_or(lax.eq(x, full_like_(x, np.inf)), lax.eq(y, full_like_(y, np.inf)))
    big, small = lax.max(x, y), lax.min(x, y)
    safe = lax.select(lax.eq(big, 0), full_like_(big, 1), big)
    ratio = lax.div(small, safe)  # inf / inf is NaN: an infinite side gives inf (even with NaN)
    out = lax.select(lax.eq(big, 0), big, lax.mul(big, lax.sqrt(lax.add(lax.mul(ratio, ratio), 1))))
    return lax.select(any_inf, full_like_(out, np.inf), out)


def logaddexp(x, y, /):
    """``log(exp(x) + exp(y))`` computed stably (``jax.numpy.logaddexp``). Its derivative is
    a custom rule, exact at ties (so softplus, log_sigmoid and logsumexp have JAX's first and
    second derivatives at 0)."""
    x, y = promote_dtypes_inexact(x, y)
    return _logaddexp(*broadcast_all(as_array(x), as_array(y), api="logaddexp"))


@custom_jvp
def _logaddexp(x, y):
    amax = lax.max(x, y)
    delta = lax.sub(x, y)
    out = lax.add(amax, lax.log1p(lax.exp(lax.neg(lax.abs(delta)))))
    return lax.select(lax.ne(delta, delta), lax.add(x, y), out)  # nan, or infs of one sign


@_logaddexp.defjvp
def _logaddexp_jvp(primals, tangents):
    """``t_x * exp(x - out) + t_y * exp(y - out)``, a ``+inf`` read as 0 in the exponents."""
    (x, y), (t_x, t_y) = primals, tangents
    out = _logaddexp(x, y)

    def weight(v):
        return lax.exp(lax.sub(_posinf_as_zero(v), _posinf_as_zero(out)))
    return out, lax.add(lax.mul(t_x, weight(x)), lax.mul(t_y, weight(y)))


def _posinf_as_zero(v):
    return lax.select(lax.eq(v, np.inf), lax.full_like(v, 0), v)


def logaddexp2(x, y, /):
    """``log2(2**x + 2**y)`` computed stably (``jax.numpy.logaddexp2``)."""
    x, y = promote_dtypes_inexact(x, y)
    ln2 = math.log(2)
    return lax.div(logaddexp(lax.mul(as_array(x), ln2), lax.mul(as_array(y), ln2)), ln2)


# ---- rounding ---------------------------------------------------------------------------
floor = _int_passthrough(lambda x: lax.floor(x), "floor")
ceil = _int_passthrough(lambda x: lax.ceil(x), "ceil")
trunc = _int_passthrough(lambda x: lax.select(lax.lt(x, 0), lax.ceil(x), lax.floor(x)), "trunc")
fix = trunc
rint = _unary(lambda x: lax.round(x, lax.RoundingMethod.TO_NEAREST_EVEN), "rint")


def round(a, decimals: int = 0, out=None):  # noqa: A001 (numpy name)
    """Round half to even at ``decimals`` digits (``jax.numpy.round``)."""
    (a,) = promote_dtypes(a)
    a = as_array(a)
    if _is_int_or_bool(a):
        if decimals >= 0:
            return a
        factor = 10 ** (-decimals)
        return lax.mul(floor_divide(lax.add(a, factor // 2), factor), factor)
    if decimals == 0:
        return lax.round(a, lax.RoundingMethod.TO_NEAREST_EVEN)
    factor = 10.0 ** decimals
    return lax.div(lax.round(lax.mul(a, factor), lax.RoundingMethod.TO_NEAREST_EVEN), factor)


around = round


def modf(x, /):
    """``(fractional part, integral part)`` (``jax.numpy.modf``)."""
    (x,) = promote_dtypes_inexact(x)
    whole = trunc(x)
    return lax.sub(as_array(x), whole), whole


# ---- comparisons and logic ----------------------------------------------------------------
equal = _binary(lax.eq, "equal")
not_equal = _binary(lax.ne, "not_equal")
less = _binary(lax.lt, "less")
less_equal = _binary(lax.le, "less_equal")
greater = _binary(lax.gt, "greater")
greater_equal = _binary(lax.ge, "greater_equal")


def _as_bool(x):
    x = as_array(x)
    return x if aval(x).dtype == dtypes.bool_ else lax.ne(x, full_like_(x, 0))


def logical_not(x, /):
    """Elementwise ``not x`` (``jax.numpy.logical_not``)."""
    x = _as_bool(x)
    return lax.eq(x, full_like_(x, False))


def _logical(name, combine):
    def fn(x, y, /):
        x, y = broadcast_all(_as_bool(x), _as_bool(y), api=name)
        return combine(x, y)
    return _doc(fn, name, f"Elementwise binary ``{name}`` on truth values")


logical_and = _logical("logical_and", lambda x, y: lax.select(x, y, x))
logical_or = _logical("logical_or", lambda x, y: lax.select(x, x, y))
logical_xor = _logical("logical_xor", lax.ne)


def _check_int_or_bool(name, *args):
    for a in args:
        if not _is_int_or_bool(a):
            raise TypeError(f"[{name}] needs integer or bool operands, got "
                            f"{aval(a).str_short()}; convert with .astype(fnp.int32)")


def _bitwise(name, lax_name):
    def fn(x, y, /):
        x, y = promote_and_broadcast(x, y, api=name)
        _check_int_or_bool(name, x, y)
        return getattr(lax, lax_name)(as_array(x), as_array(y))
    return _doc(fn, name, f"Elementwise binary ``{name}`` on integer bits")


bitwise_and = _bitwise("bitwise_and", "bitwise_and")
bitwise_or = _bitwise("bitwise_or", "bitwise_or")
bitwise_xor = _bitwise("bitwise_xor", "bitwise_xor")
left_shift = _bitwise("left_shift", "shift_left")


def right_shift(x, y, /):
    """Elementwise ``x >> y`` (arithmetic for signed ints) (``jax.numpy.right_shift``)."""
    x, y = promote_and_broadcast(x, y, api="right_shift")
    _check_int_or_bool("right_shift", x, y)
    fn = lax.shift_right_logical if aval(x).dtype.kind == "u" else lax.shift_right_arithmetic
    return fn(as_array(x), as_array(y))


def bitwise_not(x, /):
    """Elementwise ``~x`` (``jax.numpy.bitwise_not``)."""
    (x,) = promote_dtypes(x)
    _check_int_or_bool("bitwise_not", x)
    return lax.bitwise_not(as_array(x))


invert = bitwise_not
bitwise_invert, bitwise_left_shift, bitwise_right_shift = bitwise_not, left_shift, right_shift


# ---- floating-point classification -------------------------------------------------------
def isnan(x, /):
    """Elementwise NaN test (``jax.numpy.isnan``)."""
    (x,) = promote_dtypes(x)
    x = as_array(x)
    return lax.ne(x, x) if dtypes.is_inexact(aval(x).dtype) else full_like_(x, False,
                                                                                 dtypes.bool_)


def isinf(x, /):
    """Elementwise test for +-inf (``jax.numpy.isinf``)."""
    (x,) = promote_dtypes(x)
    x = as_array(x)
    if not dtypes.is_inexact(aval(x).dtype):
        return full_like_(x, False, dtypes.bool_)
    if aval(x).dtype.kind == "c":  # either part infinite
        return logical_or(isinf(lax.real(x)), isinf(lax.imag(x)))
    return lax.eq(lax.abs(x), full_like_(x, np.inf))


def isposinf(x, /):
    """Elementwise test for +inf (``jax.numpy.isposinf``)."""
    return logical_and(isinf(x), greater(x, 0))


def isneginf(x, /):
    """Elementwise test for -inf (``jax.numpy.isneginf``)."""
    return logical_and(isinf(x), less(x, 0))


def isfinite(x, /):
    """Elementwise test for finite values (``jax.numpy.isfinite``)."""
    (x,) = promote_dtypes(x)
    x = as_array(x)
    if not dtypes.is_inexact(aval(x).dtype):
        return full_like_(x, True, dtypes.bool_)
    return logical_not(logical_or(isnan(x), isinf(x)))


def signbit(x, /):
    """Elementwise test for a set sign bit, including -0.0 (``jax.numpy.signbit``)."""
    (x,) = promote_dtypes(x)
    x = as_array(x)
    if not dtypes.is_inexact(aval(x).dtype):
        return lax.lt(x, full_like_(x, 0)) if aval(x).dtype.kind == "i" else \
            full_like_(x, False, dtypes.bool_)
    neg_zero = logical_and(lax.eq(x, full_like_(x, 0)),
                           lax.lt(lax.div(full_like_(x, 1), x), full_like_(x, 0)))
    return logical_or(lax.lt(x, full_like_(x, 0)), neg_zero)


def copysign(x, y, /):
    """``|x|`` with the sign of ``y`` (``jax.numpy.copysign``)."""
    x, y = promote_dtypes_inexact(x, y)
    x, y = broadcast_all(as_array(x), as_array(y), api="copysign")
    mag = lax.abs(x)
    return lax.select(signbit(y), lax.neg(mag), mag)


def heaviside(x1, x2, /):
    """Heaviside step: 0 below zero, ``x2`` at zero, 1 above (``jax.numpy.heaviside``)."""
    x1, x2 = promote_dtypes_inexact(x1, x2)
    x1, x2 = broadcast_all(as_array(x1), as_array(x2), api="heaviside")
    zero, one = full_like_(x1, 0), full_like_(x1, 1)
    return lax.select(lax.lt(x1, zero), zero, lax.select(lax.gt(x1, zero), one, x2))


def fmax(x, y, /):
    """Elementwise maximum ignoring NaNs (``jax.numpy.fmax``)."""
    x, y = promote_and_broadcast(x, y, api="fmax")
    return where(logical_or(greater(x, y), isnan(y)), x, y)  # by selection, as JAX


def fmin(x, y, /):
    """Elementwise minimum ignoring NaNs (``jax.numpy.fmin``)."""
    x, y = promote_and_broadcast(x, y, api="fmin")
    return where(logical_or(less(x, y), isnan(y)), x, y)  # by selection, as JAX


def nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None):
    """Replace NaN and +-inf by finite numbers (``jax.numpy.nan_to_num``)."""
    (x,) = promote_dtypes(x)
    x = as_array(x)
    dt = aval(x).dtype
    if not dtypes.is_inexact(dt):
        return x
    info = dtypes_finfo(dt)
    posinf = info.max if posinf is None else posinf
    neginf = info.min if neginf is None else neginf
    x = lax.select(isnan(x), full_like_(x, nan), x)
    x = lax.select(isposinf(x), full_like_(x, posinf), x)
    return lax.select(isneginf(x), full_like_(x, neginf), x)


def dtypes_finfo(dt):
    import ml_dtypes
    return ml_dtypes.finfo(dt)


# ---- real/complex parts: numpy/complex_funcs.py ---------------------------------------------
from .complex_funcs import conj, conjugate, imag, real  # noqa: E402, F401


# ---- selection ---------------------------------------------------------------------------
def where(condition, x=None, y=None, /, *, size=None, fill_value=None):
    """``x`` where ``condition`` else ``y``; with one argument, ``nonzero(condition)``.

    Args:
      condition: a boolean (or numeric: nonzero is True) array.
      x, y: values broadcast against ``condition`` and promoted together.
    Returns:
      An Array of the broadcast shape.
    Example:
      ``fnp.where(x > 0, x, 0.0)``
    """
    if x is None and y is None:
        from .sorting import nonzero
        return nonzero(condition, size=size, fill_value=fill_value)
    if x is None or y is None:
        raise ValueError("[where] pass both x and y, or neither")
    x, y = promote_dtypes(x, y)
    cond, x, y = broadcast_all(_as_bool(condition), as_array(x), as_array(y), api="where")
    return lax.select(cond, x, y)


def select(condlist, choicelist, default=0):
    """The first ``choicelist[i]`` whose ``condlist[i]`` holds, else ``default``
    (``jax.numpy.select``)."""
    if len(condlist) != len(choicelist):
        raise ValueError(f"[select] condlist has {len(condlist)} entries but choicelist has "
                         f"{len(choicelist)}; they must match")
    if not condlist:
        raise ValueError("[select] condlist must be non-empty")
    out = default
    for cond, choice in zip(reversed(condlist), reversed(choicelist), strict=True):
        out = where(cond, choice, out)
    return out


def clip(arr=None, /, min=None, max=None, *, a=None, a_min=None, a_max=None):  # noqa: A002
    """Limit values to ``[min, max]`` (``jax.numpy.clip``)."""
    arr = a if arr is None else arr
    lo = a_min if min is None else min
    hi = a_max if max is None else max
    out = arr
    if lo is not None:
        out = maximum(out, lo)
    if hi is not None:
        out = minimum(out, hi)
    return as_array(promote_dtypes(out)[0])


def isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Elementwise ``|a - b| <= atol + rtol * |b|`` (``jax.numpy.isclose``)."""
    a, b = promote_and_broadcast(a, b, api="isclose")
    a, b = as_array(a), as_array(b)
    if not dtypes.is_inexact(aval(a).dtype):
        return equal(a, b)
    a, b = broadcast_all(a, b)
    diff = absolute(subtract(a, b))
    close = less_equal(diff, add(atol, multiply(rtol, absolute(b))))
    both_inf = logical_and(logical_and(isinf(a), isinf(b)), equal(a, b))
    close = logical_or(logical_and(close, isfinite(b)), both_inf)
    if equal_nan:
        close = logical_or(close, logical_and(isnan(a), isnan(b)))
    return close


def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Whether every element is close (``jax.numpy.allclose``)."""
    from .reductions import all as all_
    return all_(isclose(a, b, rtol, atol, equal_nan))


def array_equal(a1, a2, equal_nan=False):
    """Whether the shapes and every element are equal (``jax.numpy.array_equal``)."""
    from .reductions import all as all_
    if aval(a1).shape != aval(a2).shape:
        return as_array(False)
    eq = equal(a1, a2)
    if equal_nan:
        eq = logical_or(eq, logical_and(isnan(a1), isnan(a2)))
    return all_(eq)


def array_equiv(a1, a2):
    """Whether the arrays are equal after broadcasting (``jax.numpy.array_equiv``)."""
    from .reductions import all as all_
    try:
        return all_(equal(a1, a2))
    except ValueError:
        return as_array(False)
