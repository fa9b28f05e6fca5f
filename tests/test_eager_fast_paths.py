"""The eager fast paths (benchmarks/bench_numpy_eager.py) agree with JAX at their edges:
the flat scatter impl behind ``.at[]`` (modes, out-of-range and repeated indices), the
int/slice ``x[...]`` path, bool add/multiply, scalar lifting, reductions, and the host
plan cache across 64-bit mode changes."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import pytest
from oracle import BOTH, assert_close, x64_mode

import functrans.numpy as fnp

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
