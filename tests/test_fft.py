"""functrans.numpy.fft and lax.fft against JAX: values eager and under jit, gradients
(real losses of real and complex inputs, JAX's complex convention), the transpose
identity of every FFT type, vmap vs a loop, errors."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from oracle import assert_close, to_np

import functrans as ft
import functrans.numpy as fnp
from functrans import lax as flax

RNG = np.random.default_rng(2)
X = RNG.normal(size=(4, 6)).astype(np.float32)
C = (RNG.normal(size=(4, 6)) + 1j * RNG.normal(size=(4, 6))).astype(np.complex64)
X3 = RNG.normal(size=(2, 3, 4, 5)).astype(np.float32)

CASES = [
    ("fft", C, {}), ("fft", X, {"n": 8, "norm": "ortho"}), ("fft", C, {"n": 4, "axis": 0}),
    ("ifft", C, {"axis": 0, "norm": "forward"}), ("rfft", X, {"n": 5}),
    ("rfft", X, {"norm": "forward"}), ("irfft", C, {}), ("irfft", C, {"n": 7, "norm": "ortho"}),
    ("fft2", C, {}), ("ifft2", C, {"s": (3, 8)}), ("rfft2", X, {"s": (3, 4)}),
    ("irfft2", C, {}), ("fftn", X3, {}), ("irfftn", X3.astype(np.complex64), {}),
    ("ifftn", C, {"s": (5, 5)}),
    ("rfftn", X3, {"axes": (0, 2, 3)}), ("irfftn", C, {"axes": (0,)}), ("hfft", C, {}),
    ("hfft", C, {"n": 9, "norm": "ortho"}), ("ihfft", X, {"norm": "forward"}),
    ("fftshift", X, {}), ("ifftshift", X3, {"axes": (1, 3)}), ("fftshift", X, {"axes": 0}),
]


@pytest.mark.parametrize("name, x, kw", CASES, ids=[f"{c[0]}-{i}" for i, c in
                                                     enumerate(CASES)])
def test_numpy_fft_matches_jax(name, x, kw):
    want = np.asarray(getattr(jnp.fft, name)(x, **kw))
    f = lambda v: getattr(fnp.fft, name)(v, **kw)  # noqa: E731
    assert_close(np.asarray(f(x)), want, rtol=1e-5, atol=1e-5)
    assert_close(np.asarray(ft.jit(f)(x)), want, rtol=1e-5, atol=1e-5)


def test_fftfreq_rfftfreq_match_jax():
    for n, d in ((5, 0.1), (8, 1.0), (1, 2.0)):
        assert_close(np.asarray(fnp.fft.fftfreq(n, d)), np.asarray(jnp.fft.fftfreq(n, d)))
        assert_close(np.asarray(fnp.fft.rfftfreq(n, d)), np.asarray(jnp.fft.rfftfreq(n, d)))


def _loss(m, fn, x):
    y = fn(m, x)
    return m.numpy.sum(m.numpy.abs(y) ** 2 * m.numpy.arange(y.size).reshape(y.shape) % 3
                       + m.numpy.real(y) * 0.5)


GRAD_FNS = {
    "fft_real": (lambda m, x: m.numpy.fft.fft(x), X),
    "fft_complex": (lambda m, x: m.numpy.fft.fft2(x, norm="ortho"), C),
    "ifft_complex": (lambda m, x: m.numpy.fft.ifft(x, n=8), C),
    "rfft": (lambda m, x: m.numpy.fft.rfft(x, n=7), X),
    "rfftn": (lambda m, x: m.numpy.fft.rfftn(x), X3),
    "irfft_even": (lambda m, x: m.numpy.fft.irfft(x), C),
    "irfft_odd": (lambda m, x: m.numpy.fft.irfft(x, n=9, norm="forward"), C),
    "irfft2": (lambda m, x: m.numpy.fft.irfft2(x), C),
}


@pytest.mark.parametrize("name", sorted(GRAD_FNS))
def test_fft_gradients_match_jax(name):
    fn, x = GRAD_FNS[name]
    want = np.asarray(jax.grad(lambda v: _loss(jax, fn, v))(x))
    got = np.asarray(ft.grad(lambda v: _loss(ft, fn, v))(x))
    assert_close(got, want, rtol=1e-3, atol=1e-3)
    got_jit = np.asarray(ft.jit(ft.grad(lambda v: _loss(ft, fn, v)))(x))
    assert_close(got_jit, want, rtol=1e-3, atol=1e-3)


@pytest.mark.parametrize("fft_type, lengths, x", [
    ("FFT", (6,), C), ("IFFT", (4, 6), C), ("RFFT", (6,), X), ("IRFFT", (10,), C),
    ("IRFFT", (4, 11), C), ("RFFT", (4, 6), X)])
def test_transpose_identity(fft_type, lengths, x):
    """<ct, f(t)> == <f^T(ct), t> with the bilinear (unconjugated) pairing JAX uses."""
    f = lambda v: flax.fft(v, fft_type, lengths)  # noqa: E731
    y, f_vjp = ft.vjp(f, x)
    ya = np.asarray(y)
    ct = RNG.normal(size=ya.shape).astype(ya.dtype)
    if ya.dtype.kind == "c":
        ct = (ct + 1j * RNG.normal(size=ya.shape)).astype(ya.dtype)
    t = RNG.normal(size=x.shape).astype(x.dtype)
    if x.dtype.kind == "c":
        t = (t + 1j * RNG.normal(size=x.shape)).astype(x.dtype)
    (ct_in,) = f_vjp(ct)
    want = jax.vjp(lambda v: jax.lax.fft(v, fft_type, lengths), x)[1](ct)[0]
    assert_close(np.asarray(ct_in), np.asarray(want), rtol=1e-4, atol=1e-4)
    if fft_type not in ("RFFT", "IRFFT"):  # complex-linear: the identity holds exactly
        lhs = np.sum(ct * np.asarray(f(t)))
        rhs = np.sum(np.asarray(ct_in) * t)
        assert abs(lhs - rhs) < 1e-3 * max(1.0, abs(lhs))


def test_vmap_equals_loop_and_jvp():
    xs = RNG.normal(size=(3, 4, 6)).astype(np.float32)
    f = lambda v: fnp.fft.rfft2(v, s=(4, 5))  # noqa: E731
    got = np.asarray(ft.vmap(f, in_axes=2, out_axes=1)(np.moveaxis(xs, 0, 2)))
    want = np.stack([np.asarray(f(x)) for x in xs], axis=1)
    assert_close(got, want, rtol=1e-5, atol=1e-5)
    t = RNG.normal(size=X.shape).astype(np.float32)
    _, tan = ft.jvp(lambda v: fnp.fft.fft(v), (X,), (t,))
    assert_close(np.asarray(tan), np.asarray(jnp.fft.fft(t)), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("call, match", [
    (lambda: fnp.fft.fft(X, norm="bad"), r"\[fft\].*norm"),
    (lambda: fnp.fft.fft(X, axis=3), r"\[fft\].*axis 3"),
    (lambda: fnp.fft.fftn(X3, s=(2, 2), axes=(0, 1, 2)), r"\[fftn\].*same length"),
    (lambda: fnp.fft.fft2(X, axes=(0,)), r"\[fft2\].*two axes"),
    (lambda: flax.fft(X, "FFT", (6,)), r"\[fft\] FFT needs a complex operand"),
    (lambda: flax.fft(C, "IRFFT", (6,)), r"\[fft\] IRFFT.*\(4,\)"),
    (lambda: fnp.fft.rfft(C), r"\[rfft\] needs a real input"),
])
def test_bad_input_raises_named_error(call, match):
    with pytest.raises((ValueError, TypeError, NotImplementedError), match=match):
        call()


def test_lowered_text_has_stablehlo_fft():
    text = ft.jit(lambda v: fnp.fft.rfft(v)).lower(X).as_text()
    assert "stablehlo.fft" in text and "RFFT" in text
    assert to_np(flax.FftType.IRFFT) == 3


def test_check_grads_order2_float64():
    from oracle import x64_mode

    from functrans.test_util import check_grads
    with x64_mode(True):
        x = X.astype(np.float64)
        w = np.linspace(0.5, 1.5, 4 * 4).reshape(4, 4)
        check_grads(lambda v: fnp.sum(fnp.abs(fnp.fft.rfft(v, n=6)) ** 2 * w), (x,), order=2)
        check_grads(lambda v: fnp.sum(fnp.real(fnp.fft.fft2(v)) * fnp.sin(v)), (x,), order=2)
        check_grads(lambda u, v: fnp.sum(fnp.fft.irfft(flax.complex(u, v), n=9) ** 3),
                    (x, x[::-1].copy()), order=2)
