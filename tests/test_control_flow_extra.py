"""Control flow: error messages, printing, lowering structure, residuals, the bounded
while loop (``max_steps``), and hypothesis properties against Python loops."""

from __future__ import annotations

import jax
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from oracle import assert_close

import functrans as ft
import functrans.numpy as fnp
from functrans import lax

X = np.ones(3, np.float32)


# ---- errors (item 7): the API prefix, the leaf path, the avals and the fix -------------------

ERRORS = {
    "branch_avals": (lambda: lax.cond(True, lambda v: v["a"], lambda v: v["a"][:2], {"a": X}),
                     TypeError, ["[cond]", "f32[2]", "f32[3]", ".astype"]),
    "branch_leaf_path": (lambda: lax.cond(True, lambda v: {"a": v, "b": v},
                                          lambda v: {"a": v, "b": v.astype(np.int32)}, X),
                         TypeError, ["[cond]", "output['b']", "i32[3]"]),
    "branch_structure": (lambda: lax.cond(True, lambda v: {"a": v}, lambda v: (v,), X),
                         TypeError, ["[cond]", "structure"]),
    "pred_not_scalar": (lambda: lax.cond(X > 0, lambda v: v, lambda v: v, X),
                        TypeError, ["[cond]", "bool[3]", "scalar"]),
    "pred_float": (lambda: lax.cond(1.0, lambda v: v, lambda v: v, X),
                   TypeError, ["[cond]", "f32[]", "x > 0"]),
    "switch_index": (lambda: lax.switch(1.0, [lambda v: v, lambda v: v], X),
                     TypeError, ["[switch]", "f32[]", "int32"]),
    "scan_carry_int_float": (lambda: lax.scan(lambda c, x: (c + x, None), np.int32(0), X),
                             TypeError, ["[scan]", "carry is i32[]", "f32[]", "dtypes",
                                         "astype(fnp.float32)"]),
    "scan_carry_shape": (lambda: lax.scan(lambda c, x: ((c[0], c[1] * x), None),
                                          (0.0, np.float32(1)), np.ones((3, 2), np.float32)),
                         TypeError, ["[scan]", "carry[1]", "f32[]", "f32[2]"]),
    "scan_xs_lengths": (lambda: lax.scan(lambda c, x: (c, None), 0.0,
                                         {"a": np.ones(3), "b": np.ones(4)}),
                        ValueError, ["[scan]", "xs['a']", "xs['b']", "f32[4]"]),
    "scan_length": (lambda: lax.scan(lambda c, x: (c, None), 0.0, X, length=4),
                    ValueError, ["[scan]", "length=4", "3"]),
    "scan_no_length": (lambda: lax.scan(lambda c, x: (c, None), 0.0), ValueError,
                       ["[scan]", "length=N"]),
    "while_carry": (lambda: lax.while_loop(lambda c: c[0] < 3,
                                           lambda c: (c[0] + 1, c[1] * X), (0, np.float32(1))),
                    TypeError, ["[while_loop]", "carry[1]", "f32[]", "f32[3]", "shapes"]),
    "while_cond_not_bool": (lambda: lax.while_loop(lambda c: c, lambda c: c + 1, 0),
                            TypeError, ["[while_loop]", "boolean scalar"]),
    "while_grad": (lambda: ft.grad(lambda x: lax.while_loop(lambda c: c < 3.0,
                                                            lambda c: c * 2.0, x))(1.0),
                   TypeError, ["[while_loop]", "reverse-mode", "max_steps"]),
    "while_max_steps_exceeded": (lambda: lax.while_loop(lambda c: c < 3.0, lambda c: c * 2.0,
                                                        1.0, max_steps=1),
                                 RuntimeError, ["[while_loop]", "max_steps=1"]),
    "fori_unroll_traced": (lambda: ft.jit(lambda n: lax.fori_loop(0, n, lambda i, v: v, 1.0,
                                                                  unroll=2))(3),
                           ValueError, ["[fori_loop]", "unroll"]),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_error_messages(name):
    fn, exc, parts = ERRORS[name]
    with pytest.raises(exc) as info:
        fn()
    for p in parts:
        assert p in str(info.value), (p, str(info.value))


# ---- printing and lowering --------------------------------------------------------------------

def test_weak_initial_carry_is_promoted_as_in_jax():
    """A Python-scalar initial carry takes the body's dtype (JAX promotes it too)."""
    for m in (lax, jax.lax):
        out = m.while_loop(lambda c: c < 3, lambda c: c + 1.5, 0)
        assert_close(out, np.float32(3.0))
        c, _ = m.scan(lambda c, x: (c + x, None), 0, X)
        assert_close(c, np.float32(3.0))


def test_make_jaxpr_prints_branches_indented():
    text = str(ft.make_jaxpr(lambda p, x: lax.cond(p, fnp.sin, fnp.cos, x))(True, 1.0))
    assert text == """{ lambda ; a:bool[] b:f32[]. let
    c:i32[] = convert_element_type[new_dtype=int32 weak_type=False] a
    d:f32[] = cond[
      branches=(
        { lambda ; a:f32[]. let b:f32[] = cos a in (b,) }
        { lambda ; a:f32[]. let b:f32[] = sin a in (b,) }
        )
    ] c b
  in (d,) }"""


def test_make_jaxpr_prints_scan_body_indented():
    text = str(ft.make_jaxpr(lambda xs: lax.scan(lambda c, x: (c + x, c * x), 0.0, xs))(X))
    assert "scan[\n      jaxpr={ lambda ; " in text
    assert "length=3" in text and "num_carry=1" in text


def _scan_fn(xs):
    return lax.scan(lambda c, x: (c * 0.9 + fnp.sin(x), c), 0.0, xs)


def test_scan_lowers_to_one_while_independent_of_length():
    short = ft.jit(_scan_fn).lower(np.ones(10, np.float32)).as_text()
    long = ft.jit(_scan_fn).lower(np.ones(10_000, np.float32)).as_text()
    assert short.count("stablehlo.while") == long.count("stablehlo.while") == 1
    assert short.count("stablehlo.sine") == long.count("stablehlo.sine") == 1


def test_scan_unroll_emits_body_per_step_and_remainder():
    f = ft.jit(lambda xs: lax.scan(lambda c, x: (c * 0.9 + fnp.sin(x), c), 0.0, xs,
                                   unroll=3, reverse=True))
    xs = np.arange(10, dtype=np.float32)
    text = f.lower(xs).as_text()
    assert text.count("stablehlo.while") == 1 and text.count("stablehlo.sine") == 4
    want = jax.lax.scan(lambda c, x: (c * 0.9 + jax.numpy.sin(x), c), 0.0, xs, reverse=True)
    for a, b in zip(f(xs), want, strict=True):
        assert_close(a, b)


def test_cond_and_while_lowering_ops():
    assert "stablehlo.case" in ft.jit(lambda x: lax.cond(x > 0, fnp.sin, fnp.cos, x)
                                      ).lower(1.0).as_text()
    text = ft.jit(lambda x: lax.while_loop(lambda c: c < 5.0, lambda c: c + x, 0.0)
                  ).lower(1.0).as_text()
    assert text.count("stablehlo.while") == 1


def test_scan_residuals_do_not_stack_loop_invariants():
    """The weight closed over by an RNN body is a residual of the linearized scan, but a
    loop-invariant one: it is passed once, not stacked per iteration."""
    w = np.eye(3, dtype=np.float32) * 0.5

    def loss(h, xs):
        h, _ = lax.scan(lambda h, x: (fnp.tanh(w @ h + x), None), h, xs)
        return h.sum()

    jaxpr = ft.make_jaxpr(ft.grad(loss))(X, np.ones((7, 3), np.float32))
    scans = [e for e in jaxpr.eqns if e.primitive.name == "scan"]
    assert len(scans) == 2  # the known forward scan and the transposed one
    shapes = {v.aval.shape for e in scans for v in [*e.outvars, *e.inputs]
              if hasattr(v, "aval")}
    assert (7, 3, 3) not in shapes
    assert (7, 3) in shapes  # the per-step tanh residual is stacked


def test_lax_map_batch_size_vs_jax():
    xs = np.arange(14, dtype=np.float32).reshape(7, 2)
    ours = lax.map(lambda r: fnp.sin(r) * r.sum(), xs, batch_size=3)
    want = jax.lax.map(lambda r: jax.numpy.sin(r) * r.sum(), xs, batch_size=3)
    assert_close(ours, want)


def test_eager_equals_jit_for_every_primitive():
    def f(x, xs):
        c = lax.cond(x.sum() > 0, lambda v: v * 2.0, fnp.sin, x)
        c, ys = lax.scan(lambda c, x: (c * fnp.cos(x), c.sum()), c, xs, reverse=True)
        n = lax.while_loop(lambda s: s[0] < 4, lambda s: (s[0] + 1, s[1] * 1.5), (0, c))[1]
        return n, ys

    xs = np.linspace(0, 1, 12, dtype=np.float32).reshape(4, 3)
    for a, b in zip(f(X, xs), ft.jit(f)(X, xs), strict=True):
        assert_close(a, b)


# ---- the bounded while (max_steps) ------------------------------------------------------------

def _newton(x, max_steps=None):
    def body(c):
        i, v = c
        return i + 1, v - 0.5 * (v * v - x) / v
    return lax.while_loop(lambda c: (c[0] < 20) & (fnp.abs(c[1] * c[1] - x) > 1e-5), body,
                          (0, x + 1.0), max_steps=max_steps)[1]


def test_bounded_while_grad_matches_unrolled_jax():
    x = np.float32(2.0)
    ours = ft.grad(lambda x: _newton(x, max_steps=10))(x)
    jit_ours = ft.jit(ft.grad(lambda x: _newton(x, max_steps=10)))(x)

    v, steps = x + 1.0, 0  # the trip count, found in NumPy
    while steps < 20 and abs(v * v - x) > 1e-5:
        v, steps = v - 0.5 * (v * v - x) / v, steps + 1

    def newton_py(x):  # the same iteration, unrolled in Python, differentiated by JAX
        v = x + 1.0
        for _ in range(steps):
            v = v - 0.5 * (v * v - x) / v
        return v
    want = jax.grad(newton_py)(x)
    assert_close(ours, want)
    assert_close(jit_ours, want)


def test_bounded_while_nan_under_jit_when_exceeded():
    out = ft.jit(lambda x: _newton(x, max_steps=1))(np.float32(2.0))
    assert np.isnan(np.asarray(out))


# ---- properties -------------------------------------------------------------------------------

@given(st.lists(st.floats(-2, 2, width=32), min_size=1, max_size=6), st.booleans(),
       st.floats(-1, 1, width=32))
def test_scan_equals_python_loop(xs, reverse, init):
    xs = np.asarray(xs, np.float32)

    def step(c, x):
        return c * np.float32(0.5) + x * x, c - x

    carry, ys = lax.scan(step, np.float32(init), xs, reverse=reverse)
    c, want = np.float32(init), [None] * len(xs)
    for i in (reversed(range(len(xs))) if reverse else range(len(xs))):
        c, want[i] = step(c, xs[i])
    assert_close(carry, np.float32(c))
    assert_close(ys, np.asarray(want, np.float32))


def _affine(v):
    return v * 2.0 - 1.0


_COND = ft.jit(lambda p, x: lax.cond(p > 0, _affine, fnp.sin, x))  # compiled once


@given(st.floats(-3, 3, width=32), st.floats(-3, 3, width=32))
def test_cond_equals_python_if(p, x):
    x = np.float32(x)
    assert_close(_COND(np.float32(p), x), _affine(x) if p > 0 else np.sin(x))


@given(st.floats(0.125, 4.0, width=32), st.integers(1, 12))
def test_bounded_while_equals_while(x, max_steps):
    x = np.float32(x)
    unbounded = _newton(x)
    steps = int(lax.while_loop(lambda c: (c[0] < 20) & (fnp.abs(c[1] * c[1] - x) > 1e-5),
                               lambda c: (c[0] + 1, c[1] - 0.5 * (c[1] * c[1] - x) / c[1]),
                               (0, x + 1.0))[0])
    if steps <= max_steps:
        assert_close(_newton(x, max_steps=max_steps), unbounded)
        g = ft.grad(lambda x: _newton(x, max_steps=max_steps))(x)
        assert_close(g, ft.jacfwd(_newton)(x), rtol=1e-4, atol=1e-5)
    else:
        with pytest.raises(RuntimeError, match="max_steps"):
            _newton(x, max_steps=max_steps)


def test_scan_residuals_computed_from_consts_are_hoisted():
    """A residual computed from consts only (here exp(w)) is computed once, before the
    loop, not once per iteration and stacked."""
    w = np.eye(3, dtype=np.float32) * 0.5

    def loss(w, h, xs):
        h, _ = lax.scan(lambda h, x: (fnp.tanh(fnp.exp(w) @ h + x), None), h, xs)
        return h.sum()

    xs = np.ones((7, 3), np.float32)
    jaxpr = ft.make_jaxpr(ft.grad(loss, argnums=(0, 1)))(w, X, xs)
    shapes = {v.aval.shape for e in jaxpr.eqns if e.primitive.name == "scan"
              for v in [*e.outvars, *e.inputs] if hasattr(v, "aval")}
    assert (7, 3, 3) not in shapes
    want = jax.grad(lambda w, h: jax.lax.scan(
        lambda h, x: (jax.numpy.tanh(jax.numpy.exp(w) @ h + x), None), h, xs)[0].sum(),
        argnums=(0, 1))(w, X)
    for a, b in zip(ft.grad(loss, argnums=(0, 1))(w, X, xs), want, strict=True):
        assert_close(a, b, rtol=1e-5, atol=1e-6)
