"""Named regressions: derivatives that were silently wrong at ordinary points (issue 15).

Each program is written once over a namespace ``m`` and run under functrans and JAX; the
two must agree, NaN positions included.
"""

from __future__ import annotations

import numpy as np
import pytest
from oracle import BOTH, FT, JAX, assert_close, to_np

import functrans as ft
import functrans.numpy as fnp
from functrans import lax, nn

X = np.array([[1.0, 2.0], [-1.0, 0.5], [0.3, -1.2]], np.float32)
Z2 = np.zeros(2, np.float32)
V = np.random.default_rng(0).normal(size=(2, 3, 4)).astype(np.float32)


def _nn(m):
    return nn if m is FT else __import__("jax").nn


def _cases():
    """name -> program over ``m`` returning an array (each a bug that once gave NaN/0)."""
    return {
        "hessian_log_sigmoid_loss_at_0": lambda m: m.ft.hessian(
            lambda w: -m.np.sum(_nn(m).log_sigmoid(X @ w)))(Z2),
        "hessian_softplus_at_tie": lambda m: m.ft.hessian(
            lambda x: m.np.sum(_nn(m).softplus(x)))(Z2),
        "jvp_square_by_float_pow_negative_base": lambda m: m.ft.jvp(
            lambda x: x ** 2.0, (np.array([-0.6, 0.5], np.float32),),
            (np.ones(2, np.float32),))[1],
        "hessian_cube_negative_base": lambda m: m.ft.hessian(
            lambda x: m.np.sum(x ** 3.0))(np.array([-0.6, 0.5], np.float32)),
        "grad_through_stop_gradient_sqrt_at_0": lambda m: m.ft.grad(
            lambda x: m.np.sum(x * m.lax.stop_gradient(m.np.sqrt(x))))(
            np.array([0.0, 4.0], np.float32)),
        "grad_relu_at_kink": lambda m: m.ft.grad(lambda x: m.np.sum(_nn(m).relu(x)))(
            np.array([0.0, -1.0, 1.0], np.float32)),
        "grad_sqrt_relu": lambda m: m.ft.grad(
            lambda x: m.np.sum(m.np.sqrt(_nn(m).relu(x))))(
            np.array([0.0, -1.0, 1.0], np.float32)),
        "grad_relu6_at_kinks": lambda m: m.ft.grad(lambda x: m.np.sum(_nn(m).relu6(6 * x)))(
            np.array([1.0, 0.0, 2.0], np.float32)),
        "jvp_sqrt_of_round": lambda m: m.ft.jvp(
            lambda x: m.np.sqrt(m.np.round(x)) + x, (np.array([0.3, 2.2], np.float32),),
            (np.ones(2, np.float32),))[1],
        "grad_abs_at_0": lambda m: m.ft.grad(lambda x: m.np.sum(m.np.abs(x)))(
            np.array([0.0, 2.0, -2.0], np.float32)),
        "jit_grad_cummax_of_standardize": lambda m: m.jit(m.ft.grad(
            lambda v: m.np.sum(m.lax.cummax(_nn(m).standardize(v, axis=1), axis=1))))(V),
        "jvp_max_ignores_nan_tangents_elsewhere": lambda m: m.ft.jvp(
            m.np.max, (np.array([1.0, 0.0, 0.0], np.float32),),
            (np.array([0.25, np.nan, np.nan], np.float32),))[1],
        "grad_fmax_tie_goes_to_second": lambda m: m.ft.grad(
            lambda x, y: m.np.sum(m.np.fmax(x, y)), argnums=(0, 1))(
            np.array([1.0, 2.0, 3.0], np.float32), np.array([1.0, 1.0, 4.0], np.float32)),
        "grad_fmin_nan": lambda m: m.ft.grad(
            lambda x, y: m.np.sum(m.np.fmin(x, y)), argnums=(0, 1))(
            np.array([np.nan, 2.0, 3.0], np.float32), np.array([1.0, np.nan, 4.0], np.float32)),
        "grad_maximum_tie_splits": lambda m: m.ft.grad(
            lambda x: m.np.sum(m.np.maximum(x, 1.0)))(np.array([1.0, 2.0, 0.0], np.float32)),
        "grad_max_reduction_tie_splits": lambda m: m.ft.grad(
            lambda x: m.np.max(x))(np.array([3.0, 1.0, 3.0], np.float32)),
        "hessian_logsumexp_at_tie": lambda m: m.ft.hessian(
            lambda x: (_nn(m).logsumexp(x)))(np.zeros(3, np.float32)),
        "grad_pow_exponent_only": lambda m: m.ft.grad(
            lambda y: m.np.sum(m.np.power(np.array([2.0, 0.0, 3.0], np.float32), y)))(
            np.array([1.5, 2.0, 0.5], np.float32)),
        "grad_atan2_constant_second": lambda m: m.ft.grad(
            lambda x: m.np.sum(m.np.arctan2(x, np.array([np.inf, 1.0], np.float32))))(
            np.array([1.0, 2.0], np.float32)),
        "grad_max_of_scalar_and_array": lambda m: m.ft.grad(
            lambda a: m.lax.max(a, np.array([1.0, 0.0, 2.0], np.float32)).sum())(
            np.float32(1.0)),
        "jit_grad_max_of_standardize": lambda m: m.jit(m.ft.grad(
            lambda v: m.np.sum(m.np.max(_nn(m).standardize(v, axis=1), axis=1))))(V),
    }


CASES = _cases()


