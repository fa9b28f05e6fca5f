"""custom_jvp / custom_vjp under jit, grad, jvp and vmap, against JAX on the same program."""

from __future__ import annotations

import jax
import numpy as np
import pytest
from oracle import FT, JAX, assert_close, to_np

import functrans as ft

X = np.linspace(-1.0, 1.0, 3).astype(np.float32)
Y = np.full(3, 2.0, np.float32)


def _make_jvp(m):
    @m.ft.custom_jvp
    def f(x):
        return m.np.sin(x)

    @f.defjvp
    def f_jvp(primals, tangents):
        (x,), (t,) = primals, tangents
        return f(x), 2.0 * m.np.cos(x) * t  # deliberately not the true derivative
    return f


def _make_vjp(m):
    f = m.ft.custom_vjp(lambda x, y: m.np.sin(x) * y)
    f.defvjp(lambda x, y: (m.np.sin(x) * y, (m.np.cos(x), m.np.sin(x), y)),
             lambda res, ct: (3.0 * res[0] * res[2] * ct, res[1] * ct))
    return f


def _both(fn, tol=None):
    if tol is None:
        tol = dict(rtol=2e-05, atol=2e-05)
    got, want = fn(FT), fn(JAX)
    for g, w in zip(jax.tree_util.tree_leaves(to_np(got)),
                    jax.tree_util.tree_leaves(to_np(want)), strict=True):
        assert_close(g, w, **tol)


@pytest.mark.parametrize("mode", ["eager", "grad", "jit_grad", "grad_jit", "jvp", "jvp_jit",
                                  "grad_grad", "vmap_grad"])
def test_custom_jvp(mode):
    def run(m):
        f = _make_jvp(m)
        loss = (lambda x: m.np.sum(f(x)))
        if mode == "eager":
            return f(X)
        if mode == "grad":
            return m.ft.grad(loss)(X)
        if mode == "jit_grad":
            return m.jit(m.ft.grad(loss))(X)
        if mode == "grad_jit":
            return m.ft.grad(m.jit(loss))(X)
        if mode == "jvp":
            return m.ft.jvp(f, (X,), (np.ones_like(X),))
        if mode == "jvp_jit":
            return m.ft.jvp(m.jit(f), (X,), (np.ones_like(X),))
        if mode == "grad_grad":
            return m.ft.grad(m.ft.grad(lambda x: f(x) * x))(0.5)
        return m.ft.vmap(m.ft.grad(lambda x: f(x)))(X)
    _both(run)


def test_custom_jvp_defjvps_and_nondiff_argnums():
    def run(m):
        @m.ft.custom_jvp
        def f(x, y):
            return x * y

        f.defjvps(lambda t, out, x, y: 5.0 * t * y, lambda t, out, x, y: x * t)
        g = m.ft.custom_jvp(lambda n, x: x ** n, nondiff_argnums=(0,))

        @g.defjvp
        def g_jvp(n, primals, tangents):
            return g(n, primals[0]), 10.0 * tangents[0]
        return (m.ft.grad(f, argnums=(0, 1))(2.0, 3.0), m.ft.grad(lambda x: g(3, x))(2.0))
    _both(run)


@pytest.mark.parametrize("mode", ["grad", "jit_grad", "grad_jit", "vjp", "grad_grad"])
def test_custom_vjp(mode):
    def run(m):
        f = _make_vjp(m)
        loss = (lambda x, y: m.np.sum(f(x, y)))
        y = X + np.float32(1.0)
        if mode == "grad":
            return m.ft.grad(loss, argnums=(0, 1))(X, X)
        if mode == "jit_grad":
            return m.jit(m.ft.grad(loss))(X, y)
        if mode == "grad_jit":
            return m.ft.grad(m.jit(loss))(X, y)
        if mode == "vjp":
            out, pullback = m.ft.vjp(f, X, X)
            return out, pullback(np.ones_like(X))
        return m.ft.grad(m.ft.grad(lambda x: f(x, 2.0)))(0.5)
    _both(run)


def test_custom_vjp_nonlinear_bwd_is_called_under_jit():
    """A gradient-clipping bwd (not linear in ct) must be called as written."""
    def run(m):
        clip = m.ft.custom_vjp(lambda x: x)
        clip.defvjp(lambda x: (x, None), lambda _, ct: (m.np.clip(ct, -1.0, 1.0),))
        return (m.ft.grad(lambda x: m.np.sum(clip(x) * 10.0))(X),
                m.ft.grad(m.jit(lambda x: m.np.sum(clip(x) * 10.0)))(X))
    _both(run)


