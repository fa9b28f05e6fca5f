"""Indexing checked against NumPy for every index kind (basic, negative steps, None,
Ellipsis, integer arrays mixed with slices, boolean masks), eager and under jit, and
``x.at[idx].set/add/mul/min/max/get`` against JAX."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from oracle import BOTH, FT, JAX, assert_close

import functrans as ft
import functrans.numpy as fnp

SHAPE = (4, 5, 3)
X = np.arange(np.prod(SHAPE), dtype=np.float32).reshape(SHAPE)

_slices = st.builds(slice, st.sampled_from([None, -5, -1, 0, 1, 3, 7]),
                    st.sampled_from([None, -6, -2, 0, 2, 4, 9]),
                    st.sampled_from([None, 1, 2, -1, -2, 3]))
_ints = st.integers(-3, 2)
_arrays = st.sampled_from([np.array([0, 2]), np.array([[1], [-1]]), np.array([2, 2, 0]),
                           np.array(1), [0, -1]])
_items = st.one_of(_slices, _ints, st.just(None), _arrays)


@st.composite
def _index(draw):
    items = draw(st.lists(_items, min_size=1, max_size=3))
    n_axes = sum(1 for i in items if i is not None)
    if n_axes > len(SHAPE):
        items = [i for i in items if i is not None][:len(SHAPE)]
    if draw(st.booleans()) and sum(1 for i in items if i is not None) < len(SHAPE):
        items.insert(draw(st.integers(0, len(items))), Ellipsis)
    return tuple(items)


def _np_index(idx):
    return tuple(np.asarray(i) if isinstance(i, list) else i for i in idx)


@given(idx=_index())
def test_getitem_matches_numpy(idx):
    want = X[_np_index(idx)]
    got = fnp.asarray(X)[idx]
    assert_close(got, want)


@pytest.mark.parametrize("idx", [
    (0,), (-1, slice(None, None, -1)), (slice(None), np.array([0, 2]), 1),
    (np.array([1, 3]), slice(None), np.array([0, 2])), (Ellipsis, np.array([[0], [2]])),
    (None, slice(1, None, 2), 0), (slice(None, None, -2), None, slice(4, 0, -1)),
    (np.array([True, False, True, True]),), (slice(None), X[0, :, 0] > 3),
    (X[..., 0] > 20,), (np.array([-1, 0]), Ellipsis, np.array([1, -3])),
])
def test_getitem_cases_eager_and_jit(idx):
    want = X[idx]
    assert_close(fnp.asarray(X)[idx], want)
    traced = ft.jit(lambda x: x[idx])(X)
    assert_close(traced, want)


def test_traced_integer_indices_match_jax_and_clamp():
    x = fnp.asarray(X)
    for i in (0, 2, -1):
        got = ft.jit(lambda x, i: x[i, ::-1, i])(x, np.int32(i))
        assert_close(got, jnp.asarray(X)[i, ::-1, i])
    idx = np.array([1, 7, -9], np.int32)  # out of range: clamped, as in JAX
    got = ft.jit(lambda x, i: x[:, i])(x, idx)
    assert_close(got, jnp.asarray(X)[:, idx])


_OUT_OF_RANGE = [
    lambda m, x, v: x[4],
    lambda m, x, v: x[-9, 3],
    lambda m, x, v: x[:, np.array([0, 5, -7])],
    lambda m, x, v: v.at[11].set(5.0),
    lambda m, x, v: v.at[np.array([0, 15])].set(5.0),
    lambda m, x, v: v.at[-11].add(7.0),
    lambda m, x, v: v.at[np.array([1, 12])].get(mode="fill"),
    lambda m, x, v: v.at[11].get(mode="fill", fill_value=-1.0),
    lambda m, x, v: m.np.arange(5).at[7].get(mode="fill"),
]


@pytest.mark.parametrize("k", range(len(_OUT_OF_RANGE)))
def test_static_out_of_range_clamps_on_get_and_drops_on_update(k):
    # JAX's documented behaviour ("sharp bits"): retrieval clamps, updates are dropped
    f = _OUT_OF_RANGE[k]
    want = f(JAX, jnp.asarray(X), jnp.arange(10.0))
    assert_close(f(FT, fnp.asarray(X), fnp.arange(10.0)), want)


def test_static_index_errors():
    x = fnp.asarray(X)
    with pytest.raises(IndexError, match="out of bounds for axis 0 with size 0"):
        fnp.zeros((0, 3))[0]
    with pytest.raises(IndexError, match="too many indices"):
        x[0, 0, 0, 0]


def test_traced_boolean_mask_raises():
    with pytest.raises(IndexError, match="concrete mask.*fnp.where"):
        ft.jit(lambda x: x[x > 0])(X)


_UPDATE_INDICES = [
    (1,), (slice(1, 3), 0), (np.array([0, 2, 0]),), (Ellipsis, np.array([1, 1, 2])),
    (slice(None, None, -1), np.array([0, 4]), slice(None)), (X[..., 0] > 20,), (-1, -1, -1),
]


@pytest.mark.parametrize("idx", _UPDATE_INDICES)
@pytest.mark.parametrize("op", ["set", "add", "multiply", "min", "max", "get"])
def test_at_updates_match_jax(idx, op):
    want_x = jnp.asarray(X)
    vals = 7.0 if op != "get" else None
    fn = (lambda r: r.get()) if op == "get" else (lambda r: getattr(r, op)(vals))
    want = fn(want_x.at[idx])
    got = fn(fnp.asarray(X).at[idx])
    assert_close(got, want)
    if op in ("set", "add"):
        jitted = ft.jit(lambda x: fn(x.at[idx]))(X)
        assert_close(jitted, want)


def test_at_with_traced_index_and_array_values():
    vals = np.arange(3, dtype=np.float32)
    got = ft.jit(lambda x, i, v: x.at[i, 0].add(v))(X, np.int32(2), vals)
    want = jnp.asarray(X).at[2, 0].add(vals)
    assert_close(got, want)
    got = fnp.asarray(X).at[np.array([0, 0, 1])].add(1.0)  # repeated indices accumulate
    assert_close(got, jnp.asarray(X).at[np.array([0, 0, 1])].add(1.0))


@pytest.mark.parametrize("m", BOTH, ids=lambda m: m.name)
def test_at_update_drops_out_of_bounds_traced_indices(m):
    """Out-of-bounds traced indices in .at[] updates are dropped, as in JAX."""
    x = m.np.zeros(5)
    set_ = m.jit(lambda x, i: x.at[i].set(7.0))
    add = m.jit(lambda x, i: x.at[i].add(1.0))
    rows = m.jit(lambda i: m.np.zeros((3, 4)).at[i].set(1.0))
    pair = m.jit(lambda i, j: m.np.zeros((3, 4)).at[i, j].set(2.0))
    assert_close(set_(x, 7), np.zeros(5, np.float32))
    assert_close(set_(x, -9), np.zeros(5, np.float32))
    assert_close(set_(x, -1), np.array([0, 0, 0, 0, 7], np.float32))
    assert_close(add(x, np.array([0, 9, -2, 1])), np.array([1, 1, 0, 1, 0], np.float32))
    assert_close(rows(5), np.zeros((3, 4), np.float32))
    assert_close(pair(np.array([0, 3]), np.array([1, 2])).sum(), np.float32(2))
