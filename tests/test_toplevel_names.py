"""Top-level names beside jax's: processes and devices, errors, typing, stages,
custom_batching, the debugging context managers, fwd_and_bwd, copy_to_host_async."""

from __future__ import annotations

import logging

import jax
import numpy as np
import pytest
from oracle import FT, JAX, assert_close

import functrans as ft
import functrans.numpy as fnp
from functrans import custom_batching

X = np.linspace(-1.0, 1.0, 6).astype(np.float32).reshape(2, 3)


def test_process_and_device_functions():
    assert ft.process_count() == jax.process_count() == ft.host_count()
    assert ft.process_index() == jax.process_index() == ft.host_id()
    assert ft.process_indices() == jax.process_indices() == ft.host_ids()
    assert [d.id for d in ft.local_devices()] == [d.id for d in jax.local_devices()]
    assert all(isinstance(d, ft.Device) for d in ft.devices())
    text = ft.print_environment_info(return_string=True)
    assert "functrans" in text and "jaxlib" in text and "numpy" in text
    assert ft.__version__ == ft.version.__version__


def test_errors_are_the_exceptions_raised():
    with pytest.raises(ft.errors.TracerBoolConversionError):
        ft.jit(lambda v: 1.0 if v > 0 else 0.0)(1.0)
    with pytest.raises(ft.errors.TracerIntegerConversionError):
        ft.jit(lambda v: list(range(v)))(3)
    with pytest.raises(ft.errors.TracerArrayConversionError):
        ft.jit(lambda v: np.asarray(v))(1.0)
    with pytest.raises(ft.errors.ConcretizationTypeError):  # the parent of all three
        ft.jit(lambda v: float(v))(1.0)
    with pytest.raises(ft.errors.NonConcreteBooleanIndexError):
        ft.jit(lambda v: v[v > 0])(X)
    leaked = []
    ft.jit(lambda v: leaked.append(v) or v)(1.0)
    with pytest.raises(ft.errors.UnexpectedTracerError):
        leaked[0] + 1
    assert set(dir(jax.errors)) - set(dir(ft.errors)) <= {"__builtins__", "__cached__"}


def test_typing_and_stages():
    def f(x: ft.typing.ArrayLike, dtype: ft.typing.DTypeLike = None) -> ft.Array:
        return fnp.asarray(x, dtype)
    assert_close(f([1.0]), np.float32([1.0]))
    jitted = ft.jit(lambda v: v * 2)
    lowered = jitted.lower(X)
    assert isinstance(lowered, ft.stages.Lowered) and "stablehlo" in lowered.as_text()
    assert isinstance(lowered.compile(), ft.stages.Compiled)
    assert isinstance(jitted.trace(X), ft.stages.Traced)
    assert isinstance(jitted, ft.stages.Wrapped)


def _custom(m, mod):
    @mod.custom_vmap
    def f(x, y):
        return m.np.sin(x) * y

    @f.def_vmap
    def rule(axis_size, in_batched, x, y):  # deliberately not f's batching: +100
        return m.np.sin(x) * y + 100.0, in_batched[0] or in_batched[1]
    return f


def test_custom_vmap_uses_its_rule():
    outs = [m.ft.vmap(_custom(m, m.ft.custom_batching), in_axes=(0, None))(X, np.float32(2))
            for m in (FT, JAX)]
    assert_close(*outs)
    f = _custom(FT, custom_batching)
    assert_close(f(X[0], np.float32(2)), np.sin(X[0]) * 2)  # unbatched: the function
    assert_close(ft.jit(ft.vmap(f, in_axes=(0, None)))(X, np.float32(2)), outs[1])
    # jvp sees through to the function (so grad works, batched by the ordinary rules)
    assert_close(ft.vmap(ft.grad(lambda v: f(v, np.float32(2.0))))(X[0]), 2 * np.cos(X[0]))


def test_sequential_vmap_is_a_loop():
    seen = []

    def g(x):
        ft.debug.callback(lambda v: seen.append(float(v)), x)
        return x + 1
    out = ft.vmap(custom_batching.sequential_vmap(g))(np.float32([3, 1, 2]))
    assert_close(out, np.float32([4, 2, 3]))
    assert seen == [3.0, 1.0, 2.0]
    jaxpr = str(ft.make_jaxpr(ft.vmap(custom_batching.sequential_vmap(g)))(X[0]))
    assert "scan" in jaxpr and "custom_vmap_call" in jaxpr
    assert ft.custom_derivatives.custom_jvp is ft.custom_jvp


def test_debugging_context_managers(caplog):
    f = ft.jit(lambda v: v * 3)
    with caplog.at_level(logging.WARNING, logger="functrans"):
        with ft.log_compiles(), ft.explain_cache_misses(), ft.enable_checks():
            f(np.float32(1))
            f(np.ones(2, np.float32))
    text = caplog.text
    assert "Compiling" in text and "TRACING CACHE MISS" in text and "f32[2]" in text
    assert not ft.config.jax_log_compiles
    with ft.no_tracing():
        f(np.float32(2))  # cached: fine
        with pytest.raises(RuntimeError, match=r"\[jit\] jax_no_tracing"):
            f(np.ones(5, np.float32))
    with ft.transfer_guard("disallow"):
        assert ft.config.jax_transfer_guard_device_to_host == "disallow"
    with pytest.raises(ValueError, match="jax_transfer_guard"):
        ft.transfer_guard_host_to_device("sometimes").__enter__()
    with ft.checking_leaks(), ft.check_tracer_leaks():
        assert ft.config.jax_check_tracer_leaks
    with pytest.raises(ValueError, match=r"\[config\] jax_debug_key_reuse"):
        ft.debug_key_reuse(True).__enter__()
    with ft.default_prng_impl("threefry2x32"), ft.threefry_partitionable(True):
        pass


def test_fwd_and_bwd_copy_to_host_async_named_scope_live_arrays():
    def loss(m):
        return lambda w, x: m.np.sum(m.np.tanh(w * x))
    w = np.float32([0.5, -1.0, 2.0])
    for jitted in (True, False):
        fwd, bwd = ft.fwd_and_bwd(loss(FT), argnums=0, jitted=jitted)
        out, res = fwd(w, X[0])
        jfwd, jbwd = jax.fwd_and_bwd(loss(JAX), argnums=0)
        jout, jres = jfwd(w, X[0])
        assert_close(out, jout)
        assert_close(bwd(res, np.float32(1.0)), jbwd(jres, np.float32(1.0)))
    a = ft.device_put(X)
    assert ft.copy_to_host_async({"a": a})["a"] is a
    assert_close(a, X)
    with ft.named_scope("block"):
        assert_close(ft.jit(lambda v: v + 1)(X), X + 1)
    with pytest.raises(TypeError, match=r"\[named_scope\]"):
        with ft.named_scope(3):
            pass
    assert any(arr is a for arr in ft.live_arrays())
