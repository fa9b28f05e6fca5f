"""functrans.Array: properties, operators, conversions, repr, transfers — checked
against jax.Array on the same programs."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from oracle import BOTH, assert_close

import functrans as ft
import functrans.numpy as fnp


@pytest.mark.parametrize("m", BOTH, ids=lambda m: m.name)
def test_properties(m):
    x = m.np.ones((2, 3), dtype=np.float16)
    assert (x.shape, x.dtype, x.ndim, x.size) == ((2, 3), np.float16, 2, 6)
    assert x.T.shape == (3, 2)
    assert len(x) == 2


@pytest.mark.parametrize("m", BOTH, ids=lambda m: m.name)
def test_operators_and_reflected(m):
    a = np.arange(1, 7, dtype=np.float32).reshape(2, 3)
    x = m.np.asarray(a)
    results = [x + 1, 1 + x, x - 2, 2 - x, x * 3, 3 * x, x / 2, 2 / x, x ** 2, 2 ** x, -x,
               +x, x @ x.T, a @ x.T, x < 3, 3 < x, x == 2, x != 2, x >= 2, x <= 2]
    expected = [a + 1, 1 + a, a - 2, 2 - a, a * 3, 3 * a, a / 2, 2 / a, a ** 2, 2 ** a, -a,
                +a, a @ a.T, a @ a.T, a < 3, 3 < a, a == 2, a != 2, a >= 2, a <= 2]
    for r, e in zip(results, expected, strict=True):
        assert_close(r, e, check_dtype=False)
        assert isinstance(r, type(x))


@pytest.mark.parametrize("m", BOTH, ids=lambda m: m.name)
def test_basic_indexing(m):
    a = np.arange(24, dtype=np.int32).reshape(2, 3, 4)
    x = m.np.asarray(a)
    for idx in [0, -1, (1, 2), (slice(None), 1), (Ellipsis, 2), (None, 0),
                (slice(0, 2), slice(1, None), slice(None, None, 2)), (0, Ellipsis, None),
                (slice(1, 3),)]:
        assert_close(x[idx], a[idx])


def test_static_index_out_of_range_clamps_as_jax():
    x = fnp.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(x[2], x[1])  # JAX clamps static indices on retrieval
    with pytest.raises(IndexError, match="too many indices"):
        x[0, 0, 0]


@pytest.mark.parametrize("m", BOTH, ids=lambda m: m.name)
def test_conversions(m):
    x = m.np.asarray(3.5)
    assert float(x) == 3.5 and int(x) == 3 and bool(x) and complex(x) == 3.5
    i = m.np.asarray(2)
    assert [10, 20, 30][i] == 30
    assert np.asarray(m.np.ones(2)).dtype == np.float32
    assert [float(v) for v in m.np.arange(3.0)] == [0.0, 1.0, 2.0]
    assert m.np.ones(2).tolist() == [1.0, 1.0] and m.np.asarray(2.5).item() == 2.5


def test_repr_like_jax():
    import jax.numpy as jnp
    for a in [np.ones((2, 3), np.float32), np.arange(3, dtype=np.int32)]:
        assert repr(fnp.asarray(a)) == repr(jnp.asarray(a))
    assert repr(fnp.asarray(2.0)) == repr(jnp.asarray(2.0))
    assert str(fnp.asarray(np.arange(3))) == str(jnp.asarray(np.arange(3)))


def test_unhashable_and_pickle():
    x = fnp.arange(3.0)
    with pytest.raises(TypeError):
        hash(x)
    y = pickle.loads(pickle.dumps(x))
    assert_close(y, x)


def test_device_put_get_and_block():
    x = ft.device_put(np.arange(4, dtype=np.float32))
    assert isinstance(x, ft.Array) and x.device == ft.devices()[0]
    assert x.block_until_ready() is x
    tree = ft.device_get({"a": x, "b": (x * 2,)})
    assert isinstance(tree["a"], np.ndarray)
    assert_close(tree["b"][0], np.arange(4, dtype=np.float32) * 2)
    assert ft.default_backend() == "cpu"


def test_x64_inputs_are_canonicalized():
    x = fnp.asarray(np.arange(3, dtype=np.float64))
    assert x.dtype == np.float32
    y = fnp.asarray(np.arange(3, dtype=np.int64))
    assert y.dtype == np.int32
    assert ft.jit(lambda a: a)(np.ones(2)).dtype == np.float32
