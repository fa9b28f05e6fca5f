"""Control flow (cond, switch, while_loop, fori_loop, scan, map, associative_scan) under
eval, jit, jvp, grad, vmap and their nestings, against JAX on the same programs (written
once over a namespace ``m``)."""

from __future__ import annotations

import jax
import numpy as np
import pytest
from oracle import FT, JAX, assert_close, to_np

import functrans as ft

RNG = np.random.default_rng(0)
W = (RNG.standard_normal((3, 3)) * 0.5).astype(np.float32)
X3 = RNG.standard_normal(3).astype(np.float32)
XS = RNG.standard_normal((4, 3)).astype(np.float32)
XS53 = RNG.standard_normal((5, 3)).astype(np.float32)


# ---- programs: (m) -> f(*float args) ----------------------------------------------------

def rnn(m):  # scan with a closed-over weight, a carry and stacked ys
    def f(h0, xs):
        def step(h, x):
            h = m.np.tanh(m.np.dot(W, h) + x)
            return h, m.np.sum(h * h)
        h, ys = m.lax.scan(step, h0, xs)
        return m.np.sum(h) + m.np.sum(ys)
    return f, (X3, XS)


def scan_pytree(m):  # pytree carry and xs, reverse, unroll with remainder
    def f(a, xs):
        def step(c, x):
            s, p = c
            s = s + x["u"] * p
            p = m.np.sin(p) * x["v"]
            return (s, p), {"o": s * p}
        (s, p), ys = m.lax.scan(step, (a, a * 0.5), {"u": xs, "v": m.np.cos(xs)},
                                reverse=True, unroll=3)
        return m.np.sum(s) + m.np.sum(p) + m.np.sum(ys["o"])
    return f, (X3, XS)


def cond_closure(m):  # branches closing over an outer array and a traced value
    def f(x, y):
        z = m.np.sin(y)
        return m.np.sum(m.lax.cond(m.np.sum(x) > 0,
                                   lambda a: a * z + W[0],
                                   lambda a: m.np.cos(a) - z, x))
    return f, (X3, X3[::-1].copy())


def switch3(m):  # switch with a clamped out-of-range index
    def f(x):
        outs = [m.lax.switch(i, [lambda v: m.np.sin(v), lambda v: v * v,
                                 lambda v: m.np.exp(-v)], x) for i in (-1, 1, 7)]
        return sum(m.np.sum(o * (k + 1)) for k, o in enumerate(outs))
    return f, (X3,)


def fori(m):  # fori_loop with concrete bounds (a scan: reverse-differentiable)
    def f(x):
        return m.np.sum(m.lax.fori_loop(0, 5, lambda i, v: m.np.sin(v) * (i + 1.0), x))
    return f, (X3,)


def scan_in_cond(m):
    def f(x, xs):
        def yes(a):
            return m.lax.scan(lambda c, x: (c * m.np.cos(x), c), a, xs)[0]
        return m.np.sum(m.lax.cond(m.np.sum(x) < 10.0, yes, lambda a: a * 2.0, x))
    return f, (X3, XS)


def cond_in_scan(m):
    def f(x, xs):
        def step(c, x):
            c = m.lax.cond(m.np.sum(x) > 0, lambda a: a * m.np.sin(x), lambda a: a + x, c)
            return c, m.np.sum(c)
        c, ys = m.lax.scan(step, x, xs)
        return m.np.sum(c) + m.np.sum(ys)
    return f, (X3, XS)


def nested_scan(m):
    def f(x, xs):
        def outer(c, row):
            c2, _ = m.lax.scan(lambda d, e: (d * m.np.cos(e) + e, None), c, row)
            return c2, m.np.sum(c2)
        c, ys = m.lax.scan(outer, x[0], xs)
        return c + m.np.sum(ys)
    return f, (X3, XS)


def scan_checkpoint(m):  # checkpointed body
    def f(x, xs):
        body = m.ft.checkpoint(lambda c, x: (m.np.sin(c * x), m.np.sum(c)))
        c, ys = m.lax.scan(body, x, xs)
        return m.np.sum(c) + m.np.sum(ys)
    return f, (X3, XS)


