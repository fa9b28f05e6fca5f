"""functrans.config and the debugging switches: update/read/environment/context managers,
debug_nans/debug_infs (eager and under jit), disable_jit, rank and dtype promotion
modes, default matmul precision, default device."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings

import jax
import numpy as np
import pytest
from oracle import BOTH, FT, JAX

import functrans as ft
import functrans.numpy as fnp
from functrans import lax as flax
from functrans.core.config import _read_environment

OPTIONS = ["jax_enable_x64", "jax_debug_nans", "jax_debug_infs", "jax_disable_jit",
           "jax_default_matmul_precision", "jax_numpy_rank_promotion",
           "jax_numpy_dtype_promotion", "jax_default_device",
           # debugging and PRNG switches (tests/test_toplevel_names.py)
           "jax_log_compiles", "jax_explain_cache_misses", "jax_enable_checks",
           "jax_no_tracing", "jax_check_tracer_leaks", "jax_debug_key_reuse",
           "jax_default_prng_impl", "jax_threefry_partitionable", "jax_enable_custom_prng"]
TRANSFER_GUARDS = ["jax_transfer_guard", "jax_transfer_guard_host_to_device",
                   "jax_transfer_guard_device_to_host", "jax_transfer_guard_device_to_device"]


def test_update_read_and_attributes():
    assert sorted(ft.config.values) == sorted(OPTIONS + TRANSFER_GUARDS)
    for name in OPTIONS:  # same defaults as JAX
        assert getattr(ft.config, name) == getattr(jax.config, name), name
    ft.config.update("jax_numpy_rank_promotion", "warn")
    try:
        assert ft.config.jax_numpy_rank_promotion == "warn"
        assert ft.config.read("jax_numpy_rank_promotion") == "warn"
        assert ft.numpy_rank_promotion.value == "warn"
    finally:
        ft.config.update("jax_numpy_rank_promotion", "allow")
    assert ft.config.x64_enabled is False


def test_unknown_and_bad_values():
    with pytest.raises(AttributeError, match="unknown option 'jax_enable_x65'.*jax_enable_x64"):
        ft.config.update("jax_enable_x65", True)
    with pytest.raises(AttributeError, match="known options"):
        ft.config.jax_nonexistent  # noqa: B018
    with pytest.raises(ValueError, match="allow.*warn.*raise"):
        ft.config.update("jax_numpy_rank_promotion", "sometimes")
    with pytest.raises(ValueError, match="True or False"):
        ft.config.update("jax_enable_x64", "maybe")
    with pytest.raises(ValueError, match="not provided"):
        ft.config.update("jax_default_matmul_precision", "BF16_BF16_F32")
    with pytest.raises(AttributeError, match="config.update"):
        ft.config.jax_enable_x64 = True
    assert ft.config.jax_enable_x64 is False


def test_context_managers_restore_on_exit_and_error():
    with ft.enable_x64():
        assert ft.config.jax_enable_x64 and fnp.zeros(1).dtype == np.float64
        with ft.enable_x64(False):
            assert fnp.zeros(1).dtype == np.float32
        assert fnp.zeros(1).dtype == np.float64
    assert fnp.zeros(1).dtype == np.float32
    with pytest.raises(RuntimeError):
        with ft.debug_nans(True), ft.numpy_dtype_promotion("strict"):
            raise RuntimeError
    assert not ft.config.jax_debug_nans
    assert ft.config.jax_numpy_dtype_promotion == "standard"


def test_environment_variables_at_import():
    env = dict(os.environ, FUNCTRANS_ENABLE_X64="1", FUNCTRANS_DEBUG_NANS="true",
               FUNCTRANS_NUMPY_RANK_PROMOTION="raise",
               FUNCTRANS_DEFAULT_MATMUL_PRECISION="highest")
    code = ("import functrans as ft, functrans.numpy as fnp; c = ft.config; "
            "print(fnp.zeros(1).dtype, c.jax_debug_nans, c.jax_numpy_rank_promotion, "
            "c.jax_default_matmul_precision)")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True).stdout.split()
    assert out == ["float64", "True", "raise", "highest"]
    with pytest.raises(ValueError, match="FUNCTRANS_NUMPY_RANK_PROMOTION='bogus'"):
        _read_environment({"FUNCTRANS_NUMPY_RANK_PROMOTION": "bogus"})
    assert ft.config.jax_numpy_rank_promotion == "allow"


# ---- debug_nans / debug_infs -----------------------------------------------------------

def _both_debug(option, on=True):
    class _Ctx:
        def __enter__(self):
            self.old = getattr(jax.config, option), ft.config.read(option)
            jax.config.update(option, on)
            ft.config.update(option, on)

        def __exit__(self, *exc):
            jax.config.update(option, self.old[0])
            ft.config.update(option, self.old[1])
    return _Ctx()


def _nan_program(m):
    def f(x):
        y = m.np.sin(x) * 2.0
        return m.np.log(y - 5.0) + 1.0  # log of a negative: the NaN comes from `log`
    return f


@pytest.mark.parametrize("mode", ["eager", "jit", "nested_jit", "grad"])
def test_debug_nans_names_the_primitive(mode):
    x = np.array([0.5, 1.0], np.float32)
    with _both_debug("jax_debug_nans"):
        for m in BOTH:
            f = _nan_program(m)
            f = {"eager": f, "jit": m.jit(f), "nested_jit": m.jit(lambda v, f=f: m.jit(f)(v) * 3),
                 "grad": m.ft.grad(lambda v, f=f: m.np.sum(f(v)))}[mode]
            with pytest.raises(FloatingPointError) as info:
                f(x)
            if m is FT:
                assert "invalid value (nan) encountered in log" in str(info.value)
    out = ft.jit(_nan_program(FT))(x)  # off again: NaNs flow silently
    assert np.isnan(np.asarray(out)).all()


def test_debug_infs_and_clean_programs():
    with _both_debug("jax_debug_infs"):
        for m in BOTH:
            with pytest.raises(FloatingPointError):
                m.jit(lambda x: 1.0 / x)(np.zeros(2, np.float32))
        with pytest.raises(FloatingPointError, match="inf.*encountered in div"):
            ft.jit(lambda x: fnp.exp(x) / x)(np.zeros(2, np.float32))
        # NaN is not an inf: only debug_nans reports it.
        assert np.isnan(np.asarray(ft.jit(lambda x: fnp.log(x))(-np.ones(2, np.float32)))).all()
        # A clean program runs normally, eager and jitted, and repeated calls stay checked.
        g = ft.jit(lambda x: fnp.exp(x) + 1.0)
        np.testing.assert_allclose(np.asarray(g(np.zeros(2, np.float32))), [2.0, 2.0])
        g(np.zeros(2, np.float32))
        with pytest.raises(FloatingPointError, match="exp"):
            g(np.full(2, 1000.0, np.float32))


def test_debug_nans_jit_deoptimized_reports_call_when_no_op_does():
    """A NaN that is an input of the jitted program (not produced by any op) is reported
    against the jit call after the op-by-op re-run finds no culprit."""
    with _both_debug("jax_debug_nans"):
        with pytest.raises(FloatingPointError, match=r"jit\(ident\).*op by op"):
            def ident(x):
                return x
            ft.jit(ident)(np.array([np.nan], np.float32))


# ---- disable_jit -----------------------------------------------------------------------------

def test_disable_jit_runs_python_eagerly():
    seen = []

    @ft.jit
    def f(x):
        seen.append(type(x).__name__)
        return x * 2.0

    x = fnp.ones(2)
    f(x), f(x)
    assert seen == ["StagingTracer"]  # traced once, then cached
    seen.clear()
    with ft.disable_jit():
        f(x), f(x)
        out = ft.grad(lambda v: fnp.sum(f(v)))(x)
    assert seen[:2] == ["Array", "Array"] and len(seen) == 3  # every call runs Python
    np.testing.assert_allclose(np.asarray(out), [2.0, 2.0])
    seen.clear()
    f(x)
    assert seen == []  # jit again: the cached program


# ---- rank and dtype promotion --------------------------------------------------------------

def test_rank_promotion_modes():
    a, b = np.ones(3, np.float32), np.ones((2, 3), np.float32)
    for m in BOTH:
        ctx = (ft.numpy_rank_promotion if m is FT else jax.numpy_rank_promotion)
        with ctx("raise"):
            with pytest.raises(ValueError, match="rank"):
                m.np.add(m.np.asarray(a), m.np.asarray(b))
            m.np.asarray(b) * 2.0  # scalars broadcast freely
            m.np.asarray(b) + m.np.asarray(b)
        with ctx("warn"):
            with pytest.warns(UserWarning, match="rank promotion"):
                m.np.asarray(a) + m.np.asarray(b)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            m.np.asarray(a) + m.np.asarray(b)  # 'allow': silent


def test_rank_promotion_raise_under_jit():
    with ft.numpy_rank_promotion("raise"):
        with pytest.raises(ValueError, match=r"\[where\].*\(3,\) \(2, 3\)"):
            ft.jit(lambda c, y: fnp.where(c, y, 0.0))(np.ones(3, bool), np.ones((2, 3)))


def test_strict_dtype_promotion():
    f32, bf16 = np.ones(3, np.float32), np.ones(3, jax.numpy.bfloat16)
    i32 = np.ones(3, np.int32)
    for m in BOTH:
        ctx = (ft.numpy_dtype_promotion if m is FT else jax.numpy_dtype_promotion)
        with ctx("strict"):
            for x, y in ((f32, bf16), (i32, f32)):
                with pytest.raises(ValueError, match="promotion"):
                    m.np.add(m.np.asarray(x), m.np.asarray(y))
            with pytest.raises(ValueError):
                m.np.asarray(i32) * 2.5  # a Python float does not make ints float
            assert (m.np.asarray(f32) * 2).dtype == np.float32  # weak scalars are fine
            assert (m.np.asarray(f32) + m.np.asarray(f32)).dtype == np.float32
        assert (m.np.asarray(i32) * 2.5).dtype == np.float32  # 'standard' again


# ---- default matmul precision -----------------------------------------------------------------

def test_default_matmul_precision_reaches_lowering_and_cache():
    f = ft.jit(lambda a, b: a @ b)
    a = np.ones((2, 2), np.float32)
    assert "precision" not in f.lower(a, a).as_text()
    with ft.default_matmul_precision("highest"):
        assert "precision = [HIGHEST, HIGHEST]" in f.lower(a, a).as_text()
        np.testing.assert_allclose(np.asarray(f(a, a)), 2 * a)
    with ft.default_matmul_precision("tensorfloat32"):
        assert "precision = [HIGH, HIGH]" in f.lower(a, a).as_text()
    explicit = ft.jit(lambda a, b: flax.dot(a, b, precision=flax.Precision.HIGHEST))
    assert "precision = [HIGHEST, HIGHEST]" in explicit.lower(a, a).as_text()
    mixed = ft.jit(lambda a, b: flax.dot(a, b, precision=("default", "highest")))
    assert "precision = [DEFAULT, HIGHEST]" in mixed.lower(a, a).as_text()


def test_jit_cache_keys_on_options():
    traces = []

    @ft.jit
    def f(a):
        traces.append(1)
        return a @ a

    a = fnp.ones((2, 2))
    f(a), f(a)
    with ft.default_matmul_precision("highest"):
        f(a), f(a)
    f(a)
    assert len(traces) == 2


# ---- default device ---------------------------------------------------------------------

def test_default_device():
    devs = ft.devices()
    assert len(devs) >= 2  # conftest asks XLA for 4 host devices
    with ft.default_device(devs[1]):
        y = ft.jit(lambda x: x + 1.0)(np.ones(2, np.float32))
        z = ft.device_put(np.ones(2, np.float32))
        assert y.device == devs[1] and z.device == devs[1]
    assert ft.jit(lambda x: x + 1.0)(np.ones(2, np.float32)).device == devs[0]
    with ft.default_device("cpu"):
        assert ft.device_put(np.ones(1)).device == devs[0]
    with pytest.raises(ValueError, match="device"):
        ft.config.update("jax_default_device", 3)


def test_jax_names_port_unchanged():
    """``jax.config.update(...)`` lines work as ``functrans.config.update(...)``."""
    for m in (FT, JAX):
        m.ft.config.update("jax_debug_infs", False)
        assert m.ft.config.jax_debug_infs is False
