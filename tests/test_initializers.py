"""functrans.nn.initializers vs jax.nn.initializers, and random.multivariate_normal /
random.orthogonal vs jax.random: the same key, shape and dtype give the same array.

Elementwise samplers agree exactly, except truncated normals evaluated eagerly (erf then
erf_inv on the host: within 8 ulp, as in test_random.py; exact under jit).
QR/cholesky/eigh/svd-based results agree within float tolerance.
"""

from __future__ import annotations

import jax.nn.initializers as ji
import jax.numpy as jnp
import jax.random as jr
import numpy as np
import pytest

import functrans as ft
import functrans.numpy as fnp
import functrans.random as fr
from functrans.nn import initializers as fi

SEED = 3

# name -> (build(init_module) -> initializer, shape, dtype name, comparison)
# comparison: "exact", "ulp" (8 ulp), "close" (factorisations: atol 1e-5).
CASES = {
    "zeros": (lambda m: m.zeros, (2, 3), "float32", "exact"),
    "ones_f16": (lambda m: m.ones, (4,), "float16", "exact"),
    "constant": (lambda m: m.constant(-7.5), (2, 3), "float32", "exact"),
    "constant_dtype": (lambda m: m.constant(3, dtype=np.float16), (3,), None, "exact"),
    "uniform": (lambda m: m.uniform(0.3), (3, 4), "float32", "exact"),
    "uniform_default": (lambda m: m.uniform(), (5,), None, "exact"),
    "normal": (lambda m: m.normal(0.5), (3, 4), "float32", "exact"),
    "truncated_normal": (lambda m: m.truncated_normal(0.2), (3, 4), "float32", "ulp"),
    "truncated_normal_bounds": (lambda m: m.truncated_normal(1.0, lower=-1.0, upper=0.5),
                                (6,), "float32", "ulp"),
    "glorot_uniform": (lambda m: m.glorot_uniform(), (4, 6), "float32", "exact"),
    "glorot_normal": (lambda m: m.glorot_normal(), (4, 6), "float32", "ulp"),
    "xavier_uniform_conv": (lambda m: m.xavier_uniform(), (3, 3, 2, 5), "float32", "exact"),
    "xavier_normal": (lambda m: m.xavier_normal(), (5, 2), "float32", "ulp"),
    "lecun_uniform": (lambda m: m.lecun_uniform(), (4, 6), "float32", "exact"),
    "lecun_normal": (lambda m: m.lecun_normal(), (3, 2, 4), "float32", "ulp"),
    "he_uniform": (lambda m: m.he_uniform(), (4, 6), "float32", "exact"),
    "he_normal": (lambda m: m.he_normal(), (4, 6), "float32", "ulp"),
    "kaiming_uniform_axes": (lambda m: m.kaiming_uniform(in_axis=0, out_axis=(1, 2)),
                             (3, 2, 4), "float32", "exact"),
    "kaiming_normal_batch": (lambda m: m.kaiming_normal(batch_axis=0), (2, 3, 4),
                             "float32", "ulp"),
    "vs_fan_out_normal": (lambda m: m.variance_scaling(0.7, "fan_out", "normal"),
                          (4, 3), "float32", "exact"),
    "vs_geo_uniform": (lambda m: m.variance_scaling(1.3, "fan_geo_avg", "uniform"),
                       (5, 3), "float32", "exact"),
    "vs_uniform_f16": (lambda m: m.variance_scaling(1.0, "fan_avg", "uniform"),
                       (4, 4), "float16", "exact"),
    "vs_uniform_bf16": (lambda m: m.variance_scaling(2.0, "fan_in", "uniform"),
                        (4, 4), "bfloat16", "exact"),
    "vs_complex_uniform": (lambda m: m.variance_scaling(1.0, "fan_in", "uniform"),
                           (3, 4), "complex64", "close"),
    "vs_complex_trunc": (lambda m: m.variance_scaling(1.0, "fan_avg", "truncated_normal"),
                         (3, 4), "complex64", "close"),
    "orthogonal": (lambda m: m.orthogonal(), (4, 4), "float32", "close"),
    "orthogonal_wide": (lambda m: m.orthogonal(scale=2.0), (3, 5), "float32", "close"),
    "orthogonal_tall_3d": (lambda m: m.orthogonal(), (2, 3, 2), "float32", "close"),
    "orthogonal_col0": (lambda m: m.orthogonal(column_axis=0), (3, 2, 2), "float32", "close"),
    "orthogonal_empty": (lambda m: m.orthogonal(), (0, 3), "float32", "exact"),
    "delta_orthogonal_3d": (lambda m: m.delta_orthogonal(), (3, 2, 3), "float32", "close"),
    "delta_orthogonal_4d": (lambda m: m.delta_orthogonal(scale=0.5), (3, 2, 2, 2),
                            "float32", "close"),
    "delta_orthogonal_5d": (lambda m: m.delta_orthogonal(), (2, 1, 3, 2, 2), "float32",
                            "close"),
}


