"""Convolutions and window reductions vs JAX: values (eager and jit), jvp, vjp (the
transpose rules), vmap (lhs, rhs or both batched), lowering, and a small CNN's
gradients. Each program is written once over a namespace ``m`` (tests/oracle.py)."""

from __future__ import annotations

import jax
import numpy as np
import pytest

import functrans as ft
from tests.oracle import FT, JAX

RNG = np.random.default_rng(0)


def _r(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


def _close(got, want, tol=2e-5):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape and got.dtype == want.dtype, (got.shape, got.dtype,
                                                                 want.shape, want.dtype)
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol)


CONV_CASES = {
    "nchw_same": ((2, 3, 7, 6), (4, 3, 3, 2), dict(window_strides=(1, 1), padding="SAME")),
    "nhwc_strided": ((2, 7, 6, 3), (3, 2, 3, 4), dict(
        window_strides=(2, 1), padding="VALID", dimension_numbers=("NHWC", "HWIO", "NHWC"))),
    "1d_dilated_groups": ((2, 4, 9), (6, 2, 3), dict(
        window_strides=(2,), padding=[(2, -1)], lhs_dilation=(2,), rhs_dilation=(2,),
        feature_group_count=2)),
    "batch_groups": ((4, 3, 5, 5), (6, 3, 2, 2), dict(
        window_strides=(1, 2), padding=[(1, 0), (0, 1)], batch_group_count=2,
        rhs_dilation=(1, 2))),
    "depthwise_odd_layout": ((2, 6, 5), (6, 1, 3), dict(
        window_strides=(1,), padding="SAME", feature_group_count=6,
        dimension_numbers=("NCH", "OIH", "NHC"))),
    "3d_same_lower": ((1, 2, 4, 3, 5), (2, 2, 2, 2, 3), dict(
        window_strides=(1, 2, 1), padding="SAME_LOWER")),
}


def _conv_fn(m, kw):
    return lambda x, w: m.lax.conv_general_dilated(x, w, **kw)


@pytest.mark.parametrize("name", sorted(CONV_CASES))
def test_conv_general_dilated(name):
    xs, ws, kw = CONV_CASES[name]
    x, w = _r(*xs), _r(*ws)
    f, g = _conv_fn(FT, kw), _conv_fn(JAX, kw)
    want = g(x, w)
    _close(f(x, w), want)
    _close(ft.jit(f)(x, w), want)
    tx, tw = _r(*xs), _r(*ws)
    _close(ft.jvp(f, (x, w), (tx, tw))[1], jax.jvp(g, (x, w), (tx, tw))[1])
    ct = _r(*want.shape)
    got_ct = ft.jit(lambda x, w, ct: ft.vjp(f, x, w)[1](ct))(x, w, ct)
    for a, b in zip(got_ct, jax.vjp(g, x, w)[1](ct), strict=True):
        _close(a, b, 5e-5)
    xb, wb = np.stack([x, 2 * x]), np.stack([w, w - 1])
    for axes, args in (((0, 0), (xb, wb)), ((0, None), (xb, w)), ((None, 0), (x, wb))):
        _close(ft.vmap(f, in_axes=axes)(*args), jax.vmap(g, in_axes=axes)(*args), 5e-5)


def test_conv_eager_vjp_and_lowering():
    xs, ws, kw = CONV_CASES["batch_groups"]
    x, w = _r(*xs), _r(*ws)
    f, g = _conv_fn(FT, kw), _conv_fn(JAX, kw)
    ct = _r(*g(x, w).shape)
    for a, b in zip(ft.vjp(f, x, w)[1](ct), jax.vjp(g, x, w)[1](ct), strict=True):
        _close(a, b, 5e-5)
    assert "stablehlo.convolution" in ft.jit(f).lower(x, w).as_text()


def test_conv_wrappers():
    x, w = _r(2, 3, 6, 6), _r(4, 3, 3, 3)
    progs = [
        lambda m: m.lax.conv(x, w, (2, 1), "VALID"),
        lambda m: m.lax.conv_with_general_padding(x, w, (1, 1), [(1, 2), (0, 1)], (2, 1),
                                                  (1, 2)),
        lambda m: m.lax.conv_general_dilated(x, w, (1, 1), "SAME",
                                             preferred_element_type=np.float32),
        lambda m: m.lax.conv_general_dilated_patches(x, (2, 3), (1, 2), "SAME"),
        lambda m: m.lax.conv_general_dilated_patches(
            np.moveaxis(x, 1, -1), (3, 2), (1, 1), "VALID",
            dimension_numbers=("NHWC", "OIHW", "NCHW")),
    ]
    for prog in progs:
        _close(prog(FT), prog(JAX))
    xt = _r(2, 5, 4, 3)
    for pad in ("SAME", "VALID", [(1, 2), (0, 1)]):
        for wt, tk in ((_r(3, 3, 3, 2), False), (_r(3, 2, 2, 3), True)):
            prog = lambda m: m.lax.conv_transpose(xt, wt, (2, 2), pad,  # noqa: B023
                                                  transpose_kernel=tk)  # noqa: B023
            _close(prog(FT), prog(JAX))


