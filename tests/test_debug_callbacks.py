"""debug.print / debug.callback / pure_callback / io_callback vs JAX on the same programs:
printed output (eagerly, under jit, grad, vmap and their compositions), callback values,
vmap methods, derivatives through custom_jvp, and errors."""

from __future__ import annotations

import jax
import jax.experimental
import numpy as np
import pytest
from oracle import BOTH, FT, JAX, assert_close

import functrans as ft
import functrans.experimental

IO = {FT.name: functrans.experimental.io_callback, JAX.name: jax.experimental.io_callback}
XS = np.arange(1.0, 4.0, dtype=np.float32)


def _printing_loss(m, ordered=False):
    def loss(x):
        m.ft.debug.print("x = {} twice={t}", x, t=x * 2, ordered=ordered)
        y = m.np.sin(x) * x
        m.ft.debug.print("y: {y:.4f}", y=y, ordered=ordered)
        return y
    return loss


def _run_printed(capsys, m, make):
    capsys.readouterr()
    out = m.ft.block_until_ready(make(m))  # the program (and its callbacks) has finished
    m.ft.effects_barrier()
    printed = capsys.readouterr().out
    return out, printed


TRANSFORMS = {
    "eager": lambda m, f: f(XS[1]),
    "jit": lambda m, f: m.jit(f)(XS[1]),
    "grad": lambda m, f: m.ft.grad(f)(XS[1]),
    "jit_grad": lambda m, f: m.jit(m.ft.grad(f))(XS[1]),
    "grad_jit": lambda m, f: m.ft.grad(m.jit(f))(XS[1]),
    "vmap": lambda m, f: m.ft.vmap(f)(XS),
    "jit_vmap_grad": lambda m, f: m.jit(m.ft.vmap(m.ft.grad(f)))(XS),
    "vmap_jit_grad": lambda m, f: m.ft.vmap(m.jit(m.ft.grad(f)))(XS),
}


@pytest.mark.parametrize("name", list(TRANSFORMS))
def test_debug_print_matches_jax(capsys, name):
    """Unordered prints may come in any order (in JAX too): compare the sorted lines."""
    run = TRANSFORMS[name]
    (a, pa), (b, pb) = [_run_printed(capsys, m, lambda m: run(m, _printing_loss(m)))
                        for m in BOTH]
    assert_close(a, b)
    assert pa.strip(), "nothing printed"
    assert sorted(pa.splitlines()) == sorted(pb.splitlines())


@pytest.mark.parametrize("name", ["jit_vmap_grad", "vmap"])
def test_ordered_debug_print_order(capsys, name):
    run = TRANSFORMS[name]
    (_, pa), (_, pb) = [_run_printed(capsys, m, lambda m: run(m, _printing_loss(m, True)))
                        for m in BOTH]
    assert pa == pb
    assert pa.splitlines()[0] == "x = 1.0 twice=2.0"


def test_debug_print_capfd_under_jit(capfd):
    """The compiled program calls back into Python: the text reaches the process' stdout;
    effects_barrier waits for a program without outputs."""
    ft.jit(lambda x: ft.debug.print("no outputs {}", x))(np.float32(2.0))
    ft.effects_barrier()
    assert "no outputs 2.0" in capfd.readouterr().out
    out = ft.jit(lambda x: (ft.debug.print("value {}", x), x + 1)[1])(np.float32(5.0))
    out.block_until_ready()
    assert "value 5.0" in capfd.readouterr().out


def test_debug_print_static_and_pytree_args(capsys):
    def f(m, x):
        m.ft.debug.print("{} {d} {n}", "label", d={"a": x, "b": (x, 2)}, n=None)
        m.ft.debug.print("no placeholders")
        return x

    outs = []
    for m in BOTH:
        capsys.readouterr()
        m.ft.block_until_ready(m.jit(lambda x, m=m: f(m, x))(np.ones(2, np.float32)))
        outs.append(capsys.readouterr().out)
    assert outs[0] == outs[1]


def test_debug_print_survives_dead_code(capsys):
    """Its result is unused (it has none), yet it runs: in jit, grad and checkpoint."""
    def f(x):
        ft.debug.print("seen {}", x)
        return x * 3.0
    ft.jit(ft.grad(ft.checkpoint(f)))(np.float32(2.0)).block_until_ready()
    assert "seen 2.0" in capsys.readouterr().out


@pytest.mark.parametrize("m", BOTH, ids=lambda m: m.name)
def test_debug_print_bad_format_raises_at_call(m):
    with pytest.raises((IndexError, KeyError)):
        m.ft.debug.print("{} {}", np.float32(1.0))
    with pytest.raises(ValueError):
        m.ft.debug.print("{}", np.float32(1.0), np.float32(2.0))


