"""64-bit mode: dtype canonicalization, defaults and promotion as JAX's with x64 off and
on; programs traced, transformed, lowered and run in float64; eager == jit; check_grads
to third order in float64; jit caches across toggling the mode."""

from __future__ import annotations

import warnings

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from op_records import ALL_RECORDS, F32, make_operand
from oracle import BOTH, FT, JAX, assert_close, to_np, x64_mode

import functrans as ft
import functrans.numpy as fnp
from functrans.test_util import check_grads


@pytest.fixture(params=[False, True], ids=["x32", "x64"])
def x64(request):
    with x64_mode(request.param):
        yield request.param


def _tol(x64_on):
    return dict(rtol=1e-12, atol=1e-12) if x64_on else dict(rtol=2e-5, atol=2e-5)


# ---- dtype rules: the same expressions under functrans and JAX ---------------------------

_I64 = np.arange(3, dtype=np.int64)
_U64 = np.arange(3, dtype=np.uint64)
_F64 = np.linspace(-1, 1, 3)
_I32, _U32 = _I64.astype(np.int32), _U64.astype(np.uint32)
_I8, _B = _I64.astype(np.int8), np.array([True, False, True])

DTYPE_CASES = {
    "asarray_f64": lambda m: m.np.asarray(_F64),
    "asarray_i64": lambda m: m.np.asarray(_I64),
    "py_float": lambda m: m.np.asarray(1.5),
    "py_int": lambda m: m.np.asarray(7),
    "py_complex": lambda m: m.np.asarray(1 + 2j),
    "list": lambda m: m.np.array([1, 2.5]),
    "zeros": lambda m: m.np.zeros(2),
    "ones_int": lambda m: m.np.ones(2, int),
    "arange_int": lambda m: m.np.arange(3),
    "arange_float": lambda m: m.np.arange(3.0),
    "linspace": lambda m: m.np.linspace(0, 1, 4),
    "i32_u32": lambda m: m.np.asarray(_I32) + m.np.asarray(_U32),
    "i64_u64": lambda m: m.np.asarray(_I64) + m.np.asarray(_U64),
    "f32_i64": lambda m: m.np.asarray(_F64.astype(np.float32)) * m.np.asarray(_I64),
    "i8_weak_float": lambda m: m.np.asarray(_I8) * 2.5,
    "f64_weak_int": lambda m: m.np.asarray(_F64) + 2,
    "mean_int": lambda m: m.np.mean(m.np.asarray(_I32)),
    "sum_bool": lambda m: m.np.sum(m.np.asarray(_B)),
    "sum_i8": lambda m: m.np.sum(m.np.asarray(_I8)),
    "cumsum_bool": lambda m: m.np.cumsum(m.np.asarray(_B)),
    "argmax": lambda m: m.np.argmax(m.np.asarray(_F64)),
    "argsort": lambda m: m.np.argsort(m.np.asarray(_F64)),
    "sqrt_int": lambda m: m.np.sqrt(m.np.asarray(_I32)),
    "true_divide_int": lambda m: m.np.asarray(_I32) / 2,
    "nonzero": lambda m: m.np.nonzero(m.np.asarray(_F64))[0],
    "where_size": lambda m: m.np.where(m.np.asarray(_F64) > 0, size=2)[0],
    "argwhere": lambda m: m.np.argwhere(m.np.asarray(_F64)),
    "unique_counts": lambda m: m.np.unique(_I64, return_counts=True)[1],
    "unique_values": lambda m: m.np.unique(_I64),
    "jit_weak": lambda m: m.jit(lambda x: x + 1)(3),
    "jit_f64": lambda m: m.jit(lambda x: x * 2.0)(_F64),
}


@pytest.mark.parametrize("name", sorted(DTYPE_CASES))
def test_dtypes_match_jax(x64, name):
    fn = DTYPE_CASES[name]
    got, want = fn(FT), fn(JAX)
    assert got.dtype == want.dtype, f"{name}: {got.dtype} != {want.dtype} (x64={x64})"
    assert got.weak_type == want.weak_type, name
    assert_close(got, to_np(want), **_tol(x64))


_LATTICE = [np.bool_, np.int8, np.uint8, np.int16, np.int32, np.uint32, np.int64, np.uint64,
            jnp.bfloat16, np.float16, np.float32, np.float64, np.complex64, np.complex128,
            1, 1.0, 1j]


