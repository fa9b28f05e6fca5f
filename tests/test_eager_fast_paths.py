"""The eager fast paths (benchmarks/bench_numpy_eager.py) agree with JAX at their edges:
the flat scatter impl behind ``.at[]`` (modes, out-of-range and repeated indices), the
int/slice ``x[...]`` path, bool add/multiply, scalar lifting, reductions, and the host
plan cache across 64-bit mode changes."""

from __future__ import annotations

import math

import jax.numpy as jnp
import ml_dtypes
import numpy as np
import pytest
from oracle import BOTH, assert_close, x64_mode

import functrans as ft
import functrans.numpy as fnp
from functrans.core import array as core_array

X = np.linspace(-2.0, 3.0, 7, dtype=np.float32)
DN_ARGS = dict(update_window_dims=(), inserted_window_dims=(0,),
               scatter_dims_to_operand_dims=(0,))


@pytest.mark.parametrize("kind", ["scatter", "scatter_add", "scatter_mul", "scatter_min",
                                  "scatter_max"])
@pytest.mark.parametrize("mode", ["clip", "fill"])
def test_flat_scatter_modes_and_repeats_vs_jax(kind, mode):
    # out-of-range above and below (clipped or dropped), repeated positions (accumulated;
    # ``scatter`` gets distinct positions, where the winner of a repeat is unspecified)
    idx = np.array([[1], [9], [-3], [4]] if kind == "scatter" else [[1], [9], [-3], [1]],
                   np.int32)
    upd = np.array([5.0, -1.0, 2.5, 0.5], np.float32)
    outs = []
    for m in BOTH:
        dn = m.lax.ScatterDimensionNumbers(**DN_ARGS)
        outs.append(getattr(m.lax, kind)(m.np.asarray(X), idx, upd, dn, mode=mode))
    assert_close(*outs)


@pytest.mark.parametrize("m", BOTH, ids=lambda m: m.name)
def test_int_slice_getitem_edges(m):
    ref = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    x = m.np.asarray(ref)
    for idx in [1, (-1, 2), (0, slice(None, None, -1)), (slice(None), slice(1, 3),
                slice(None, None, 2)), (1, slice(-2, None), slice(5, 1, -2)), slice(0, 0),
                -2, (1, 2, 3), (slice(-9, 9),)]:
        assert_close(x[idx], ref[idx])


def test_static_out_of_range_index_clamps_like_jax():
    x = fnp.asarray(X)
    np.testing.assert_array_equal(x[7], jnp.asarray(X)[7])
    with pytest.raises(IndexError, match="too many indices"):
        x[1, 2]


@pytest.mark.parametrize("op", ["add", "multiply"])
def test_bool_add_multiply_vs_jax(op):
    a = np.array([True, False, True, False])
    b = np.array([True, True, False, False])
    outs = [getattr(m.np, op)(m.np.asarray(a), m.np.asarray(b)) for m in BOTH]
    assert_close(*outs)
    outs = [getattr(m.np, op)(m.np.asarray(a), True) for m in BOTH]  # scalar: promoted
    assert_close(*outs)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "int8", "uint16", "int32"])
