"""Autodiff transformations and their compositions, checked against JAX on the same
program (written once over a namespace ``m``)."""

from __future__ import annotations

import jax
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from oracle import BOTH, FT, JAX, assert_close, to_np

import functrans as ft

pytestmark = pytest.mark.filterwarnings("ignore")
TOL = dict(rtol=2e-5, atol=2e-5)


def both(fn, *args, tol=TOL):
    """Run ``fn(m, *args)`` under functrans and JAX and compare."""
    got, want = fn(FT, *args), fn(JAX, *args)
    for g, w in zip(jax.tree_util.tree_leaves(to_np(got)), jax.tree_util.tree_leaves(
            to_np(want)), strict=True):
        assert_close(g, w, **tol)
    return got


def mlp_loss(m, params, x):
    h = m.np.tanh(x @ params["w1"] + params["b1"])
    return m.np.sum((h @ params["w2"]) ** 2)


def _params(seed=0):
    rng = np.random.default_rng(seed)
    return ({"w1": rng.standard_normal((3, 4)).astype(np.float32),
             "b1": rng.standard_normal(4).astype(np.float32),
             "w2": rng.standard_normal((4, 2)).astype(np.float32)},
            rng.standard_normal((5, 3)).astype(np.float32))


def test_grad_of_sin_to_fourth_order_matches_closed_form():
    f = FT.np.sin
    closed = [np.sin, np.cos, lambda x: -np.sin(x), lambda x: -np.cos(x), np.sin]
    for k in range(5):
        assert_close(f(0.7), np.float32(closed[k](0.7)), rtol=1e-5, atol=1e-6,
                     check_dtype=False)
        f = ft.grad(f)


@given(x=st.floats(-3, 3, width=32))
def test_nested_grads_match_jax(x):
    both(lambda m, x: m.ft.grad(m.ft.grad(m.ft.grad(lambda y: m.np.tanh(y) * y)))(x), x,
         tol=dict(rtol=1e-4, atol=1e-4))


def test_pytree_grad_and_value_and_grad():
    params, x = _params()
    both(lambda m: m.ft.grad(lambda p: mlp_loss(m, p, x))(params), tol=dict(rtol=1e-4,
                                                                               atol=1e-4))
    both(lambda m: m.ft.value_and_grad(lambda p, x: mlp_loss(m, p, x), argnums=(0, 1))(
        params, x), tol=dict(rtol=1e-4, atol=1e-4))


def test_has_aux():
    def f(m, x):
        return m.ft.grad(lambda y: (m.np.sum(m.np.sin(y)), {"aux": y * 2}), has_aux=True)(x)
    both(f, np.arange(3.0, dtype=np.float32))
    both(lambda m, x: m.ft.value_and_grad(lambda y: (m.np.sum(y ** 2), y), has_aux=True)(x),
         np.arange(3.0, dtype=np.float32))
    for jac in ("jacfwd", "jacrev"):
        both(lambda m, x, jac=jac: getattr(m.ft, jac)(
            lambda y: (m.np.sin(y) * 2.0, {"aux": y.sum()}), has_aux=True)(x),
            np.arange(3.0, dtype=np.float32))


@pytest.mark.parametrize("compose", ["grad_jit", "jit_grad", "jvp_grad", "grad_jvp",
                                     "jit_grad_jit"])
def test_compositions(compose):
    params, x = _params(1)
    tol = dict(rtol=1e-4, atol=1e-4)

    def run(m):
        loss = (lambda p: mlp_loss(m, p, x))
        if compose == "grad_jit":
            return m.ft.grad(m.jit(loss))(params)
        if compose == "jit_grad":
            return m.jit(m.ft.grad(loss))(params)
        if compose == "jit_grad_jit":
            return m.jit(m.ft.grad(m.jit(loss)))(params)
        if compose == "jvp_grad":
            return m.ft.jvp(m.ft.grad(loss), (params,), (params,))
        return m.ft.grad(lambda p: m.ft.jvp(loss, (p,), (params,))[1])(params)
    both(run, tol=tol)


