"""Complex numbers end to end, against JAX on the same programs: the complex/real/imag/
conj primitives and the elementwise primitives on complex values (eager, jit, jvp, vjp,
vmap), dot_general and reductions, functrans.numpy's complex functions, JAX's autodiff
conventions (grad of a real function of complex inputs, holomorphic=True, the errors),
and complex128 under 64-bit mode checked against finite differences."""

from __future__ import annotations

import jax
import numpy as np
import pytest
from oracle import BOTH, FT, JAX, assert_close, to_np, x64_mode

import functrans as ft
import functrans.numpy as fnp
from functrans.test_util import check_grads

TOL = dict(rtol=2e-5, atol=2e-5)


def _z(shape=(3,), seed=0, dtype=np.complex64):
    """Values away from branch cuts and zeros: real part in [0.2, 0.7], imag +-[0.1, 0.6]."""
    rng = np.random.default_rng(seed)
    re = rng.uniform(0.2, 0.7, shape)
    im = rng.uniform(0.1, 0.6, shape) * rng.choice([-1, 1], shape)
    return (re + 1j * im).astype(dtype)


UNARY = {
    "neg": lambda m, z: m.lax.neg(z), "exp": lambda m, z: m.lax.exp(z),
    "log": lambda m, z: m.lax.log(z), "sin": lambda m, z: m.lax.sin(z),
    "cos": lambda m, z: m.lax.cos(z), "tan": lambda m, z: m.lax.tan(z),
    "tanh": lambda m, z: m.lax.tanh(z), "sinh": lambda m, z: m.lax.sinh(z),
    "cosh": lambda m, z: m.lax.cosh(z), "sqrt": lambda m, z: m.lax.sqrt(z),
    "rsqrt": lambda m, z: m.lax.rsqrt(z), "expm1": lambda m, z: m.lax.expm1(z),
    "log1p": lambda m, z: m.lax.log1p(z), "square": lambda m, z: m.lax.square(z),
    "integer_pow": lambda m, z: m.lax.integer_pow(z, 3),
    "logistic": lambda m, z: m.lax.logistic(z), "exp2": lambda m, z: m.lax.exp2(z),
    "asin": lambda m, z: m.lax.asin(z), "acos": lambda m, z: m.lax.acos(z),
    "atan": lambda m, z: m.lax.atan(z), "asinh": lambda m, z: m.lax.asinh(z),
    "acosh": lambda m, z: m.lax.acosh(z + 2.0), "atanh": lambda m, z: m.lax.atanh(z),
    "abs": lambda m, z: m.lax.abs(z), "sign": lambda m, z: m.lax.sign(z),
    "real": lambda m, z: m.lax.real(z), "imag": lambda m, z: m.lax.imag(z),
    "conj": lambda m, z: m.lax.conj(z),
    "add": lambda m, z: m.lax.add(z, z * 0.5), "sub": lambda m, z: m.lax.sub(z, 1.0 - z),
    "mul": lambda m, z: m.lax.mul(z, m.lax.sin(z)),
    "div": lambda m, z: m.lax.div(m.np.ones_like(z), z),
    "pow": lambda m, z: m.lax.pow(z, z * 0.5 + 0.25),
    "complex": lambda m, z: m.lax.complex(m.lax.real(z) * 2.0, m.lax.imag(z)),
    "conj_real": lambda m, z: m.lax.conj(m.lax.real(z)),
    "dot": lambda m, z: m.lax.dot(m.np.reshape(z, (3, 1)), m.np.reshape(z, (1, 3)) * 1j),
    "sum": lambda m, z: m.np.sum(z * z), "prod": lambda m, z: m.np.prod(z),
    "cumsum": lambda m, z: m.np.cumsum(z), "mean": lambda m, z: m.np.mean(z),
    "matvec": lambda m, z: m.np.outer(z, z) @ m.np.conj(z),
}


@pytest.mark.parametrize("name", sorted(UNARY))
def test_complex_ops_match_jax(name):
    fn = UNARY[name]
    z, t = _z(seed=1), _z(seed=2)
    f_ft, f_jx = (lambda v: fn(FT, v)), (lambda v: fn(JAX, v))
    y = jax.eval_shape(f_jx, z)
    ct = (_z(y.shape, seed=3) if y.dtype.kind == "c" else np.ones(y.shape, y.dtype))
    zs = np.stack([z, t])

    @jax.jit  # JAX's references in one compiled program (its eager mode compiles per op)
    def reference(z, t, ct, zs):
        return (f_jx(z), jax.jvp(f_jx, (z,), (t,))[1], jax.vjp(f_jx, z)[1](ct)[0],
                jax.vmap(f_jx)(zs))

    want, want_t, want_ct, want_v = to_np(reference(z, t, ct, zs))
    assert_close(f_ft(z), want, **TOL)  # eager NumPy impls
    assert_close(ft.jit(f_ft)(z), want, **TOL)  # XLA
    # Forward mode: the jvp (complex tangent), eager and under jit.
    assert_close(ft.jvp(f_ft, (z,), (t,))[1], want_t, **TOL)
    assert_close(ft.jit(lambda a, b: ft.jvp(f_ft, (a,), (b,))[1])(z, t), want_t, **TOL)
    # Reverse mode: the vjp with a complex (or real) cotangent, as JAX transposes.
    assert_close(ft.vjp(f_ft, z)[1](ct)[0], want_ct, **TOL)
    # vmap over a leading axis.
    assert_close(ft.vmap(f_ft)(zs), want_v, **TOL)


