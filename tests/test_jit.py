"""jit: compiled == eager, trace/compile caches, static and donated arguments,
pytrees, nested jit, StableHLO text."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from oracle import BOTH, assert_close

import functrans as ft
import functrans.numpy as fnp
from functrans import lax


def _mlp(m, params, x):
    for w, b in params[:-1]:
        x = m.np.tanh(x @ w + b)
    w, b = params[-1]
    return x @ w + b


def _params(sizes, seed=0):
    rng = np.random.default_rng(seed)
    pairs = zip(sizes, sizes[1:], strict=False)
    return [(rng.standard_normal((a, b)).astype(np.float32) / np.sqrt(a),
             rng.standard_normal(b).astype(np.float32)) for a, b in pairs]


@pytest.mark.parametrize("m", BOTH, ids=lambda m: m.name)
def test_mlp_jit_matches_eager_and_jax(m):
    params = _params([5, 8, 3])
    x = np.random.default_rng(1).standard_normal((4, 5)).astype(np.float32)
    eager = _mlp(m, params, x)
    jitted = m.jit(lambda p, x: _mlp(m, p, x))(params, x)
    assert_close(jitted, eager)
    from oracle import JAX
    assert_close(jitted, _mlp(JAX, params, x))


@given(shape=st.sampled_from([(), (3,), (2, 3)]), seed=st.integers(0, 100))
def test_jit_equals_eager_property(shape, seed):
    x = np.random.default_rng(seed).standard_normal(shape).astype(np.float32)

    def f(x):
        return fnp.tanh(x) * 2.0 + fnp.exp(-x * x) - lax.logistic(x)
    assert_close(ft.jit(f)(x), f(x))


def test_trace_cache_hits_per_signature():
    traces = []

    def f(x):
        traces.append(x.shape)
        return x + 1.0
    g = ft.jit(f)
    g(np.ones(3, np.float32))
    g(np.ones(3, np.float32))
    g(fnp.ones(3))
    assert len(traces) == 1
    g(np.ones(4, np.float32))
    assert len(traces) == 2
    g(np.ones(4, np.int32))
    assert len(traces) == 3


def test_weak_type_is_part_of_the_cache_key():
    g = ft.jit(lambda x: x * 2)
    assert g(1.0).weak_type
    assert not g(np.float32(1.0)).weak_type


def test_static_argnums_and_argnames():
    traces = []

    def f(x, n, *, mode="add"):
        traces.append((n, mode))
        return x + n if mode == "add" else x * n
    g = ft.jit(f, static_argnums=1, static_argnames="mode")
    x = np.ones(2, np.float32)
    assert_close(g(x, 2), np.full(2, 3, np.float32))
    assert_close(g(x, 3, mode="mul"), np.full(2, 3, np.float32))
    g(x, 2)
    assert traces == [(2, "add"), (3, "mul")]


def test_static_arg_must_be_hashable():
    g = ft.jit(lambda x, n: x, static_argnums=1)
    with pytest.raises(TypeError, match=r"\[jit\] static arguments must be hashable"):
        g(np.ones(2), [1, 2])


def test_pytree_inputs_and_outputs():
    def f(d, t):
        return {"sum": d["a"] + t[0], "prod": (d["b"] * t[1],)}
    d = {"a": np.ones(2, np.float32), "b": np.full(2, 2.0, np.float32)}
    out = ft.jit(f)(d, (np.ones(2, np.float32), 3.0))
    assert set(out) == {"sum", "prod"}
    assert_close(out["prod"][0], np.full(2, 6, np.float32))


def test_kwargs_are_dynamic():
    g = ft.jit(lambda x, y=1.0: x * y)
    assert_close(g(np.ones(2, np.float32), y=np.float32(3)), np.full(2, 3, np.float32))


def test_nested_jit_and_closure_over_outer_tracer():
    @ft.jit
    def outer(x):
        inner = ft.jit(lambda y: y * x)
        return inner(x + 1.0)
    x = np.arange(3, dtype=np.float32)
    assert_close(outer(x), (x + 1) * x)


def test_lower_as_text_shows_stablehlo():
    text = ft.jit(lambda x, w: fnp.tanh(x @ w)).lower(np.ones((2, 3), np.float32),
                                                      np.ones((3, 4), np.float32)).as_text()
    assert "func.func public @main" in text
    assert "stablehlo.dot_general" in text and "stablehlo.tanh" in text
    assert "tensor<2x3xf32>" in text


def test_outputs_are_arrays_and_chain_without_host_copies():
    g = ft.jit(lambda x: x * 2.0)
    y = g(fnp.ones(4))
    assert isinstance(y, ft.Array) and y._np is None  # stays a device buffer
    z = g(y)
    assert_close(z, np.full(4, 4, np.float32))


def test_donate_argnums_deletes_the_input():
    g = ft.jit(lambda x: x + 1.0, donate_argnums=0)
    x = ft.device_put(np.ones(4, np.float32))
    y = g(x)
    assert_close(y, np.full(4, 2, np.float32))
    assert x.is_deleted()
    with pytest.raises(RuntimeError, match="deleted"):
        np.asarray(x)


def test_jax_array_inputs_are_accepted():
    import jax.numpy as jnp
    g = ft.jit(lambda x: x * 2.0)
    assert_close(g(jnp.ones(3)), np.full(3, 2, np.float32))
    assert_close(fnp.sin(jnp.zeros(2)), np.zeros(2, np.float32))


def test_jit_on_other_device():
    devs = ft.devices()
    assert len(devs) >= 2  # tests run with 4 host devices (conftest)
    x = ft.device_put(np.arange(4, dtype=np.float32), devs[1])
    y = ft.jit(lambda x: x * 3.0)(x)
    assert y.device == devs[1]
    assert_close(y, np.arange(4, dtype=np.float32) * 3)


def test_python_scalar_outputs_and_constants():
    g = ft.jit(lambda x: (x, 2.0 * np.float32(3)))
    a, b = g(np.float32(1))
    assert_close(b, np.float32(6))


def test_mixed_bool_constant_lowers():
    mask = np.array([True, False, True])
    f = ft.jit(lambda x: fnp.where(mask, x, 0.0))
    assert_close(f(fnp.ones(3)), np.array([1, 0, 1], np.float32))


@pytest.mark.parametrize("m", BOTH, ids=lambda m: m.name)
def test_aot_lower_compile_call_matches_jax(m):
    """jit(f).lower(*args).compile() is called with the dynamic arguments only (statics are
    baked in), returns the same pytree, exposes the optimized HLO and a cost analysis, and
    rejects arguments of other types."""
    f = m.jit(lambda x, n, *, scale: {"y": x * n * scale, "s": (x + 1.0).sum()},
              static_argnums=1)
    x = np.arange(3.0, dtype=np.float32)
    compiled = f.lower(x, 3, scale=np.float32(2.0)).compile()
    out = compiled(x + 1.0, scale=np.float32(0.5))
    np.testing.assert_allclose(np.asarray(out["y"]), (x + 1.0) * 1.5)
    np.testing.assert_allclose(np.asarray(out["s"]), 9.0)
    assert "HloModule" in compiled.as_text()
    assert compiled.cost_analysis()["flops"] > 0
    with pytest.raises(TypeError):
        compiled(np.ones(4, np.float32), scale=np.float32(1.0))
    with pytest.raises(TypeError):
        compiled(x, 3, scale=np.float32(1.0))  # the static argument is not passed again