def test_grad_of_jit_runs_known_and_linear_programs():
    f = ft.jit(lambda x: FT.np.sum(FT.np.sin(x) * x))
    jaxpr = ft.make_jaxpr(ft.grad(f))(np.ones(3, np.float32))
    names = [e.params.get("name") for e in jaxpr.jaxpr.eqns if e.primitive.name == "jit"]
    assert len(names) == 2, jaxpr  # the known (primal + residuals) part and the transpose
    assert names[1].startswith("transpose_")


def test_closure_over_outer_tracer_and_perturbation_confusion():
    # d/dx [x * d/dy (x + y)] = 1 (a confused implementation gives 2)
    both(lambda m, x: m.ft.grad(lambda x: x * m.ft.grad(lambda y: x + y)(1.0))(x),
         np.float32(3.0))
    both(lambda m, x: m.ft.grad(lambda x: m.ft.grad(lambda y: m.np.sin(x * y))(2.0))(x),
         np.float32(0.3))
    both(lambda m, x: m.ft.jvp(lambda x: m.ft.grad(lambda y: x * y ** 2)(x), (x,), (1.0,)),
         np.float32(1.5))


def test_python_control_flow_on_concrete_primal():
    def f(m, x):
        return m.ft.grad(lambda y: m.np.sin(y) if y > 0 else m.np.cos(y))(x)
    both(f, 1.0)
    both(f, -1.0)


@pytest.mark.parametrize("fn", ["max", "reduce_max"])
def test_ties_split_the_gradient_like_jax(fn):
    if fn == "max":
        both(lambda m, x: m.ft.grad(lambda y: m.lax.max(y, y * 1.0))(x), np.float32(1.0))
        both(lambda m, x: m.ft.grad(lambda y: m.np.maximum(y, 1.0))(x), np.float32(1.0))
    else:
        both(lambda m, x: m.ft.grad(lambda y: m.np.max(y))(x),
             np.array([1.0, 3.0, 3.0], np.float32))


def test_jvp_with_integer_primals_takes_float0():
    def f(x, n):
        return x * n, n
    x, n = np.float32(2.0), np.int32(3)
    t0 = np.zeros((), jax.dtypes.float0)
    got = ft.jvp(f, (x, n), (np.float32(1.0), t0))
    want = jax.jvp(f, (x, n), (np.float32(1.0), t0))
    assert_close(got[1][0], to_np(want[1][0]))
    assert np.asarray(got[1][1]).dtype == jax.dtypes.float0
    assert np.asarray(want[1][1]).dtype == jax.dtypes.float0


def test_vjp_with_integer_input_gives_float0():
    _, pullback = ft.vjp(lambda x, n: x * n, np.float32(2.0), np.int32(3))
    ct_x, ct_n = pullback(np.float32(1.0))
    assert_close(ct_x, np.float32(3.0))
    assert np.asarray(ct_n).dtype == jax.dtypes.float0


def test_linearize_and_linear_transpose():
    x = np.linspace(-1, 1, 4).astype(np.float32)
    y, f_jvp = ft.linearize(FT.np.sin, x)
    y_ref, f_jvp_ref = jax.linearize(JAX.np.sin, x)
    assert_close(y, to_np(y_ref))
    assert_close(f_jvp(np.ones(4, np.float32)), to_np(f_jvp_ref(np.ones(4, np.float32))))
    ct = np.arange(4, dtype=np.float32)
    (got,) = ft.linear_transpose(lambda t: FT.np.cumsum(t) * 2.0, x)(ct)
    (want,) = jax.linear_transpose(lambda t: JAX.np.cumsum(t) * 2.0, x)(ct)
    assert_close(got, to_np(want))


def test_hvp_jacobians_hessian_match_jax():
    x = np.array([0.3, -0.5, 0.9], np.float32)

    def f(m, x):
        return m.np.sum(m.np.sin(x) * x ** 2)
    want_hvp = jax.jvp(jax.grad(lambda x: f(JAX, x)), (x,), (x,))[1]
    assert_close(ft.hvp(lambda x: f(FT, x), (x,), (x,)), to_np(want_hvp), rtol=1e-5,
                 atol=1e-5)
    tol = dict(rtol=1e-5, atol=1e-5)
    both(lambda m, x: m.ft.jacfwd(m.np.sin)(x), x, tol=tol)
    both(lambda m, x: m.ft.jacrev(lambda y: m.np.sin(y) * y[0])(x), x, tol=tol)
    both(lambda m, x: m.ft.hessian(lambda y: f(m, y))(x), x, tol=tol)


