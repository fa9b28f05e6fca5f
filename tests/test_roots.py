"""numpy.roots vs jax.numpy.roots (eigenvalues of the companion matrix)."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import functrans as ft
import functrans.numpy as fnp

POLYS = [[1.0, -3.0, 2.0], [0.0, 0.0, 1.0, -3.0, 2.0], [2.0], [0.0, 0.0, 0.0],
         [1.0, 0.0, 0.0, 1.0], [1, 2, 3, 4], [0.0, 1.0, 2.0, 0.0]]


def _sorted(r):
    r = np.asarray(r)
    return r[np.lexsort((r.imag, r.real))] if r.size else r


@pytest.mark.parametrize("p", POLYS)
def test_roots_match_jax(p):
    got, want = fnp.roots(fnp.array(p)), jnp.roots(jnp.array(p))
    assert np.asarray(got).dtype == np.asarray(want).dtype and got.shape == want.shape
    np.testing.assert_allclose(_sorted(got), _sorted(want), atol=2e-5)
    # strip_zeros=False works under jit: leading zeros become trailing NaN roots
    got = ft.jit(lambda q: fnp.roots(q, strip_zeros=False))(fnp.array(p))
    want = jax.jit(lambda q: jnp.roots(q, strip_zeros=False))(jnp.array(p))
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), atol=2e-5)


def test_roots_errors():
    with pytest.raises(TypeError, match=r"\[roots\] strip_zeros=True needs concrete"):
        ft.jit(fnp.roots)(fnp.array([1.0, 2.0]))
    with pytest.raises(ValueError, match=r"\[roots\] the coefficients must be a rank-1"):
        fnp.roots(fnp.ones((2, 2)))