def test_custom_vjp_pytrees_and_nondiff_argnums():
    def run(m):
        f = m.ft.custom_vjp(lambda scale, p: p["a"] * p["b"] * scale, nondiff_argnums=(0,))
        f.defvjp(lambda scale, p: (p["a"] * p["b"] * scale, p),
                 lambda scale, p, ct: ({"a": ct * p["b"] * scale * 2.0, "b": ct * p["a"]},))
        return m.ft.grad(lambda p: m.np.sum(f(3.0, p)))({"a": X, "b": X + 1.0})
    _both(run)


def test_custom_vjp_forward_mode_beyond_jax():
    """Forward mode of a custom_vjp function: the transpose of its (linear) bwd."""
    f = _make_vjp(FT)
    t = np.array([1.0, -2.0, 0.5], np.float32)
    _, tan = ft.jvp(lambda x: f(x, Y), (X,), (t,))
    assert_close(tan, (3.0 * np.cos(X) * 2.0 * t).astype(np.float32), rtol=1e-5, atol=1e-5)
    _, tan_jit = ft.jvp(ft.jit(lambda x: f(x, Y)), (X,), (t,))
    assert_close(tan_jit, np.asarray(tan), rtol=1e-5, atol=1e-5)
    assert_close(ft.hvp(lambda x: FT.np.sum(f(x, Y)), (X,), (t,)),
                 (-3.0 * np.sin(X) * 2.0 * t).astype(np.float32), rtol=1e-5, atol=1e-5)


def test_custom_rule_errors():
    f = ft.custom_jvp(lambda x: x)
    with pytest.raises(AttributeError, match=r"\[custom_jvp\] no jvp rule"):
        f(1.0)
    f.defjvp(lambda p, t: (p[0], np.ones(2, np.float32)))
    with pytest.raises(TypeError, match=r"\[custom_jvp\].*tangent"):
        ft.jvp(f, (np.float32(1.0),), (np.float32(1.0),))
    g = ft.custom_vjp(lambda x: x)
    g.defvjp(lambda x: (x, None), lambda res, ct: ct)
    with pytest.raises(TypeError, match=r"\[custom_vjp\] bwd"):
        ft.grad(g)(1.0)


@pytest.mark.parametrize("prevent_cse", [True, False])
def test_checkpoint_prevent_cse_lowers_an_optimization_barrier(prevent_cse):
    """As in JAX, the backward pass's recomputation sits behind an optimization barrier
    exactly when prevent_cse=True; the plain forward call has none."""
    def loss(m):
        return m.ft.checkpoint(lambda x: m.np.sum(m.np.sin(m.np.sin(x)) * x),
                               prevent_cse=prevent_cse)

    def texts(m):
        return (m.jit(m.ft.grad(loss(m))).lower(X).as_text(),
                m.jit(loss(m)).lower(X).as_text())
    for (grad_text, fwd_text), name in [(texts(FT), "functrans"), (texts(JAX), "jax")]:
        assert ("stablehlo.optimization_barrier" in grad_text) == prevent_cse, name
        assert "stablehlo.optimization_barrier" not in fwd_text, name
    _both(lambda m: (m.jit(m.ft.grad(loss(m)))(X), m.jit(loss(m))(X),
                     m.jit(m.ft.vmap(m.ft.grad(loss(m))))(np.stack([X, Y]))))


_GATHER_0D = [  # (operand shape, indices, dimension numbers, slice sizes): 0-d batch shape
    ((5,), [2], dict(offset_dims=(), collapsed_slice_dims=(0,), start_index_map=(0,)), (1,)),
    ((5,), [7], dict(offset_dims=(), collapsed_slice_dims=(0,), start_index_map=(0,)), (1,)),
    ((4, 3), [1, 2], dict(offset_dims=(), collapsed_slice_dims=(0, 1), start_index_map=(0, 1)),
     (1, 1)),
    ((4, 3), [2], dict(offset_dims=(0,), collapsed_slice_dims=(0,), start_index_map=(0,)),
     (1, 3)),
    ((), [], dict(offset_dims=(), collapsed_slice_dims=(), start_index_map=()), ()),
]


@pytest.mark.parametrize("mode", ["clip", "fill"])
@pytest.mark.parametrize("case", range(len(_GATHER_0D)))
def test_gather_with_a_single_index_vector_eager(case, mode):
    """Indices of shape (k,) (a 0-d batch): the NumPy impl gives JAX's (often 0-d) result;
    also numpy-level scalar indexing, which goes through gather with a 0-d index."""
    shape, idx, dn, sizes = _GATHER_0D[case]
    x = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape)
    idx = np.asarray(idx, np.int32)
    _both(lambda m: (m.lax.gather(x, idx, m.lax.GatherDimensionNumbers(**dn), sizes,
                                  mode=mode),
                     m.np.take(np.arange(6.0, dtype=np.float32), np.int32(4), mode=mode)))