def test_lowering_of_complex_primitives():
    text = ft.jit(lambda z: ft.lax.complex(ft.lax.real(z), ft.lax.imag(ft.lax.conj(z)))
                  ).lower(_z()).as_text()
    for op in ("stablehlo.real", "stablehlo.imag", "stablehlo.complex"):
        assert op in text


# ---- JAX's autodiff conventions -------------------------------------------------------------

REAL_OF_COMPLEX = {
    "abs_sq": lambda m, z: m.np.sum(m.np.abs(z) ** 2),
    "abs": lambda m, z: m.np.sum(m.np.abs(z)),
    "real_sin": lambda m, z: m.np.sum(m.np.real(m.np.sin(z) * z)),
    "imag_exp": lambda m, z: m.np.sum(m.np.imag(m.np.exp(z)) * m.np.real(z)),
    "angle": lambda m, z: m.np.sum(m.np.angle(z)),
    "conj_mix": lambda m, z: m.np.real(m.np.sum(m.np.conj(z) * z * z)),
}


@pytest.mark.parametrize("name", sorted(REAL_OF_COMPLEX))
def test_grad_of_real_function_of_complex_input(name):
    fn, z = REAL_OF_COMPLEX[name], _z(seed=4)
    outs = [m.ft.grad(lambda v, m=m: fn(m, v))(z) for m in BOTH]
    assert outs[0].dtype == np.complex64
    assert_close(outs[0], to_np(outs[1]), **TOL)
    jitted = ft.jit(ft.grad(lambda v: fn(FT, v)))(z)
    assert_close(jitted, to_np(outs[1]), **TOL)


def test_grad_abs_squared_is_twice_conjugate():
    z = np.array(3 + 4j, np.complex64)
    assert complex(ft.grad(lambda v: fnp.abs(v) ** 2)(z)) == pytest.approx(6 - 8j)


HOLOMORPHIC = {
    "poly": lambda m, z: z ** 3 + 2.0 * z,
    "exp_sin": lambda m, z: m.np.exp(z) * m.np.sin(z),
    "log_sqrt": lambda m, z: m.np.log(z) / m.np.sqrt(z),
}


@pytest.mark.parametrize("name", sorted(HOLOMORPHIC))
def test_holomorphic_derivatives(name):
    fn, z = HOLOMORPHIC[name], _z(seed=5)
    for api in ("grad", "jacfwd", "jacrev"):
        outs = []
        for m in BOTH:
            f = (lambda v, m=m: fn(m, v))
            if api == "grad":
                outs.append(m.ft.grad(lambda v, f=f: m.np.sum(f(v)), holomorphic=True)(z))
            else:
                outs.append(getattr(m.ft, api)(f, holomorphic=True)(z))
        assert outs[0].dtype == np.complex64, api
        assert_close(outs[0], to_np(outs[1]), **TOL)


def test_jacobians_mixing_real_and_complex():
    x, z = np.linspace(0.2, 0.8, 3).astype(np.float32), _z(seed=6)
    for m in BOTH:  # computed by both, compared below
        m.res = (m.ft.jacfwd(lambda v, m=m: m.np.exp(1j * v))(x),  # real in, complex out
                 m.ft.jacrev(lambda v, m=m: m.np.abs(v * v))(z))  # complex in, real out
    for got, want in zip(FT.res, JAX.res, strict=True):
        assert_close(got, to_np(want), **TOL)
    del FT.res, JAX.res


def test_complex_autodiff_errors_as_jax():
    z, x = _z(seed=7), np.ones(3, np.float32)
    cases = [
        ("grad", lambda m: m.ft.grad(lambda v: m.np.sum(v * v))(z), "holomorphic=True"),
        ("grad_holo_real_in", lambda m: m.ft.grad(lambda v: m.np.sum(v), holomorphic=True)(x),
         "complex"),
        ("grad_holo_real_out", lambda m: m.ft.grad(lambda v: m.np.sum(m.np.abs(v)),
                                                   holomorphic=True)(z), "complex"),
        ("jacfwd", lambda m: m.ft.jacfwd(lambda v: v * 2.0)(z), "holomorphic=True"),
        ("jacrev", lambda m: m.ft.jacrev(lambda v: v * 2.0)(z), "holomorphic=True"),
    ]
    for name, call, pattern in cases:
        for m in BOTH:
            with pytest.raises(TypeError, match=pattern):
                call(m)
        with pytest.raises(TypeError, match=r"^\[(grad|jacfwd|jacrev)\]"):
            call(FT)
        assert name


# ---- functrans.numpy complex functions -----------------------------------------------------