def _compare(got, want, how):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape and got.dtype == want.dtype, (
        got.shape, got.dtype, want.shape, want.dtype)
    if how == "exact":
        np.testing.assert_array_equal(got, want)
    elif how == "ulp":
        np.testing.assert_array_max_ulp(got, want, maxulp=8)
    else:
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", sorted(CASES))
def test_initializer_matches_jax(name):
    build, shape, dtype, how = CASES[name]
    dt_f = None if dtype is None else getattr(fnp, dtype)
    dt_j = None if dtype is None else getattr(jnp, dtype)
    want = build(ji)(jr.key(SEED), shape, dt_j)
    got = build(fi)(fr.key(SEED), shape, dt_f)
    _compare(got, want, how)


@pytest.mark.parametrize("name", ["glorot_normal", "he_uniform", "orthogonal"])
def test_initializer_under_jit(name):
    build, shape, _, how = CASES[name]
    want = build(ji)(jr.key(SEED), shape, jnp.float32)
    got = ft.jit(lambda k: build(fi)(k, shape, fnp.float32))(fr.key(SEED))
    _compare(got, want, "close" if how == "close" else "exact")


def test_public_names_and_protocol():
    assert ft.nn.initializers is fi
    init = ft.nn.initializers.glorot_uniform()
    assert isinstance(init, fi.Initializer)
    assert fi.xavier_uniform is fi.glorot_uniform and fi.kaiming_normal is fi.he_normal
    assert fi.glorot_uniform.__name__ == "glorot_uniform" and fi.he_normal.__doc__
    # the default dtype is float32 and a raw uint32 key works too
    out = init(fr.PRNGKey(0), (2, 3))
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, ji.glorot_uniform()(jr.PRNGKey(0), (2, 3)))


def test_initializer_errors():
    with pytest.raises(ValueError, match=r"\[nn.initializers.variance_scaling\] invalid mode"):
        fi.variance_scaling(1.0, "fan_bad", "normal")
    with pytest.raises(ValueError, match=r"invalid distribution 'cauchy'"):
        fi.variance_scaling(1.0, "fan_in", "cauchy")
    with pytest.raises(ValueError, match=r"can't compute fans of a 1-D shape"):
        fi.glorot_uniform()(fr.key(0), (5,))
    with pytest.raises(ValueError, match=r"\[nn.initializers.orthogonal\] needs an at least"):
        fi.orthogonal()(fr.key(0), (4,))
    with pytest.raises(ValueError, match=r"3-D, 4-D or 5-D"):
        fi.delta_orthogonal()(fr.key(0), (3, 3))
    with pytest.raises(ValueError, match=r"shape\[-2\] must be <= fan_out"):
        fi.delta_orthogonal()(fr.key(0), (3, 4, 2))
    with pytest.raises(ValueError, match=r"float or complex dtype"):
        fi.he_normal()(fr.key(0), (2, 2), fnp.int32)


# ---- random.multivariate_normal / random.orthogonal (need linalg) -----------------------

_MEAN = np.array([1.0, -2.0, 0.5], np.float32)
_COV = np.array([[2.0, 0.3, 0.1], [0.3, 1.0, 0.2], [0.1, 0.2, 0.5]], np.float32)


@pytest.mark.parametrize("seed", [0, 7])
@pytest.mark.parametrize("method", ["cholesky", "svd", "eigh"])
def test_multivariate_normal_matches_jax(method, seed):
    want = jr.multivariate_normal(jr.key(seed), _MEAN, _COV, (4,), method=method)
    got = fr.multivariate_normal(fr.key(seed), _MEAN, _COV, (4,), method=method)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    assert got.shape == (4, 3) and got.dtype == np.float32


def test_multivariate_normal_batched_and_jit():
    mean = np.stack([_MEAN, -_MEAN])
    cov = np.stack([_COV, 2 * _COV])
    want = jr.multivariate_normal(jr.key(1), mean, cov)
    got = fr.multivariate_normal(fr.key(1), mean, cov)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    got = ft.jit(lambda k: fr.multivariate_normal(k, mean, cov, (3, 2)))(fr.key(1))
    np.testing.assert_allclose(got, jr.multivariate_normal(jr.key(1), mean, cov, (3, 2)),
                               rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError, match=r"\[random.multivariate_normal\] needs mean"):
        fr.multivariate_normal(fr.key(0), _MEAN, np.eye(2, dtype=np.float32))


@pytest.mark.parametrize("n,m,shape", [(3, None, ()), (4, 2, (2,)), (2, 5, (2,))])
def test_orthogonal_matches_jax(n, m, shape):
    want = jr.orthogonal(jr.key(5), n, shape, m=m)
    got = fr.orthogonal(fr.key(5), n, shape, m=m)
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    got = np.asarray(got)
    small = np.swapaxes(got, -1, -2) if got.shape[-2] >= got.shape[-1] else got
    gram = small @ np.swapaxes(small, -1, -2)
    np.testing.assert_allclose(gram, np.broadcast_to(np.eye(gram.shape[-1]), gram.shape),
                               atol=1e-5)
    jitted = ft.jit(lambda k: fr.orthogonal(k, n, shape, m=m))(fr.key(5))
    np.testing.assert_allclose(jitted, want, rtol=1e-5, atol=1e-5)

