"""nn.scaled_matmul / scaled_dot_general. JAX runs these only through cuDNN (no CPU
lowering), so the oracle is the math JAX documents, in NumPy, with ml_dtypes casts for
the fp8/fp4 rounding of the quantization recipe."""

from __future__ import annotations

import ml_dtypes
import numpy as np
import pytest

import functrans as ft
import functrans.nn as nn
import functrans.numpy as fnp

RNG = np.random.default_rng(0)


def _ref_scaled_matmul(a, b, sa, sb):
    ka, kb = a.shape[-1] // sa.shape[-1], b.shape[-1] // sb.shape[-1]
    return np.einsum("BMK,BNK->BMN", a.astype(np.float32) * np.repeat(sa, ka, -1),
                     b.astype(np.float32) * np.repeat(sb, kb, -1))


def test_scaled_matmul():
    a, b = RNG.standard_normal((2, 3, 64), np.float32), RNG.standard_normal((2, 4, 64), np.float32)
    sa, sb = (RNG.uniform(0.5, 2, s).astype(np.float32) for s in ((2, 3, 2), (2, 4, 2)))
    want = _ref_scaled_matmul(a, b, sa, sb)
    np.testing.assert_allclose(nn.scaled_matmul(a, b, sa, sb), want, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(ft.jit(nn.scaled_matmul)(a, b, sa, sb), want, rtol=1e-5, atol=1e-5)
    a8 = a.astype(ml_dtypes.float8_e4m3fn)  # fp8 NumPy operands are upcast exactly
    out = nn.scaled_matmul(a8, b, sa, sb, np.dtype(ml_dtypes.bfloat16))
    assert out.dtype == ml_dtypes.bfloat16
    np.testing.assert_allclose(np.asarray(out, np.float32), _ref_scaled_matmul(a8, b, sa, sb),
                               rtol=1e-2, atol=1e-2)
    with pytest.raises(ValueError, match=r"\[scaled_matmul\] K=64 must be a multiple"):
        nn.scaled_matmul(a, b, sa[..., :1].repeat(3, -1), sb[..., :1].repeat(3, -1))
    with pytest.raises(ValueError, match=r"\[scaled_matmul\] needs 3-D"):
        nn.scaled_matmul(a[0], b[0], sa[0], sb[0])


def _ref_quantize(x, cfg):
    bsz, m, k = x.shape
    x = x.reshape(bsz, m, k // cfg.block_size, cfg.block_size)
    data_max = np.float32(ml_dtypes.finfo(cfg.data_type).max)
    amax = np.abs(x).max(-1, keepdims=True) / data_max
    if cfg.mode == "mxfp8":  # power-of-two scale, rounded up
        scale = np.exp2(np.ceil(np.log2(amax))).astype(np.float32)
    else:
        x = x / np.asarray(cfg.global_scale)
        smax = np.float32(ml_dtypes.finfo(cfg.scale_type).max)
        scale = np.clip(amax, 0, smax).astype(cfg.scale_type).astype(np.float32)
    q = np.clip(x / scale, -data_max, data_max).astype(cfg.data_type).astype(np.float32)
    return q.reshape(bsz, m, k), scale.reshape(bsz, m, -1)


@pytest.mark.parametrize("mode", ["mxfp8", "nvfp4"])
def test_scaled_dot_general(mode):
    cfg = nn.get_scaled_dot_general_config(mode)
    x = RNG.standard_normal((3, 64), np.float32) * 3
    y = RNG.standard_normal((5, 64), np.float32)
    dims = (((1,), (1,)), ((), ()))
    (qa, s_a), (qb, s_b) = _ref_quantize(x[None], cfg), _ref_quantize(y[None], cfg)
    want = _ref_scaled_matmul(qa, qb, s_a, s_b)[0]
    got = nn.scaled_dot_general(x, y, dims, configs=[cfg] * 3)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)
    rel = np.abs(np.asarray(got) - x @ y.T).max() / np.abs(x @ y.T).max()
    assert 0 < rel < (0.1 if mode == "mxfp8" else 0.3)  # quantized, but close
    grad = ft.grad(lambda x: fnp.sum(nn.scaled_dot_general(x, y, dims, configs=[cfg] * 3)))(x)
    np.testing.assert_allclose(grad, np.broadcast_to(y.sum(0), x.shape), rtol=1e-5)
    plain = nn.scaled_dot_general(x, y, dims)  # configs=None: lax.dot_general
    np.testing.assert_allclose(plain, x @ y.T, rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError, match=r"\[get_scaled_dot_general_config\] unsupported"):
        nn.get_scaled_dot_general_config("int8")