NUMPY = {
    "real": lambda m, z, x: (m.np.real(z), m.np.real(x), z.real, x.real),
    "imag": lambda m, z, x: (m.np.imag(z), m.np.imag(x), z.imag, x.imag),
    "conj": lambda m, z, x: (m.np.conj(z), m.np.conjugate(x), z.conj()),
    "angle": lambda m, z, x: (m.np.angle(z), m.np.angle(z, deg=True), m.np.angle(x),
                              m.np.angle(-2.0), m.np.angle(m.np.arange(3) - 1)),
    "predicates": lambda m, z, x: (m.np.iscomplex(z), m.np.iscomplex(x), m.np.isreal(z),
                                   m.np.isreal(m.np.asarray([1 + 0j, 2j])),
                                   m.np.isreal(x)),
    "sort_complex": lambda m, z, x: (
        m.np.sort_complex(m.np.asarray([2 + 1j, 1 - 1j, 2 - 3j, 1 + 0j, -0.5j])),
        m.np.sort_complex(m.np.asarray([[5, 3, 4], [6, 9, 2]])),
        m.np.sort_complex(x),
        m.np.sort(m.np.asarray([2 + 1j, 1 - 1j, 2 - 3j, 1 + 0j, -0.5j])),
        m.np.argsort(m.np.asarray([2 + 1j, 1 - 1j, 2 - 3j, 1 + 0j, -0.5j])),
        m.lax.sort((z, m.np.arange(3)), num_keys=1)[1]),
    "promotion": lambda m, z, x: (x + 1j, m.np.asarray([1, 2 + 1j]), z * 2,
                                  m.np.asarray(x.astype(np.int32)) + z, x * z, z / 2),
    "abs_sign": lambda m, z, x: (m.np.abs(z), m.np.sign(z), m.np.absolute(z)),
    "finite": lambda m, z, x: tuple(
        f(m.np.asarray([1 + 1j, complex(np.inf, 1), complex(1, np.nan), complex(0, -np.inf)],
                       np.complex64))
        for f in (m.np.isfinite, m.np.isinf, m.np.isnan)),
    "reductions": lambda m, z, x: (m.np.sum(z), m.np.mean(z), m.np.prod(z), m.np.cumsum(z),
                                   m.np.cumprod(z), m.np.vdot(z, z), m.np.dot(z, z),
                                   m.np.vecdot(z, z * 1j)),
    "linalg": lambda m, z, x: (m.np.matmul(m.np.outer(z, z), z), m.np.einsum("i,i->", z, z)),
}


@pytest.mark.parametrize("name", sorted(NUMPY))
def test_numpy_complex_functions(name):
    z, x = _z(seed=8), np.linspace(-1.0, 1.0, 3).astype(np.float32)
    outs = {}
    for m in BOTH:
        outs[m.name] = NUMPY[name](m, m.np.asarray(z), m.np.asarray(x))
    for got, want in zip(outs["functrans"], outs["jax"], strict=True):
        assert_close(got, to_np(want), **TOL)
    jitted = ft.jit(lambda a, b: NUMPY[name](FT, a, b))(z, x)
    for got, want in zip(jitted, outs["jax"], strict=True):
        assert_close(got, to_np(want), **TOL)


def test_object_predicates():
    for m in BOTH:
        assert m.np.iscomplexobj(m.np.asarray(_z()))
        assert not m.np.iscomplexobj(m.np.ones(2))
        assert m.np.isrealobj(m.np.ones(2)) and not m.np.isrealobj(m.np.asarray(1j))


# ---- complex128 in 64-bit mode: vs JAX and vs finite differences ----------------------------

def test_complex128_programs_match_jax():
    z = _z((4,), seed=9, dtype=np.complex128)
    with x64_mode(True):
        for name, fn in {**HOLOMORPHIC, "abs": lambda m, v: m.np.abs(v) * v}.items():
            want = to_np(jax.jit(lambda v, fn=fn: fn(JAX, v))(z))
            for got in (fn(FT, z), ft.jit(lambda v, fn=fn: fn(FT, v))(z)):
                assert got.dtype == want.dtype, name
                assert_close(got, want, rtol=1e-12, atol=1e-12)
        g = ft.grad(lambda v: fnp.sum(fnp.abs(fnp.sin(v)) ** 2))(z)
        g_jax = jax.grad(lambda v: jax.numpy.sum(jax.numpy.abs(jax.numpy.sin(v)) ** 2))(z)
        assert g.dtype == np.complex128
        assert_close(g, to_np(g_jax), rtol=1e-12, atol=1e-12)


FD_FUNCS = {
    "holomorphic": lambda z: fnp.exp(z) * fnp.sin(z * z),
    "abs_conj": lambda z: fnp.abs(z) * fnp.conj(z) + fnp.real(z) ** 2,
    "to_real": lambda z: fnp.sum(fnp.abs(fnp.log(z)) ** 2),
}


@pytest.mark.parametrize("name", sorted(FD_FUNCS))
def test_complex128_check_grads(name):
    z = _z((3,), seed=10, dtype=np.complex128)
    with x64_mode(True):
        check_grads(FD_FUNCS[name], (z,), order=2, modes=("fwd", "rev"))
