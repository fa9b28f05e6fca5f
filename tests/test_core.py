"""Core: jaxpr printing (golden text vs JAX), make_jaxpr, eval_jaxpr, eval_shape,
the typechecker, closures and static arguments."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from oracle import BOTH, assert_close

import functrans as ft
import functrans.numpy as fnp
from functrans import lax
from functrans.core.ir import Eqn, Jaxpr, Var
from functrans.core.typecheck import JaxprTypeError, check_jaxpr

GOLDEN_PROGRAMS = [
    ("sin_mul", lambda m: (lambda x: m.lax.sin(x) * 2.0), (np.ones(3, np.float32),), {}),
    ("slice_squeeze", lambda m: (lambda x: x[1:, 0] * 2), (np.ones((3, 4), np.float32),), {}),
    ("convert_add", lambda m: (lambda x: m.lax.convert_element_type(x, np.int32) + 1),
     (np.ones(3, np.float32),), {}),
    ("static_pow", lambda m: (lambda x, n: x ** n), (np.ones(3, np.float32), 3),
     {"static_argnums": 1}),
    ("pytree_out", lambda m: (lambda x: (x, {"a": x * 2})), (1.0,), {}),
    ("reduce", lambda m: (lambda x: m.np.sum(m.np.tanh(x), axis=0)),
     (np.ones((2, 3), np.float32),), {}),
]


@pytest.mark.parametrize("name,make,args,kw", GOLDEN_PROGRAMS, ids=[p[0] for p in GOLDEN_PROGRAMS])
def test_jaxpr_text_matches_jax(name, make, args, kw):
    from oracle import FT, JAX
    ours = str(ft.make_jaxpr(make(FT), **kw)(*args))
    theirs = str(jax.make_jaxpr(make(JAX), **kw)(*args))
    theirs = theirs.replace(" out_sharding=None", "")
    ours = ours.replace(" out_sharding=None", "")
    assert ours == theirs


def test_jaxpr_text_with_closure_constant():
    c = np.arange(3.0, dtype=np.float32)
    ours = str(ft.make_jaxpr(lambda x: x + c)(np.ones(3, np.float32)))
    assert ours == "{ lambda a:f32[3]; b:f32[3]. let c:f32[3] = add b a in (c,) }"


def test_nested_jit_prints_inner_jaxpr():
    inner = ft.jit(lambda x: lax.sin(x) * 2.0)
    text = str(ft.make_jaxpr(lambda x: inner(x) + 1.0)(np.ones(3, np.float32)))
    assert "jit[" in text and "name=<lambda>" in text and "sin" in text


def test_eval_jaxpr_roundtrip():
    def f(x, y):
        return fnp.tanh(x @ y).sum(axis=0) + lax.reduce_max(y, (0, 1))
    x, y = np.random.randn(2, 3).astype(np.float32), np.random.randn(3, 4).astype(np.float32)
    closed = ft.make_jaxpr(f)(x, y)
    (out,) = ft.eval_jaxpr(closed.jaxpr, closed.consts, x, y)
    assert_close(out, jnp.tanh(x @ y).sum(axis=0) + jnp.max(y))
    (jitted,) = ft.jit(lambda a, b: ft.eval_jaxpr(closed.jaxpr, closed.consts, a, b))(x, y)
    assert_close(jitted, out)


def test_eval_shape_matches_jax():
    def f(x, y):
        return {"a": x @ y, "b": (x.sum(), y.T)}
    x = ft.ShapeDtypeStruct((2, 3), np.float32)
    y = np.ones((3, 5), np.float32)
    ours = ft.eval_shape(f, x, y)
    theirs = jax.eval_shape(f, jax.ShapeDtypeStruct((2, 3), np.float32), y)
    ours_l = jax.tree_util.tree_leaves(ft.tree_util.tree_map(lambda s: (s.shape, s.dtype), ours))
    theirs_l = jax.tree_util.tree_leaves(jax.tree_util.tree_map(lambda s: (s.shape, s.dtype),
                                                                theirs))
    assert ours_l == theirs_l


def test_typecheck_accepts_traced_jaxprs():
    closed = ft.make_jaxpr(lambda x: fnp.tanh(x @ x.T).sum() * 3.0)(np.ones((2, 3), np.float32))
    check_jaxpr(closed)


def test_typecheck_rejects_wrong_out_aval():
    closed = ft.make_jaxpr(lambda x: lax.sin(x))(np.ones(3, np.float32))
    eqn = closed.jaxpr.eqns[0]
    bad_out = Var(eqn.outvars[0].aval.update(shape=(4,)))
    bad = Jaxpr([], closed.jaxpr.invars, [Eqn(eqn.primitive, eqn.inputs, eqn.params, [bad_out])],
                [bad_out])
    with pytest.raises(JaxprTypeError, match="produces"):
        check_jaxpr(bad)


def test_typecheck_rejects_unbound_variable():
    a = Var(ft.core.ir.ShapedArray((3,), np.float32))
    closed = ft.make_jaxpr(lambda x: lax.sin(x))(np.ones(3, np.float32))
    eqn = closed.jaxpr.eqns[0]
    bad = Jaxpr([], closed.jaxpr.invars, [Eqn(eqn.primitive, [a], {}, eqn.outvars)],
                eqn.outvars)
    with pytest.raises(JaxprTypeError, match="before it is bound"):
        check_jaxpr(bad)


@pytest.mark.parametrize("m", BOTH, ids=lambda m: m.name)
def test_weak_types(m):
    x = m.np.ones(3, dtype=np.float16)
    assert (x * 2.0).dtype == np.float16
    assert (x + 1).dtype == np.float16
    i = m.np.ones(3, dtype=np.int8)
    assert (i + 1).dtype == np.int8
    assert (i * 2.5).dtype == np.float32
    s = m.np.asarray(2.0)
    assert s.weak_type
    assert (s * m.np.ones(2, dtype=np.float16)).dtype == np.float16


def test_make_jaxpr_static_argnames_and_kwargs():
    def f(x, *, scale, mode):
        return x * scale if mode == "mul" else x + scale
    text = str(ft.make_jaxpr(f, static_argnames="mode")(np.ones(2, np.float32), scale=3.0,
                                                          mode="add"))
    assert "add" in text and "mul" not in text
