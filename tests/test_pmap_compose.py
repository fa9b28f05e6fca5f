"""pmap composed with the other transformations, against JAX on the same programs:
grad/jvp/vmap of pmap, pmap of grad with psum (data-parallel SGD), vmap inside pmap,
jit of pmap, nested pmap over a 2x2 device mesh, custom rules, checkpoint and control
flow inside pmap, and the (beyond JAX) derivative of pmax/pmin; the pmap errors."""

from __future__ import annotations

import jax
import numpy as np
import pytest
from oracle import FT, JAX, assert_close, to_np

import functrans as ft

N = 4
TOL = dict(rtol=2e-5, atol=2e-5)


def _operand(seed, shape):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def _both(make, *args):
    return to_np(make(FT)(*args)), to_np(make(JAX)(*args))


def _loss(m):
    def loss(w, x):
        return m.np.sum(m.np.tanh(x @ w) ** 2)
    return loss


def test_pmap_of_grad_with_psum_is_data_parallel_sgd():
    w, xs = _operand(1, (3, 2)), _operand(2, (N, 5, 3))

    def make(m):
        def step(w, x):
            g = m.ft.grad(_loss(m))(w, x)
            return w - 0.1 * m.lax.pmean(g, "i")
        return m.ft.pmap(step, "i", in_axes=(None, 0))
    got, want = _both(make, w, xs)
    assert_close(got, want, **TOL)
    # the same step on one device over the whole batch
    full = w - 0.1 * to_np(jax.grad(lambda w: _loss(JAX)(w, xs.reshape(-1, 3)))(w)) / N
    assert_close(got[0], full, **TOL)


def test_grad_of_pmap():
    w, xs = _operand(3, (3, 2)), _operand(4, (N, 5, 3))

    def make(m):
        f = m.ft.pmap(lambda w, x: m.lax.psum(_loss(m)(w, x), "i"), "i", in_axes=(None, 0))
        return m.ft.grad(lambda w, xs: f(w, xs).sum(), argnums=(0, 1))
    got, want = _both(make, w, xs)
    jax.tree_util.tree_map(lambda a, b: assert_close(a, b, **TOL), got, want)


@pytest.mark.parametrize("name", ["all_gather", "psum_scatter", "ppermute", "all_to_all"])
def test_grad_of_pmap_through_linear_collectives(name):
    x = _operand(5, (N, N, 3))
    ops = {"all_gather": lambda m, a: m.lax.all_gather(a, "i", axis=1),
           "psum_scatter": lambda m, a: m.lax.psum_scatter(a, "i"),
           "ppermute": lambda m, a: m.lax.ppermute(a, "i", [(i, (i + 1) % N) for i in range(N)]),
           "all_to_all": lambda m, a: m.lax.all_to_all(a, "i", 0, 1)}

    def make(m, mapper):
        def f(a):
            return m.np.sin(ops[name](m, a)) * (1.0 + m.lax.axis_index("i"))
        return m.ft.grad(lambda xs: mapper(m)(f)(xs).sum())

    def by_pmap(m):
        return lambda f: m.ft.pmap(f, "i")

    def by_vmap(m):
        return lambda f: m.ft.vmap(f, axis_name="i")
    got = make(FT, by_pmap)(x)
    assert_close(got, make(FT, by_vmap)(x), **TOL)
    if name != "all_to_all":  # JAX cannot transpose this all_to_all (shape mismatch)
        assert_close(got, to_np(make(JAX, by_pmap)(x)), **TOL)


def test_jvp_of_pmap_and_out_axes_none():
    x, t = _operand(6, (N, 3)), _operand(7, (N, 3))

    def make(m):
        f = m.ft.pmap(lambda a: m.lax.psum(m.np.sin(a), "i"), "i", out_axes=None)
        return lambda x, t: m.ft.jvp(f, (x,), (t,))
    got, want = _both(make, x, t)
    jax.tree_util.tree_map(lambda a, b: assert_close(a, b, **TOL), got, want)


