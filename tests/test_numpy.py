"""functrans.numpy against jax.numpy: every record of ``np_records`` on
hypothesis-drawn shapes/dtypes (values, dtypes, weak types), dtype promotion with
weak scalars, jit == eager on a sample, and the error messages."""

from __future__ import annotations

from types import SimpleNamespace

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from np_records import NN_RECORDS, NP_RECORDS
from op_records import make_operand
from oracle import assert_close

import functrans as ft
import functrans.nn as fnn
import functrans.numpy as fnp

FTM = SimpleNamespace(np=fnp, nn=fnn)
JXM = SimpleNamespace(np=jnp, nn=jax.nn)


def make_arg(rng, shape, dtype, domain):
    if domain == "gt1":
        return np.asarray(np.abs(rng.standard_normal(shape)) + 1.1, dtype=dtype)
    return make_operand(rng, shape, dtype, domain)


def draw_args(data, rec):
    choice = data.draw(st.sampled_from(rec.shapes), label="shape")
    dtype = data.draw(st.sampled_from(rec.dtypes), label="dtype")
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16), label="seed"))
    return [make_arg(rng, s, dtype, rec.domain) for s in rec.operand_shapes(choice)[
        :rec.nargs]]


def compare(got, want, rec, check_weak=True):
    got_leaves, got_tree = jax.tree_util.tree_flatten(got, is_leaf=_is_leaf)
    want_leaves, want_tree = jax.tree_util.tree_flatten(want, is_leaf=_is_leaf)
    assert len(got_leaves) == len(want_leaves), f"{got_tree} != {want_tree}"
    for g, w in zip(got_leaves, want_leaves, strict=True):
        assert_close(g, w, **rec.tol)
        if check_weak and rec.check_weak and hasattr(w, "weak_type"):
            assert bool(getattr(g, "weak_type", False)) == bool(w.weak_type), \
                f"weak_type {getattr(g, 'weak_type', False)} != {w.weak_type}"


def _is_leaf(x):
    return isinstance(x, (ft.Array, jax.Array, np.ndarray))


def run_record(rec, args):
    want = rec.fn(JXM, *[jnp.asarray(a) for a in args])
    got = rec.fn(FTM, *[fnp.asarray(a) for a in args])
    compare(got, want, rec)


@pytest.mark.parametrize("rec", NP_RECORDS, ids=lambda r: r.name)
@given(data=st.data())
def test_numpy_matches_jax(rec, data):
    run_record(rec, draw_args(data, rec))


_JIT_SAMPLE = [r for i, r in enumerate(NP_RECORDS + NN_RECORDS)
               if i % 6 == 0 and r.nargs > 0 and "unique" not in r.name
               and "nonzero" != r.name and "argwhere" not in r.name and "repeat_arr" != r.name]


@pytest.mark.parametrize("rec", _JIT_SAMPLE, ids=lambda r: r.name)
def test_jit_matches_eager(rec):
    rng = np.random.default_rng(0)
    args = [fnp.asarray(make_arg(rng, s, rec.dtypes[0], rec.domain))
            for s in rec.operand_shapes(rec.shapes[-1])[:rec.nargs]]
    eager = rec.fn(FTM, *args)
    jitted = ft.jit(lambda *xs: rec.fn(FTM, *xs))(*args)
    compare(jitted, eager, rec, check_weak=False)


# ---- promotion with weak scalars and mixed dtypes --------------------------------------
_DTYPES = [np.bool_, np.int8, np.int16, np.int32, np.uint8, np.uint16, np.uint32,
           np.float16, jnp.bfloat16, np.float32]
_SCALARS = [True, 2, -3, 1.5, 0.25]


@st.composite
def _operand(draw):
    if draw(st.booleans()):
        return draw(st.sampled_from(_SCALARS))
    dtype = draw(st.sampled_from(_DTYPES))
    return np.ones(draw(st.sampled_from([(), (2,)])), dtype=dtype)


@given(a=_operand(), b=_operand())
def test_promotion_matches_jax(a, b):
    for fn in ("add", "multiply", "maximum", "where_"):
        if fn == "where_":
            got, want = fnp.where(True, a, b), jnp.where(True, a, b)
        else:
            got, want = getattr(fnp, fn)(a, b), getattr(jnp, fn)(a, b)
        assert got.dtype == want.dtype, (fn, a, b, got.dtype, want.dtype)
        assert got.weak_type == want.weak_type, (fn, a, b)
    assert fnp.result_type(a, b) == jnp.result_type(a, b)


@given(a=st.sampled_from(_DTYPES), b=st.sampled_from(_DTYPES))
def test_promote_types_matches_jax(a, b):
    assert fnp.promote_types(a, b) == jnp.promote_types(a, b)