@pytest.mark.parametrize("m", BOTH, ids=lambda m: m.name)
def test_debug_callback_values(m):
    seen = []

    def f(x):
        m.ft.debug.callback(lambda v, w: seen.append((np.asarray(v), np.asarray(w))), x, x * 2)
        return x

    m.ft.block_until_ready(m.jit(m.ft.vmap(f))(XS))
    got = sorted(float(v) for v, _ in seen)
    assert got == [1.0, 2.0, 3.0]
    assert all(float(w) == 2 * float(v) for v, w in seen)


def _callback_fn(m, vmap_method):
    def f(x, y):
        shape = m.ft.ShapeDtypeStruct(np.broadcast_shapes(x.shape, y.shape), x.dtype)
        return m.ft.pure_callback(lambda a, b: np.sin(np.asarray(a)) * np.asarray(b), shape,
                                  x, y, vmap_method=vmap_method)
    return f


@pytest.mark.parametrize("vmap_method", ["sequential", "sequential_unrolled", "expand_dims",
                                         "broadcast_all"])
def test_pure_callback_vmap_methods(vmap_method):
    x = np.arange(6.0, dtype=np.float32).reshape(2, 3)
    y = np.float32(1.5) + np.zeros(3, np.float32)
    outs = [m.jit(m.ft.vmap(_callback_fn(m, vmap_method), in_axes=(0, None)))(x, y)
            for m in BOTH]
    assert_close(*outs)
    eager = ft.vmap(_callback_fn(FT, vmap_method), in_axes=(0, None))(x, y)
    assert_close(eager, outs[1])


def test_pure_callback_expand_dims_sees_size_one_axis():
    shapes = {}
    for m in BOTH:
        seen = []

        def cb(a, b, seen=seen):
            seen.append((np.shape(a), np.shape(b)))
            return np.asarray(a) + np.asarray(b)

        def f(x, y, m=m):
            return m.ft.pure_callback(cb, m.ft.ShapeDtypeStruct(x.shape, x.dtype), x, y,
                                      vmap_method="expand_dims")
        m.jit(m.ft.vmap(f, in_axes=(0, None)))(np.ones((4, 3), np.float32),
                                               np.ones(3, np.float32))
        shapes[m.name] = seen
    assert shapes[FT.name] == shapes[JAX.name] == [((4, 3), (1, 3))]


def test_pure_callback_pytree_results():
    def f(m, x):
        spec = {"s": m.ft.ShapeDtypeStruct((), x.dtype), "c": m.ft.ShapeDtypeStruct(x.shape,
                                                                                     np.int32)}
        return m.ft.pure_callback(
            lambda v: {"s": np.sum(v).astype(np.float32), "c": np.cumsum(v).astype(np.int32)},
            spec, x)
    a, b = [m.jit(lambda x, m=m: f(m, x))(XS) for m in BOTH]
    assert_close(a["s"], b["s"])
    assert_close(a["c"], b["c"])


def _sin_with_callback(m):
    @m.ft.custom_jvp
    def f(x):
        return m.ft.pure_callback(np.sin, m.ft.ShapeDtypeStruct(x.shape, x.dtype), x,
                                  vmap_method="sequential")

    @f.defjvp
    def f_jvp(primals, tangents):
        (x,), (t,) = primals, tangents
        cos = m.ft.pure_callback(np.cos, m.ft.ShapeDtypeStruct(x.shape, x.dtype), x,
                                 vmap_method="sequential")
        return f(x), cos * t
    return f


def test_pure_callback_custom_jvp_gradients():
    outs = []
    for m in BOTH:
        f = _sin_with_callback(m)
        g = m.jit(m.ft.grad(lambda x: m.np.sum(f(x) * x)))(XS)
        h = m.ft.vmap(m.ft.grad(lambda x: f(x) * x))(XS)
        outs.append((g, h))
    assert_close(outs[0][0], outs[1][0])
    assert_close(outs[0][1], outs[1][1])


def test_pure_callback_not_differentiable():
    f = lambda x: ft.pure_callback(np.sin, ft.ShapeDtypeStruct((), np.float32), x)
    with pytest.raises(ValueError, match=r"\[pure_callback\].*custom_jvp"):
        ft.grad(f)(np.float32(1.0))


def test_pure_callback_vmap_needs_method():
    f = lambda x: ft.pure_callback(np.sin, ft.ShapeDtypeStruct((), np.float32), x)
    with pytest.raises(NotImplementedError, match=r"\[pure_callback\] .*vmap_method"):
        ft.vmap(f)(XS)


@pytest.mark.parametrize("jit", [False, True])
def test_pure_callback_wrong_result_raises(jit):
    f = lambda x: ft.pure_callback(lambda v: np.zeros(4, np.float32),
                                   ft.ShapeDtypeStruct((3,), np.float32), x)
    with pytest.raises(Exception, match=r"pure_callback.*result #0"):
        (ft.jit(f) if jit else f)(XS)