def test_grad_of_pmap_with_replicated_output():
    """A replicated (out_axes=None) output's cotangent is shared by the devices."""
    x = _operand(8, (N, 3))
    f = ft.pmap(lambda a: ft.lax.psum(ft.numpy.sin(a), "i"), "i", out_axes=None)
    got = ft.grad(lambda x: f(x).sum())(x)
    assert_close(got, np.cos(x), **TOL)


def test_vmap_of_pmap_and_pmap_of_vmap_with_both_names():
    x = _operand(9, (3, N, 2))

    def body(m):
        def f(a):
            return m.lax.psum(a, "i") * 2.0 + m.lax.psum(a, "j") - m.lax.pmax(a, ("i", "j"))
        return f

    def outer(m):
        return m.ft.vmap(m.ft.pmap(body(m), "i"), axis_name="j")
    got, want = _both(outer, x)
    assert_close(got, want, **TOL)
    xt = np.ascontiguousarray(np.swapaxes(x, 0, 1))

    def inner(m):
        return m.ft.pmap(m.ft.vmap(body(m), axis_name="j"), "i")
    got, want = _both(inner, xt)
    assert_close(got, want, **TOL)


def test_vmap_of_pmap_with_in_axes():
    x, w = _operand(10, (N, 2, 3)), _operand(11, (3,))

    def make(m):
        f = m.ft.pmap(lambda a, b: m.lax.all_gather(a * b, "i"), "i", in_axes=(0, None))
        return m.ft.vmap(f, in_axes=(1, None), out_axes=1)
    got, want = _both(make, x, w)
    assert_close(got, want, **TOL)


def test_jit_of_pmap():
    x = _operand(12, (N, 3))

    def make(m):
        f = m.ft.pmap(lambda a: m.lax.psum(a, "i") * a, "i")
        return m.jit(lambda x: f(m.np.cos(x)) + 1.0)
    got, want = _both(make, x)
    assert_close(got, want, **TOL)
    g = ft.jit(ft.grad(lambda x: ft.pmap(lambda a: ft.lax.pmean(a * a, "i"), "i")(x).sum()))
    assert_close(g(x), to_np(jax.grad(lambda x: jax.pmap(lambda a: jax.lax.pmean(
        a * a, "i"), "i")(x).sum())(x)), **TOL)


def _nested(m, f):
    """``f`` over a 2x2 mesh: functrans nests pmap; the reference is JAX's vmap of vmap (the
    meaning of the axis names; jax.pmap 0.10 cannot nest pmap over default devices)."""
    if m is FT:
        return ft.pmap(ft.pmap(f, "j"), "i")
    return jax.vmap(jax.vmap(f, axis_name="j"), axis_name="i")


def test_nested_pmap_2x2():
    x = _operand(13, (2, 2, 3))

    def make(m):
        def f(a):
            return (m.lax.psum(a, "i") + 10.0 * m.lax.psum(a, "j")
                    + 100.0 * m.lax.psum(a, ("i", "j"))
                    + m.lax.axis_index("i") * 2.0 + m.lax.axis_index("j"))
        return _nested(m, f)
    got, want = _both(make, x)
    assert_close(got, want, **TOL)


def test_nested_pmap_gather_permute_and_grad():
    x = _operand(14, (2, 2, 3))

    def make(m):
        def f(a):
            return (m.lax.all_gather(a, "j") * 1.0
                    + m.lax.ppermute(a, "i", [(0, 1), (1, 0)])
                    + m.lax.pmax(a, "j"))
        return _nested(m, f)
    got, want = _both(make, x)
    assert_close(got, want, **TOL)

    def grad_of(m):
        g = _nested(m, lambda a: m.np.sin(m.lax.all_gather(a, "i")) * m.lax.psum(a, "j"))
        return m.ft.grad(lambda x: g(x).sum())
    got, want = _both(grad_of, x)
    assert_close(got, want, **TOL)


def test_custom_jvp_custom_vjp_and_checkpoint_inside_pmap():
    x = _operand(15, (N, 3))

    def make(m):
        @m.ft.custom_jvp
        def f(a):
            return m.np.sin(a)
        f.defjvp(lambda p, t: (f(p[0]), 2.0 * m.np.cos(p[0]) * t[0]))

        @m.ft.custom_vjp
        def g(a):
            return a * a
        g.defvjp(lambda a: (a * a, a), lambda a, ct: (3.0 * a * ct,))

        def body(a):
            return m.lax.psum(m.ft.checkpoint(lambda b: f(b) * g(b))(a), "i")
        return m.ft.grad(lambda xs: m.ft.pmap(body, "i")(xs).sum())
    got, want = _both(make, x)
    assert_close(got, want, **TOL)


