"""Every differentiable op record: jvp vs jax.jvp, vjp vs jax.vjp, derivatives vs
central finite differences, and the transpose identity over every linear operand."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from op_records import ALL_RECORDS, make_operand
from oracle import FT, JAX, assert_close, assert_same, to_np

import functrans as ft
from functrans.test_util import check_grads

FLOAT_KINDS = "fV"  # V: bfloat16 as ml_dtypes reports it


def _float_dtypes(rec):
    return tuple(d for d in rec.dtypes if np.dtype(d).kind in FLOAT_KINDS)


# Records whose primitives have no jvp rule yet (reported as missing, not silently skipped).
KNOWN_MISSING: set[str] = set()
KNOWN_MISSING_PREFIXES: tuple[str, ...] = ()
# Discontinuous: central differences straddle the jumps.
NO_FINITE_DIFFERENCES = {"rem"}
# The NaN fill of out-of-bounds windows makes central differences NaN (jvp/vjp give 0 there).
NO_FINITE_DIFFERENCES |= {"gather_fill"}
# Only first derivatives available (the second needs a rule that does not exist yet).
FIRST_ORDER_ONLY = {"lgamma", "igamma"}  # igamma's a-derivative has none (as in JAX)
# JAX oracles that jax.jvp cannot differentiate as written in op_records (raw primitive
# binds, or lax.clamp with rank-0 bounds): the same math through differentiable JAX calls.
JAX_DIFFERENTIABLE = {
    "reduce_sum": lambda x: jnp.sum(x, axis=(0, 2)),
    "reduce_max": lambda x: jnp.max(x, axis=1),
    # jax.lax.scatter_mul has no update gradient for duplicate indices: the record's
    # indices ([1], [1], [-1] dropped) written as a differentiable set of the product.
    "scatter_mul": lambda x, u: x.at[1].set(x[1] * u[0] * u[1]),
    "clamp": lambda lo, x, hi: jax.lax.clamp(jnp.broadcast_to(lo, x.shape), x,
                                             jnp.broadcast_to(hi, x.shape)),
}


def _missing(rec) -> bool:
    return rec.name in KNOWN_MISSING or rec.name.startswith(KNOWN_MISSING_PREFIXES)


def _jx(rec):
    return JAX_DIFFERENTIABLE.get(rec.name, rec.jx)


DIFF_RECORDS = [r for r in ALL_RECORDS if r.differentiable and _float_dtypes(r)
                and not _missing(r)]
LINEAR_RECORDS = [(r, i) for r in ALL_RECORDS if _float_dtypes(r) and not _missing(r)
                  for i in r.linear_in]


def _draw(data, rec, dtypes):
    choice = data.draw(st.sampled_from(rec.shapes), label="shape")
    dtype = data.draw(st.sampled_from(dtypes), label="dtype")
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16), label="seed"))
    shapes = rec.operand_shapes(choice)
    args = [make_operand(rng, s, dtype, rec.domain) for s in shapes]
    if rec.name == "select_n":
        args[0] = rng.random(shapes[0]) > 0.5
    return args, rng


def _tangent(rng, x):
    x = np.asarray(x)
    if x.dtype.kind not in FLOAT_KINDS:
        return np.zeros(x.shape, jax.dtypes.float0)
    return rng.standard_normal(x.shape).astype(x.dtype)


def _tol(rec, dtype):
    low = np.dtype(dtype).itemsize <= 2
    return dict(rtol=5e-2, atol=5e-2) if low else dict(rtol=1e-4, atol=1e-4, **{})


@pytest.mark.parametrize("rec", DIFF_RECORDS, ids=lambda r: r.name)
@settings(max_examples=4)  # ~100 records x 3 properties: keep the suite fast
@given(data=st.data())
def test_jvp_matches_jax(rec, data):
    args, rng = _draw(data, rec, _float_dtypes(rec))
    tangents = [_tangent(rng, a) for a in args]
    y, t = ft.jvp(rec.ft, args, tangents)
    y_ref, t_ref = jax.jvp(_jx(rec), args, tangents)
    tol = _tol(rec, args[-1].dtype)
    assert_close(y, to_np(y_ref), **tol)
    assert_close(t, to_np(t_ref), **tol)


@pytest.mark.parametrize("rec", DIFF_RECORDS, ids=lambda r: r.name)
@settings(max_examples=4)
@given(data=st.data())
def test_vjp_matches_jax(rec, data):
    args, rng = _draw(data, rec, _float_dtypes(rec))
    y, pullback = ft.vjp(rec.ft, *args)
    y_ref, pullback_ref = jax.vjp(_jx(rec), *args)
    ct = _tangent(rng, to_np(y_ref))
    tol = _tol(rec, args[-1].dtype)
    for got, want in zip(pullback(ct), pullback_ref(ct), strict=True):
        want = np.asarray(want)
        if want.dtype == jax.dtypes.float0:
            assert np.asarray(got).dtype == want.dtype
        else:
            assert_close(got, want, **tol)


@pytest.mark.parametrize("rec", [r for r in DIFF_RECORDS if np.float32 in r.dtypes
                                 and r.name not in NO_FINITE_DIFFERENCES],
                         ids=lambda r: r.name)
def test_finite_differences(rec):
    rng = np.random.default_rng(0)
    args = [make_operand(rng, s, np.float32, rec.domain)
            for s in rec.operand_shapes(rec.shapes[-1])]
    if rec.name == "select_n":
        args[0] = rng.random(args[0].shape) > 0.5
    if rec.name.startswith(("max", "min", "reduce_max")):
        args = [a + np.float32(0.01) * i for i, a in enumerate(args)]  # keep away from ties
    order = 1 if rec.name in FIRST_ORDER_ONLY else 2
    check_grads(rec.ft, args, order=order, modes=("fwd", "rev"), eps=1e-2, atol=5e-2, rtol=5e-2)


@pytest.mark.parametrize("rec,pos", LINEAR_RECORDS, ids=lambda x: str(getattr(x, "name", x)))
@settings(max_examples=4)
@given(data=st.data())
def test_transpose_identity(rec, pos, data):
    """<ct, f_lin(t)> == <f_vjp(ct), t> with f_lin from linearize and f_vjp from vjp,
    both with respect to operand ``pos`` (the others fixed)."""
    args, rng = _draw(data, rec, _float_dtypes(rec))

    def f_pos(x):
        full = list(args)
        full[pos] = x
        return rec.ft(*full)

    t = _tangent(rng, args[pos])
    _, f_lin = ft.linearize(f_pos, args[pos])
    y_dot = np.asarray(f_lin(t))
    out, f_vjp = ft.vjp(f_pos, args[pos])
    ct = _tangent(rng, np.asarray(out))
    (ct_in,) = f_vjp(ct)
    assert np.asarray(ct_in).shape == t.shape and np.asarray(ct_in).dtype == t.dtype
    lhs = np.sum(y_dot.astype(np.float64) * ct.astype(np.float64))
    rhs = np.sum(np.asarray(ct_in, np.float64) * t.astype(np.float64))
    tol = 5e-2 if t.dtype.itemsize <= 2 else 1e-4
    np.testing.assert_allclose(lhs, rhs, rtol=tol, atol=tol * max(1.0, abs(lhs)))


@pytest.mark.parametrize("rec", [r for r, i in LINEAR_RECORDS if i == r.linear_in[0]
                                 and len(r.linear_in) == r.nargs == 1], ids=lambda r: r.name)
def test_linear_transpose_of_unary_linear_ops(rec):
    """linear_transpose (the transpose rule alone) on the one-operand linear ops."""
    rng = np.random.default_rng(0)
    dtype = _float_dtypes(rec)[0]
    (x,) = [make_operand(rng, s, dtype, rec.domain) for s in rec.operand_shapes(rec.shapes[0])]
    y = np.asarray(rec.ft(x))
    ct = _tangent(rng, y)
    (got,) = ft.linear_transpose(rec.ft, x)(ct)
    (want,) = jax.linear_transpose(_jx(rec), x)(ct)
    assert_close(got, to_np(want), **_tol(rec, dtype))


# ---- second order at special points: jvp-of-grad and grad-of-jvp vs JAX --------------------
SPECIAL_POINTS = {
    "any": (0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 6.0),
    "positive": (1.0, 0.5, 2.0, 4.0, 0.25),
    "unit": (0.0, 0.5, -0.5, 0.25),
    "ge1": (1.5, 2.0, 3.0),
    "nonzero": (1.0, -1.0, 0.5, -2.0, 2.0),
}
# scatter_mul with duplicate indices differentiates the updates as P / u, by design exact
# only where they are nonzero (JAX has no rule there and raises): its points avoid 0.
SPECIAL_DOMAIN = {"scatter_mul": "nonzero"}
SECOND_ORDER_RECORDS = [r for r in DIFF_RECORDS if np.float32 in r.dtypes
                        and r.name not in FIRST_ORDER_ONLY]


def _special_operands(rec):
    """float32 operands cycling through the domain's special values; every later operand
    of the same shape ties with the first one on every other element (max/min/atan2 ties)."""
    points = np.asarray(SPECIAL_POINTS[SPECIAL_DOMAIN.get(rec.name, rec.domain)], np.float32)
    args = []
    for k, shape in enumerate(rec.operand_shapes(rec.shapes[-1])):
        n = int(np.prod(shape, dtype=int))
        x = np.roll(np.resize(points, n), k).reshape(shape)
        if k and shape == args[0].shape:
            x = np.where(np.arange(n).reshape(shape) % 2 == 0, args[0], x)
        args.append(x.astype(np.float32))
    if rec.name == "select_n":
        args[0] = np.arange(args[0].size).reshape(args[0].shape) % 2 == 0
    return args


def _dyadic(rng, shape):
    return (rng.integers(-4, 5, shape) / 4).astype(np.float32)


def _second_order(m, fun, args, out_shape):
    """(jvp of grad, grad of jvp) of ``sum(w * fun(args))`` w.r.t. the float operands,
    with fixed dyadic tangents and weights ``w``."""
    pos = tuple(i for i, a in enumerate(args) if a.dtype.kind == "f")
    rng = np.random.default_rng(1)
    tangents = tuple(_dyadic(rng, args[i].shape) for i in pos)
    weights = _dyadic(rng, out_shape)

    def f(*floats):
        full = list(args)
        for i, x in zip(pos, floats, strict=True):
            full[i] = x
        return fun(*full)

    def scalar(*floats):
        return m.np.sum(f(*floats) * weights)

    def jvp_out(*floats):
        return m.np.sum(m.ft.jvp(f, floats, tangents)[1] * weights)

    floats = tuple(args[i] for i in pos)
    argnums = tuple(range(len(pos)))
    jvp_of_grad = m.ft.jvp(m.ft.grad(scalar, argnums), floats, tangents)[1]
    grad_of_jvp = m.ft.grad(jvp_out, argnums)(*floats)
    return jvp_of_grad, grad_of_jvp


@pytest.mark.parametrize("rec", SECOND_ORDER_RECORDS, ids=lambda r: r.name)
def test_second_order_at_special_points(rec):
    """jvp(grad(f)) and grad(jvp(f)) of every differentiable primitive against JAX at
    special points (0, +-1, kinks, ties between operands); NaN/inf positions exactly."""
    args = _special_operands(rec)
    out_shape = jax.eval_shape(_jx(rec), *args).shape
    want = jax.jit(lambda *a: _second_order(JAX, _jx(rec), list(a), out_shape))(*args)
    got = _second_order(FT, rec.ft, args, out_shape)
    assert_same(got, want, rtol=1e-3, atol=1e-3)
