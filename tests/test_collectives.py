"""Collectives under vmap(axis_name=...) against jax.vmap(..., axis_name=...): psum, pmean,
pmax, pmin, all_gather, all_to_all, ppermute, axis_index, axis_size; two named axes;
collectives inside jit; the unbound-axis error."""

from __future__ import annotations

import jax
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from oracle import FT, JAX, assert_close, to_np

import functrans as ft

N = 4


def _vmapped_both(body, x, **kw):
    """``vmap(body(m), axis_name='i')(x)`` under functrans and JAX."""
    got = FT.ft.vmap(body(FT), axis_name="i", **kw)(x)
    want = JAX.ft.vmap(body(JAX), axis_name="i", **kw)(x)
    return to_np(got), to_np(want)


def _operand(seed, shape, dtype=np.float32):
    r = np.random.default_rng(seed)
    if np.dtype(dtype).kind in "iu":
        return r.integers(-5, 6, size=shape).astype(dtype)
    return r.standard_normal(shape).astype(dtype)


REDUCTIONS = {
    "psum": lambda m: lambda a: m.lax.psum(a, "i"),
    "pmean": lambda m: lambda a: m.lax.pmean(a, "i"),
    "pmax": lambda m: lambda a: m.lax.pmax(a, "i"),
    "pmin": lambda m: lambda a: m.lax.pmin(a, "i"),
    "axis_index": lambda m: lambda a: a * m.lax.axis_index("i").astype(a.dtype),
    "axis_size": lambda m: lambda a: a * m.lax.axis_size("i"),
    "psum_pytree": lambda m: lambda a: m.lax.psum({"u": a, "v": (a * 2, a)}, "i"),
}


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
@given(shape=st.sampled_from([(N,), (N, 3), (3, N, 2)]), in_axis=st.integers(-1, 0),
       dtype=st.sampled_from([np.float32, np.int32]), seed=st.integers(0, 99))
def test_reductions(name, shape, in_axis, dtype, seed):
    x = _operand(seed, shape, dtype)
    size = shape[in_axis]
    got, want = _vmapped_both(REDUCTIONS[name], x, in_axes=in_axis)
    jax.tree_util.tree_map(assert_close, got, want)
    assert size > 0


def test_psum_of_unmapped_value_scales_by_axis_size():
    x = _operand(0, (N, 3))
    got, want = _vmapped_both(lambda m: lambda a: m.lax.psum(2.5, "i") * a, x)
    assert_close(got, want)
    got, want = _vmapped_both(lambda m: lambda a: a + m.lax.psum(1, "i"), x)
    assert_close(got, want)


@pytest.mark.parametrize("axis,tiled", [(0, False), (1, False), (2, False), (0, True),
                                        (1, True)])
def test_all_gather(axis, tiled):
    x = _operand(1, (N, 2, 3))
    got, want = _vmapped_both(
        lambda m: lambda a: m.lax.all_gather(a, "i", axis=axis, tiled=tiled) * 2.0, x)
    assert_close(got, want)


@pytest.mark.parametrize("shape,split,concat,tiled", [
    ((N, N, 3), 0, 1, False), ((N, 3, N), 1, 0, False), ((N, N, 3), 0, 0, False),
    ((N, 8, 3), 0, 1, True), ((N, 8, 3), 0, 0, True), ((N, 3, 8), 1, 0, True),
    ((N, 2, 12), 1, 1, True),
])
def test_all_to_all(shape, split, concat, tiled):
    x = _operand(2, shape)
    got, want = _vmapped_both(
        lambda m: lambda a: m.lax.all_to_all(a, "i", split, concat, tiled=tiled), x)
    assert_close(got, want)


@pytest.mark.parametrize("shift", [1, 3])
def test_ppermute_cycle(shift):
    perm = [(i, (i + shift) % N) for i in range(N)]
    x = _operand(3, (N, 2))
    got, want = _vmapped_both(lambda m: lambda a: m.lax.ppermute(a, "i", perm), x)
    assert_close(got, want)


