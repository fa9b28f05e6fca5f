"""The rest of jax.lax (functrans/_lax_more.py, _lax_reduce.py, the conv helpers, the
clz / reduce_precision / rng_bit_generator / reduce primitives) against JAX on the same
programs: eager, jit, vmap and grad."""

from __future__ import annotations

import jax
import ml_dtypes
import numpy as np
import pytest
from oracle import FT, JAX, assert_close

import functrans as ft
from functrans import lax

RNG = np.random.RandomState(0)
X = RNG.randn(3, 4).astype(np.float32)


def both(fn, *args, jit=True, **tol):
    """``fn(m)(*args)`` under functrans (eager and jit) equals JAX's."""
    want = fn(JAX)(*args)
    runs = [fn(FT)] + ([FT.jit(fn(FT))] if jit else [])
    for run in runs:
        got = run(*args)
        for g, w in zip(jax.tree_util.tree_leaves(got), jax.tree_util.tree_leaves(want),
                        strict=True):
            assert_close(g, w, **tol)
    return want


# ---- primitives: clz, mulhi, reduce_precision, rng_bit_generator -------------------------

@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16, np.int32, np.uint32])
def test_clz_and_mulhi(dtype):
    info = np.iinfo(dtype)
    x = np.array([0, 1, 2, 3, info.max, info.min, 77, info.max // 3], dtype)
    y = np.array([5, info.max, info.min, 3, info.max, info.min, -1 if info.min else 9, 2], dtype)
    both(lambda m: m.lax.clz, x)
    both(lambda m: m.lax.mulhi, x, y)
    assert_close(ft.vmap(lax.mulhi)(x, y), jax.lax.mulhi(x, y))


@pytest.mark.parametrize("dtype", [np.float32, np.float16, ml_dtypes.bfloat16])
def test_reduce_precision_is_bit_exact(dtype):
    special = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-40, 65504.0, 70000.0, 3e38, 1.0001]
    with np.errstate(over="ignore"):
        x = np.concatenate([RNG.randn(40) * 10.0 ** RNG.uniform(-8, 8, 40), special]
                           ).astype(dtype)
    for e, mant in ((5, 10), (8, 7), (4, 3), (2, 0), (1, 1)):
        want = jax.lax.reduce_precision(x, e, mant)
        for run in (lambda v: lax.reduce_precision(v, e, mant),
                    ft.jit(lambda v: lax.reduce_precision(v, e, mant))):
            got = np.asarray(run(x))
            assert got.tobytes() == np.asarray(want).tobytes(), (e, mant)


def test_reduce_precision_derivatives_and_vmap():
    f = lambda m: (lambda v: m.np.sum(m.lax.reduce_precision(m.np.sin(v), 5, 10) ** 2))
    assert_close(ft.grad(f(FT))(X), jax.grad(f(JAX))(X), rtol=1e-3, atol=1e-3)
    assert_close(ft.vmap(lambda v: lax.reduce_precision(v, 8, 7))(X),
                 jax.vmap(lambda v: jax.lax.reduce_precision(v, 8, 7))(X))
    with pytest.raises(ValueError, match=r"\[reduce_precision\].*exponent_bits"):
        lax.reduce_precision(X, 0, 3)
    with pytest.raises(TypeError, match=r"\[reduce_precision\]"):
        lax.reduce_precision(np.int32([1]), 5, 10)


@pytest.mark.parametrize("algorithm", list(jax.lax.RandomAlgorithm))
def test_rng_bit_generator_matches_jax(algorithm):
    key = np.array([1, 2, 3, 4], np.uint32)
    for dtype in (np.uint32, np.uint8):
        alg = lax.RandomAlgorithm(int(algorithm))
        want = jax.lax.rng_bit_generator(key, (2, 5), dtype, algorithm)
        for got in (lax.rng_bit_generator(key, (2, 5), dtype, alg),
                    ft.jit(lambda k, d=dtype, a=alg: lax.rng_bit_generator(k, (2, 5), d, a))(key)):
            assert_close(got[0], want[0])
            assert_close(got[1], want[1])


def test_rng_bit_generator_vmap_and_errors_and_rng_uniform():
    keys = np.arange(8, dtype=np.uint32).reshape(2, 4)
    new, bits = ft.vmap(lambda k: lax.rng_bit_generator(k, (3,)))(keys)
    for i in range(2):  # each batch element draws from its own key
        k_i, b_i = jax.lax.rng_bit_generator(keys[i], (3,))
        assert_close(new[i], k_i)
        assert_close(bits[i], b_i)
    with pytest.raises(TypeError, match=r"\[rng_bit_generator\] key must be uint32\[4\]"):
        lax.rng_bit_generator(np.zeros(3, np.uint32), (2,))
    with pytest.raises(TypeError, match=r"\[rng_bit_generator\] dtype must be an unsigned"):
        lax.rng_bit_generator(np.zeros(4, np.uint32), (2,), np.int32)
    u = np.asarray(ft.jit(lambda a: lax.rng_uniform(a, np.float32(3.0), (50,)))(np.float32(2)))
    assert u.shape == (50,) and u.dtype == np.float32 and (u >= 2).all() and (u < 3).all()
    assert np.asarray(lax.rng_uniform(0, 5, (4,))).dtype == np.int32


# ---- lax.reduce ---------------------------------------------------------------------------

def _argmax_pair(m):
    def f(a, b):
        (av, ai), (bv, bi) = a, b
        pick = m.lax.gt(bv, av)
        return m.lax.select(pick, bv, av), m.lax.select(pick, bi, ai)
    return f


def test_reduce_monoids_use_the_reduction_primitives():
    for op, init, prim in ((lax.add, 0.0, "reduce_sum"), (lax.max, -np.inf, "reduce_max"),
                           (lax.mul, 1.0, "reduce_prod"), (lax.min, np.inf, "reduce_min")):
        jaxpr = str(ft.make_jaxpr(lambda v, o=op, i=init: lax.reduce(v, i, o, (1,)))(X))
        assert prim in jaxpr and "reduce[" not in jaxpr
    # not the identity: the general primitive, with the init folded in (as XLA)
    assert "reduce[" in str(ft.make_jaxpr(lambda v: lax.reduce(v, 1.0, lax.add, (0,)))(X))
    both(lambda m: (lambda v: m.lax.reduce(v, np.float32(1.0), m.lax.add, (0,))), X)
    both(lambda m: (lambda v: m.lax.reduce(v, np.int32(0), m.lax.bitwise_xor, (1,))),
         np.arange(12, dtype=np.int32).reshape(3, 4))


def test_reduce_variadic_and_general_computations():
    idx = np.broadcast_to(np.arange(4, dtype=np.int32), (3, 4)).copy()
    both(lambda m: (lambda v, i: m.lax.reduce((v, i), (np.float32(-np.inf), np.int32(0)),
                                              _argmax_pair(m), (1,))), X, idx)
    lse = lambda m: (lambda v: m.lax.reduce(v, np.float32(-np.inf), m.np.logaddexp, (0, 1)))
    both(lse, X, rtol=1e-6, atol=1e-6)
    g = lambda m: m.ft.grad(lambda v: m.np.sum(m.lax.reduce(
        v, np.float32(-np.inf), lambda a, b: m.np.logaddexp(a, b), (1,)) ** 2))
    want = jax.grad(lambda v: jax.numpy.sum(jax.lax.reduce(
        v, np.float32(-np.inf), lambda a, b: jax.numpy.logaddexp(a, b), (1,)) ** 2))(X)
    for run in (ft.grad, lambda f: ft.jit(ft.grad(f))):
        got = run(lambda v: ft.numpy.sum(lax.reduce(
            v, np.float32(-np.inf), lambda a, b: ft.numpy.logaddexp(a, b), (1,)) ** 2))(X)
        assert_close(got, want, rtol=1e-5, atol=1e-6)
    del g
    xs = RNG.randn(2, 3, 4).astype(np.float32)
    for axis in (0, 1, 2):
        f = lambda m: (lambda v: m.lax.reduce(v, np.float32(-np.inf), m.np.logaddexp, (1,)))
        assert_close(ft.vmap(f(FT), in_axes=axis)(xs), jax.vmap(f(JAX), in_axes=axis)(xs),
                     rtol=1e-6, atol=1e-6)


def test_reduce_errors():
    with pytest.raises(TypeError, match=r"\[reduce\] operands and init_values"):
        lax.reduce((X, X), 0.0, lax.add, (0,))
    with pytest.raises(ValueError, match=r"\[reduce\] dimensions"):
        lax.reduce(X, 1.0, lax.add, (2,))
    with pytest.raises(TypeError, match=r"\[reduce\] the computation must return"):
        lax.reduce(X, 1.0, lambda a, b: (a, b), (0,))


# ---- shapes, indexing, scatter, top-k --------------------------------------------------------

def test_shape_utilities():
    both(lambda m: (lambda v: m.lax.split(v, (1, 3), axis=1)), X)
    both(lambda m: (lambda v: m.lax.unstack(v, axis=1)), X)
    both(lambda m: (lambda v: m.lax.stack([v, 2 * v], axis=1)), X)
    both(lambda m: (lambda v: m.lax.tile(v, (2, 3))), X)
    both(lambda m: (lambda v: m.lax.collapse(v[None], 0, 2)), X)
    both(lambda m: (lambda v: m.lax.broadcast_to_rank(v, 4)), X)
    both(lambda m: (lambda v: m.lax.broadcast_like(v[:1], m.np.zeros((2, 3, 4)))), X)
    both(lambda m: (lambda v: m.lax.reciprocal(v)), X)
    assert lax.broadcast_shapes((2, 1), (3,)) == jax.lax.broadcast_shapes((2, 1), (3,))
    assert_close(lax.shape_as_value((2, 3)), jax.lax.shape_as_value((2, 3)))
    assert_close(lax.empty((2,), np.float32) * 0, np.zeros(2, np.float32))
    for v in (1.0, 1, True, np.int8, "float16", X):
        assert lax.dtype(v) == jax.lax.dtype(v)
    with pytest.raises(ValueError, match=r"\[split\] sizes"):
        lax.split(X, (1, 2), axis=1)
    with pytest.raises(ValueError, match=r"\[tile\] reps"):
        lax.tile(X, (2,))
    assert_close(ft.grad(lambda v: ft.numpy.sum(lax.tile(v, (2, 1)) ** 2))(X), 4 * X)


def test_index_take_batch_matmul_and_top_k():
    idx = (np.array([0, 2, -1], np.int32), np.array([1, 5, 3], np.int32))
    both(lambda m: (lambda v: m.lax.index_take(v, idx, (0, 1))), X)
    a, b = RNG.randn(2, 3, 4).astype(np.float32), RNG.randn(2, 4, 5).astype(np.float32)
    both(lambda m: m.lax.batch_matmul, a, b, rtol=1e-5, atol=1e-5)
    v = np.array([[3.0, 1.0, 2.0, np.nan, -1.0]], np.float32)
    both(lambda m: (lambda u: m.lax.approx_max_k(u, 2)), v)
    both(lambda m: (lambda u: m.lax.approx_min_k(u, 2)), v)
    both(lambda m: (lambda u: m.lax.approx_min_k(u, 3, reduction_dimension=0)), X)
    with pytest.raises(TypeError, match=r"\[approx_min_k\] operand must be a floating"):
        lax.approx_min_k(np.int32([1, 2]), 1)


def _dnums(m):
    return m.lax.ScatterDimensionNumbers(update_window_dims=(1,), inserted_window_dims=(0,),
                                         scatter_dims_to_operand_dims=(0,))


def test_scatter_sub_and_scatter_apply():
    idx = np.array([[2], [0], [2]], np.int32)
    upd = RNG.randn(3, 4).astype(np.float32)
    both(lambda m: (lambda v, u: m.lax.scatter_sub(v, idx, u, _dnums(m))), X, upd)
    g = lambda m: m.ft.grad(lambda v, u: m.np.sum(m.lax.scatter_sub(v, idx, u, _dnums(m)) ** 2),
                         argnums=(0, 1))
    for a, b in zip(g(FT)(X, upd), g(JAX)(X, upd), strict=True):
        assert_close(a, b)
    uidx = np.array([[2], [0]], np.int32)
    both(lambda m: (lambda v: m.lax.scatter_apply(v, uidx, m.np.exp, _dnums(m),
                                                  update_shape=(2, 4))), X)


# ---- ragged dot, conv helpers ---------------------------------------------------------------

def test_ragged_dot():
    lhs, rhs = RNG.randn(6, 4).astype(np.float32), RNG.randn(3, 4, 5).astype(np.float32)
    sizes = np.array([2, 0, 3], np.int32)  # the last row belongs to no group: zeros
    both(lambda m: (lambda a, b: m.lax.ragged_dot(a, b, sizes)), lhs, rhs, rtol=1e-5, atol=1e-5)
    g = lambda m: m.ft.grad(lambda a, b: m.np.sum(m.np.sin(m.lax.ragged_dot(a, b, sizes))),
                         argnums=(0, 1))
    for a, b in zip(g(FT)(lhs, rhs), g(JAX)(lhs, rhs), strict=True):
        assert_close(a, b, rtol=1e-5, atol=1e-5)
    # ragged contracting dimension: one output per group
    dn = lambda m: m.lax.RaggedDotDimensionNumbers((((1,), (0,)), ((), ())), (1,), ())
    rhs2 = RNG.randn(4, 5).astype(np.float32)
    both(lambda m: (lambda a, b: m.lax.ragged_dot_general(a, b, np.array([1, 3], np.int32),
                                                          dn(m))), lhs, rhs2,
         rtol=1e-5, atol=1e-5)


def test_conv_shape_helpers_and_local_conv():
    dn = ("NHWC", "HWIO", "NHWC")
    assert lax.conv_general_permutations(dn) == jax.lax.conv_general_permutations(dn)
    for pad in ("SAME", "VALID", [(1, 0), (2, 2)]):
        args = ((2, 9, 8, 3), (3, 2, 3, 5), (2, 3), pad, dn)
        assert lax.conv_general_shape_tuple(*args) == jax.lax.conv_general_shape_tuple(*args)
        assert lax.conv_transpose_shape_tuple(*args) == \
            jax.lax.conv_transpose_shape_tuple(*args)
    assert lax.conv_shape_tuple((2, 3, 9, 8), (5, 3, 3, 2), (1, 2), "VALID") == \
        jax.lax.conv_shape_tuple((2, 3, 9, 8), (5, 3, 3, 2), (1, 2), "VALID")
    rw = ((5, 7), (2, 3), (1, 2), [(0, 1), (1, 1)], (2, 1), (1, 2))
    assert lax.reduce_window_shape_tuple(*rw) == jax.lax.reduce_window_shape_tuple(*rw)
    x = RNG.randn(2, 6, 5, 3).astype(np.float32)
    w = RNG.randn(3, 3, 12, 4).astype(np.float32)
    f = lambda m: (lambda a, b: m.lax.conv_general_dilated_local(
        a, b, (2, 2), "SAME", (2, 2), dimension_numbers=dn))
    both(f, x, w, rtol=1e-5, atol=1e-5)
    g = lambda m: m.ft.grad(lambda a, b: m.np.sum(f(m)(a, b) ** 2), argnums=1)
    assert_close(g(FT)(x, w), g(JAX)(x, w), rtol=1e-4, atol=1e-4)


# ---- collectives, tokens, misc -------------------------------------------------------------

def test_collectives_by_composition():
    x = np.arange(12.0, dtype=np.float32).reshape(4, 3)
    sq = np.arange(16.0, dtype=np.float32).reshape(4, 4)
    cases = [(lambda m: (lambda v: m.lax.pbroadcast(v, "i", 2)), x),
             (lambda m: (lambda v: m.lax.pshuffle(v, "i", [1, 2, 3, 0])), x),
             (lambda m: (lambda v: m.lax.pswapaxes(v, "i", 0)), sq)]
    for f, arg in cases:
        want = jax.vmap(f(JAX), axis_name="i")(arg)
        assert_close(ft.vmap(f(FT), axis_name="i")(arg), want)
        assert_close(ft.pmap(f(FT), axis_name="i")(arg), want)
    with pytest.raises(ValueError, match=r"\[pshuffle\] perm"):
        ft.vmap(lambda v: lax.pshuffle(v, "i", [0, 0, 1, 2]), axis_name="i")(x)


def test_tokens_and_identities():
    tok = lax.after_all(lax.create_token(), lax.create_token(X))
    out = ft.jit(lambda v, t: (v * 2, lax.after_all(t)))(X, tok)
    assert isinstance(out[1], type(tok))
    with pytest.raises(TypeError, match=r"\[after_all\]"):
        lax.after_all(X)
    sharding = jax.sharding.SingleDeviceSharding(jax.devices()[0])
    assert_close(jax.lax.with_sharding_constraint(X, sharding), X)
    assert_close(ft.jit(lambda v: lax.with_sharding_constraint(v, sharding))(X), X)
    assert lax.pcast(X, "i", to="varying") is X
    assert lax.dce_sink(X) is None
    assert "copy" in str(ft.make_jaxpr(lambda v: lax.stage(v))(X))
    assert_close(lax.stage(np.float32(2.0)), np.float32(2.0))
    tanh = lax.composite(lambda v: ft.numpy.tanh(v), name="my.tanh")
    assert_close(ft.jit(ft.grad(lambda v: ft.numpy.sum(tanh(v))))(X), 1 - np.tanh(X) ** 2,
                 rtol=1e-5, atol=1e-6)
    pick = lambda v: lax.platform_dependent(v, cpu=lambda u: u + 1, default=lambda u: u - 1)
    assert_close(ft.jit(pick)(X), X + (1 if ft.default_backend() == "cpu" else -1))
    with pytest.raises(NotImplementedError, match=r"\[platform_dependent\]"):
        lax.platform_dependent(X, tpu=lambda u: u) if ft.default_backend() != "tpu" else \
            lax.platform_dependent(X, cpu=lambda u: u)


def test_type_names():
    assert [a.name for a in lax.RandomAlgorithm] == [a.name for a in jax.lax.RandomAlgorithm]
    assert [a.name for a in lax.DotAlgorithmPreset] == \
        [a.name for a in jax.lax.DotAlgorithmPreset]
    assert [a.name for a in lax.AccuracyMode] == [a.name for a in jax.lax.AccuracyMode]
    assert lax.DotAlgorithm._fields == jax.lax.DotAlgorithm._fields
    with pytest.raises(ValueError, match=r"\[Tolerance\]"):
        lax.Tolerance()
    assert lax.Tolerance(atol=1e-3).atol == 1e-3
    dn = lax.RaggedDotDimensionNumbers([[[1], [1]], [[], []]], [0], [0])
    assert dn.dot_dimension_numbers == (((1,), (1,)), ((), ()))
    for name in ("ConvGeneralDilatedDimensionNumbers", "DotDimensionNumbers", "PrecisionLike"):
        assert getattr(lax, name) is not None