def test_scalar_lifting_keeps_array_dtype_vs_jax(dtype):
    x = np.arange(1, 5).astype(np.float32)
    outs = []
    for m in BOTH:
        a = m.np.asarray(x).astype(dtype)
        outs.append([a * 2, 3 + a, a - 1, a * 2.5 if a.dtype.kind in "fV" else a // 2])
    for g, w in zip(*outs, strict=True):
        assert_close(g, w)


@pytest.mark.parametrize("m", BOTH, ids=lambda m: m.name)
def test_reduction_fast_path_edges(m):
    y = m.np.asarray(np.arange(12, dtype=np.int8).reshape(3, 4))
    got = [y.sum(), y.sum(axis=-1), y.sum(axis=(0, 1), keepdims=True), y.max(axis=0),
           m.np.sum(y, where=y > 3), m.np.sum(m.np.asarray(np.ones(3, bool)))]
    ref = np.arange(12, dtype=np.int8).reshape(3, 4)
    want = [np.int32(ref.sum()), ref.sum(-1).astype(np.int32),
            ref.sum(keepdims=True).astype(np.int32), ref.max(0),
            np.int32(ref[ref > 3].sum()), np.int32(3)]
    for g, w in zip(got, want, strict=True):
        assert_close(g, np.asarray(w))


def test_host_plan_follows_x64_mode():
    """The memoized plan (output avals) is dropped when 64-bit mode changes."""
    for on in (False, True, False):
        with x64_mode(on):
            got = [m.np.asarray(np.arange(3)).sum() for m in BOTH]
            assert_close(*got)


# ---- float sums: fsum (vectors up to 32), BLAS dot/dgemv (up to 4096), add.reduce ------
_SUM_CASES = [((1,), None), ((8,), None), ((32,), 0), ((33,), -1), ((100,), None),
              ((10, 10), 0), ((10, 10), 1), ((10, 10), -2), ((7, 3), -1), ((3, 4, 5), None),
              ((3, 4, 5), (0, 2)), ((3, 4, 5), 1), ((2, 0), 1), ((5000,), None),
              ((64, 65), 0)]


def _exact_sum(x64: np.ndarray, axis) -> np.ndarray:
    """The correctly rounded float64 sum (math.fsum along the reduced axes)."""
    axes = tuple(range(x64.ndim)) if axis is None else (axis,) if isinstance(axis, int) \
        else axis
    axes = tuple(a % x64.ndim for a in axes)
    kept = [a for a in range(x64.ndim) if a not in axes]
    moved = np.moveaxis(x64, axes, range(x64.ndim - len(axes), x64.ndim))
    kept_shape = [x64.shape[a] for a in kept]
    rows = moved.reshape(math.prod(kept_shape), math.prod(x64.shape[a] for a in axes))
    return np.array([math.fsum(r) for r in rows.tolist()]).reshape(kept_shape)


@pytest.mark.parametrize("dtype", [np.float32, np.float16, ml_dtypes.bfloat16])
@pytest.mark.parametrize("shape,axis", _SUM_CASES)
def test_small_float_sums_vs_jax_and_exact(shape, axis, dtype):
    """Each eager sum route rounds a float64 sum once: within half an ulp (plus float64
    rounding) of the exact sum, and within XLA's accumulation error of JAX's result."""
    rng = np.random.default_rng(len(shape) * 100 + shape[0])
    x = (rng.standard_normal(shape) * 10.0 ** rng.integers(-2, 3, shape)).astype(dtype)
    got = fnp.sum(fnp.asarray(x), axis=axis)
    want = jnp.sum(jnp.asarray(x), axis=axis)
    assert got.shape == want.shape and got.dtype == want.dtype
    exact = _exact_sum(x.astype(np.float64), axis)
    e = np.asarray(got, np.float64)
    eps = float(np.finfo(dtype).eps)
    magnitude = np.sum(np.abs(x.astype(np.float64)), axis=axis)
    assert np.all(np.abs(e - exact) <= 0.5 * eps * np.abs(exact) + 1e-15 * magnitude +
                  float(np.finfo(dtype).smallest_subnormal))
    np.testing.assert_allclose(e, np.asarray(want, np.float64), rtol=0,
                               atol=float(np.max(8 * eps * magnitude, initial=0.0)) + 1e-30)


@pytest.mark.parametrize("shape", [(4,), (100,), (3, 5)])
def test_float_sum_special_values_vs_jax(shape):
    """inf + -inf is nan on every route (math.fsum raises on it), nan propagates, a
    float32 overflow of the float64 sum rounds to inf."""
    n = math.prod(shape)
    cases = [[np.inf, -np.inf], [np.nan, 1.0], [np.inf, 1.0], [3e38, 3e38], [-0.0, -0.0]]
    for head in cases:
        x = np.resize(np.asarray(head, np.float32), n).reshape(shape)
        if head[0] != -0.0:
            x.reshape(-1)[len(head):] = 0.5
        for axis in (None, -1):
            assert_close(fnp.sum(fnp.asarray(x), axis=axis), jnp.sum(jnp.asarray(x), axis=axis))


@pytest.mark.parametrize("m", BOTH, ids=lambda m: m.name)
def test_full_max_min_reductions_are_0d_arrays(m):
    ref = np.array([[1.0, np.nan, 3.0], [-2.0, 5.0, 0.5]], np.float32)
    got = [m.np.max(m.np.asarray(ref[1])), m.np.min(m.np.asarray(ref[1])),
           m.np.max(m.np.asarray(ref)), m.np.asarray(ref[1]).max(axis=0),
           m.np.min(m.np.asarray(ref), axis=1), m.np.max(m.np.asarray(np.arange(6, dtype=np.int8)
                                                                      .reshape(2, 3)))]
    want = [np.float32(5.0), np.float32(-2.0), np.float32(np.nan), np.float32(5.0),
            np.array([np.nan, -2.0], np.float32), np.int8(5)]
    for g, w in zip(got, want, strict=True):
        assert np.asarray(g).shape == np.shape(w)
        assert_close(g, np.asarray(w))


# ---- cached weak scalars (``x * 2.0`` lifts the same constant over and over) ------------
@pytest.mark.parametrize("dtype", ["float32", "float16", "bfloat16", "int32"])
def test_repeated_scalars_and_signed_zeros_vs_jax(dtype):
    """Cached constants keep their values apart: 0.0 and -0.0, 2 and 2.0, either side."""
    x = np.array([1.5, -2.0, 3.0, 0.0], np.float32)
    outs = []
    for m in BOTH:
        a = m.np.asarray(x).astype(dtype)
        row = []
        for _ in range(3):  # the second and third rounds hit the cache
            row += [a * 2, a * 2.0 if dtype != "int32" else a * 3, 2 - a, a + 1]
            if dtype != "int32":
                row += [a * 0.0, a * -0.0, -0.0 * a, a - 0.0, a * 0.5, 0.5 * a]
        outs.append(row)
    for g, w in zip(*outs, strict=True):
        assert_close(g, w)
        assert np.array_equal(np.signbit(np.asarray(g, np.float32)),
                              np.signbit(np.asarray(w, np.float32)))
        assert g.weak_type == w.weak_type


def test_weak_scalar_cache_is_read_only_bounded_and_survives_donation():
    a = core_array.weak_scalar(2.75, np.dtype(np.float32))
    assert a.weak_type and a.shape == () and a.dtype == np.float32
    assert core_array.weak_scalar(2.75, np.dtype(np.float32)) is a
    with pytest.raises(ValueError, match="read-only"):
        np.asarray(a)[()] = 1.0
    ft.jit(lambda v: v + 1, donate_argnums=0)(a)  # marks ``a`` deleted
    b = core_array.weak_scalar(2.75, np.dtype(np.float32))
    assert b is not a and float(b) == 2.75
    np.testing.assert_array_equal(fnp.ones(3) * 2.75, np.full(3, 2.75, np.float32))
    for i in range(1, 600):
        core_array.weak_scalar(float(i) + 0.5, np.dtype(np.float32))
    assert 0 < len(core_array._WEAK_SCALARS) <= core_array._WEAK_SCALARS_MAX