WINDOW_CASES = {
    "max_pool": (lambda m: lambda x: m.lax.reduce_window(
        x, -m.np.inf, m.lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")),
    "sum_same": (lambda m: lambda x: m.lax.reduce_window(
        x, 0.0, m.lax.add, (1, 3, 3, 1), (1, 1, 2, 1), "SAME")),
    "min_padded_base_dilated": (lambda m: lambda x: m.lax.reduce_window(
        x, m.np.inf, m.lax.min, (1, 2, 3, 1), (1, 2, 1, 1), [(0, 0), (1, 0), (0, 2), (0, 0)],
        (1, 2, 1, 1))),
    "sum_dilated": (lambda m: lambda x: m.lax.reduce_window(
        x, 0.0, m.lax.add, (1, 2, 2, 1), (1, 1, 1, 1), "VALID", (1, 1, 2, 1), (1, 2, 1, 1))),
    "max_same_strided": (lambda m: lambda x: m.lax.reduce_window(
        x, -m.np.inf, m.lax.max, (1, 3, 3, 1), (1, 2, 2, 1), "SAME")),
}


@pytest.mark.parametrize("name", sorted(WINDOW_CASES))
def test_reduce_window(name):
    x = _r(2, 7, 6, 3)
    f, g = WINDOW_CASES[name](FT), WINDOW_CASES[name](JAX)
    want = g(x)
    _close(f(x), want)
    _close(ft.jit(f)(x), want)
    t = _r(*x.shape)
    _close(ft.jvp(f, (x,), (t,))[1], jax.jvp(g, (x,), (t,))[1])
    ct = _r(*want.shape)
    want_ct = jax.vjp(g, x)[1](ct)[0]
    _close(ft.vjp(f, x)[1](ct)[0], want_ct)
    _close(ft.jit(lambda x, ct: ft.vjp(f, x)[1](ct)[0])(x, ct), want_ct)
    xb = np.stack([x, -x])
    _close(ft.vmap(f)(xb), jax.vmap(g)(xb))
    _close(ft.jit(ft.vmap(ft.grad(lambda x: f(x).sum())))(xb),
           jax.vmap(jax.grad(lambda x: g(x).sum()))(xb))


def test_reduce_window_non_identity_init():
    x = _r(2, 5, 5, 3)
    prog = lambda m: m.lax.reduce_window(x, 0.0, m.lax.max, (1, 3, 3, 1), (1, 2, 2, 1),  # noqa: E731
                                         "SAME")
    _close(prog(FT), prog(JAX))
    assert "stablehlo.reduce_window" in ft.jit(WINDOW_CASES["max_pool"](FT)).lower(x).as_text()


@pytest.mark.parametrize("mode", ["full", "same", "valid"])
def test_convolve_correlate(mode):
    a, v, ints = _r(7), _r(3), np.arange(5)
    for m_prog in (lambda m: m.np.convolve(a, v, mode), lambda m: m.np.correlate(a, v, mode),
                   lambda m: m.np.correlate(v, a, mode), lambda m: m.np.convolve(ints, v, mode),
                   lambda m: m.np.convolve(v, ints[:2], mode)):
        _close(m_prog(FT), m_prog(JAX), 1e-5)


def _cnn_loss(m):
    """Two conv layers (NHWC), relu, max and average pooling, a dense layer."""
    def loss(params, x, y):
        dn = ("NHWC", "HWIO", "NHWC")
        h = m.lax.conv_general_dilated(x, params["w1"], (1, 1), "SAME", dimension_numbers=dn)
        h = m.np.maximum(h + params["b1"], 0.0)
        h = m.lax.reduce_window(h, -m.np.inf, m.lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")
        h = m.lax.conv_general_dilated(h, params["w2"], (1, 1), "SAME", dimension_numbers=dn)
        h = m.np.tanh(h)
        h = m.lax.reduce_window(h, 0.0, m.lax.add, (1, 2, 2, 1), (1, 2, 2, 1), "VALID") / 4.0
        logits = h.reshape(h.shape[0], -1) @ params["wd"]
        logp = logits - m.nn.logsumexp(logits, axis=1, keepdims=True)
        return -m.np.mean(m.np.sum(logp * y, axis=1))
    return loss


def test_small_cnn_gradients():
    import jax.nn

    import functrans.nn
    FT.nn, JAX.nn = functrans.nn, jax.nn
    params = {"w1": _r(3, 3, 3, 4) * 0.3, "b1": _r(4) * 0.1, "w2": _r(3, 3, 4, 6) * 0.3,
              "wd": _r(2 * 2 * 6, 5) * 0.3}
    x, y = _r(3, 8, 8, 3), np.eye(5, dtype=np.float32)[[0, 3, 1]]
    want_v, want_g = jax.value_and_grad(_cnn_loss(JAX))(params, x, y)
    for fn in (ft.value_and_grad(_cnn_loss(FT)), ft.jit(ft.value_and_grad(_cnn_loss(FT)))):
        v, g = fn(params, x, y)
        _close(v, want_v, 1e-5)
        for k in params:
            _close(g[k], want_g[k], 1e-4)


def test_conv_errors():
    from functrans import lax
    with pytest.raises(ValueError, match=r"\[conv_general_dilated\] lhs features"):
        lax.conv(np.zeros((1, 3, 5, 5), np.float32), np.zeros((2, 4, 3, 3), np.float32),
                 (1, 1), "SAME")
    with pytest.raises(TypeError, match=r"\[conv\] dimension_numbers"):
        lax.conv_general_dilated(np.zeros((1, 3, 5, 5), np.float32),
                                 np.zeros((2, 3, 3, 3), np.float32), (1, 1), "SAME",
                                 dimension_numbers=("NCHW", "OIHW"))
    with pytest.raises(NotImplementedError, match=r"\[reduce_window\] computation"):
        lax.reduce_window(np.zeros(4, np.float32), 1.0, lax.mul, (2,))
