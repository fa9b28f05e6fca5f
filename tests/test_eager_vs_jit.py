"""Eager (the NumPy impls) agrees with jit (XLA) within floating-point rounding, for every
op record, on random inputs and on special values drawn on purpose (issue 15, item 3).

Eager computes transcendental functions, sums, products and dot products of float16,
bfloat16 and float32 operands in float64 and rounds once, so it is at least as accurate
as XLA; the tolerance below is XLA's own error, in units in the last place (ulp) of the
result, or, for sums and dot products, of the sum of the terms' magnitudes. Differences
below the smallest normal number are allowed: XLA on the CPU flushes subnormals to zero,
eager keeps them (as NumPy does).
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from op_records import ALL_RECORDS, make_operand

import functrans as ft
import functrans.numpy as fnp

_FLOAT_SPECIALS = np.array(
    [0., -0., 1., -1., 0.5, -0.5, 1.5, 2.5, -2.5, 3., 0.25, 0.1, 10., -10., 20., 88.7, -88.7,
     100., -100., 1e4, -1e4, 1e30, -1e30, 1e-30, -1e-30, 1e-37, 3.4e38, np.inf, -np.inf,
     np.nan], np.float64)


def _specials_within(lo: float, hi: float) -> np.ndarray:
    """The specials that are 0, inf, nan or of magnitude in [lo, hi]."""
    mag = np.abs(_FLOAT_SPECIALS)
    keep = (mag == 0) | ~np.isfinite(mag) | ((mag >= lo) & (mag <= hi))
    return _FLOAT_SPECIALS[keep]


# Sums and products draw no values whose partial results overflow or underflow in the
# operand's dtype, where the result depends on the order and width of accumulation (XLA
# accumulates narrow floats narrowly and overflows where eager's float64 does not).
_ACC_POOLS = {("sum", True): _specials_within(0, 100), ("sum", False): _specials_within(0, 1e31),
              ("prod", True): _specials_within(0.1, 3), ("prod", False): _specials_within(0.1, 100)}
_INT_SPECIALS = [0, 1, -1, 2, -2, 3, 5, 7, 31, 33, 127, -128]

# Ops whose terms accumulate: compared relative to the op applied to |operands|.
_ACCUMULATING = ("reduce_sum", "cumsum", "cumsum_reverse", "dot_general_matmul",
                 "dot_general_batch", "dot_general_outer")
_PRODUCTS = ("reduce_prod", "cumprod")
# Tolerances are in units of eps * |result| (1 to 2 ulp). float16/bfloat16: 3, as XLA
# evaluates some functions (integer_pow, acosh, expm1) with narrow intermediates.
# XLA's approximations lose accuracy at large |x| (exp2 via exp; sinh/cosh via exp of
# x - log 2); eager's float64 is the correctly rounded side of these differences.
_ULPS = {"exp2": 40, "sinh": 30, "cosh": 30, "erfc": 8, "reduce_prod": 16, "cumprod": 16}
# log-sum-exp cancels to ~0 where its error is absolute (a few eps), not relative.
_SCALE_FLOOR = {"cumlogsumexp": 1.0}
# XLA's lgamma/digamma are much less accurate than eager near their zeros and at large
# |x|; they keep the record's relative tolerance, on random inputs only. So do the
# series/continued-fraction lowerings (igamma, bessel_i0e/i1e), which iterate in float32
# where eager computes in float64.
_RANDOM_ONLY = ("lgamma", "digamma", "erf_inv", "igamma", "bessel_i0e", "bessel_i1e")


def _is_float(dtype) -> bool:
    return np.dtype(dtype).kind == "f" or np.dtype(dtype) == jnp.bfloat16


def _eps(dtype) -> float:
    return float(jnp.finfo(dtype).eps)


def _special_operand(rng, shape, dtype, rec):
    if _is_float(dtype):
        narrow = np.dtype(dtype).itemsize < 4
        pool = (_ACC_POOLS["sum", narrow] if rec.name.startswith(_ACCUMULATING) else
                _ACC_POOLS["prod", narrow] if rec.name.startswith(_PRODUCTS) else
                _FLOAT_SPECIALS)
        with np.errstate(over="ignore"):
            return rng.choice(pool, size=shape).astype(dtype)
    if np.dtype(dtype) == np.bool_:
        return rng.random(shape) > 0.5
    info = np.iinfo(dtype)
    pool = [v for v in _INT_SPECIALS + [int(info.min), int(info.max)]
            if info.min <= v <= info.max]
    x = rng.choice(pool, size=shape).astype(dtype)
    if rec.domain in ("nonzero", "positive"):
        x = np.where(x == 0, 1, x).astype(dtype)
    if rec.domain == "positive":
        x = np.abs(x).astype(dtype)
    return x


def _draw(rec, dtype, seed, special):
    rng = np.random.default_rng(seed)
    shapes = rec.operand_shapes(rec.shapes[0])
    make = _special_operand if special else (
        lambda r, s, d, rec_: make_operand(r, s, d, rec_.domain))
    args = [make(rng, s, dtype, rec) for s in shapes]
    if rec.name == "select_n":
        args[0] = rng.random(shapes[0]) > 0.5
    if rec.name.startswith("gather") or rec.name.startswith("scatter") or \
            rec.name.startswith("dynamic"):
        args = [np.nan_to_num(a) if _is_float(dtype) else a for a in args]
    return args


def assert_agree(rec, eager, jitted, args, dtype):
    """|eager - jit| <= n ulp of the result (or of the terms' magnitude), + tiny."""
    eager, jitted = np.asarray(eager), np.asarray(jitted)
    assert eager.shape == jitted.shape and eager.dtype == jitted.dtype
    if not _is_float(eager.dtype):
        np.testing.assert_array_equal(eager, jitted)
        return
    e, j = eager.astype(np.float64), jitted.astype(np.float64)
    same = (e == j) | (np.isnan(e) & np.isnan(j))
    if rec.name in _ACCUMULATING:
        scale = np.abs(np.asarray(rec.ft(*[np.abs(a) for a in args]), np.float64))
        ulps = 8
    else:
        scale, ulps = np.abs(j), _ULPS.get(rec.name, 4 if eager.dtype == np.float32 else 3)
        scale = np.maximum(scale, _SCALE_FLOOR.get(rec.name.removesuffix("_reverse"), 0.0))
    tol = ulps * _eps(eager.dtype) * scale + float(jnp.finfo(eager.dtype).tiny)
    close = np.isfinite(e) & np.isfinite(j) & (np.abs(e - j) <= tol)
    bad = ~(same | close)
    assert not bad.any(), (f"{rec.name} {np.dtype(dtype)}: eager {eager[bad]} != jit "
                           f"{jitted[bad]} for inputs {args}")


_JITTED: dict = {}


def _jitted(rec):
    """One jit object per record, so each (record, dtype) compiles once."""
    if rec.name not in _JITTED:
        _JITTED[rec.name] = ft.jit(rec.ft)
    return _JITTED[rec.name]


_CASES = [pytest.param(rec, dt, id=f"{rec.name}-{np.dtype(dt)}")
          for rec in ALL_RECORDS for dt in rec.dtypes]


@pytest.mark.parametrize("rec,dtype", _CASES)
# ~470 cases, one compile each: 3 examples in CI, a third of the profile's count otherwise.
@settings(max_examples=max(3, settings().max_examples // 3))
@given(seed=st.integers(0, 2**16))
def test_eager_matches_jit_to_rounding(rec, dtype, seed):
    """Random inputs, then special values (same shapes: one compiled program)."""
    for special in (False, True):
        if special and rec.name in _RANDOM_ONLY:
            return
        args = _draw(rec, dtype, seed, special)
        eager = rec.ft(*args)
        jitted = _jitted(rec)(*args)
        if rec.name in _RANDOM_ONLY:
            np.testing.assert_allclose(np.asarray(eager, np.float64),
                                       np.asarray(jitted, np.float64), **rec.tol)
        else:
            assert_agree(rec, eager, jitted, args, dtype)


def test_mean_of_10000_rows_eager_is_as_accurate_as_jit():
    """The issue's case: a float32 mean down a 10,000-row axis (strided accumulation)."""
    x = np.random.default_rng(0).normal(1.0, 1.0, size=(10_000, 8)).astype(np.float32)
    exact = x.astype(np.float64).mean(axis=0)
    eager = np.asarray(fnp.mean(x, axis=0), np.float64)
    jitted = np.asarray(ft.jit(lambda v: fnp.mean(v, axis=0))(x), np.float64)
    eager_err = np.max(np.abs(eager - exact) / np.abs(exact))
    jit_err = np.max(np.abs(jitted - exact) / np.abs(exact))
    assert eager_err <= max(jit_err, np.finfo(np.float32).eps)
    np.testing.assert_allclose(eager, jitted, rtol=4 * np.finfo(np.float32).eps)