def test_io_callback_side_effects():
    logs = {}
    for m in BOTH:
        log = []

        def record(v, log=log):
            log.append(float(np.asarray(v)))
            return np.asarray(v) * 2

        def f(x, m=m, ordered=False):
            spec = m.ft.ShapeDtypeStruct(x.shape, x.dtype)
            return IO[m.name](record, spec, x, ordered=ordered)
        out = m.jit(m.ft.vmap(f))(XS)
        ordered = m.jit(lambda x, f=f: f(f(x, ordered=True) + 1, ordered=True))(XS[0])
        logs[m.name] = (log, np.asarray(out), ordered)
        with pytest.raises(ValueError):
            m.ft.vmap(lambda x, f=f: f(x, ordered=True))(XS)
    (lf, of, rf), (lj, oj, rj) = logs[FT.name], logs[JAX.name]
    assert sorted(lf[:3]) == sorted(lj[:3]) == [1.0, 2.0, 3.0]
    assert lf[3:] == lj[3:] == [1.0, 3.0]
    assert_close(of, oj)
    assert_close(rf, rj)


def test_io_callback_kept_when_unused():
    log = []
    f = lambda x: (functrans.experimental.io_callback(
        lambda v: log.append(1) or v, ft.ShapeDtypeStruct((), np.float32), x), x)[1]
    ft.jit(f)(np.float32(1.0)).block_until_ready()
    assert log == [1]


def test_callback_jaxpr_and_lowering():
    f = lambda x: (ft.debug.print("x {}", x), x)[1]
    assert "debug_callback" in str(ft.make_jaxpr(f)(np.float32(1.0)))
    from functrans.xla_lowering import lower
    closed = ft.make_jaxpr(f)(np.float32(1.0))
    text = str(lower.lower_to_module(closed, host_callbacks=[]))
    assert "xla_ffi_python_cpu_callback" in text and "has_side_effect = true" in text


def test_debug_print_in_scan_under_grad(capsys):
    """Ordered prints inside a scan body, under grad and jit(grad): the forward values,
    once per step, in order (as JAX prints them)."""
    def make(m):
        def f(x):
            def body(c, xi):
                m.ft.debug.print("step {} {}", c, xi, ordered=True)
                return c * xi, c
            return m.lax.scan(body, 1.0, x)[0]
        return f
    xs = np.arange(1.0, 4.0, dtype=np.float32)
    for wrap in (lambda m, g: g, lambda m, g: m.jit(g)):
        (a, pa), (b, pb) = [_run_printed(capsys, m, lambda m: wrap(m, m.ft.grad(make(m)))(xs))
                            for m in BOTH]
        assert_close(a, b)
        assert pa == pb and pa.count("step") == 3


def _count(jaxpr, name: str) -> int:
    """Equations named ``name`` in ``jaxpr`` and the jaxprs its equations carry."""
    n = 0
    for e in jaxpr.eqns:
        n += e.primitive.name == name
        for p in e.params.values():
            inner = getattr(p, "jaxpr", None)
            if inner is not None and hasattr(inner, "eqns"):
                n += _count(inner, name)
    return n


def test_sequential_vmap_is_a_rolled_loop():
    """'sequential' is one callback inside a scan over the batch (as JAX's lax.map);
    'sequential_unrolled' is one callback per element. Both call in batch order."""
    x = np.arange(15.0, dtype=np.float32).reshape(5, 3)
    for method, n_callbacks, n_scans in (("sequential", 1, 1), ("sequential_unrolled", 5, 0)):
        jaxpr = ft.make_jaxpr(ft.vmap(_callback_fn(FT, method), in_axes=(0, None)))(
            x, np.float32(2.0)).jaxpr
        assert (_count(jaxpr, "pure_callback"), _count(jaxpr, "scan")) == (n_callbacks, n_scans)
    seen = []

    def f(v):
        def cb(a):
            seen.append(float(a[0]))
            return np.asarray(a) * 2
        return ft.pure_callback(cb, ft.ShapeDtypeStruct(v.shape, v.dtype), v,
                                vmap_method="sequential")
    want = jax.vmap(lambda v: jax.pure_callback(lambda a: np.asarray(a) * 2,
                                                jax.ShapeDtypeStruct(v.shape, v.dtype), v,
                                                vmap_method="sequential"), in_axes=1)(x)
    for run in (ft.vmap(f, in_axes=1), ft.jit(ft.vmap(f, in_axes=1))):
        seen.clear()
        assert_close(run(x), want)
        assert seen == [0.0, 1.0, 2.0]
    # nested: vmap of vmap is a scan of scans; an io_callback (unordered) rolls too
    nested = ft.jit(ft.vmap(ft.vmap(_callback_fn(FT, "sequential"), in_axes=(0, None)),
                            in_axes=(None, 0)))
    assert_close(nested(x, np.float32([1.0, 2.0])),
                 np.sin(x)[None] * np.float32([1.0, 2.0])[:, None, None])
    g = ft.vmap(lambda v: functrans.experimental.io_callback(
        lambda a: np.asarray(a) + 1, ft.ShapeDtypeStruct(v.shape, v.dtype), v))
    assert _count(ft.make_jaxpr(g)(x).jaxpr, "io_callback") == 1
    assert_close(ft.jit(g)(x), x + 1)
