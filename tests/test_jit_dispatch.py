"""Cached jit dispatch (issue 14): interned avals, the keys of the two hot paths (a call
must never reach a program traced for a different shape, dtype, weak type, static value,
pytree structure or keyword mapping), and their outputs being whole runtime arrays.
Results are checked against JAX on the same program; no timing here (benchmarks/)."""

from __future__ import annotations

import copy
import pickle

import jax
import jax.numpy as jnp
import jaxlib._jax as jaxlib_ext
import numpy as np
import pytest
from oracle import assert_close

import functrans as ft
import functrans.numpy as fnp
from functrans.api import Jitted
from functrans.core.ir import ShapedArray


def _slow_path_forbidden(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("the call took the slow path")
    monkeypatch.setattr(Jitted, "_entry", fail)


# ---- interned avals ------------------------------------------------------------------

def test_avals_are_interned_across_spellings():
    a = ShapedArray((2, 3), np.float32)
    assert ShapedArray([2, 3], "float32") is a
    assert ShapedArray((np.int64(2), np.int32(3)), np.dtype(np.float32), 0) is a
    assert a.update(shape=(2, 3)) is a
    assert ShapedArray((2, 3), np.float32, True) is not a
    assert ShapedArray((2, 3), np.float16) is not a
    assert ShapedArray((3, 2), np.float32) is not a
    assert a == ShapedArray((2, 3), np.float32) and a != ShapedArray((2, 3), np.int32)
    assert {a: 1}[ShapedArray([2, 3], np.float32)] == 1
    assert type(a.shape[0]) is int and a.dtype == np.float32 and a.weak_type is False


def test_avals_are_immutable_and_survive_copy_and_pickle():
    a = ShapedArray((4,), np.int32, True)
    with pytest.raises(AttributeError, match="immutable"):
        a.shape = (5,)
    assert copy.copy(a) is a and copy.deepcopy(a) is a
    assert pickle.loads(pickle.dumps(a)) is a
    assert a.strip_weak_type() is ShapedArray((4,), np.int32)


def test_arrays_from_different_sources_share_their_aval():
    x = ft.device_put(np.ones(3, np.float32))
    y = ft.jit(lambda v: v * 2.0)(x)
    z = fnp.ones(3)
    assert x.aval is y.aval is z.aval


# ---- hot-path keys -------------------------------------------------------------------

def _pair(lib, x):
    return lib.device_put(x)


@pytest.mark.parametrize("other", [
    np.ones(3, np.float16),  # a new dtype
    np.ones(4, np.float32),  # a new shape
    np.ones((1, 3), np.float32),  # a new rank
])
def test_positional_path_keeps_avals_apart(monkeypatch, other):
    traces = []
    f = ft.jit(lambda v: traces.append(1) or v * 2 + 1)
    jf = jax.jit(lambda v: v * 2 + 1)
    base = np.arange(3, dtype=np.float32)
    for value in (base, other, base, other):
        out = f(ft.device_put(value))
        assert_close(out, jf(jax.device_put(value)))
    assert len(traces) == 2
    _slow_path_forbidden(monkeypatch)
    assert_close(f(ft.device_put(other)), jf(jax.device_put(other)))


def test_positional_path_keeps_weak_types_apart():
    traces = []
    f = ft.jit(lambda v: traces.append(1) or v * 2)
    weak = ft.jit(lambda: 3.0)()  # a weakly typed f32[] with a device buffer
    strong = ft.device_put(np.float32(3.0))
    assert weak.weak_type and not strong.weak_type
    jweak, jstrong = jax.jit(lambda: 3.0)(), jax.device_put(np.float32(3.0))
    for ours, theirs in ((strong, jstrong), (weak, jweak), (strong, jstrong), (weak, jweak)):
        out, want = f(ours), jax.jit(lambda v: v * 2)(theirs)
        assert out.weak_type == want.weak_type
        assert_close(out, want)
    assert len(traces) == 2


def test_positional_path_with_several_arguments_and_outputs(monkeypatch):
    f = ft.jit(lambda a, b: (a - b, a * b))
    a, b = np.arange(3, dtype=np.float32), np.full(3, 2.0, np.float32)
    f(ft.device_put(a), ft.device_put(b))
    _slow_path_forbidden(monkeypatch)
    d, p = f(ft.device_put(b), ft.device_put(a))  # swapped: same avals, swapped values
    assert_close(d, b - a)
    assert_close(p, a * b)


def test_a_function_called_with_an_array_then_a_pytree():
    f = ft.jit(lambda p: ft.tree_util.tree_reduce(lambda u, v: u + v, p))
    x = ft.device_put(np.arange(3, dtype=np.float32))
    assert_close(f(x), np.arange(3, dtype=np.float32))  # fills the positional cache
    assert_close(f((x, x)), 2 * np.arange(3, dtype=np.float32))
    assert_close(f({"a": x, "b": (x, x)}), 3 * np.arange(3, dtype=np.float32))
    assert_close(f([x, x]), 2 * np.arange(3, dtype=np.float32))


def test_host_only_arrays_take_the_slow_path_on_both_hot_paths():
    f = ft.jit(lambda v: v + 1.0)
    g = ft.jit(lambda v, *, s: v * s)
    x = np.arange(3, dtype=np.float32)
    f(ft.device_put(x)), g(ft.device_put(x), s=ft.device_put(x))
    host = fnp.asarray(x)  # eager on the CPU: a NumPy-backed Array
    assert_close(f(host), x + 1)
    assert_close(g(host, s=fnp.asarray(x)), x * x)


def test_keyword_arguments_map_by_name_in_any_order(monkeypatch):
    def fn(x, *, scale, shift):
        return x * scale + shift
    f, jf = ft.jit(fn), jax.jit(fn)
    x, s, t = (np.arange(3, dtype=np.float32) + k for k in (0, 2, 5))
    fx, fs, ft_ = (ft.device_put(v) for v in (x, s, t))
    jx, js, jt = (jax.device_put(v) for v in (x, s, t))
    assert_close(f(fx, scale=fs, shift=ft_), jf(jx, scale=js, shift=jt))
    _slow_path_forbidden(monkeypatch)
    assert_close(f(fx, shift=ft_, scale=fs), jf(jx, shift=jt, scale=js))
    assert_close(f(fx, shift=fs, scale=ft_), jf(jx, shift=js, scale=jt))


def test_dict_insertion_order_does_not_swap_values(monkeypatch):
    f = ft.jit(lambda p: p["u"] - 2.0 * p["v"])
    u, v = np.arange(3, dtype=np.float32), np.full(3, 10.0, np.float32)
    fu, fv = ft.device_put(u), ft.device_put(v)
    assert_close(f({"u": fu, "v": fv}), u - 2 * v)
    _slow_path_forbidden(monkeypatch)
    assert_close(f({"v": fv, "u": fu}), u - 2 * v)
    assert_close(f({"v": fu, "u": fv}), v - 2 * u)


def test_static_values_and_static_keywords_key_the_cache():
    traces = []

    def fn(x, n, *, mode):
        traces.append((n, mode))
        return x * n if mode == "mul" else x + n
    f = ft.jit(fn, static_argnums=1, static_argnames="mode")
    x = ft.device_put(np.arange(3, dtype=np.float32))
    want = {(n, mode): fn(np.arange(3, dtype=np.float32), n, mode=mode)
            for n in (2, 3) for mode in ("mul", "add")}
    traces.clear()
    for _ in range(2):
        for (n, mode), expected in want.items():
            assert_close(f(x, n, mode=mode), expected)
    assert len(traces) == 4
    assert_close(f(x, 2.5, mode="mul"), np.arange(3, dtype=np.float32) * 2.5)
    assert len(traces) == 5


def test_signature_path_keeps_dtypes_and_weak_types_apart():
    traces = []
    f = ft.jit(lambda p, *, k: traces.append(1) or p[0] * k)
    jf = jax.jit(lambda p, *, k: p[0] * k)
    weak, jweak = ft.jit(lambda: 2.0)(), jax.jit(lambda: 2.0)()
    strong, jstrong = ft.device_put(np.float32(2.0)), jax.device_put(np.float32(2.0))
    half, jhalf = ft.device_put(np.float16(2.0)), jax.device_put(np.float16(2.0))
    cases = [((weak,), weak, (jweak,), jweak), ((strong,), weak, (jstrong,), jweak),
             ((half,), weak, (jhalf,), jweak), ((half,), strong, (jhalf,), jstrong)]
    for _ in range(2):
        for p, k, jp, jk in cases:
            out, want = f(p, k=k), jf(jp, k=jk)
            assert out.dtype == want.dtype and out.weak_type == want.weak_type
            assert_close(out, want)
    assert len(traces) == 4


def test_flat_layout_keys_dtypes_weak_types_and_statics(monkeypatch):
    traces = []

    def fn(v, n, *, k):
        return v * k + n

    def counted(v, n, *, k):
        traces.append(1)
        return fn(v, n, k=k)
    f, jf = ft.jit(counted, static_argnums=1), jax.jit(fn, static_argnums=1)
    weak, jweak = ft.jit(lambda: 2.0)(), jax.jit(lambda: 2.0)()
    strong, jstrong = ft.device_put(np.float32(2.0)), jax.device_put(np.float32(2.0))
    half, jhalf = ft.device_put(np.float16(2.0)), jax.device_put(np.float16(2.0))
    cases = [(weak, 1, weak, jweak, jweak), (strong, 1, weak, jstrong, jweak),
             (half, 1, weak, jhalf, jweak), (half, 1, strong, jhalf, jstrong),
             (half, 3, strong, jhalf, jstrong)]
    for _ in range(2):
        for v, n, k, jv, jk in cases:
            out, want = f(v, n, k=k), jf(jv, n, k=jk)
            assert out.dtype == want.dtype and out.weak_type == want.weak_type
            assert_close(out, want)
    assert len(traces) == 5
    _slow_path_forbidden(monkeypatch)
    assert_close(f(half, 3, k=strong), jf(jhalf, 3, k=jstrong))


def test_flat_layout_falls_back_for_pytrees_and_unhashable_statics():
    f = ft.jit(lambda p, n, *, s: ft.tree_util.tree_reduce(lambda u, v: u + v, p) * s + n[0],
               static_argnums=1)
    x = ft.device_put(np.arange(3, dtype=np.float32))
    base = np.arange(3, dtype=np.float32)
    assert_close(f(x, (1.0,), s=x), base * base + 1)  # registers the flat layout
    assert_close(f(x, (1.0,), s=x), base * base + 1)
    assert_close(f((x, x), (1.0,), s=x), 2 * base * base + 1)  # same layout, a pytree
    assert_close(f((x, x), (1.0,), s=x), 2 * base * base + 1)
    with pytest.raises(TypeError, match=r"\[jit\] static arguments must be hashable"):
        f(x, [1.0], s=x)


def test_a_configuration_change_reaches_cached_calls_on_both_hot_paths():
    f = ft.jit(lambda u, v: u + v)
    g = ft.jit(lambda u, *, v: u + v)
    h = ft.jit(lambda p: p[0] + p[1])
    u = ft.device_put(np.ones(3, np.float32))
    v = ft.device_put(np.ones((2, 3), np.float32))
    for _ in range(2):
        f(u, v), g(u, v=v), h((u, v))
    with ft.numpy_rank_promotion("raise"):
        for call in (lambda: f(u, v), lambda: g(u, v=v), lambda: h((u, v))):
            with pytest.raises(ValueError, match="rank promotion"):
                call()
    assert_close(f(u, v), np.full((2, 3), 2.0, np.float32))


# ---- outputs of cached calls are whole runtime arrays -----------------------------------

def test_cached_outputs_convert_to_host_in_every_dtype():
    """A runtime array made with jaxlib's tracebacks off has no "user context", and copying
    it to the host (bfloat16 is never zero-copy) fails: the hot paths must not do that."""
    f = ft.jit(lambda v: v + v)
    g = ft.jit(lambda p, *, k: (p[0] * k, p[0] - k))
    for dtype in (jnp.bfloat16, np.float16, np.float32, np.int8):
        x = ft.device_put(np.arange(3).astype(dtype))
        for _ in range(3):  # the slow call, then the hot paths
            assert_close(f(x), np.arange(3).astype(dtype) * 2)
            a, b = g((x,), k=x)
            assert_close(a, np.arange(3).astype(dtype) ** 2)
            assert_close(b, np.zeros(3, dtype))
    assert jaxlib_ext.tracebacks_enabled()
