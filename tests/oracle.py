"""Namespaces for tests written once over ``m`` and run under functrans and JAX."""

from __future__ import annotations

import contextlib
from types import SimpleNamespace

import jax
import jax.numpy as jnp
import numpy as np

import functrans as ft
import functrans.numpy as fnp
from functrans import lax as flax

jax.config.update("jax_enable_x64", False)

FT = SimpleNamespace(name="functrans", np=fnp, lax=flax, jit=ft.jit, make_jaxpr=ft.make_jaxpr,
                     ft=ft)
JAX = SimpleNamespace(name="jax", np=jnp, lax=jax.lax, jit=jax.jit, make_jaxpr=jax.make_jaxpr,
                      ft=jax)
BOTH = [FT, JAX]


@contextlib.contextmanager
def x64_mode(on: bool):
    """functrans's and JAX's 64-bit mode switched together (both restored afterwards), so
    tests written over ``m`` compare the two libraries in the same mode."""
    old_ft, old_jax = ft.config.jax_enable_x64, jax.config.jax_enable_x64
    ft.config.update("jax_enable_x64", on)
    jax.config.update("jax_enable_x64", on)
    try:
        yield on
    finally:
        ft.config.update("jax_enable_x64", old_ft)
        jax.config.update("jax_enable_x64", old_jax)


def to_np(x):
    return jax.tree_util.tree_map(lambda a: np.asarray(a), x)


def tol_for(dtype) -> dict:
    dtype = np.dtype(dtype)
    if dtype.itemsize <= 2 and dtype.kind in "fV":
        return dict(rtol=2e-2, atol=2e-2)
    if dtype.kind in "fc":
        return dict(rtol=2e-5, atol=2e-5)
    return dict(rtol=0, atol=0)


def assert_close(a, b, rtol=None, atol=None, check_dtype=True):
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape, f"shape {a.shape} != {b.shape}"
    if check_dtype:
        assert a.dtype == b.dtype, f"dtype {a.dtype} != {b.dtype}"
    t = tol_for(b.dtype)
    rtol = t["rtol"] if rtol is None else rtol
    atol = t["atol"] if atol is None else atol
    if a.dtype.kind in "fcV" or b.dtype.kind in "fcV":
        np.testing.assert_allclose(a.astype(np.float64) if a.dtype.kind != "c" else a,
                                   b.astype(np.float64) if b.dtype.kind != "c" else b,
                                   rtol=rtol, atol=atol, equal_nan=True)
    else:
        np.testing.assert_array_equal(a, b)


def assert_same(got, want, rtol, atol, where=""):
    """Structure, shapes, dtypes; NaN and +-inf positions exactly; finite values within
    ``rtol`` and ``atol`` scaled by the largest finite magnitude of ``want``."""
    got_leaves, got_tree = jax.tree_util.tree_flatten(got)
    want_leaves, want_tree = jax.tree_util.tree_flatten(want)
    assert got_tree == want_tree, f"{where}: structure {got_tree} != {want_tree}"
    for i, (g, w) in enumerate(zip(got_leaves, want_leaves, strict=True)):
        g, w = np.asarray(g), np.asarray(w)
        at = f"{where} leaf {i}"
        assert g.shape == w.shape, f"{at}: shape {g.shape} != {w.shape}"
        assert g.dtype == w.dtype, f"{at}: dtype {g.dtype} != {w.dtype}"
        for name, mask in (("nan", np.isnan), ("+inf", np.isposinf), ("-inf", np.isneginf)):
            assert (mask(g) == mask(w)).all(), (
                f"{at}: {name} positions differ\nfunctrans {g!r}\njax       {w!r}")
        fin = np.isfinite(w)
        scale = max(1.0, float(np.abs(w[fin]).max(initial=0.0)))
        np.testing.assert_allclose(g[fin], w[fin], rtol=rtol, atol=atol * scale,
                                   err_msg=f"{at}\nfunctrans {g!r}\njax       {w!r}")
