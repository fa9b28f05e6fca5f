"""The issue-3 lax primitives beyond the generic op records: traced (jit argument)
indices for dynamic slicing, gather and scatter, including out-of-bounds ones; special
values (NaN, inf, -0.0, ties, poles, shifts past the bit width); clear errors."""

from __future__ import annotations

import jax
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from oracle import assert_close, to_np

import functrans as ft
from functrans import lax as flax

X34 = np.arange(12, dtype=np.float32).reshape(3, 4)


def _check(ft_fn, jx_fn, *args, **tol):
    """functrans eager and jit both equal JAX on ``args``."""
    expected = to_np(jx_fn(*args))
    assert_close(ft_fn(*args), expected, **tol)
    assert_close(ft.jit(ft_fn)(*args), expected, **tol)


# ---- traced indices ------------------------------------------------------------------------

@given(i=st.integers(-6, 6), j=st.integers(-7, 7))
def test_dynamic_slice_traced_indices_clamp(i, j):
    args = (X34, np.int32(i), np.int32(j))
    _check(lambda x, a, b: flax.dynamic_slice(x, (a, b), (2, 3)),
           lambda x, a, b: jax.lax.dynamic_slice(x, (a, b), (2, 3)), *args)


@given(i=st.integers(-6, 6), j=st.integers(-7, 7))
def test_dynamic_update_slice_traced_indices_clamp(i, j):
    upd = -np.ones((2, 2), np.float32)
    args = (X34, upd, np.int32(i), np.int32(j))
    _check(lambda x, u, a, b: flax.dynamic_update_slice(x, u, (a, b)),
           lambda x, u, a, b: jax.lax.dynamic_update_slice(x, u, (a, b)), *args)


def test_dynamic_index_in_dim_and_update_index_in_dim():
    i = np.int32(-1)
    _check(lambda x, i: flax.dynamic_index_in_dim(x, i, 1, keepdims=False),
           lambda x, i: jax.lax.dynamic_index_in_dim(x, i, 1, keepdims=False), X34, i)
    row = np.full((4,), 7, np.float32)
    _check(lambda x, r, i: flax.dynamic_update_index_in_dim(x, r, i, 0),
           lambda x, r, i: jax.lax.dynamic_update_index_in_dim(x, r, i, 0), X34, row, i)


_ROWS_GDN = ((1,), (0,), (0,))
_ROWS_SDN = ((1,), (0,), (0,))


@given(idx=st.lists(st.integers(-4, 6), min_size=3, max_size=3),
       mode=st.sampled_from(["clip", "fill", "promise_in_bounds", None]))
def test_gather_traced_indices_modes(idx, mode):
    indices = np.asarray(idx, np.int32).reshape(3, 1)

    def run(lax, dn):
        return lambda x, i: lax.gather(x, i, dn(*_ROWS_GDN), (1, 4), mode=mode)

    _check(run(flax, flax.GatherDimensionNumbers), run(jax.lax, jax.lax.GatherDimensionNumbers),
           X34, indices)


@given(idx=st.lists(st.integers(-4, 6), min_size=3, max_size=3),
       mode=st.sampled_from(["clip", "fill", None]),
       kind=st.sampled_from(["scatter_add", "scatter_max", "scatter_mul"]))
def test_scatter_traced_indices_modes(idx, mode, kind):
    indices = np.asarray(idx, np.int32).reshape(3, 1)
    updates = np.arange(12, dtype=np.float32).reshape(3, 4) - 4

    def run(lax, dn):
        return lambda x, i, u: getattr(lax, kind)(x, i, u, dn(*_ROWS_SDN), mode=mode)

    _check(run(flax, flax.ScatterDimensionNumbers), run(jax.lax, jax.lax.ScatterDimensionNumbers),
           X34, indices, updates)


def test_gather_fill_value_and_int_defaults():
    dn = flax.GatherDimensionNumbers(*_ROWS_GDN)
    jdn = jax.lax.GatherDimensionNumbers(*_ROWS_GDN)
    idx = np.asarray([[5], [1]], np.int32)
    for x in (X34, X34.astype(np.int32), X34.astype(np.uint8), X34 > 3):
        _check(lambda x, i: flax.gather(x, i, dn, (1, 4), mode="fill"),
               lambda x, i: jax.lax.gather(x, i, jdn, (1, 4), mode="fill"), x, idx)
    _check(lambda x, i: flax.gather(x, i, dn, (1, 4), mode="fill", fill_value=-1.0),
           lambda x, i: jax.lax.gather(x, i, jdn, (1, 4), mode="fill", fill_value=-1.0),
           X34, idx)


# ---- special values -----------------------------------------------------------------------

SPECIAL_F32 = np.array([np.nan, -np.inf, np.inf, -0.0, 0.0, 1.5, -2.5, 0.5, -1.0, 3.0],
                       np.float32)


@pytest.mark.parametrize("name", ["sort", "is_finite", "floor", "ceil", "sign", "abs", "cbrt",
                                  "exp2", "expm1", "log1p", "erf", "erfc", "lgamma",
                                  "digamma", "erf_inv", "rsqrt"])