def test_checkpoint_recomputes_in_the_linear_part():
    def f(m, x):
        g = m.ft.checkpoint(lambda y: m.np.sin(m.np.sin(y)))
        return m.ft.grad(lambda y: m.np.sum(g(y)))(x)
    x = np.linspace(0, 1, 3).astype(np.float32)
    both(f, x)
    assert_close(ft.jit(lambda x: f(FT, x))(x), to_np(f(JAX, x)))
    jaxpr = ft.make_jaxpr(lambda x: f(FT, x))(x)
    lin = [e for e in jaxpr.jaxpr.eqns if e.primitive.name == "checkpoint"][-1]
    assert any(e.primitive.name == "sin" for e in lin.params["jaxpr"].jaxpr.eqns)


def test_stop_gradient():
    both(lambda m, x: m.ft.grad(lambda y: y * m.lax.stop_gradient(y) ** 2)(x), 3.0)


def test_leaked_tracer_is_reported():
    leaked = []
    ft.grad(lambda x: leaked.append(x) or x * 2.0)(1.0)
    with pytest.raises(ft.UnexpectedTracerError):
        FT.np.sin(leaked[0])


# ---- errors -----------------------------------------------------------------------------

def test_grad_of_non_scalar_output():
    with pytest.raises(TypeError, match=r"\[grad\].*scalar.*\(3,\)"):
        ft.grad(FT.np.sin)(np.ones(3, np.float32))
    with pytest.raises(TypeError):
        jax.grad(JAX.np.sin)(np.ones(3, np.float32))


def test_grad_with_respect_to_integer_input():
    with pytest.raises(TypeError, match=r"\[grad\].*int32"):
        ft.grad(lambda x: x * 2.0)(np.int32(1))
    with pytest.raises(TypeError):
        jax.grad(lambda x: x * 2.0)(np.int32(1))


def test_has_aux_wrong_structure():
    with pytest.raises(TypeError, match=r"has_aux=True.*pair"):
        ft.grad(lambda x: x * 2.0, has_aux=True)(1.0)


def test_argnums_out_of_range():
    with pytest.raises(ValueError, match=r"argnums=2 is out of range"):
        ft.grad(lambda x, y: x * y, argnums=2)(1.0, 2.0)


def test_jvp_tangent_mismatch():
    with pytest.raises(ValueError, match=r"shapes.*\(3,\).*\(2,\)"):
        ft.jvp(FT.np.sin, (np.ones(3, np.float32),), (np.ones(2, np.float32),))
    with pytest.raises(TypeError, match=r"dtype"):
        ft.jvp(FT.np.sin, (np.ones(3, np.float32),), (np.ones(3, np.float16),))
    with pytest.raises(TypeError, match=r"float0"):
        ft.jvp(lambda n: n * 2, (np.int32(1),), (np.int32(1),))


def test_vjp_cotangent_mismatch():
    _, pullback = ft.vjp(lambda x: (x, x * 2.0), np.ones(3, np.float32))
    with pytest.raises(TypeError, match=r"structure"):
        pullback(np.ones(3, np.float32))
    with pytest.raises(TypeError, match=r"cotangent 1.*f32\[2\]"):
        pullback((np.ones(3, np.float32), np.ones(2, np.float32)))


@pytest.mark.parametrize("m", BOTH, ids=lambda m: m.name)
def test_grad_of_jit_equals_jit_of_grad(m):
    params, x = _params(2)
    loss = (lambda p: mlp_loss(m, p, x))
    a = m.ft.grad(m.jit(loss))(params)
    b = m.jit(m.ft.grad(loss))(params)
    for u, v in zip(jax.tree_util.tree_leaves(to_np(a)), jax.tree_util.tree_leaves(to_np(b)),
                    strict=True):
        assert_close(u, v, rtol=1e-4, atol=1e-4)