@pytest.mark.parametrize("op", ["pmax", "pmin"])
def test_pmax_pmin_differentiable_same_under_pmap_and_vmap(op):
    """Beyond JAX: the tangent of the selected member; tied members share it."""
    x = np.array([[1.0, 5.0], [3.0, 5.0], [2.0, -1.0], [3.0, 0.0]], np.float32)
    if op == "pmin":
        x = -x
    red = getattr(ft.lax, op)

    def loss(t):
        return lambda xs: (t(lambda a: red(a, "i") * 2.0, "i")(xs) * np.arange(
            1.0, 3.0, dtype=np.float32)).sum()
    by_pmap = ft.grad(loss(lambda f, n: ft.pmap(f, n)))(x)
    by_vmap = ft.grad(loss(lambda f, n: ft.vmap(f, axis_name=n)))(x)
    want = np.zeros_like(x)
    want[[1, 3], 0] = 0.5 * N * 2.0  # tie between members 1 and 3 in column 0
    want[[0, 1], 1] = 0.5 * N * 4.0
    assert_close(by_pmap, want)
    assert_close(by_vmap, want)
    t = np.ones_like(x)
    _, tan = ft.jvp(ft.pmap(lambda a: red(a, "i"), "i"), (x,), (t,))
    assert_close(tan, np.ones_like(x))


# ---- errors -----------------------------------------------------------------------------

def test_error_more_devices_than_available():
    with pytest.raises(ValueError, match=r"\[pmap\] needs 5 devices.*4.*"
                                         r"xla_force_host_platform_device_count=5"):
        ft.pmap(lambda a: a, "i")(np.ones((5, 2), np.float32))


def test_error_mapped_sizes_differ():
    with pytest.raises(ValueError, match=r"\[pmap\] mapped arguments have different sizes.*"
                                         r"args\[0\] has size 4.*args\[1\] has size 2"):
        ft.pmap(lambda a, b: a, "i")(np.ones((4, 2)), np.ones((2, 2)))


def test_error_out_axes_none_on_varying_value():
    with pytest.raises(ValueError, match=r"\[pmap\] out_axes=None for output 0, but it "
                                         "differs across devices"):
        ft.pmap(lambda a: a * 2.0, "i", out_axes=None)(np.ones((4, 2), np.float32))


def test_error_unbound_axis_and_unhashable_static():
    with pytest.raises(NameError, match=r"\[psum\] unbound axis name 'j'"):
        ft.pmap(lambda a: ft.lax.psum(a, "j"), "i")(np.ones((4, 2), np.float32))
    with pytest.raises(TypeError, match=r"\[pmap\] static arguments must be hashable"):
        ft.pmap(lambda a, k: a, "i", static_broadcasted_argnums=1)(np.ones((4, 2)), [1])


def test_control_flow_inside_pmap():
    """cond, scan and while_loop (with collectives in their bodies) inside pmap, and grad
    through the scan."""
    x = _operand(16, (N, 3))

    def make(m):
        def f(a):
            a = m.lax.cond(m.lax.axis_index("i") % 2 == 0, m.np.sin, m.np.cos, a)

            def body(c, t):
                c = m.np.tanh(c + m.lax.psum(c, "i") * 0.1 + t)
                return c, m.np.sum(c)
            c, ys = m.lax.scan(body, a, m.np.arange(3.0))
            n = m.lax.while_loop(lambda k: k < 3 + m.lax.axis_index("i"), lambda k: k + 1, 0)
            return c * n + ys.sum()
        return m.ft.pmap(f, "i")
    got, want = _both(make, x)
    assert_close(got, want, **TOL)

    def grad_of(m):
        return m.ft.grad(lambda x: make(m)(x).sum())
    got, want = _both(grad_of, x)
    assert_close(got, want, **TOL)