def test_promotion_lattice_matches_jax(x64):
    for a in _LATTICE:
        for b in _LATTICE:
            assert fnp.result_type(a, b) == jnp.result_type(a, b), (a, b, x64)


def test_explicit_64bit_request_warns_only_with_x64_off(x64):
    for m in BOTH:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = m.np.zeros(2, m.np.float64)
            m.np.asarray([1.0], dtype=np.int64)
        assert out.dtype == (np.float64 if x64 else np.float32)
        assert bool(caught) == (not x64), (m.name, [str(w.message) for w in caught])


# ---- programs: eager, jit, grad, vmap in both modes ---------------------------------------

PROGRAMS = {
    "sin_exp": lambda m, x: m.np.sum(m.np.sin(x) * m.np.exp(-x ** 2)),
    "tanh_matmul": lambda m, x: m.np.mean(m.np.tanh(x @ x.T * 0.3)),
    "logsumexp": lambda m, x: m.np.max(x) + m.np.log(m.np.sum(m.np.exp(x - m.np.max(x)))),
    "rational": lambda m, x: m.np.sum(x ** 3 / (1.0 + x * x) + m.np.log1p(x * x)),
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_programs_match_jax(x64, name):
    fn = PROGRAMS[name]
    x = np.random.default_rng(0).standard_normal((3, 4))
    tol = _tol(x64)
    for transform in ("eager", "jit", "grad", "jit_grad", "vmap"):
        outs = []
        for m in BOTH:
            f = (lambda v, m=m: fn(m, v))
            f = {"eager": f, "jit": m.jit(f), "grad": m.ft.grad(f),
                 "jit_grad": m.jit(m.ft.grad(f)), "vmap": m.ft.vmap(f)}[transform]
            # JAX's reference runs compiled (its eager mode compiles every op: slow).
            outs.append(f(x) if m is FT else jax.jit(f)(x))
        assert outs[0].dtype == (np.float64 if x64 else np.float32)
        assert_close(outs[0], to_np(outs[1]), **tol)


def test_64bit_resolution(x64):
    """1 + 1e-10 is distinguishable from 1 only in 64-bit mode (eager and jit, as JAX)."""
    for m in BOTH:
        f = lambda x: (x + 1e-10) - x  # noqa: E731
        for g in (f, m.jit(f)):
            out = float(g(m.np.ones(())))
            assert (out != 0.0) == x64, (m.name, out)


# ---- every op record in float64: eager vs JAX, jit vs eager --------------------------------

# dynamic_slice's record mixes an int32 index with a Python int, which JAX refuses in x64.
_F64_RECORDS = [r for r in ALL_RECORDS if F32 in r.dtypes and r.name != "dynamic_slice"]


@pytest.mark.parametrize("rec", _F64_RECORDS, ids=lambda r: r.name)
def test_records_float64(rec):
    rng = np.random.default_rng(1)
    shapes = rec.operand_shapes(rec.shapes[min(1, len(rec.shapes) - 1)])
    args = [make_operand(rng, s, np.float64, rec.domain) for s in shapes]
    if rec.name == "select_n":
        args[0] = rng.random(shapes[0]) > 0.5
    with x64_mode(True):
        want = to_np(rec.jx(*args))
        eager = rec.ft(*args)
        jitted = ft.jit(rec.ft)(*args)
    for got in (eager, jitted):
        assert_close(got, want, rtol=1e-9, atol=1e-9)


# ---- check_grads in float64 -----------------------------------------------------------------

NONLINEAR = {
    "sin_exp": lambda x: fnp.sin(x) * fnp.exp(x),
    "tanh_log": lambda x: fnp.tanh(x) * fnp.log1p(x * x),
    "rational": lambda x: x ** 3 / (1.0 + x * x),
    "softplus_sqrt": lambda x: fnp.logaddexp(x, 0.0) * fnp.sqrt(1.0 + x * x),
    "mlp": lambda x: fnp.sum(fnp.tanh(fnp.tanh(x @ x.T) @ x)),
}


@pytest.mark.parametrize("name", sorted(NONLINEAR))
def test_check_grads_order3_float64(name):
    x = np.random.default_rng(2).standard_normal((2, 3)) * 0.7
    with x64_mode(True):
        check_grads(NONLINEAR[name], (x,), order=3, modes=("fwd", "rev"))


def test_check_grads_float64_catches_small_derivative_error():
    """A derivative off by 1e-4 (relative) passes float32's tolerance but not float64's."""
    @ft.custom_jvp
    def f(x):
        return fnp.sin(x)

    f.defjvp(lambda p, t: (fnp.sin(p[0]), fnp.cos(p[0]) * t[0] * (1 + 1e-4)))
    x = np.array([0.3, 0.7])
    check_grads(f, (x.astype(np.float32),), order=1, modes=("fwd",))
    with x64_mode(True):
        with pytest.raises(AssertionError, match="check_grads"):
            check_grads(f, (x,), order=1, modes=("fwd",))


# ---- caches across toggling x64 ----------------------------------------------------------

def test_jit_cache_keys_on_x64():
    traces = []

    @ft.jit
    def f(x):
        traces.append(1)
        return x * 2.0 + fnp.arange(3)

    x = np.ones(3)
    with x64_mode(False):
        a = f(fnp.asarray(x))
        a2 = f(fnp.asarray(x))
    with x64_mode(True):
        b = f(fnp.asarray(x))
        c = f(fnp.asarray(x, dtype=np.float32))  # f32 input; arange is int64 now
    with x64_mode(False):
        d = f(fnp.asarray(x))
    assert (a.dtype, a2.dtype, b.dtype, c.dtype, d.dtype) == (np.float32, np.float32,
                                                             np.float64, np.float32,
                                                             np.float32)
    # One trace each: x32/f32, x64/f64, x64/f32 (a different program: int64 arange);
    # switching back to x32 reuses the first trace, never an x64 one.
    assert len(traces) == 3
    np.testing.assert_array_equal(np.asarray(d), [2.0, 3.0, 4.0])


def test_grad_and_vmap_of_jit_in_x64():
    f = ft.jit(lambda x: fnp.sum(fnp.sin(x) ** 2))
    x = np.linspace(0.1, 1.0, 4)
    with x64_mode(True):
        g = ft.grad(f)(x)
        v = ft.vmap(ft.grad(f))(np.stack([x, 2 * x]))
        want = jax.grad(lambda x: jnp.sum(jnp.sin(x) ** 2))(x)
    assert g.dtype == np.float64 and v.dtype == np.float64
    np.testing.assert_allclose(np.asarray(g), np.asarray(want), rtol=1e-13)
    np.testing.assert_allclose(np.asarray(v)[0], np.asarray(want), rtol=1e-13)


X64_GOLDEN = {
    "sin_mul": (lambda m: (lambda x: m.lax.sin(x) * 2.0), (np.ones(3),)),
    "weak_int": (lambda m: (lambda x: x + 1), (np.arange(3),)),
    "py_float": (lambda m: (lambda x: m.np.exp(x) - 0.5), (1.0,)),
    "complex": (lambda m: (lambda z: m.np.abs(z * 1j)), (np.ones(2, np.complex128),)),
    "reduce": (lambda m: (lambda x: m.np.sum(m.np.tanh(x), axis=0)), (np.ones((2, 3)),)),
}


@pytest.mark.parametrize("name", sorted(X64_GOLDEN))
def test_jaxpr_text_matches_jax_in_x64(name):
    make, args = X64_GOLDEN[name]
    with x64_mode(True):
        ours = str(ft.make_jaxpr(make(FT))(*args))
        theirs = str(jax.make_jaxpr(make(JAX))(*args))
    assert ours == theirs.replace(" out_sharding=None", "")


def test_eval_jaxpr_literals_keep_their_dtype_across_modes():
    """A jaxpr traced in one mode evaluates unchanged in the other: its scalar literals
    keep their staged dtype (a bare Python float would become float64 in x64 mode)."""
    closed = ft.make_jaxpr(lambda x: x * 2.0 + 1)(np.ones(3, np.float32))
    with x64_mode(True):
        (out,) = ft.eval_jaxpr(closed.jaxpr, closed.consts, np.ones(3, np.float32))
        closed64 = ft.make_jaxpr(lambda x: x * 2.0)(np.ones(2))
    assert out.dtype == np.float32
    np.testing.assert_array_equal(np.asarray(out), [3.0, 3.0, 3.0])
    assert "f64" in str(closed64)