def test_ppermute_partial_gives_zeros():
    x = _operand(4, (N, 3))
    got = ft.vmap(lambda a: ft.lax.ppermute(a, "i", [(0, 2), (1, 0)]), axis_name="i")(x)
    want = np.zeros_like(x)
    want[2], want[0] = x[0], x[1]
    assert_close(got, want)


def test_two_named_axes_psum_over_each():
    x = _operand(5, (3, N, 2))

    def body(m):
        def f(a):
            return m.lax.psum(a, "i") * 2.0 + m.lax.psum(a, "j") - m.lax.psum(a, ("i", "j"))
        return m.ft.vmap(f, axis_name="j")
    got, want = _vmapped_both(body, x)
    assert_close(got, want, rtol=1e-5, atol=1e-5)


def test_collectives_inside_jit_inside_vmap():
    x = _operand(6, (3, N, 2))

    def body(m):
        inner = m.jit(lambda a: m.lax.all_gather(a, "i") + m.lax.axis_index("j")
                      + m.lax.pmax(a, "j"))
        return m.ft.vmap(inner, axis_name="j")
    got, want = _vmapped_both(body, x)
    assert_close(got, want)
    got = ft.jit(ft.vmap(body(FT), axis_name="i"))(x)
    assert_close(got, want)


def test_unbound_axis_name_errors():
    x = _operand(7, (N,))
    with pytest.raises(NameError, match="unbound axis name 'i'"):
        ft.lax.psum(x, "i")
    with pytest.raises(NameError, match="unbound axis name 'i'"):
        ft.jit(lambda a: ft.lax.axis_index("i"))(x)
    with pytest.raises(NameError, match="unbound axis name 'k'"):
        ft.vmap(lambda a: ft.lax.pmax(a, "k"), axis_name="i")(x)


def test_all_to_all_size_error():
    with pytest.raises(ValueError, match=r"\[all_to_all\] split_axis=0"):
        ft.vmap(lambda a: ft.lax.all_to_all(a, "i", 0, 0), axis_name="i")(
            _operand(8, (N, 3)))


# ---- differentiation of the linear collectives -----------------------------------------------

@pytest.mark.parametrize("name", ["psum", "all_gather", "all_gather_tiled", "ppermute"])
def test_vmap_of_grad_through_collective_matches_jax(name):
    x = _operand(9, (N, 2, 3))
    perm = [(i, (i + 1) % N) for i in range(N)]
    ops = {"psum": lambda m, a: m.lax.psum(a, "i"),
           "all_gather": lambda m, a: m.lax.all_gather(a, "i", axis=1),
           "all_gather_tiled": lambda m, a: m.lax.all_gather(a, "i", axis=0, tiled=True),
           "ppermute": lambda m, a: m.lax.ppermute(a, "i", perm)}

    def body(m):
        return m.ft.grad(lambda a: (m.np.sin(ops[name](m, a)) * 1.5).sum())
    got, want = _vmapped_both(body, x)
    assert_close(got, want, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("shape,split,concat,tiled", [((N, N, 3), 0, 1, False),
                                                      ((N, 3, 8), 1, 0, True)])
def test_all_to_all_transpose(shape, split, concat, tiled):
    """vmap(grad(f)) sends cotangents back to their senders: it equals the gradient of the
    sum over members of vmap(f) (JAX's own all_to_all transpose rejects these shapes)."""
    x = _operand(10, shape)

    def f(a):
        return (ft.numpy.sin(ft.lax.all_to_all(a, "i", split, concat, tiled=tiled))
                * ft.lax.axis_index("i").astype(np.float32)).sum()
    per_member = ft.vmap(ft.grad(f), axis_name="i")(x)
    total = ft.grad(lambda xs: ft.vmap(f, axis_name="i")(xs).sum())(x)
    assert_close(per_member, total, rtol=1e-5, atol=1e-5)
