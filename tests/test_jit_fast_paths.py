"""Regression tests for the performance work on jit (issue 14): the signature hot path for
pytree, keyword and static arguments; dot_general's transpose producing a matmul rhs's
cotangent without a transpose (per-example gradients); the reduce_max jvp's one-hot
fallback; tracing with the cyclic GC paused. No timing here: benchmarks/ measures."""

from __future__ import annotations

import gc

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from oracle import assert_close

import functrans as ft
import functrans.numpy as fnp
from functrans import lax
from functrans.api import Jitted


def _tree(seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(4).astype(np.float32)
    return {"a": x, "b": x + 1, "c": (x * 2, x - 1), "d": [x * 3, None]}


def _tree_fn(p):
    return {"s": p["a"] * p["b"] + p["c"][0], "t": p["c"][1] - p["d"][0]}


def _slow_path_forbidden(monkeypatch):
    """From here on, any call that leaves the hot paths fails the test."""
    def fail(*args, **kwargs):
        raise AssertionError("the call took the slow path")
    monkeypatch.setattr(Jitted, "_entry", fail)


def test_pytree_call_hits_the_signature_cache(monkeypatch):
    traces = []
    f = ft.jit(lambda p: traces.append(1) or _tree_fn(p))
    tree = ft.device_put(_tree())
    first = f(tree)
    _slow_path_forbidden(monkeypatch)
    again = f(tree)
    other = ft.device_put(_tree(1))  # same structure and avals, new values
    out = f(other)
    assert len(traces) == 1
    for k in ("s", "t"):
        assert_close(again[k], first[k])
        assert_close(out[k], _tree_fn(jax.tree_util.tree_map(np.asarray, _tree(1)))[k])


def test_static_and_keyword_call_hits_the_signature_cache(monkeypatch):
    traces = []

    def f(x, n, *, scale, shift):
        traces.append(n)
        for _ in range(n):
            x = lax.sin(x)
        return x * scale + shift
    g = ft.jit(f, static_argnums=1)
    x = ft.device_put(np.linspace(-1, 1, 5, dtype=np.float32))
    expected = {n: np.asarray(f(x, n, scale=x, shift=x)) for n in (1, 2)}
    traces.clear()
    g(x, 1, scale=x, shift=x), g(x, 2, scale=x, shift=x)
    _slow_path_forbidden(monkeypatch)
    for n in (1, 2):
        assert_close(g(x, n, scale=x, shift=x), expected[n])
        assert_close(g(x, n, shift=x, scale=x), expected[n])  # keyword order is irrelevant
    assert traces == [1, 2]


def test_signature_cache_keeps_structure_static_values_and_avals_apart():
    traces = []

    def f(p, k):
        traces.append(1)
        return ft.tree_util.tree_reduce(lambda a, b: a + b, p) * k
    g = ft.jit(f, static_argnames="k")
    x = ft.device_put(np.arange(3, dtype=np.float32))
    y = ft.device_put(np.arange(4, dtype=np.float32))
    want = np.arange(3, dtype=np.float32) * 4
    assert_close(g((x, x), k=2), want)
    assert_close(g([x, x], k=2), want)  # list vs tuple: a new trace
    assert_close(g((x, x), k=3), want * 1.5)  # a new static value
    assert_close(g({"u": x, "v": x}, k=2), want)
    assert_close(g({"u": x, "w": x}, k=2), want)  # new dict keys
    assert_close(g((y, y), k=2), np.arange(4, dtype=np.float32) * 4)  # new avals
    assert len(traces) == 6
    assert_close(g((x, x), k=2), want)
    assert_close(g({"v": x, "u": x}, k=2), want)  # insertion order: the same trace
    assert_close(g([x, x], k=3), want * 1.5)
    assert len(traces) == 7


def test_signature_cache_falls_back_for_host_values_and_unhashable_statics():
    g = ft.jit(lambda p, k: p["a"] * k[0], static_argnums=1)
    a = np.arange(3, dtype=np.float32)
    assert_close(g({"a": ft.device_put(a)}, (2.0,)), a * 2)
    assert_close(g({"a": a}, (2.0,)), a * 2)  # a NumPy leaf: the slow path, same result
    assert_close(g({"a": fnp.asarray(a)}, (2.0,)), a * 2)
    with pytest.raises(TypeError, match=r"\[jit\] static arguments must be hashable"):
        g({"a": ft.device_put(a)}, [2.0])


def test_donated_pytree_argument_is_still_deleted():
    g = ft.jit(lambda p: p["a"] + 1.0, donate_argnums=0)
    a = ft.device_put(np.ones(3, np.float32))
    g({"a": ft.device_put(np.ones(3, np.float32))})
    out = g({"a": a})
    assert a.is_deleted()
    assert_close(out, np.full(3, 2.0, np.float32))


def test_clear_caches_empties_the_signature_cache():
    traces = []
    g = ft.jit(lambda p: traces.append(1) or p[0] + p[1])
    x = ft.device_put(np.ones(2, np.float32))
    g((x, x))
    ft.clear_caches()
    g((x, x))
    assert len(traces) == 2


# ---- add/sub jvp: a one-sided tangent is t or -t, never 0 + t or 0 - t ------------------

@pytest.mark.parametrize("side", [0, 1])
@pytest.mark.parametrize("op", ["add", "sub"])
def test_add_sub_jvp_one_sided_tangent_has_no_zero_operand(op, side):
    """The tangent of a side that is constant is a symbolic zero, not a broadcast 0.0
    for XLA to add or subtract; a rank-0 side's tangent is broadcast to the result."""
    xv = np.array([1.0, 2.0, 3.0], np.float32)

    def f(m_lax, s):
        args = (s, xv) if side == 0 else (xv, s)
        return getattr(m_lax, op)(*args)
    closed = ft.make_jaxpr(lambda s, t: ft.jvp(lambda s: f(lax, s), (s,), (t,))[1])(
        np.float32(1.0), np.float32(2.0))
    t_var = closed.jaxpr.invars[1]
    users = [e.primitive.name for e in closed.jaxpr.eqns if t_var in e.inputs]
    assert users == (["neg"] if (op, side) == ("sub", 1) else ["broadcast_in_dim"]), users
    ours = ft.jvp(lambda s: f(lax, s), (np.float32(1.0),), (np.float32(2.0),))
    theirs = jax.jvp(lambda s: f(jax.lax, s), (np.float32(1.0),), (np.float32(2.0),))
    for a, b in zip(ours, theirs, strict=True):
        assert_close(a, b)


# ---- dot_general transpose: which operand goes first ------------------------------------

def test_outer_product_rhs_cotangent_needs_no_transpose():
    """A contraction of size 1 (a per-example weight gradient): the cotangent comes out in
    the weight's own dim order, so under vmap no layout copy of it follows."""
    for x in (np.ones((1, 5), np.float32), np.ones(5, np.float32)):
        jaxpr = ft.make_jaxpr(ft.grad(lambda w, x=x: fnp.sum(fnp.tanh(x @ w))))(
            np.ones((5, 4), np.float32))
        assert [e.primitive.name for e in jaxpr.jaxpr.eqns].count("transpose") == 0


def test_matmul_rhs_cotangent_is_jaxs_form_and_xla_folds_its_transpose():
    """A real contraction: ``ct`` first and a transpose after (JAX's form, which keeps an
    HVP's dots in XLA:CPU's faster orientation); XLA folds the transpose into the dot."""
    x = np.ones((3, 5), np.float32)
    grad = ft.grad(lambda w: fnp.sum(fnp.tanh(x @ w)))
    w = np.ones((5, 4), np.float32)
    eqns = ft.make_jaxpr(grad)(w).jaxpr.eqns
    names = [e.primitive.name for e in eqns]
    assert names.count("transpose") == 1
    assert eqns[names.index("transpose") - 1].primitive.name == "dot_general"
    hlo = ft.jit(grad).lower(w).compile().as_text()
    assert " transpose(" not in hlo and " copy(" not in hlo


@pytest.mark.parametrize("dn,lhs_shape,rhs_shape", [
    ((((1,), (0,)), ((), ())), (3, 4), (4, 6)),
    ((((0,), (0,)), ((), ())), (4, 3), (4, 6)),
    ((((1,), (1,)), ((), ())), (3, 4), (6, 4)),
    ((((2,), (1,)), ((0,), (0,))), (2, 3, 4), (2, 4, 5)),
    ((((1, 2), (2, 1)), ((0,), (0,))), (2, 3, 4), (2, 4, 3)),
    ((((1,), (2,)), ((0,), (1,))), (2, 3, 4), (5, 2, 3)),
], ids=str)
def test_dot_general_vjp_both_operands_matches_jax(dn, lhs_shape, rhs_shape):
    rng = np.random.default_rng(0)
    lhs = rng.standard_normal(lhs_shape).astype(np.float32)
    rhs = rng.standard_normal(rhs_shape).astype(np.float32)

    def loss(m_lax, m_np):
        return lambda a, b: m_np.sum(m_np.sin(m_lax.dot_general(a, b, dn)))
    ours = ft.grad(loss(lax, fnp), argnums=(0, 1))(lhs, rhs)
    theirs = jax.grad(loss(jax.lax, jnp), argnums=(0, 1))(lhs, rhs)
    for a, b in zip(ours, theirs, strict=True):
        assert_close(a, b, rtol=1e-5, atol=1e-5)
    vmapped = ft.vmap(ft.grad(loss(lax, fnp), argnums=(0, 1)))(np.stack([lhs, lhs * 2]),
                                                              np.stack([rhs, rhs]))
    expected = jax.vmap(jax.grad(loss(jax.lax, jnp), argnums=(0, 1)))(
        np.stack([lhs, lhs * 2]), np.stack([rhs, rhs]))
    for a, b in zip(vmapped, expected, strict=True):
        assert_close(a, b, rtol=1e-5, atol=1e-5)


def test_per_example_gradients_match_jax():
    rng = np.random.default_rng(0)
    w = rng.standard_normal((6, 4)).astype(np.float32)
    xs = rng.standard_normal((5, 6)).astype(np.float32)

    def loss(m):
        return lambda w, x: m.sum(m.tanh(x @ w) ** 2)
    ours = ft.jit(ft.vmap(ft.grad(loss(fnp)), in_axes=(None, 0)))(w, xs)
    theirs = jax.vmap(jax.grad(loss(jnp)), in_axes=(None, 0))(w, xs)
    assert_close(ours, theirs, rtol=1e-5, atol=1e-5)


# ---- reduce_max jvp: one operand read through a barrier, no argmax ----------------------

def test_reduce_max_jvp_reads_its_operand_once_through_a_barrier():
    """The extremum and the tie mask read one materialized operand, so XLA cannot recompute
    a fused operand with other rounding in each; no argmax (an extra reduction kernel for
    XLA to compile)."""
    def f(m):
        return lambda x: m.sum(m.max(x * 2.0 + 1.0, axis=1)) + m.sum(m.min(x, axis=0))
    x = np.array([[1.0, 3.0, 3.0], [5.0, 0.0, 5.0]], np.float32)
    eqns = ft.make_jaxpr(ft.grad(f(fnp)))(x).jaxpr.eqns
    barriers = [e for e in eqns if e.primitive.name == "optimization_barrier"]
    assert len(barriers) == 2
    for b in barriers:
        users = {e.primitive.name for e in eqns if b.outvars[0] in e.inputs}
        assert users in ({"reduce_max", "eq"}, {"reduce_min", "eq"}), users
    assert not {e.primitive.name for e in eqns} & {"argmax", "argmin", "iota"}
    want = jax.grad(f(jnp))(x)
    assert_close(ft.grad(f(fnp))(x), want)
    assert_close(ft.jit(ft.grad(f(fnp)))(x), want)


def test_reduce_max_grad_has_no_gather_or_scatter():
    jaxpr = ft.make_jaxpr(ft.grad(lambda x: fnp.sum(fnp.max(x, axis=1) ** 2)))(
        np.ones((3, 4), np.float32))
    names = {e.primitive.name for e in jaxpr.jaxpr.eqns}
    assert not names & {"gather", "scatter", "scatter-add", "scatter_add"}
    x = np.array([[1.0, 3.0, 3.0, 2.0], [5.0, 0.0, 5.0, 5.0]], np.float32)
    assert_close(ft.jit(ft.grad(lambda x: fnp.sum(fnp.max(x, axis=1) ** 2)))(x),
                 jax.grad(lambda x: jnp.sum(jnp.max(x, axis=1) ** 2))(x))


# ---- tracing with the cyclic GC paused ---------------------------------------------------

def test_tracing_pauses_gc_and_restores_it():
    seen = []

    def f(x):
        seen.append(gc.isenabled())
        return x * 2.0
    assert gc.isenabled()
    ft.make_jaxpr(f)(1.0)
    assert seen == [False] and gc.isenabled()

    def bad(x):
        raise ValueError("boom")
    with pytest.raises(ValueError, match="boom"):
        ft.jit(bad)(1.0)
    assert gc.isenabled()
    gc.disable()
    try:
        ft.make_jaxpr(f)(2.0)
        assert not gc.isenabled()  # a caller's choice is kept
    finally:
        gc.enable()