def scan_custom_vjp(m):  # custom_vjp inside the scan body
    @m.ft.custom_vjp
    def g(x):
        return m.np.sin(x)

    g.defvjp(lambda x: (m.np.sin(x), m.np.cos(x)), lambda c, ct: (ct * c,))

    def f(x, xs):
        c, ys = m.lax.scan(lambda c, x: (g(c) + x, c * 2.0), x, xs)
        return m.np.sum(c) + m.np.sum(ys)
    return f, (X3, XS)


def lax_map(m):
    def f(xs):
        return m.np.sum(m.lax.map(lambda r: m.np.sin(r) * m.np.sum(r), xs) ** 2)
    return f, (XS,)


def assoc_scan(m):
    def f(xs):
        a = m.lax.associative_scan(m.np.add, xs, axis=0)
        b = m.lax.associative_scan(lambda p, q: (p[0] * q[0], p[1] * q[0] + q[1]),
                                   (m.np.cos(xs), xs), reverse=True, axis=1)
        return m.np.sum(a * a) + m.np.sum(b[0]) + m.np.sum(b[1] ** 2)
    return f, (XS53,)


def while_fwd(m):  # a while loop (forward mode only)
    def f(x):
        def body(c):
            i, v = c
            return i + 1, v - 0.5 * (v * v - x) / v
        return m.lax.while_loop(lambda c: c[0] < 6, body, (0, x + 1.0))[1]
    return f, (np.abs(X3) + 0.5,)


PROGRAMS = [rnn, scan_pytree, cond_closure, switch3, fori, scan_in_cond, cond_in_scan,
            nested_scan, scan_checkpoint, scan_custom_vjp, lax_map, assoc_scan]


def _check(fn, **tol):
    """``fn(FT)`` (as written: eager where it is eager) against ``fn(JAX)`` run under one
    ``jax.jit`` (the oracle; JAX's eager mode compiles every op, which is slow)."""
    ours = to_np(fn(FT))
    want = to_np(jax.jit(lambda: fn(JAX))())
    jax.tree_util.tree_map(lambda a, b: assert_close(a, b, **tol), ours, want)


def _argnums(args):
    return tuple(range(len(args)))


TRANSFORMS = {
    "eval": lambda m, f, args: f(*args),
    "jit": lambda m, f, args: m.jit(f)(*args),
    "grad": lambda m, f, args: m.ft.grad(f, argnums=_argnums(args))(*args),
    "jit_grad": lambda m, f, args: m.jit(m.ft.grad(f, argnums=_argnums(args)))(*args),
    "jvp": lambda m, f, args: m.ft.jvp(f, args, tuple(np.ones_like(a) for a in args)),
    "vmap": lambda m, f, args: m.ft.vmap(f)(*[np.stack([a, a * 0.5]) for a in args]),
    "vmap_grad": lambda m, f, args: m.ft.vmap(m.ft.grad(f))(
        *[np.stack([a, a * 0.5]) for a in args]),
    "grad_vmap": lambda m, f, args: m.ft.grad(
        lambda *b: m.np.sum(m.ft.vmap(f, in_axes=(0,) + (None,) * (len(args) - 1))(*b)))(
        np.stack([args[0], args[0] * 0.5]), *args[1:]),
}


# JAX has no forward mode for custom_vjp functions: that pair has no oracle.
CASES = [(p, t) for p in PROGRAMS for t in TRANSFORMS
         if not (p is scan_custom_vjp and t == "jvp")]


@pytest.mark.parametrize("prog,transform", CASES, ids=[f"{p.__name__}-{t}" for p, t in CASES])
def test_program_vs_jax(prog, transform):
    def run(m):
        f, args = prog(m)
        return TRANSFORMS[transform](m, f, args)
    _check(run, rtol=2e-4, atol=2e-5)


@pytest.mark.parametrize("transform", ["eval", "jit", "jvp", "vmap", "jacfwd"])
def test_while_forward_modes(transform):
    def run(m):
        f, args = while_fwd(m)
        if transform == "jacfwd":
            return m.ft.jacfwd(f)(*args)
        return TRANSFORMS[transform](m, f, args)
    _check(run)


@pytest.mark.parametrize("which", ["jacfwd", "jacrev", "hessian", "hvp"])
def test_second_order_through_scan(which):
    def run(m):
        f, (h0, xs) = rnn(m)
        g = lambda h: f(h, xs)  # noqa: E731
        if which == "hvp":
            v = np.ones_like(h0)
            return m.ft.jvp(m.ft.grad(g), (h0,), (v,))[1]
        return getattr(m.ft, which)(g)(h0)
    _check(run, rtol=2e-4, atol=2e-5)


