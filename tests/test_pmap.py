"""pmap against jax.pmap on the same programs, and pmap == vmap for every collective
(4 host CPU devices, set in conftest.py): collectives, in_axes/out_axes, static
arguments, devices, sharded results and cached dispatch."""

from __future__ import annotations

import jax
import numpy as np
import pytest
from oracle import FT, JAX, assert_close, to_np

import functrans as ft
from functrans.core.array import ShardedArray

N = 4


def _operand(seed, shape, dtype=np.float32):
    r = np.random.default_rng(seed)
    if np.dtype(dtype).kind in "iu":
        return r.integers(-5, 6, size=shape).astype(dtype)
    return r.standard_normal(shape).astype(dtype)


def _three_ways(body, *args, **kw):
    """``body(m)`` under functrans pmap, JAX pmap and functrans vmap (axis name 'i')."""
    got = FT.ft.pmap(body(FT), axis_name="i", **kw)(*args)
    want = JAX.ft.pmap(body(JAX), axis_name="i", **kw)(*args)
    as_vmap = FT.ft.vmap(body(FT), axis_name="i", **kw)(*args)
    return to_np(got), to_np(want), to_np(as_vmap)


def _check(body, *args, rtol=None, atol=None, **kw):
    got, want, as_vmap = _three_ways(body, *args, **kw)
    jax.tree_util.tree_map(lambda g, w: assert_close(g, w, rtol=rtol, atol=atol), got, want)
    jax.tree_util.tree_map(lambda v, w: assert_close(v, w, rtol=rtol, atol=atol), as_vmap, want)


PERM = [(i, (i + 1) % N) for i in range(N)]
COLLECTIVES = {
    "psum": lambda m: lambda a: m.lax.psum(a, "i"),
    "pmean": lambda m: lambda a: m.lax.pmean(a, "i"),
    "pmax": lambda m: lambda a: m.lax.pmax(a, "i"),
    "pmin": lambda m: lambda a: m.lax.pmin(a, "i"),
    "psum_pytree": lambda m: lambda a: m.lax.psum({"u": a, "v": (a * 2, a)}, "i"),
    "axis_index": lambda m: lambda a: a * m.lax.axis_index("i").astype(a.dtype),
    "axis_size": lambda m: lambda a: a * m.lax.axis_size("i"),
    "all_gather0": lambda m: lambda a: m.lax.all_gather(a, "i"),
    "all_gather1": lambda m: lambda a: m.lax.all_gather(a, "i", axis=1),
    "all_gather_tiled": lambda m: lambda a: m.lax.all_gather(a, "i", axis=1, tiled=True),
    "psum_scatter": lambda m: lambda a: m.lax.psum_scatter(a, "i"),
    "psum_scatter_tiled": lambda m: lambda a: m.lax.psum_scatter(a, "i", scatter_dimension=1,
                                                                tiled=True),
    "all_to_all": lambda m: lambda a: m.lax.all_to_all(a, "i", 0, 1),
    "all_to_all_c0": lambda m: lambda a: m.lax.all_to_all(a, "i", 0, 0),
    "all_to_all_s1": lambda m: lambda a: m.lax.all_to_all(a, "i", 1, 0),
    "all_to_all_tiled": lambda m: lambda a: m.lax.all_to_all(a, "i", 1, 0, tiled=True),
    "ppermute": lambda m: lambda a: m.lax.ppermute(a, "i", PERM),
    "ppermute_partial": lambda m: lambda a: m.lax.ppermute(a, "i", [(0, 2), (1, 0)]),
}


@pytest.mark.parametrize("name", sorted(COLLECTIVES))
def test_collective_pmap_matches_jax_and_vmap(name):
    x = _operand(1, (N, N, 4))  # per device (4, 4): every split/scatter axis fits
    _check(COLLECTIVES[name], x)


@pytest.mark.parametrize("name", ["psum", "pmax", "pmin", "axis_index"])
def test_integer_collectives(name):
    _check(COLLECTIVES[name], _operand(2, (N, 3), np.int32))


def test_psum_of_unmapped_and_two_collectives():
    def body(m):
        def f(a):
            return m.lax.psum(2.5, "i") * a + m.lax.pmax(m.lax.psum(a, "i"), "i")
        return f
    _check(body, _operand(3, (N, 3)))


# ---- in_axes, out_axes, static arguments, devices -------------------------------------------

def test_in_axes_out_axes():
    x, w = _operand(4, (3, N)), _operand(5, (3,))

    def body(m):
        return lambda a, b: (m.lax.psum(a * b, "i"), a + 1.0)
    _check(body, x, w, in_axes=(1, None), out_axes=(None, 1))


def test_pytree_in_axes_and_kwargs_free_outputs():
    tree = {"a": _operand(6, (N, 2)), "b": _operand(7, (2, N))}

    def body(m):
        return lambda t: {"s": m.lax.pmean(t["a"], "i"), "p": t["b"] * 2.0}
    _check(body, tree, in_axes=({"a": 0, "b": 1},), out_axes={"s": 0, "p": 1})


