"""Every op record under vmap: ``vmap(f)(xs) == stack([f(x) for x in xs])`` along out_axes,
for hypothesis-drawn in_axes (None and negative included), and == ``jax.vmap`` on the
same program; plus ``jit(vmap(f)) == vmap(f)``."""

from __future__ import annotations

import jax
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from op_records import ALL_RECORDS, make_operand
from oracle import assert_close, to_np

import functrans as ft

BATCH_SIZES = (1, 3)


def _draw_case(data, rec):
    choice = data.draw(st.sampled_from(rec.shapes), label="shape")
    dtype = data.draw(st.sampled_from(rec.dtypes), label="dtype")
    size = data.draw(st.sampled_from(BATCH_SIZES), label="batch size")
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16), label="seed"))
    shapes = rec.operand_shapes(choice)
    axes = [data.draw(st.one_of(st.none(), st.integers(-len(s) - 1, len(s))), label="in_axis")
            for s in shapes]
    if all(a is None for a in axes):
        axes[data.draw(st.integers(0, len(shapes) - 1), label="forced")] = 0
    args = []
    for i, (s, ax) in enumerate(zip(shapes, axes, strict=True)):
        full = s if ax is None else _insert(s, ax, size)
        x = make_operand(rng, full, dtype, rec.domain)
        if rec.name == "select_n" and i == 0:
            x = rng.random(full) > 0.5
        args.append(x)
    return args, tuple(axes), size, dtype


def _insert(shape, ax, size):
    shape = list(shape)
    shape.insert(ax % (len(shape) + 1), size)
    return tuple(shape)


def _loop(f, args, axes, size, out_axis):
    outs = []
    for i in range(size):
        outs.append(np.asarray(f(*[a if ax is None else np.take(a, i, axis=ax)
                                   for a, ax in zip(args, axes, strict=True)])))
    ndim = outs[0].ndim + 1
    return np.stack(outs, axis=out_axis % ndim)


def _jax_vmap(rec, args, axes, size, out_axis):
    """jax.vmap on the same program; where JAX's own batching rule rejects the case (e.g.
    bitcast with a trailing batch axis, clamp with batched scalar bounds) fall back to
    JAX's per-example results stacked along out_axis."""
    try:
        return to_np(jax.vmap(rec.jx, in_axes=axes, out_axes=out_axis)(*args))
    except (TypeError, ValueError):
        return _loop(lambda *xs: to_np(rec.jx(*xs)), args, axes, size, out_axis)


@pytest.mark.parametrize("rec", ALL_RECORDS, ids=lambda r: r.name)
@given(data=st.data())
def test_vmap_matches_loop_and_jax(rec, data):
    args, axes, size, dtype = _draw_case(data, rec)
    first = np.asarray(rec.ft(*[a if ax is None else np.take(a, 0, axis=ax)
                                for a, ax in zip(args, axes, strict=True)]))
    out_axis = data.draw(st.integers(-first.ndim - 1, first.ndim), label="out_axis")
    got = ft.vmap(rec.ft, in_axes=axes, out_axes=out_axis)(*args)
    expected_loop = _loop(rec.ft, args, axes, size, out_axis)
    assert_close(got, expected_loop, **rec.tol)
    assert_close(got, _jax_vmap(rec, args, axes, size, out_axis), **rec.tol)


@pytest.mark.parametrize("rec", ALL_RECORDS, ids=lambda r: r.name)
def test_jit_of_vmap_matches_vmap(rec):
    rng = np.random.default_rng(0)
    shapes = rec.operand_shapes(rec.shapes[-1])
    axes = tuple(i % (len(s) + 1) if i % 2 == 0 else None for i, s in enumerate(shapes))
    args = [make_operand(rng, s if ax is None else _insert(s, ax, 3), rec.dtypes[0],
                         rec.domain) for s, ax in zip(shapes, axes, strict=True)]
    if rec.name == "select_n":
        args[0] = rng.random(args[0].shape) > 0.5
    f = ft.vmap(rec.ft, in_axes=axes)
    assert_close(ft.jit(f)(*args), f(*args), **rec.tol)
    assert_close(ft.vmap(ft.jit(rec.ft), in_axes=axes)(*args), f(*args), **rec.tol)