def test_unary_special_values(name):
    _check(getattr(flax, name), getattr(jax.lax, name), SPECIAL_F32, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("method", [0, 1])
def test_round_ties(method):
    x = np.array([0.5, 1.5, 2.5, -0.5, -1.5, 0.49999997, -2.4999998, np.nan], np.float32)
    _check(lambda x: flax.round(x, method), lambda x: jax.lax.round(x, method), x)


def test_top_k_and_arg_reductions_with_nan():
    x = np.array([[1.0, np.nan, 3.0, 3.0, -np.inf], [2.0, 2.0, -0.0, 0.0, 1.0]], np.float32)
    _check(lambda x: flax.top_k(x, 3)[0], lambda x: jax.lax.top_k(x, 3)[0], x)
    _check(lambda x: flax.top_k(x, 3)[1], lambda x: jax.lax.top_k(x, 3)[1], x)
    _check(lambda x: flax.argmin(x, 1, np.int32), lambda x: jax.lax.argmin(x, 1, np.int32), x)
    _check(lambda x: flax.sort(x, 1), lambda x: jax.lax.sort(x, 1), x)
    _check(lambda x: flax.reduce_min(x, (1,)), lambda x: jax.lax.reduce_min(x, (1,)), x)


def test_integer_rem_and_shifts_edge_cases():
    x = np.array([5, -5, 7, -8, np.iinfo(np.int32).min], np.int32)
    y = np.array([0, 0, -3, 40, -1], np.int32)
    for name in ("rem", "shift_left", "shift_right_logical", "shift_right_arithmetic"):
        _check(getattr(flax, name), getattr(jax.lax, name), x, y)
    u = np.array([1, 2**31, 7, 0], np.uint32)
    v = np.array([31, 1, 32, 5], np.uint32)
    for name in ("shift_left", "shift_right_logical", "population_count"):
        fn = getattr(flax, name)
        args = (u,) if name == "population_count" else (u, v)
        _check(fn, getattr(jax.lax, name), *args)


def test_cumulative_with_infinities():
    x = np.array([-np.inf, -np.inf, 0.0, np.inf, 1.0], np.float32)
    for name in ("cumlogsumexp", "cummax", "cummin", "cumsum"):
        _check(lambda x, n=name: getattr(flax, n)(x), lambda x, n=name: getattr(jax.lax, n)(x), x)


def test_clamp_nan_and_reversed_bounds():
    x = np.array([np.nan, -3.0, 0.5, 9.0], np.float32)
    _check(lambda x: flax.clamp(0.0, x, 1.0), lambda x: jax.lax.clamp(0.0, x, 1.0), x)
    _check(lambda x: flax.clamp(2.0, x, 1.0), lambda x: jax.lax.clamp(2.0, x, 1.0), x)


def test_pad_negative_and_interior_3d():
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    cfg = [(0, 0, 2), (-1, 2, 1), (3, -3, 0)]
    _check(lambda x: flax.pad(x, -1.0, cfg), lambda x: jax.lax.pad(x, -1.0, cfg), x)


# ---- errors --------------------------------------------------------------------------------

@pytest.mark.parametrize("fn, match", [
    (lambda: flax.concatenate([np.ones((2, 3), np.float32), np.ones((3, 3), np.float32)], 1),
     r"\[concatenate\] operands must have equal shapes except along dimension 1, got "
     r"f32\[2,3\] and f32\[3,3\]"),
    (lambda: flax.pad(X34, 0.0, [(0, 0, -1), (0, 0, 0)]), r"\[pad\].*interior"),
    (lambda: flax.pad(X34, 0.0, [(-4, 0, 0), (0, 0, 0)]), r"\[pad\]"),
    (lambda: flax.dynamic_slice(X34, (0, 0), (4, 1)), r"\[dynamic_slice\] slice_sizes"),
    (lambda: flax.dynamic_update_slice(X34, np.ones((4, 1), np.float32), (0, 0)),
     r"\[dynamic_update_slice\]"),
    (lambda: flax.gather(X34, np.zeros((2, 2), np.int32),
                         flax.GatherDimensionNumbers((1,), (0,), (0,)), (1, 4)),
     r"\[gather\] the last axis of indices"),
    (lambda: flax.scatter_add(X34, np.zeros((2, 1), np.int32), np.ones((3, 4), np.float32),
                              flax.ScatterDimensionNumbers((1,), (0,), (0,))),
     r"\[scatter-add\] updates f32\[3,4\]"),
    (lambda: flax.sort((X34, X34), num_keys=3), r"\[sort\] num_keys=3"),
    (lambda: flax.cumsum(X34, axis=2), r"\[cumsum\] axis 2 is out of range"),
    (lambda: flax.bitcast_convert_type(np.ones((3,), np.int8), np.int32),
     r"\[bitcast_convert_type\].*last axis of size 4"),
    (lambda: flax.clamp(np.zeros((2,), np.float32), X34, 1.0), r"\[clamp\] min and max"),
    (lambda: flax.shift_left(X34, X34), r"\[shift_left\] does not accept dtype float32"),
    (lambda: flax.top_k(X34, 5), r"\[top_k\] k=5"),
    (lambda: flax.rev(X34, (0, 0)), r"\[rev\]"),
])
def test_errors_name_the_problem(fn, match):
    with pytest.raises((TypeError, ValueError), match=match):
        fn()
