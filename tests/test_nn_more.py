"""The rest of jax.nn (activations, logmeanexp, dot_product_attention) and the new
top-level names (jacobian, device counts, clear_caches, closure_convert, custom_gradient,
named_call, ensure_compile_time_eval, typeof, checkpoint_policies, tree, dtypes) against
JAX on the same programs."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from oracle import BOTH, FT, JAX, assert_close

import functrans as ft
import functrans.nn as fnn
import functrans.numpy as fnp
from functrans.core.trace import Tracer

NN = {FT.name: fnn, JAX.name: jax.nn}
X = np.linspace(-3, 3, 13).astype(np.float32)
ACTIVATIONS = ["identity", "tanh", "mish", "squareplus", "sparse_plus", "sparse_sigmoid"]


def _both(fn, tol=None):
    a, b = fn(FT, NN[FT.name]), fn(JAX, NN[JAX.name])
    for x, y in zip(jax.tree_util.tree_leaves(a), jax.tree_util.tree_leaves(b), strict=True):
        assert_close(np.asarray(x), np.asarray(y), rtol=tol, atol=tol)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_values_and_grads(name):
    _both(lambda m, nn: getattr(nn, name)(X))
    _both(lambda m, nn: m.ft.vmap(m.ft.grad(getattr(nn, name)))(X), tol=1e-5)


def test_log1mexp_and_logmeanexp():
    _both(lambda m, nn: nn.log1mexp(np.abs(X) + 0.01))
    _both(lambda m, nn: m.ft.grad(lambda x: m.np.sum(nn.log1mexp(x)))(np.abs(X) + 0.01),
          tol=1e-4)
    y = np.random.RandomState(0).randn(3, 4).astype(np.float32)
    _both(lambda m, nn: nn.logmeanexp(y, axis=1))
    _both(lambda m, nn: nn.logmeanexp(y, axis=1, where=y > 0, keepdims=True))


_rs = np.random.RandomState(1)
Q = _rs.randn(2, 5, 4, 8).astype(np.float32)
K = _rs.randn(2, 6, 2, 8).astype(np.float32)
V = _rs.randn(2, 6, 2, 8).astype(np.float32)
BIAS = _rs.randn(1, 4, 5, 6).astype(np.float32)
MASK = _rs.rand(2, 1, 5, 6) > 0.3

ATTENTION = {
    "plain": {},
    "bias_mask_scale": dict(bias=BIAS, mask=MASK, scale=0.3),
    "causal": dict(is_causal=True),
    "window": dict(local_window_size=(1, 2)),
    "seq_lengths": dict(query_seq_lengths=np.int32([3, 5]),
                        key_value_seq_lengths=np.int32([6, 2])),
}


@pytest.mark.parametrize("case", list(ATTENTION))
def test_dot_product_attention(case):
    kw = ATTENTION[case]
    _both(lambda m, nn: m.jit(lambda q, k, v: nn.dot_product_attention(q, k, v, **kw))(Q, K, V),
          tol=1e-5)


def test_dot_product_attention_grad_vmap_unbatched():
    def loss(m, nn):
        return lambda q, k: m.np.sum(nn.dot_product_attention(q, k, V, bias=BIAS,
                                                              is_causal=True) ** 2)
    _both(lambda m, nn: m.ft.grad(loss(m, nn), argnums=(0, 1))(Q, K), tol=1e-4)
    _both(lambda m, nn: m.ft.vmap(lambda q, k, v: nn.dot_product_attention(q, k, v))(Q, K, V),
          tol=1e-5)
    _both(lambda m, nn: nn.dot_product_attention(Q[0], K[0], V[0], is_causal=True), tol=1e-5)


def test_dot_product_attention_errors():
    with pytest.raises(ValueError, match=r"\[dot_product_attention\].*multiple"):
        fnn.dot_product_attention(Q[:, :, :3], K, V)
    with pytest.raises(NotImplementedError, match="cudnn"):
        fnn.dot_product_attention(Q, K, V, implementation="cudnn")


# ---- top level ---------------------------------------------------------------------------

def test_jacobian_and_device_counts():
    _both(lambda m, nn: m.ft.jacobian(lambda x: m.np.sin(x) * x[0])(X[:4]))
    assert ft.device_count() == jax.device_count()
    assert ft.local_device_count() == jax.local_device_count()


def test_clear_caches_recompiles():
    calls = []

    def f(x):
        calls.append(1)
        return x * 2.0
    jf = ft.jit(f)
    jf(fnp.ones(3))
    jf(fnp.ones(3))
    assert len(calls) == 1
    ft.clear_caches()
    assert_close(jf(fnp.ones(3)), np.full(3, 2.0, np.float32))
    assert len(calls) == 2


def test_closure_convert_under_grad():
    x = np.float32([1.0, 2.0, 3.0])
    counts = {}

    def loss(m, w):
        conv, consts = m.ft.closure_convert(lambda y: m.np.sum(y * w * 2), x)
        counts[m.name] = len(consts)  # the traced w is hoisted
        return conv(x, *consts)
    outs = [m.ft.grad(lambda w, m=m: loss(m, w))(np.float32([2.0, 3.0, 4.0])) for m in BOTH]
    assert_close(*outs)
    assert counts == {FT.name: 1, JAX.name: 1}


def _custom_gradient_fn(m):
    @m.ft.custom_gradient
    def f(x, y):
        return x * y, lambda g: (g * 3.0 * y, g * x * 10.0)
    return f


def test_custom_gradient():
    def run(m, nn):
        f = _custom_gradient_fn(m)
        return (m.ft.grad(lambda a, b: f(a, b) * 2, argnums=(0, 1))(2.0, 5.0),
                m.jit(m.ft.grad(lambda a: f(a, a)))(3.0),
                m.ft.vmap(m.ft.grad(lambda a: f(a, 2.0)))(X[:3]),
                f(2.0, 4.0))
    _both(run)


def test_named_call_typeof_dtypes_tree():
    assert ft.named_call(lambda x: x + 1, name="inc")(1.0) == 2.0
    for x in (X, 1.0, np.int32(3)):
        a, b = ft.typeof(x), jax.typeof(x)
        assert (a.shape, a.dtype, a.weak_type) == (b.shape, b.dtype, b.weak_type)
    seen = []
    ft.jit(lambda x: seen.append(ft.typeof(x)) or x)(X)
    assert seen[0].shape == X.shape
    for d in (np.float64, np.int64, np.float32, np.uint8, np.bool_):
        assert ft.dtypes.canonicalize_dtype(d) == jax.dtypes.canonicalize_dtype(d)
        assert ft.dtypes.scalar_type_of(np.zeros(1, d)) is jax.dtypes.scalar_type_of(
            np.zeros(1, d))
    assert ft.dtypes.float0 == jax.dtypes.float0
    assert ft.dtypes.issubdtype(np.float32, np.floating)
    tree = {"a": (1, 2), "b": [3, None]}
    assert ft.tree.map(lambda v: v * 2, tree) == jax.tree.map(lambda v: v * 2, tree)
    assert ft.tree.leaves(tree) == jax.tree.leaves(tree)
    assert ft.tree.reduce(lambda a, b: a + b, tree) == jax.tree.reduce(lambda a, b: a + b, tree)
    assert ft.tree.all(tree) == jax.tree.all(tree)
    leaves, treedef = ft.tree.flatten(tree)
    assert ft.tree.unflatten(treedef, leaves) == tree
    assert ft.tree.structure(tree).num_leaves == jax.tree.structure(tree).num_leaves
    rows = [{"x": 1, "y": 2}, {"x": 3, "y": 4}]
    assert ft.tree.transpose(ft.tree.structure([0, 0]), None, rows) == \
        jax.tree.transpose(jax.tree.structure([0, 0]), None, rows)


def test_ensure_compile_time_eval():
    @ft.jit
    def f(x):
        with ft.ensure_compile_time_eval():
            table = fnp.arange(3.0) ** 2
            assert not isinstance(table, Tracer)  # computed now, not staged
            y = x * table  # x is traced: staged as usual
        return y
    assert_close(f(np.float32([1.0, 2.0, 3.0])), np.float32([0.0, 2.0, 12.0]))
    jaxpr = ft.make_jaxpr(f)(np.float32([1.0, 2.0, 3.0]))
    assert "integer_pow" not in str(jaxpr) and "iota" not in str(jaxpr)


def test_checkpoint_policies():
    f = lambda x: fnp.sin(fnp.sin(x))
    want = jax.grad(lambda x: jnp.sin(jnp.sin(x)))(1.0)
    for name in ("nothing_saveable", "everything_saveable", "dots_saveable"):
        policy = getattr(ft.checkpoint_policies, name)
        assert_close(ft.grad(ft.checkpoint(f, policy=policy))(1.0), want)
    assert set(dir(ft.checkpoint_policies)) >= {
        n for n in dir(jax.checkpoint_policies) if not n.startswith("_")}
