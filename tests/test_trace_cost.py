"""Tracing cost and import footprint (issue 14): what keeps `make_jaxpr(grad(f))` cheap and
`import functrans` light, checked structurally (no timings: benchmarks/bench_trace.py and
benchmarks/bench_memory.py measure those)."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import functrans as ft
import functrans.numpy as fnp
from functrans.core.ir import ShapedArray


def _mlp_loss(m):
    def loss(params, x):
        for w, b in params[:-1]:
            x = m.tanh(x @ w + b)
        w, b = params[-1]
        return m.sum((x @ w + b) ** 2)
    return loss


def _params(layers: int):
    rng = np.random.default_rng(0)
    return [(rng.standard_normal((4, 4)).astype(np.float32), np.zeros(4, np.float32))
            for _ in range(layers)]


def test_grad_trace_leaves_no_cyclic_garbage():
    """A finished trace is freed by reference counting: the linear jaxpr of a grad (its
    equations, vars, tracers) is not kept alive by a trace <-> tracer cycle until the cyclic
    collector runs."""
    params, x = _params(3), np.ones((2, 4), np.float32)
    ft.make_jaxpr(ft.grad(_mlp_loss(fnp)))(params, x)  # warm every cache first
    gc.collect()
    gc.disable()
    try:
        ft.make_jaxpr(ft.grad(_mlp_loss(fnp)))(params, x)
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_grad_jaxpr_of_tanh_mlp_no_larger_than_jax():
    """The staged gradient has no more equations than JAX's (constants of elementwise jvps
    are rank-0 operands, not broadcasts) and computes the same values."""
    params, x = _params(4), np.linspace(-1, 1, 8, dtype=np.float32).reshape(2, 4)
    ours = ft.make_jaxpr(ft.grad(_mlp_loss(fnp)))(params, x)
    theirs = jax.make_jaxpr(jax.grad(_mlp_loss(jnp)))(params, x)
    assert len(ours.eqns) <= len(theirs.eqns)
    # broadcasts of a literal: only the output cotangent's seed (JAX has the same one)
    assert _literal_broadcasts(ours.eqns) == _literal_broadcasts(theirs.eqns) == 1
    got = ft.grad(_mlp_loss(fnp))(params, x)
    want = jax.grad(_mlp_loss(jnp))(params, x)
    for g, w in zip(jax.tree_util.tree_leaves(got), jax.tree_util.tree_leaves(want),
                    strict=True):
        np.testing.assert_allclose(np.asarray(g), np.asarray(w), rtol=2e-5, atol=1e-6)


def _literal_broadcasts(eqns) -> int:
    return sum(e.primitive.name == "broadcast_in_dim"
               and type(e.invars[0]).__name__ == "Literal" for e in eqns)


@pytest.mark.parametrize("shape", [(np.int64(2), 3), [2, np.int32(3)], (2.0, 3), (2, 3)])
def test_shaped_array_shape_is_python_ints(shape):
    a = ShapedArray(shape, "float32")
    assert a.shape == (2, 3) and all(type(d) is int for d in a.shape)
    assert a == ShapedArray((2, 3), np.float32) and hash(a) == hash(ShapedArray((2, 3),
                                                                                np.float32))
    assert a != ShapedArray((2, 3), np.float32, weak_type=True)


def test_traced_size_in_a_shape_names_the_problem():
    def f(n):
        return fnp.zeros((n, 2))
    with pytest.raises(ft.errors.ConcretizationTypeError):
        ft.jit(f)(3)


_IMPORT_PROBE = """
import json, sys
import functrans
from functrans.xla_lowering import runtime
mods = sorted(sys.modules)
print(json.dumps({
    "client": runtime._client is not None,
    "loaded": [m for m in mods if m == "functrans.scipy" or m.startswith("jax.extend")
               or m.startswith("functrans._random_")],
}))
"""


def test_import_is_light():
    """`import functrans` creates no PJRT client and loads neither jax.extend nor the
    optional modules that load on first use; those still work when touched."""
    env = {**os.environ, "JAX_PLATFORMS": "cpu"}
    env.pop("FUNCTRANS_EAGER_ON_DEVICE", None)
    out = subprocess.run([sys.executable, "-c", _IMPORT_PROBE], capture_output=True, text=True,
                         env=env, timeout=300, check=True)
    probe = json.loads(out.stdout.strip().splitlines()[-1])
    assert probe == {"client": False, "loaded": ["functrans._random_keys"]}
    assert "scipy" in dir(ft) and "gamma" in dir(ft.random)
    assert ft.scipy.special.erf is not None
    from functrans.random import poisson
    assert poisson is ft.random.poisson
    with pytest.raises(AttributeError, match="no attribute 'nonexistent'"):
        ft.random.nonexistent  # noqa: B018
