"""vmap's API against jax.vmap: in_axes/out_axes (None, negative, pytree prefixes),
keyword arguments, nested vmap, vmap of jit and jit of vmap, and the errors."""

from __future__ import annotations

import collections

import jax
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from oracle import BOTH, FT, JAX, assert_close, to_np

import functrans as ft

rng = np.random.default_rng(0)
X = rng.standard_normal((3, 4)).astype(np.float32)
Y = rng.standard_normal((4, 3)).astype(np.float32)
V = rng.standard_normal(4).astype(np.float32)


def _both(make):
    """Run ``make(m)`` under functrans and JAX; return both results as NumPy trees."""
    return to_np(make(FT)), to_np(make(JAX))


def _tree_close(a, b):
    la, ta = jax.tree_util.tree_flatten(a)
    lb, tb = jax.tree_util.tree_flatten(b)
    assert ta == tb, f"{ta} != {tb}"
    for x, y in zip(la, lb, strict=True):
        assert_close(x, y)


@pytest.mark.parametrize("in_axes,args", [
    (0, (X, X)), ((0, None), (X, V)), ((1, 0), (Y, X)), ((-1, -2), (Y, X)),
    ((None, -1), (V, Y)),
])
def test_in_axes(in_axes, args):
    def make(m):
        return m.ft.vmap(lambda a, b: m.np.sin(a) * b + 1.0, in_axes=in_axes)(*args)
    _tree_close(*_both(make))


@given(out_axes=st.integers(-3, 2))
def test_out_axes(out_axes):
    def make(m):
        return m.ft.vmap(lambda a: a[:, None] * a[None, :], out_axes=out_axes)(X)
    _tree_close(*_both(make))


def test_pytree_in_out_axes_prefixes():
    params = {"w": Y, "b": V}
    batch = (X, [X, Y])

    def make(m):
        def f(p, xs):
            y = xs[0] @ p["w"] + xs[1][0].sum() * p["b"][:3]
            return {"y": y, "p": p["b"], "pair": (y, xs[1][1])}
        return m.ft.vmap(f, in_axes=({"w": None, "b": None}, (0, [0, 1])),
                         out_axes={"y": 0, "p": None, "pair": (1, -1)})(params, batch)
    _tree_close(*_both(make))


def test_namedtuple_and_none_leaves():
    Pt = collections.namedtuple("Pt", "x y")

    def make(m):
        return m.ft.vmap(lambda p, z: Pt(p.x * 2.0, p.y), in_axes=(Pt(0, None), None))(
            Pt(X, V), None)
    _tree_close(*_both(make))


def test_kwargs_mapped_along_axis_0():
    def make(m):
        return m.ft.vmap(lambda a, *, scale: a * scale, in_axes=None)(V, scale=X)
    _tree_close(*_both(make))


def test_unmapped_output_is_broadcast():
    def make(m):
        return m.ft.vmap(lambda a, b: (a + 1.0, b * 2.0), in_axes=(0, None))(X, V)
    _tree_close(*_both(make))


def test_axis_size_with_nothing_mapped():
    def make(m):
        return m.ft.vmap(lambda a: a * 2.0, in_axes=None, axis_size=5)(V)
    _tree_close(*_both(make))


@pytest.mark.parametrize("depth", [2, 3])
def test_nested_vmap(depth):
    z = rng.standard_normal((2, 3, 4, 5)).astype(np.float32)

    def make(m):
        f = lambda a: m.np.tanh(a).sum() * a  # noqa: E731
        for i in range(depth):
            f = m.ft.vmap(f, in_axes=i % 2, out_axes=-1 if i == 0 else 0)
        return f(z)
    _tree_close(*_both(make))


def test_vmap_of_jit_and_jit_of_vmap():
    def make(m):
        g = m.jit(lambda a, b: m.np.dot(a, b) + m.np.exp(a).sum())
        return (m.ft.vmap(g, in_axes=(0, None))(X, V),
                m.jit(m.ft.vmap(g, in_axes=(1, None)))(Y, V),
                m.jit(m.ft.vmap(lambda a: a.sum() - a))(X))
    _tree_close(*_both(make))


def test_vmap_of_jit_stays_one_call():
    g = ft.jit(lambda a: ft.numpy.sin(a) * 2.0)
    jaxpr = ft.make_jaxpr(ft.vmap(g))(X)
    assert [e.primitive.name for e in jaxpr.eqns] == ["jit"]
    inner = jaxpr.eqns[0].params["jaxpr"]
    assert inner.in_avals[0].shape == (3, 4)
    # the batched inner jaxpr is cached per jaxpr and batch pattern
    jaxpr2 = ft.make_jaxpr(ft.vmap(g))(X)
    assert jaxpr2.eqns[0].params["jaxpr"] is inner


def test_unmapped_values_are_not_broadcast():
    jaxpr = ft.make_jaxpr(ft.vmap(lambda a, b: ft.numpy.sin(b) * a, in_axes=(0, None)))(X, V)
    sin_eqn = next(e for e in jaxpr.eqns if e.primitive.name == "sin")
    assert sin_eqn.outvars[0].aval.shape == (4,)


