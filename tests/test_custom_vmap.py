"""custom_jvp / custom_vjp / custom_lin under vmap: the custom rule survives batching.

Each rule below deliberately differs from the true derivative, so a batched call that
fell back to differentiating the original function would give a different answer.
"""

from __future__ import annotations

import jax
import numpy as np
import pytest
from oracle import FT, JAX, assert_close, to_np

import functrans as ft

XS = np.linspace(-1.0, 1.0, 6).astype(np.float32).reshape(2, 3)
X = XS[0]
TOL = dict(rtol=2e-5, atol=2e-5)


def _both(fn):
    got, want = fn(FT), fn(JAX)
    for g, w in zip(jax.tree_util.tree_leaves(to_np(got)),
                    jax.tree_util.tree_leaves(to_np(want)), strict=True):
        assert_close(g, w, **TOL)


def _jvp_fn(m):
    """sin with a jvp scaled by 2 (and a second argument with a true jvp)."""
    @m.ft.custom_jvp
    def f(x, y):
        return m.np.sin(x) * y

    @f.defjvp
    def f_jvp(primals, tangents):
        (x, y), (tx, ty) = primals, tangents
        return f(x, y), 2.0 * m.np.cos(x) * y * tx + m.np.sin(x) * ty
    return f


def _clip_fn(m):
    """x * y whose bwd clips the cotangent of x (not linear in ct)."""
    f = m.ft.custom_vjp(lambda x, y: x * y)
    f.defvjp(lambda x, y: (x * y, (x, y)),
             lambda res, ct: (m.np.clip(ct * res[1], -0.5, 0.5), ct * res[0] * 3.0))
    return f


def _lin_fn(m):
    """sin(x) * y with a linear bwd 3x the true one in x."""
    f = m.ft.custom_vjp(lambda x, y: m.np.sin(x) * y)
    f.defvjp(lambda x, y: (m.np.sin(x) * y, (m.np.cos(x), m.np.sin(x), y)),
             lambda res, ct: (3.0 * res[0] * res[2] * ct, res[1] * ct))
    return f


MAKERS = {"custom_jvp": _jvp_fn, "custom_vjp_clip": _clip_fn, "custom_vjp_lin": _lin_fn}
REVERSE_MODES = ["grad_vmap", "jit_grad_vmap", "grad_vmap_in_axes", "grad_vmap_unbatched_arg",
                 "vmap_grad", "jacrev", "grad_vmap_vmap", "vmap_jit_grad"]


def _run_reverse(m, f, mode):
    y = XS + np.float32(1.5)
    if mode == "grad_vmap":
        return m.ft.grad(lambda x, y: m.np.sum(m.ft.vmap(f)(x, y)), argnums=(0, 1))(XS, y)
    if mode == "jit_grad_vmap":
        return m.jit(m.ft.grad(lambda x: m.np.sum(m.ft.vmap(f)(x, y))))(XS)
    if mode == "grad_vmap_in_axes":
        loss = lambda x: m.np.sum(m.ft.vmap(f, in_axes=(1, 1))(x, y.T) ** 2)  # noqa: E731
        return m.ft.grad(loss)(XS.T)
    if mode == "grad_vmap_unbatched_arg":
        loss = lambda x, y: m.np.sum(m.ft.vmap(f, in_axes=(0, None))(x, y))  # noqa: E731
        return m.ft.grad(loss, argnums=(0, 1))(XS, y[0])
    if mode == "vmap_grad":
        return m.ft.vmap(m.ft.grad(lambda x, y: m.np.sum(f(x, y)), argnums=(0, 1)))(XS, y)
    if mode == "jacrev":
        return m.ft.jacrev(f, argnums=(0, 1))(X, y[0])
    if mode == "grad_vmap_vmap":
        xs3 = np.stack([XS, -XS])
        return m.ft.grad(lambda x: m.np.sum(m.ft.vmap(m.ft.vmap(f))(x, x + 2.0)))(xs3)
    return m.ft.vmap(m.jit(m.ft.grad(lambda x: m.np.sum(f(x, x * 2.0)))))(XS)


@pytest.mark.parametrize("kind", list(MAKERS))
@pytest.mark.parametrize("mode", REVERSE_MODES)
def test_reverse_mode_through_vmap(kind, mode):
    _both(lambda m: _run_reverse(m, MAKERS[kind](m), mode))


@pytest.mark.parametrize("mode", ["jacfwd", "vmap_jvp", "jvp_vmap", "jit_jvp_vmap", "hessian"])
def test_custom_jvp_forward_modes(mode):
    def run(m):
        f = _jvp_fn(m)
        y = XS + np.float32(1.5)
        if mode == "jacfwd":
            return m.ft.jacfwd(f, argnums=(0, 1))(X, y[0])
        if mode == "vmap_jvp":
            return m.ft.vmap(lambda x, t: m.ft.jvp(lambda x: f(x, 2.0), (x,), (t,)))(XS, y)
        if mode == "jvp_vmap":
            return m.ft.jvp(m.ft.vmap(f), (XS, y), (y, XS))
        if mode == "jit_jvp_vmap":
            return m.jit(lambda x, y: m.ft.jvp(m.ft.vmap(f), (x, y), (y, x)))(XS, y)
        return m.ft.hessian(lambda x: m.np.sum(f(x, 2.0)))(X)
    _both(run)


def test_custom_vjp_jacfwd_and_hessian_beyond_jax():
    """JAX refuses forward mode of a custom_vjp function; ours applies the transpose of
    the (linear) bwd, so jacfwd == jacrev and the hessian differentiates the bwd."""
    f = _lin_fn(FT)
    y = np.full(3, 2.0, np.float32)
    want = np.diag(3.0 * np.cos(X) * y).astype(np.float32)
    assert_close(ft.jacfwd(f)(X, y), want, **TOL)
    assert_close(ft.jacrev(f)(X, y), want, **TOL)
    assert_close(ft.jit(ft.jacfwd(f))(X, y), want, **TOL)
    hess = np.diag(-3.0 * np.sin(X) * y).astype(np.float32)
    assert_close(ft.hessian(lambda x: FT.np.sum(f(x, y)))(X), hess, **TOL)
    assert_close(ft.jacrev(ft.jacrev(lambda x: FT.np.sum(f(x, y))))(X), hess, **TOL)


def test_batched_call_keeps_custom_primitive():
    """vmap keeps custom_jvp_call / custom_vjp_call in the jaxpr (not a plain call)."""
    for make, name in [(_jvp_fn, "custom_jvp_call"), (_clip_fn, "custom_vjp_call")]:
        text = str(ft.make_jaxpr(ft.vmap(make(FT)))(XS, XS))
        assert name in text, text


def test_closure_over_batched_value_falls_back_to_plain_call():
    """A custom function closing over a batched value is batched as an ordinary call."""
    def run(m):
        def per_row(x, c):
            f = m.ft.custom_jvp(lambda x: m.np.sin(x) * c)
            f.defjvp(lambda p, t: (f(p[0]), m.np.cos(p[0]) * c * t[0]))
            return m.np.sum(f(x))
        return m.ft.vmap(per_row)(XS, XS[:, 0])
    _both(run)