@pytest.mark.parametrize("name", sorted(CASES))
def test_derivative_matches_jax(name):
    got, want = (to_np(CASES[name](m)) for m in BOTH)
    assert_close(got, want, rtol=1e-5, atol=1e-5)
    assert np.array_equal(np.isnan(np.asarray(got)), np.isnan(np.asarray(want)))


def test_stop_gradient_has_symbolic_zero_tangent():
    """No ``mul t 0.0`` is staged: the tangent of a stop_gradient is a symbolic zero, so
    the tangent input feeds no equation."""
    closed = ft.make_jaxpr(lambda x, t: ft.jvp(lambda x: lax.stop_gradient(x) * 2.0,
                                               (x,), (t,))[1])(1.0, 1.0)
    t_var = closed.jaxpr.invars[1]
    assert not any(t_var in eqn.inputs for eqn in closed.jaxpr.eqns), closed
    assert ft.jvp(lambda x: lax.stop_gradient(x), (1.0,), (1.0,))[1] == 0


def test_floor_tangent_is_symbolic_zero():
    """``sqrt(floor(x))`` at floor(x) == 0 has tangent 0, not ``0 * inf``."""
    out = ft.jvp(lambda x: fnp.sqrt(fnp.floor(x)), (np.float32(0.5),), (np.float32(1.0),))[1]
    assert out == 0


def test_optimization_barrier_is_identity_under_transformations():
    x = np.arange(3.0, dtype=np.float32)

    def f(x):
        a, b = lax.optimization_barrier((x, 2 * x))
        return fnp.sum(fnp.sin(a) * b)

    want = JAX.ft.grad(lambda x: JAX.np.sum(JAX.np.sin(x) * 2 * x))(x)
    for g in (ft.grad(f), ft.jit(ft.grad(f))):
        assert_close(g(x), to_np(want))
    assert_close(ft.vmap(f)(np.stack([x, x + 1])), np.stack([f(x), f(x + 1)]))
    assert "optimization_barrier" in ft.jit(f).lower(x).as_text()


# ---- custom rules: the primal function is not called under jvp/grad (as JAX) -----------

def _counting_custom_jvp(m, calls):
    @m.ft.custom_jvp
    def f(x):
        calls.append("f")
        return m.np.sin(x) if x > 0 else x  # Python control flow on the argument

    @f.defjvp
    def f_jvp(primals, tangents):
        calls.append("jvp")
        return f(primals[0]), 2.0 * tangents[0]
    return f


@pytest.mark.parametrize("m", BOTH, ids=lambda m: m.name)
def test_custom_jvp_calls_only_the_rule_under_grad(m):
    calls = []
    f = _counting_custom_jvp(m, calls)
    assert float(m.ft.grad(f)(1.0)) == 2.0
    assert calls == ["jvp", "f"]
    calls.clear()
    assert np.isclose(float(f(1.0)), np.sin(1.0))
    assert calls == ["f"]
    calls.clear()
    _, t = m.ft.jvp(f, (1.0,), (1.0,))
    assert float(t) == 2.0 and calls == ["jvp", "f"]


@pytest.mark.parametrize("m", BOTH, ids=lambda m: m.name)
def test_custom_vjp_calls_fwd_and_bwd_once_under_grad(m):
    calls = []

    @m.ft.custom_vjp
    def g(x):
        calls.append("g")
        return m.np.sin(x)

    def fwd(x):
        calls.append("fwd")
        return m.np.sin(x), m.np.cos(x)

    def bwd(c, ct):
        calls.append("bwd")
        return (c * ct,)
    g.defvjp(fwd, bwd)
    assert np.isclose(float(m.ft.grad(g)(1.0)), np.cos(1.0))
    assert calls == ["fwd", "bwd"]


def test_custom_jvp_closing_over_a_differentiated_value_is_a_clear_error():
    def outer(y):
        @ft.custom_jvp
        def h(x):
            return x * y

        h.defjvp(lambda p, t: (h(p[0]), t[0] * y))
        return h(2.0)

    with pytest.raises(Exception, match="explicit argument"):
        ft.grad(outer)(3.0)


def test_jit_closing_over_a_float64_numpy_constant():
    """A captured float64 NumPy array is a float32 constant in 32-bit mode (was an XLA
    'same element type' crash)."""
    x = np.ones((2, 2), np.float32)
    assert_close(ft.jit(lambda a: a + np.eye(2))(x), np.ones((2, 2), np.float32) + np.eye(2,
                 dtype=np.float32))
    assert_close(ft.jit(ft.grad(lambda a: (a * np.arange(2.0)).sum()))(np.ones(2, np.float32)),
                 np.arange(2, dtype=np.float32))


def test_shapes_are_python_ints():
    """Shapes computed with NumPy integers (reduce_window padding) are Python ints, as JAX."""
    x = np.ones((2, 6, 6, 1), np.float32)
    h = lax.reduce_window(x, -np.inf, lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")
    assert h.shape == (2, 3, 3, 1) and all(type(d) is int for d in h.shape)


def test_grad_of_float32_code_with_python_scalars_under_x64():
    """A literal in a linear jaxpr is read at its staged dtype by the transpose (a bare 2.0
    would be float64 under x64 and meet a float32 cotangent)."""
    from oracle import x64_mode

    x = np.array([1.0, 2.0], np.float32)
    with x64_mode(True):
        for m in (FT, JAX):
            g = m.ft.grad(lambda v, m=m: m.np.sum(v * 2.0 / v + 1.0 / v))(x)
            assert np.asarray(g).dtype == np.float32
            np.testing.assert_allclose(np.asarray(g), -1.0 / x ** 2, rtol=1e-6)
