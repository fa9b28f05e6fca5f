"""Elementwise math with NumPy broadcasting and JAX's dtype promotion."""

from __future__ import annotations

from .. import lax
from ..core import dtypes
from ._util import aval, promote_and_broadcast


def _binary(lax_fn, name):
    def fn(x, y, /):
        return lax_fn(*promote_and_broadcast(x, y, api=name))
    fn.__name__ = name
    fn.__doc__ = f"Elementwise ``{name}`` with broadcasting (``jax.numpy.{name}``)."
    return fn


def _to_inexact(x):
    (x,) = promote_and_broadcast(x)
    a = aval(x)
    if not dtypes.is_inexact(a.dtype):
        x = lax._convert_weak(x, dtypes.float32)
    return x


def _unary_float(lax_fn, name):
    def fn(x, /):
        return lax_fn(_to_inexact(x))
    fn.__name__ = name
    fn.__doc__ = f"Elementwise ``{name}`` (``jax.numpy.{name}``); integers become float32."
    return fn


add = _binary(lax.add, "add")
subtract = _binary(lax.sub, "subtract")
multiply = _binary(lax.mul, "multiply")
maximum = _binary(lax.max, "maximum")
minimum = _binary(lax.min, "minimum")
equal = _binary(lax.eq, "equal")
not_equal = _binary(lax.ne, "not_equal")
less = _binary(lax.lt, "less")
less_equal = _binary(lax.le, "less_equal")
greater = _binary(lax.gt, "greater")
greater_equal = _binary(lax.ge, "greater_equal")

exp = _unary_float(lax.exp, "exp")
log = _unary_float(lax.log, "log")
sin = _unary_float(lax.sin, "sin")
cos = _unary_float(lax.cos, "cos")
tanh = _unary_float(lax.tanh, "tanh")
sqrt = _unary_float(lax.sqrt, "sqrt")


def negative(x, /):
    (x,) = promote_and_broadcast(x)
    return lax.neg(x)


def true_divide(x, y, /):
    """``x / y``; integer operands give float32 (``jax.numpy.true_divide``)."""
    x, y = promote_and_broadcast(x, y, api="true_divide")
    if not dtypes.is_inexact(aval(x).dtype):
        x, y = lax.convert_element_type(x, dtypes.float32), lax.convert_element_type(
            y, dtypes.float32)
    return lax.div(x, y)


divide = true_divide


def power(x, y, /):
    """``x ** y``; a static integer exponent uses repeated multiplication."""
    if isinstance(y, int) and not isinstance(y, bool):
        (x,) = promote_and_broadcast(x)
        return lax.integer_pow(x, y)
    x, y = promote_and_broadcast(x, y, api="power")
    if not dtypes.is_inexact(aval(x).dtype):
        raise NotImplementedError("[power] integer ** integer array is not supported yet")
    return lax.pow(x, y)


def where(condition, x, y, /):
    """``x`` where ``condition`` else ``y`` (the three-argument form)."""
    x, y = promote_and_broadcast(x, y, api="where")
    cond, x, y = promote_and_broadcast_cond(condition, x, y)
    return lax.select(cond, x, y)


def promote_and_broadcast_cond(cond, x, y):
    from ._util import broadcast_shapes, broadcast_to
    cond = cond if dtypes.dtype_and_weak(cond)[0] == dtypes.bool_ else not_equal(cond, 0)
    shape = broadcast_shapes(aval(cond).shape, aval(x).shape, aval(y).shape, api="where")
    return [broadcast_to(v, shape) for v in (cond, x, y)]
