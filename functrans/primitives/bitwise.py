"""Bitwise primitives: and, or, not, xor (ints and bools), the three shifts and
population_count and clz (ints). Shifts follow XLA: the amount is read as unsigned, and an
amount of at least the bit width gives 0 (sign bits for ``shift_right_arithmetic``)."""

from __future__ import annotations

import numpy as np

from ..core.registry import declare_no_rule
from ._builders import binary, unary

and_p = binary("and", np.bitwise_and, "int_or_bool")
or_p = binary("or", np.bitwise_or, "int_or_bool")
xor_p = binary("xor", np.bitwise_xor, "int_or_bool")
not_p = unary("not", np.invert, "int_or_bool")


def _shift_amount(x, y):
    """``(unsigned dtype, too_big mask, safe amount)`` for shifting ``x`` by ``y``."""
    bits = x.dtype.itemsize * 8
    udtype = np.dtype(f"uint{bits}")
    amount = np.asarray(y).astype(udtype)
    too_big = amount >= bits
    return udtype, too_big, np.where(too_big, 0, amount).astype(udtype)


def _shift_left(x, y):
    udtype, too_big, amount = _shift_amount(x, y)
    out = np.left_shift(np.asarray(x).view(udtype), amount).view(x.dtype)
    return np.where(too_big, 0, out).astype(x.dtype)


def _shift_right_logical(x, y):
    udtype, too_big, amount = _shift_amount(x, y)
    out = np.right_shift(np.asarray(x).view(udtype), amount).view(x.dtype)
    return np.where(too_big, 0, out).astype(x.dtype)


def _shift_right_arithmetic(x, y):
    udtype, too_big, amount = _shift_amount(x, y)
    sdtype = np.dtype(f"int{x.dtype.itemsize * 8}")
    signed = np.asarray(x).view(sdtype)
    out = np.right_shift(signed, amount.astype(sdtype))
    fill = np.where(signed < 0, -1, 0).astype(sdtype)
    return np.where(too_big, fill, out).astype(sdtype).view(x.dtype)


shift_left_p = binary("shift_left", _shift_left, "int")
shift_right_logical_p = binary("shift_right_logical", _shift_right_logical, "int")
shift_right_arithmetic_p = binary("shift_right_arithmetic", _shift_right_arithmetic, "int")


def _population_count(x):
    unsigned = np.asarray(x).view(np.dtype(f"uint{x.dtype.itemsize * 8}"))
    return np.bitwise_count(unsigned).astype(x.dtype)  # bitwise_count(-1) would count |x|


population_count_p = unary("population_count", _population_count, "int")


def _clz(x):
    """Leading zero bits of each element (``bits`` for 0): XLA's count_leading_zeros."""
    bits = x.dtype.itemsize * 8
    u = np.asarray(x).view(np.dtype(f"uint{bits}")).astype(np.uint64)
    width = np.zeros(u.shape, np.int64)  # position of the highest set bit, plus one
    for shift in (32, 16, 8, 4, 2, 1):
        if shift >= bits:
            continue
        big = (u >> np.uint64(shift)) != 0
        width += np.where(big, shift, 0)
        u = np.where(big, u >> np.uint64(shift), u)
    width += (u != 0)
    return (bits - width).astype(x.dtype)


clz_p = unary("clz", _clz, "int")

for _p in (and_p, or_p, xor_p, not_p, shift_left_p, shift_right_logical_p,
           shift_right_arithmetic_p, population_count_p, clz_p):
    declare_no_rule("jvp", _p, "integer/bool operands only: nothing to differentiate")