def test_dtype_objects():
    x = fnp.float32(3.0)
    assert isinstance(x, ft.Array) and x.dtype == np.float32 and not x.weak_type
    assert fnp.zeros(2, dtype=fnp.bfloat16).dtype == jnp.bfloat16
    assert fnp.float32 == np.float32 and np.dtype(fnp.int8) == np.int8
    assert fnp.issubdtype(fnp.bfloat16, fnp.floating) and fnp.issubdtype(np.int8, fnp.integer)
    assert not fnp.issubdtype(np.int8, fnp.inexact)
    assert fnp.issubdtype(np.uint8, fnp.unsignedinteger)
    assert fnp.finfo(fnp.bfloat16).eps == jnp.finfo(jnp.bfloat16).eps
    assert fnp.iinfo(fnp.int8).max == 127 and fnp.dtype("float32") == np.float32
    assert fnp.dtype(fnp.ones(2)) == np.float32
    assert fnp.can_cast(np.int8, np.int32) and not fnp.can_cast(np.float32, np.int8)


# ---- errors --------------------------------------------------------------------------------
def test_errors_name_the_problem():
    x = fnp.ones((2, 3))
    with pytest.raises(ValueError, match=r"size 6.*\(4,\)|\(4,\).*6"):
        fnp.reshape(x, (4,))
    with pytest.raises(ValueError, match="axis 2 is out of bounds for an array of rank 2"):
        fnp.sum(x, axis=2)
    with pytest.raises(ValueError, match="einsum.*incompatible sizes"):
        fnp.einsum("ij,ij->i", x, fnp.ones((3, 2)))
    with pytest.raises(ValueError, match="einsum.*rank"):
        fnp.einsum("ijk->i", x)
    with pytest.raises(ValueError, match="cannot be broadcast"):
        fnp.add(x, fnp.ones(4))
    with pytest.raises(TypeError, match="bitwise_and.*integer or bool"):
        fnp.bitwise_and(x, x)
    with pytest.raises(TypeError, match="size="):
        ft.jit(lambda v: fnp.unique(v))(fnp.ones(3))
    with pytest.raises(ValueError, match="matmul.*3 != 2|matmul"):
        fnp.matmul(x, fnp.ones((2, 2)))


def test_einsum_path_is_cached():
    from functrans.numpy.einsum import _contraction_path
    _contraction_path.cache_clear()
    a, b, c = fnp.ones((2, 3)), fnp.ones((3, 4)), fnp.ones((4, 5))
    for _ in range(3):
        fnp.einsum("ij,jk,kl->il", a, b, c)
    info = _contraction_path.cache_info()
    assert info.misses == 1 and info.hits == 2


def test_traced_nonzero_with_size_under_jit():
    x = np.array([0.0, 1.0, 0.0, 2.0, 3.0], np.float32)
    got = ft.jit(lambda v: fnp.nonzero(v, size=4, fill_value=-1))(x)
    want = jnp.nonzero(x, size=4, fill_value=-1)
    assert_close(got[0], want[0])
    got_u = ft.jit(lambda v: fnp.unique(v, size=3))(x)
    assert_close(got_u, jnp.unique(x, size=3))


def test_array_methods_match_jax():
    rng = np.random.default_rng(0)
    xn = rng.standard_normal((2, 3)).astype(np.float32)
    fx, jx = fnp.asarray(xn), jnp.asarray(xn)
    pairs = [
        (lambda x: x.sum(axis=0)), (lambda x: x.mean()), (lambda x: x.max(1)),
        (lambda x: x.min()), (lambda x: x.argmax()), (lambda x: x.argmin(axis=1)),
        (lambda x: x.reshape(3, 2)), (lambda x: x.reshape((6,))),
        (lambda x: x.astype(np.int32)), (lambda x: x.transpose()),
        (lambda x: x.transpose(1, 0)), (lambda x: x.flatten()), (lambda x: x.ravel()),
        (lambda x: x[None].squeeze()), (lambda x: x.clip(-0.5, 0.5)),
        (lambda x: x.round()), (lambda x: x.cumsum(axis=1)), (lambda x: x.dot(x.T)),
        (lambda x: x.prod()), (lambda x: (x > 0).any()), (lambda x: (x > -9).all()),
        (lambda x: x.std()), (lambda x: x.var(ddof=1)), (lambda x: x.T),
        (lambda x: abs(x)), (lambda x: -x), (lambda x: +x), (lambda x: x // 0.3),
        (lambda x: x % 0.3), (lambda x: 2 ** x), (lambda x: 1.0 - x), (lambda x: 2 / x),
        (lambda x: x @ x.T), (lambda x: divmod(x, 0.7)), (lambda x: 3 // x),
    ]
    for fn in pairs:
        compare(fn(fx), fn(jx), SimpleNamespace(tol={}, check_weak=True))
    ix, jix = fnp.arange(6, dtype=fnp.int32), jnp.arange(6, dtype=jnp.int32)
    for fn in [lambda x: x & 3, lambda x: x | 8, lambda x: x ^ 5, lambda x: ~x,
               lambda x: x << 2, lambda x: x >> 1, lambda x: 7 & x, lambda x: 1 << x,
               lambda x: x % 4, lambda x: -7 // (x + 1)]:
        compare(fn(ix), fn(jix), SimpleNamespace(tol={}, check_weak=True))
    assert fx[0, 1].item() == float(xn[0, 1]) and fx.tolist() == xn.tolist()