def test_static_broadcasted_argnums():
    x = _operand(8, (N, 3))

    def body(m):
        return lambda a, k, b: m.lax.psum(a * k, "i") + b
    got = ft.pmap(body(FT), "i", static_broadcasted_argnums=1, in_axes=(0, None, None))(
        x, 3.0, 1.0)
    want = jax.pmap(body(JAX), "i", static_broadcasted_argnums=1, in_axes=(0, None, None))(
        x, 3.0, 1.0)
    assert_close(got, want)


def test_axis_size_without_mapped_arguments():
    """(jax.pmap 0.10 requires a mapped argument; vmap's meaning is the reference.)"""
    got = ft.pmap(lambda b: b * ft.lax.axis_index("i"), "i", in_axes=None, axis_size=N)(
        np.int32(3))
    assert_close(got, 3 * np.arange(N, dtype=np.int32))


def test_devices_argument_order_and_subset():
    devs = ft.devices()
    x = _operand(9, (2, 3))
    f = ft.pmap(lambda a: a * ft.lax.axis_index("i"), "i", devices=[devs[3], devs[1]])
    y = f(x)
    assert [s.device for s in y.addressable_shards] == [devs[3], devs[1]]
    assert_close(y, x * np.arange(2, dtype=np.float32)[:, None])


# ---- sharded results and dispatch -----------------------------------------------------------

def test_results_keep_one_buffer_per_device_and_feed_the_next_call():
    x = _operand(10, (N, 3))
    f = ft.pmap(lambda a: a * 2.0 + ft.lax.axis_index("i"), "i")
    y = f(x)
    assert isinstance(y, ShardedArray) and y.shape == (N, 3)
    assert y.devices() == set(ft.devices()[:N])
    shards = y.addressable_shards
    assert [s.index for s in shards] == list(range(N)) and shards[0].data.shape == (3,)
    z = f(y)  # the shards go in as they are: nothing is gathered on the host
    assert y._np is None
    idx = np.arange(N, dtype=np.float32)[:, None]
    assert_close(z, (x * 2.0 + idx) * 2.0 + idx)
    assert_close(y + 1.0, x * 2.0 + idx + 1.0)  # eager use gathers once
    assert y._np is not None


def test_cached_dispatch_traces_once():
    count = []

    def f(a):
        count.append(1)
        return ft.lax.psum(a, "i")
    g = ft.pmap(f, "i")
    x = _operand(11, (N, 2))
    for _ in range(3):
        g(x)
        g(g(x))
    assert len(count) == 1
    g(_operand(11, (N, 5)))
    assert len(count) == 2


def test_out_axes_none_replicated_result():
    x = _operand(12, (N, 3))
    y = ft.pmap(lambda a: ft.lax.psum(a, "i"), "i", out_axes=None)(x)
    assert y.shape == (3,)
    assert_close(y, x.sum(0), rtol=1e-5, atol=1e-5)
    # a replicated result goes into the next pmap (in_axes=None) in place
    z = ft.pmap(lambda a, b: a + b, "i", in_axes=(0, None))(x, y)
    assert_close(z, x + x.sum(0), rtol=1e-5, atol=1e-5)


GROUPS = [[0, 2], [1, 3]]


@pytest.mark.parametrize("op", ["psum", "pmean", "pmax", "pmin", "all_gather"])
def test_axis_index_groups_under_pmap(op):
    x = _operand(13, (N, 3))

    def body(m):
        return lambda a: getattr(m.lax, op)(a, "i", axis_index_groups=GROUPS)
    got = ft.pmap(body(FT), "i")(x)
    want = jax.pmap(body(JAX), "i")(x)
    assert_close(got, want, rtol=1e-6, atol=1e-6)
    if op != "psum":
        return
    grad = ft.grad(lambda x: ft.pmap(lambda a: ft.numpy.sin(ft.lax.psum(
        a, "i", axis_index_groups=GROUPS)), "i")(x).sum())(x)
    assert_close(grad, jax.grad(lambda x: jax.pmap(lambda a: jax.numpy.sin(jax.lax.psum(
        a, "i", axis_index_groups=GROUPS)), "i")(x).sum())(x), rtol=1e-5, atol=1e-5)


def test_axis_index_groups_errors():
    x = _operand(14, (N, 3))
    with pytest.raises(NotImplementedError, match=r"\[psum\] axis_index_groups over a "
                                                  "vmapped axis"):
        ft.vmap(lambda a: ft.lax.psum(a, "i", axis_index_groups=GROUPS), axis_name="i")(x)
    with pytest.raises(ValueError, match=r"\[psum\] axis_index_groups=.* must split the 4"):
        ft.pmap(lambda a: ft.lax.psum(a, "i", axis_index_groups=[[0, 1], [2]]), "i")(x)


def test_donate_argnums_deletes_the_donated_result():
    x = _operand(15, (N, 3))
    f = ft.pmap(lambda a, b: a * 2.0 + b, "i", donate_argnums=0)
    y = ft.pmap(lambda a: a + 1.0, "i")(x)
    z = f(y, x)
    assert_close(z, (x + 1.0) * 2.0 + x)
    assert y.is_deleted() and not z.is_deleted()
    with pytest.raises(RuntimeError, match="deleted"):
        np.asarray(y)
    assert_close(f(x, x), x * 3.0)  # a host value passed there stays valid
    assert_close(x, _operand(15, (N, 3)))
