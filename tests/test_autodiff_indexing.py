"""Gradients of gather/scatter (through ``fnp`` indexing and ``.at[]``), sort, top_k, the
cumulative reductions, reduce_prod at zeros, digamma and bitcast, against JAX."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from oracle import assert_close, to_np

import functrans as ft
import functrans.lax as flax
import functrans.numpy as fnp

TOL = dict(rtol=1e-5, atol=1e-5)
IDX = np.array([3, 0, 3, 1], np.int32)  # a duplicate and a never-read row


def _rand(seed, *shape):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def _grads_match(ft_fun, jax_fun, args, argnums):
    got = ft.grad(ft_fun, argnums=argnums)(*args)
    want = jax.grad(jax_fun, argnums=argnums)(*args)
    for g, w in zip(got, want, strict=True):
        assert_close(g, to_np(w), **TOL)


def _jvps_match(ft_fun, jax_fun, primals, tangents):
    y, t = ft.jvp(ft_fun, primals, tangents)
    y_ref, t_ref = jax.jvp(jax_fun, primals, tangents)
    assert_close(y, to_np(y_ref), **TOL)
    assert_close(t, to_np(t_ref), **TOL)


@given(seed=st.integers(0, 2**16))
def test_grad_of_integer_array_indexing(seed):
    x = _rand(seed, 5, 3)
    w = _rand(seed + 1, 4, 3)
    _grads_match(lambda x: (x[IDX] * w).sum(), lambda x: (x[IDX] * w).sum(), [x], (0,))


def test_grad_of_basic_and_mixed_indexing():
    x = _rand(0, 4, 5)
    _grads_match(lambda x: (x[1:, IDX[:2]] ** 2).sum(), lambda x: (x[1:, IDX[:2]] ** 2).sum(),
                 [x], (0,))


@pytest.mark.parametrize("method", ["add", "set", "multiply", "min", "max"])
def test_at_update_grads(method):
    """Duplicate indices: add sums, set takes the winning update; multiply/min/max go
    through rows 0 and 1 only (unique), where JAX differentiates both operands."""
    x, v = _rand(1, 5, 3), _rand(2, 4, 3)
    idx = IDX if method in ("add", "set") else np.array([0, 1], np.int32)
    v = v if method in ("add", "set") else v[:2]
    w = _rand(3, 5, 3)
    kw = dict(unique_indices=True) if method == "multiply" else {}  # else JAX raises

    def f(x, v):
        return (getattr(x.at[idx], method)(v, **kw) * w).sum()
    _grads_match(f, f, [x, v], (0, 1))


def test_scatter_mul_unique_indices_jvp():
    x, u = _rand(4, 5, 3), _rand(5, 2, 3)
    idx = np.array([[4], [1]], np.int32)

    def f(lax, dn):
        return lambda x, u: lax.scatter_mul(x, idx, u, dn((1,), (0,), (0,)),
                                            unique_indices=True)
    _jvps_match(f(flax, flax.ScatterDimensionNumbers),
                f(jax.lax, jax.lax.ScatterDimensionNumbers), [x, u], [_rand(6, 5, 3),
                                                                      _rand(7, 2, 3)])


def test_scatter_max_ties_share_the_tangent():
    """Two equal winning updates and an update equal to the operand average tangents."""
    x = np.array([[1.0, 3.0], [3.0, 0.0]], np.float32)
    u = np.array([[3.0, 3.0], [3.0, 2.0]], np.float32)
    idx = np.array([0, 0], np.int32)
    tx, tu = np.ones_like(x), 10 * np.arange(1, 5, dtype=np.float32).reshape(2, 2)
    _jvps_match(lambda x, u: x.at[idx].max(u), lambda x, u: x.at[idx].max(u), [x, u],
                [tx, tu])


@pytest.mark.parametrize("shape,axis", [((6,), 0), ((3, 4), 0), ((3, 4), 1)])
def test_sort_grad(shape, axis):
    x, w = _rand(8, *shape), _rand(9, *shape)
    _grads_match(lambda x: (fnp.sort(x, axis=axis) * w).sum(),
                 lambda x: (jnp.sort(x, axis=axis) * w).sum(), [x], (0,))


def test_multi_operand_sort_jvp_permutes_every_tangent():
    keys = np.array([[2.0, 0.5, 1.0, -1.0], [0.0, 3.0, -2.0, 1.0]], np.float32)
    vals = _rand(10, 2, 4)
    tangents = [_rand(11, 2, 4), _rand(12, 2, 4)]
    _jvps_match(lambda k, v: flax.sort((k, v), num_keys=1),
                lambda k, v: jax.lax.sort((k, v), num_keys=1), [keys, vals], tangents)


@pytest.mark.parametrize("axis", [0, 1])
def test_top_k_grad(axis):
    x, w = _rand(13, 4, 5), _rand(14, 2, 5) if axis == 0 else _rand(14, 4, 2)
    _grads_match(lambda x: (flax.top_k(x, 2, axis=axis)[0] * w).sum(),
                 lambda x: (jax.lax.top_k(x, 2, axis=axis)[0] * w).sum(), [x], (0,))


@pytest.mark.parametrize("name", ["cumprod", "cummax", "cummin", "cumlogsumexp"])
@pytest.mark.parametrize("axis,reverse", [(0, False), (1, True)])
def test_cumulative_jvp(name, axis, reverse):
    x = _rand(15, 3, 5)  # continuous draws: no ties
    _jvps_match(lambda x: getattr(flax, name)(x, axis=axis, reverse=reverse),
                lambda x: getattr(jax.lax, name)(x, axis=axis, reverse=reverse), [x],
                [_rand(16, 3, 5)])


@pytest.mark.parametrize("zeros", [[2], [1, 3]])
def test_cumprod_grad_with_zeros(zeros):
    x = _rand(17, 5)
    x[zeros] = 0.0
    w = _rand(18, 5)
    _grads_match(lambda x: (flax.cumprod(x, axis=0) * w).sum(),
                 lambda x: (jax.lax.cumprod(x, axis=0) * w).sum(), [x], (0,))


@pytest.mark.parametrize("zeros", [[], [(0, 2)], [(0, 2), (1, 1)], [(0, 2), (0, 3)]])
@pytest.mark.parametrize("axis", [None, 1])
def test_prod_grad_with_zeros(zeros, axis):
    x = _rand(19, 2, 4)
    for z in zeros:
        x[z] = 0.0
    _grads_match(lambda x: (fnp.prod(x, axis=axis) ** 2).sum(),
                 lambda x: (jnp.prod(x, axis=axis) ** 2).sum(), [x], (0,))


def test_digamma_derivatives():
    x = np.array([-2.5, -0.3, 0.1, 0.5, 1.0, 2.3, 5.9, 6.1, 30.0], np.float32)
    _jvps_match(flax.digamma, jax.lax.digamma, [x], [np.ones_like(x)])
    got = ft.grad(ft.grad(lambda x: flax.digamma(x)))(np.float32(1.7))
    want = jax.grad(jax.grad(jax.lax.digamma))(np.float32(1.7))
    assert_close(got, to_np(want), rtol=1e-4, atol=1e-4)


def test_bitcast_float_to_float_has_zero_tangent():
    x = _rand(20, 4)
    _jvps_match(lambda x: flax.bitcast_convert_type(x, np.float32),
                lambda x: jax.lax.bitcast_convert_type(x, jnp.float32), [x], [_rand(21, 4)])


def test_bitcast_to_int_drops_the_tangent():
    y, t = ft.jvp(lambda x: flax.bitcast_convert_type(x, np.int32), [_rand(22, 3)],
                  [_rand(23, 3)])
    assert np.asarray(y).dtype == np.int32 and np.asarray(t).dtype == jax.dtypes.float0


_JIT_CASES = {
    "sort": lambda np_: lambda x: (np_.sort(x, axis=1) * x).sum(),
    "at_set_duplicates": lambda np_: lambda x: (x.at[IDX[:3]].set(x[:3] * 2) ** 2).sum(),
    "at_max": lambda np_: lambda x: (x.at[IDX[:3]].max(x[:3] * 2) ** 2).sum(),
    "prod_with_zero": lambda np_: lambda x: np_.prod(x.at[0, 1].set(0.0), axis=1).sum(),
    "cumprod": lambda np_: lambda x: (np_.cumprod(x, axis=1) * x).sum(),
}


@pytest.mark.parametrize("name", sorted(_JIT_CASES))
def test_jit_of_grad_lowers(name):
    """The rules' constants (masks, iotas) and gathers lower: jit(grad) == jax.grad."""
    x = _rand(24, 4, 4)
    got = ft.jit(ft.grad(_JIT_CASES[name](fnp)))(x)
    assert_close(got, to_np(jax.grad(_JIT_CASES[name](jnp))(x)), rtol=1e-4, atol=1e-4)