def test_dot_general_batch_dims_merged():
    f = ft.vmap(lambda a, b: ft.lax.dot(a, b), in_axes=(0, 0))
    z = rng.standard_normal((5, 3, 4)).astype(np.float32)
    w = rng.standard_normal((5, 4, 2)).astype(np.float32)
    jaxpr = ft.make_jaxpr(f)(z, w)
    assert [e.primitive.name for e in jaxpr.eqns] == ["dot_general"]
    assert_close(f(z, w), np.einsum("bij,bjk->bik", z, w), rtol=1e-5, atol=1e-5)


# ---- errors ------------------------------------------------------------------------------

def test_error_sizes_differ_names_arguments():
    with pytest.raises(ValueError, match=r"\[vmap\].*args\[1\]\['b'\] has size 4"):
        ft.vmap(lambda a, d: a)(X, {"b": Y})


def test_error_in_axes_out_of_range():
    with pytest.raises(ValueError, match=r"\[vmap\] in_axes=2 is out of range.*\(3, 4\)"):
        ft.vmap(lambda a: a, in_axes=2)(X)


def test_error_in_axes_not_a_prefix():
    with pytest.raises(ValueError, match=r"\[vmap\] in_axes .* not a pytree prefix"):
        ft.vmap(lambda a: a, in_axes=((0, 0),))([X, X])
    with pytest.raises(ValueError, match=r"\[vmap\] in_axes has 2 entries"):
        ft.vmap(lambda a: a, in_axes=(0, 0))(X)


def test_error_out_axes_none_for_mapped_output():
    with pytest.raises(ValueError, match=r"\[vmap\] out_axes=None .* depends on the mapped"):
        ft.vmap(lambda a: a * 2.0, out_axes=None)(X)


def test_error_axis_size_required_or_disagrees():
    with pytest.raises(ValueError, match=r"\[vmap\] no argument is mapped.*axis_size"):
        ft.vmap(lambda a: a, in_axes=None)(X)
    with pytest.raises(ValueError, match=r"\[vmap\] axis_size=7 disagrees"):
        ft.vmap(lambda a: a, axis_size=7)(X)


def test_error_mapping_a_non_array():
    with pytest.raises(TypeError, match=r"\[vmap\] argument args\[0\] of type str"):
        ft.vmap(lambda a: a)("text")


def test_error_unbound_axis_name():
    with pytest.raises(NameError, match="unbound axis name 'j'"):
        ft.vmap(lambda a: ft.lax.psum(a, "j"), axis_name="i")(X)


def test_both_namespaces_listed():
    assert {m.name for m in BOTH} == {"functrans", "jax"}


# ---- composition with differentiation ----------------------------------------------------

def _mlp_loss(m):
    def loss(params, x, y):
        h = m.np.tanh(x @ params["w1"] + params["b1"])
        out = h @ params["w2"]
        return m.np.sum((out - y) ** 2)
    return loss


PARAMS = {"w1": rng.standard_normal((4, 5)).astype(np.float32),
          "b1": rng.standard_normal(5).astype(np.float32),
          "w2": rng.standard_normal((5, 2)).astype(np.float32)}
XB = rng.standard_normal((6, 4)).astype(np.float32)
YB = rng.standard_normal((6, 2)).astype(np.float32)


def test_vmap_of_grad_per_example_gradients():
    def make(m):
        return m.ft.vmap(m.ft.grad(_mlp_loss(m)), in_axes=(None, 0, 0))(PARAMS, XB, YB)
    _tree_close(*_both(make))


def test_jit_vmap_grad_and_vmap_grad_jit():
    def make(m):
        g = m.ft.grad(_mlp_loss(m))
        return (m.jit(m.ft.vmap(g, in_axes=(None, 0, 0)))(PARAMS, XB, YB),
                m.ft.vmap(m.jit(g), in_axes=(None, 0, 0))(PARAMS, XB, YB))
    _tree_close(*_both(make))


def test_grad_of_vmap():
    def make(m):
        def total(params):
            losses = m.ft.vmap(_mlp_loss(m), in_axes=(None, 0, 0))(params, XB, YB)
            return losses.sum()
        return m.ft.grad(total)(PARAMS)
    _tree_close(*_both(make))


def test_vmap_of_jvp_and_jvp_of_vmap():
    def make(m):
        f = lambda a: m.np.sin(a) * a.sum()  # noqa: E731
        t = m.np.ones_like(X) * 0.5
        return (m.ft.vmap(lambda a, ta: m.ft.jvp(f, (a,), (ta,)))(X, t),
                m.ft.jvp(m.ft.vmap(f), (X,), (t,)))
    _tree_close(*_both(make))


def test_vmap_of_grad_with_psum():
    def make(m):
        def f(w, x):
            return m.lax.psum(m.np.sum(m.np.tanh(x * w)), "b")
        return m.ft.vmap(m.ft.grad(f), in_axes=(None, 0), axis_name="b")(V, X)
    _tree_close(*_both(make))
