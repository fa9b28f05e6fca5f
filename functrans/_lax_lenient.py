"""``functrans.lax`` as the library's own modules use it (``numpy/``, ``nn``).

Public ``functrans.lax`` follows ``jax.lax``: a Python scalar keeps its default dtype
(int32, float32, ...), so ``lax.add(x_f16, 1.0)`` raises. The library's NumPy layer, like
``jax.numpy`` (which builds typed constants), wants ``x * 0.5`` in ``x``'s dtype: here the
operators with two or more operands lift Python scalars to the dtype of the array
operands. Every other name is ``functrans.lax``'s own (resolved once, then cached)::

    from .. import _lax_lenient as lax
    lax.mul(x_bf16, 0.5)   # bf16, where functrans.lax.mul would raise
"""

from __future__ import annotations

from . import lax as _lax
from .primitives import bitwise as _bw
from .primitives import elementwise as _ew

_lift = _lax._lift_scalars_like_arrays
_nary = _lax._nary

add, sub, mul, div, max, min, pow = (  # noqa: A001 (jax.lax names)
    _nary(p, _lift) for p in (_ew.add_p, _ew.sub_p, _ew.mul_p, _ew.div_p, _ew.max_p, _ew.min_p,
                              _ew.pow_p))
eq, ne, lt, le, gt, ge = (_nary(p, _lift) for p in (_ew.eq_p, _ew.ne_p, _ew.lt_p, _ew.le_p,
                                                     _ew.gt_p, _ew.ge_p))
rem, atan2, nextafter = (_nary(p, _lift) for p in (_ew.rem_p, _ew.atan2_p, _ew.nextafter_p))
bitwise_and, bitwise_or, bitwise_xor = (_nary(p, _lift) for p in (_bw.and_p, _bw.or_p,
                                                                   _bw.xor_p))
shift_left, shift_right_logical, shift_right_arithmetic = (
    _nary(p, _lift) for p in (_bw.shift_left_p, _bw.shift_right_logical_p,
                              _bw.shift_right_arithmetic_p))


def select_n(which, *cases):
    """``functrans.lax.select_n`` with Python-scalar cases in the array cases' dtype."""
    return _ew.select_n_p.bind1(which, *_lift(*cases))


def select(pred, on_true, on_false):
    """``on_true`` where ``pred`` else ``on_false``."""
    return select_n(pred, on_false, on_true)


def clamp(min, x, max):  # noqa: A002 (jax.lax signature)
    """``functrans.lax.clamp`` with Python-scalar bounds in ``x``'s dtype."""
    return _lax.clamp(*_lift(min, x, max))


def pad(operand, padding_value, padding_config):
    """``functrans.lax.pad`` with a Python-scalar padding value in the operand's dtype."""
    return _lax.pad(*_lift(operand, padding_value), padding_config)


def __getattr__(name: str):
    value = getattr(_lax, name)
    globals()[name] = value
    return value