def test_hvp_api_through_scan():
    f, (h0, xs) = rnn(FT)
    v = np.ones_like(h0)
    ours = ft.hvp(lambda h: f(h, xs), (h0,), (v,))
    fj, _ = rnn(JAX)
    want = jax.jvp(jax.grad(lambda h: fj(h, xs)), (h0,), (v,))[1]
    assert_close(np.asarray(ours), np.asarray(want), rtol=2e-4, atol=2e-5)


def test_while_batched_predicate_freezes_finished():
    """vmap of a while whose predicate is batched runs until every element is done."""
    def run(m):
        return m.ft.vmap(lambda n: m.lax.while_loop(lambda c: c[0] < n,
                                                    lambda c: (c[0] + 1, c[1] * 2.0),
                                                    (0, 1.0)))(np.array([0, 3, 5], np.int32))
    _check(run)


def test_cond_batched_predicate_selects():
    def run(m):
        return m.ft.vmap(lambda x: m.lax.cond(x > 0, lambda v: m.np.log(v), lambda v: v * 3.0,
                                              x))(np.array([-1.0, 2.0, 0.5], np.float32))
    _check(run)


def test_switch_batched_index():
    def run(m):
        return m.ft.vmap(lambda i, x: m.lax.switch(i, [m.np.sin, m.np.cos, m.np.exp], x))(
            np.array([-2, 0, 1, 2, 9], np.int32), np.linspace(0, 1, 5, dtype=np.float32))
    _check(run)


def test_collective_inside_scan_under_vmap():
    def run(m):
        def f(x):
            return m.lax.scan(lambda c, e: (c + m.lax.psum(e * c, "i"), c), x,
                              np.arange(3.0, dtype=np.float32))
        return m.ft.vmap(f, axis_name="i")(np.array([1.0, 2.0], np.float32))
    _check(run)


def test_fori_traced_bounds_under_jit():
    def run(m):
        return m.jit(lambda n, x: m.lax.fori_loop(0, n, lambda i, v: v * 1.5 + i, x))(
            np.int32(4), np.float32(1.0))
    _check(run)


def test_grad_fori_loop():
    def run(m):
        return m.ft.grad(lambda x: m.lax.fori_loop(1, 4, lambda i, v: m.np.sin(v) * i, x))(
            np.float32(0.3))
    _check(run)


def _linearize_while(m):
    f, (x,) = while_fwd(m)
    y, lin = m.ft.linearize(f, x)
    return y, lin(np.ones_like(x))


def _int_carry_derivatives(m):
    def f(x):
        (_, c), ys = m.lax.scan(lambda c, e: ((c[0] + 1, c[1] * e + c[0]), c[1] * c[0]),
                                (0, x[0]), x)
        return c + m.np.sum(ys)
    return m.ft.grad(f)(X3), m.ft.jacfwd(f)(X3), m.ft.hessian(f)(X3)


def _empty_scan_grad(m):
    return m.ft.grad(lambda x: m.np.sum(m.lax.scan(lambda c, e: (c * e, c), x,
                                                   np.zeros((0, 3), np.float32))[0]))(X3)


def _vmap_xs_axis1(m):
    f = lambda x, xs: m.np.sum(m.lax.scan(lambda c, e: (c * m.np.sin(e), c), x, xs)[1])  # noqa
    return m.ft.vmap(f, in_axes=(None, 1))(X3, np.stack([XS, XS * 2], 1))


def _nested_vmap_scan(m):
    f = lambda x: m.lax.scan(lambda c, e: (c + e * x, c), m.np.zeros(3),  # noqa: E731
                             np.ones((5, 3), np.float32))
    return m.ft.vmap(m.ft.vmap(f))(np.ones((2, 2, 3), np.float32) * X3)


@pytest.mark.parametrize("case", [_linearize_while, _int_carry_derivatives, _empty_scan_grad,
                                  _vmap_xs_axis1, _nested_vmap_scan],
                         ids=lambda c: c.__name__.strip("_"))
def test_more_compositions(case):
    _check(case)
