"""functrans.extend: the extensions of tests/extend_examples.py (a fused primitive, an
interval-arithmetic interpreter, a linear primitive, primitives without derivatives,
elementwise primitives in one call), checked under eager/jit/grad/vmap against reference
compositions and against JAX; the lowering facade's errors; hand-built jaxprs; and that
the example code imports only the public API."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import extend_examples as ex
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from oracle import assert_close

import functrans as ft
import functrans.numpy as fnp
from functrans import extend as fx
from functrans import lax

REPO = Path(__file__).resolve().parent.parent
X = np.array([-30.0, -3.0, -0.5, 0.0, 0.7, 2.0, 25.0], np.float32)
XS = np.linspace(-2.0, 2.0, 12, dtype=np.float32).reshape(3, 4)


# ---- (a) the fused softplus primitive -------------------------------------------------------

def test_softplus_matches_the_reference_composition_and_jax():
    for got in (ex.softplus(X), ft.jit(ex.softplus)(X)):
        assert_close(got, fnp.logaddexp(X, 0.0))
        assert_close(got, jax.nn.softplus(X))
    assert_close(ex.softplus(2.0), jax.nn.softplus(2.0), check_dtype=False)


# Each program is written once over (m, softplus): functrans with the new primitive, JAX
# with jax.nn.softplus, and functrans with the reference composition.
PROGRAMS = {
    "grad": lambda m, sp: m.grad(lambda x: (sp(x) * x).sum())(XS),
    "vmap": lambda m, sp: m.vmap(lambda r: sp(r) * r[0])(XS),
    "vmap_in_axes_1": lambda m, sp: m.vmap(sp, in_axes=1)(XS),
    "jit_vmap_grad": lambda m, sp: m.jit(m.vmap(m.grad(lambda x: sp(x) * m.numpy.sin(x))))(X),
    "jvp": lambda m, sp: m.jvp(sp, (XS,), (XS * 0.5,)),
    "hessian": lambda m, sp: m.hessian(lambda x: sp(x).sum())(X[1:6]),
    "grad_jit": lambda m, sp: m.grad(m.jit(lambda x: sp(x).sum()))(X),
    "vjp": lambda m, sp: m.vjp(sp, XS)[1](XS),
}


@pytest.mark.parametrize("name", PROGRAMS)
def test_softplus_transformations_agree_with_jax(name):
    got = jax.tree_util.tree_leaves(PROGRAMS[name](ft, ex.softplus))
    want = jax.tree_util.tree_leaves(PROGRAMS[name](jax, jax.nn.softplus))
    composed = jax.tree_util.tree_leaves(PROGRAMS[name](ft, lambda x: fnp.logaddexp(x, 0.0)))
    for g, w, c in zip(got, want, composed, strict=True):
        assert_close(g, w)
        assert_close(g, c)


def test_softplus_is_one_equation_and_lowers_through_ctx_op():
    jaxpr = ft.make_jaxpr(ex.softplus)(X)
    assert [e.primitive.name for e in jaxpr.eqns] == ["fused_softplus"]
    text = ft.jit(ex.softplus).lower(X).as_text()
    assert "stablehlo.log_plus_one" in text and "stablehlo.maximum" in text
    grad_jaxpr = str(ft.make_jaxpr(ft.grad(lambda x: ex.softplus(x).sum()))(X))
    assert "fused_softplus" in grad_jaxpr and "logistic" in grad_jaxpr


def test_softplus_abstract_eval_rejects_integers():
    with pytest.raises(TypeError, match=r"\[fused_softplus\] needs a float operand.*i32\[3\]"):
        ex.softplus(np.arange(3, dtype=np.int32))
    with pytest.raises(TypeError, match=r"\[fused_softplus\]"):
        ft.jit(ex.softplus)(np.arange(3, dtype=np.int32))


# ---- (b) the interval interpreter ----------------------------------------------------------

def _f(m):
    return lambda x: m.numpy.sin(x) * x + m.numpy.exp(x) - m.numpy.cos(x * 2.0)


def _inside(f_jax, lo, hi, bounds, n=64):
    """Every f(x) for x sampled in [lo, hi] lies within ``bounds`` (float32 slack)."""
    b_lo, b_hi = np.asarray(bounds[0]), np.asarray(bounds[1])
    assert (b_lo <= b_hi).all()
    for t in np.linspace(0.0, 1.0, n, dtype=np.float32):
        y = np.asarray(f_jax(lo + t * (hi - lo)))
        slack = 1e-5 * np.maximum(1.0, np.abs(y))
        assert (b_lo - slack <= y).all() and (y <= b_hi + slack).all(), t


@pytest.mark.parametrize("width", [0.05, 1.0, 7.0])
def test_interval_bounds_contain_the_function(width):
    lo = np.linspace(-4.0, 3.0, 9, dtype=np.float32)
    hi = lo + np.float32(width)
    bounds = ex.interval_eval(_f(ft))(lo, hi)
    _inside(_f(jax), lo, hi, bounds)
    if width == 7.0:  # wider than a period: sin and cos are bounded by [-1, 1] exactly
        s_lo, s_hi = ex.interval_eval(fnp.sin)(lo, hi)
        assert (np.asarray(s_lo) == -1).all() and (np.asarray(s_hi) == 1).all()


def test_interval_of_a_point_is_the_value_and_monotone_ends_are_exact():
    x = np.float32(0.3)
    lo, hi = ex.interval_eval(_f(ft))(x, x)
    assert_close(lo, _f(jax)(x), check_dtype=False)
    assert_close(hi, _f(jax)(x), check_dtype=False)
    g = lambda m, sp: lambda x: m.numpy.tanh(x) + sp(x) * 2.0  # noqa: E731 (nondecreasing)
    lo, hi = ex.interval_eval(g(ft, ex.softplus))(X[:-1], X[1:])
    assert_close(lo, g(jax, jax.nn.softplus)(X[:-1]))
    assert_close(hi, g(jax, jax.nn.softplus)(X[1:]))


def test_interval_composes_with_jit_vmap_grad_and_jaxprs():
    lo = np.linspace(-2.0, 2.0, 5, dtype=np.float32)
    hi = lo + np.float32(0.25)
    want = ex.interval_eval(_f(ft))(lo, hi)
    variants = {
        "jit(interval)": ft.jit(ex.interval_eval(_f(ft)))(lo, hi),
        "interval(jit)": ex.interval_eval(ft.jit(_f(ft)))(lo, hi),
        "interval(checkpoint)": ex.interval_eval(ft.checkpoint(_f(ft)))(lo, hi),
        "vmap(interval)": ft.vmap(ex.interval_eval(_f(ft)))(lo, hi),
        "interval(jaxpr)": ex.interval_eval(
            lambda x: fx.jaxpr_as_fun(ft.make_jaxpr(_f(ft))(lo))(x)[0])(lo, hi),
    }
    for name, got in variants.items():
        for g, w in zip(got, want, strict=True):
            np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-6, err_msg=name)
    # grad through the interpreter: the upper end of a nondecreasing function is f(hi).
    mono = lambda m: lambda x: m.numpy.exp(x) + m.numpy.tanh(x)  # noqa: E731
    got = ft.grad(lambda x: ex.interval_eval(mono(ft))(x - 0.1, x + 0.1)[1].sum())(lo)
    assert_close(got, jax.grad(lambda x: mono(jax)(x + 0.1).sum())(lo))
    # the interpreter around grad: bounds of the derivative
    d_lo, d_hi = ex.interval_eval(ft.grad(_f(ft)))(np.float32(0.4), np.float32(0.6))
    _inside(jax.grad(_f(jax)), np.float32(0.4), np.float32(0.6), (d_lo, d_hi))


def test_interval_names_a_primitive_it_has_no_rule_for():
    with pytest.raises(NotImplementedError, match=r"\[interval\] no interval rule for 'log'"):
        ex.interval_eval(fnp.log)(np.float32(1.0), np.float32(2.0))


def test_interval_tracer_leak_is_reported():
    leaked = []
    ex.interval_eval(lambda x: leaked.append(x) or x)(np.float32(0.0), np.float32(1.0))
    with pytest.raises(ft.UnexpectedTracerError, match=r"\[interval\].*escaped"):
        fnp.sin(leaked[0])


# ---- (c) a linear primitive with a transpose rule --------------------------------------

def test_cumsum_values_grad_and_vmap_agree_with_jax():
    for got in (ex.cumsum(XS), ft.jit(ex.cumsum)(XS)):
        assert_close(got, jnp.cumsum(XS, axis=-1))
    f = lambda m, cs: lambda x: (cs(x) * m.numpy.sin(x)).sum()  # noqa: E731
    jcs = lambda x: jnp.cumsum(x, axis=-1)  # noqa: E731
    assert_close(ft.grad(f(ft, ex.cumsum))(XS), jax.grad(f(jax, jcs))(XS))
    assert_close(ft.jit(ft.grad(f(ft, ex.cumsum)))(XS), jax.grad(f(jax, jcs))(XS))
    assert_close(ft.vmap(ex.cumsum, in_axes=1)(XS), jax.vmap(jcs, in_axes=1)(XS))
    assert_close(ft.jit(ft.vmap(ft.grad(f(ft, ex.cumsum))))(XS),
                 jax.vmap(jax.grad(f(jax, jcs)))(XS))


def test_cumsum_transpose_identity():
    t, ct = XS, np.cos(XS).astype(np.float32)
    (ct_in,) = ft.linear_transpose(ex.cumsum, t)(ct)
    lhs = float(np.vdot(ct, np.asarray(ex.cumsum(t))))
    assert np.isclose(lhs, float(np.vdot(np.asarray(ct_in), t)), rtol=1e-5)
    assert_close(ct_in, jax.linear_transpose(lambda x: jnp.cumsum(x, axis=-1), t)(ct)[0])


# A bilinear primitive with a param: linear in each operand separately, so its transpose
# rule looks at which operand is the UndefinedPrimal.
scaled_mul_p = fx.Primitive("scaled_mul")


def scaled_mul(x, w, scale):
    return scaled_mul_p.bind(x, w, scale=scale)


fx.def_abstract_eval(scaled_mul_p, lambda x, w, *, scale: x)
fx.def_impl(scaled_mul_p, lambda x, w, *, scale: (x * w * scale).astype(x.dtype))


@fx.def_jvp(scaled_mul_p)
def _scaled_mul_jvp(primals, tangents, *, scale):
    (x, w), (tx, tw) = primals, tangents
    return scaled_mul(x, w, scale), scaled_mul(tx, w, scale) + scaled_mul(x, tw, scale)


@fx.def_transpose(scaled_mul_p)
def _scaled_mul_transpose(ct, x, w, *, scale):
    assert fx.is_undefined_primal(x) != fx.is_undefined_primal(w)  # linear in one of them
    return [scaled_mul(ct, w, scale) if fx.is_undefined_primal(x) else None,
            scaled_mul(x, ct, scale) if fx.is_undefined_primal(w) else None]


@fx.def_vmap(scaled_mul_p)
def _scaled_mul_vmap(args, dims, *, scale):
    n = next(a.shape[d] for a, d in zip(args, dims, strict=True) if d is not None)
    x, w = [fnp.moveaxis(a, d, 0) if d is not None else fnp.broadcast_to(a, (n, *a.shape))
            for a, d in zip(args, dims, strict=True)]
    return scaled_mul(x, w, scale), 0


@fx.def_lowering(scaled_mul_p)
def _scaled_mul_lowering(ctx, x, w, *, scale):
    return ctx.op("stablehlo.multiply", ctx.op("stablehlo.multiply", x, w),
                  ctx.constant(scale, ctx.avals_out[0]))


def test_a_bilinear_primitive_with_params_under_every_transformation():
    f = lambda m, sm: lambda x, w: (m.numpy.sin(sm(x, w, 1.5)) * w).sum()  # noqa: E731
    jsm = lambda x, w, scale: x * w * scale  # noqa: E731
    w = np.cos(XS).astype(np.float32)
    for grad in (ft.grad(f(ft, scaled_mul), (0, 1)), ft.jit(ft.grad(f(ft, scaled_mul), (0, 1)))):
        for g, want in zip(grad(XS, w), jax.grad(f(jax, jsm), (0, 1))(XS, w), strict=True):
            assert_close(g, want)
    assert_close(ft.vmap(scaled_mul, in_axes=(1, None, None))(XS, w[:, 0], 2.0),
                 jax.vmap(jsm, in_axes=(1, None, None))(XS, w[:, 0], 2.0))
    assert_close(ft.jit(ft.vmap(ft.hessian(lambda x: scaled_mul(x, x, 0.5))))(X),
                 jax.vmap(jax.hessian(lambda x: jsm(x, x, 0.5)))(X))
    jaxpr = ft.make_jaxpr(lambda x: scaled_mul(x, x, 2.5))(X)
    assert jaxpr.eqns[0].params == {"scale": 2.5}


# ---- (d) no derivative, zero derivative --------------------------------------------------

def test_no_derivative_raises_a_clear_error():
    with pytest.raises(TypeError, match=r"\[jvp\] 'bucket' is not differentiable: bucket "
                                        r"numbers are piecewise constant.*stop_gradient"):
        ft.grad(lambda x: ex.bucket_p.bind(x) * x)(1.5)
    with pytest.raises(TypeError, match=r"'bucket' is not differentiable"):
        ft.jvp(ex.bucket_p.bind, (XS,), (XS,))
    # what the message suggests works, and so does everything that is not a derivative
    assert ft.grad(lambda x: ex.bucket_p.bind(lax.stop_gradient(x)) * x)(1.5) == 1.0
    assert_close(ft.jit(ft.vmap(ex.bucket_p.bind))(XS), np.floor(XS))


def test_zero_derivative_and_integer_results():
    q = lambda m, fl: lambda x: (fl(x) * x + m.numpy.sin(x)).sum()  # noqa: E731
    assert_close(ft.grad(q(ft, ex.quantize_p.bind))(XS), jax.grad(q(jax, jnp.floor))(XS))
    assert_close(ft.jit(ft.grad(q(ft, ex.quantize_p.bind)))(XS), jax.grad(q(jax, jnp.floor))(XS))
    idx = ft.jit(ex.bucket_index_p.bind)(XS)
    assert idx.dtype == np.int32
    assert_close(idx, np.floor(XS).astype(np.int32))
    # integer results have zero tangents: differentiating around them is fine
    g = ft.grad(lambda x: (x * ex.bucket_index_p.bind(x).astype(np.float32)).sum())(XS)
    assert_close(g, np.floor(XS))


# ---- elementwise_primitive -------------------------------------------------------------

def test_elementwise_primitive_against_jax():
    y = np.float32(0.75)
    assert_close(ex.atan2_p.bind(XS, y), jnp.arctan2(XS, y))
    assert_close(ft.jit(ex.atan2_p.bind)(XS, XS + 3), jnp.arctan2(XS, XS + 3))
    f = lambda at: lambda x, y: (at(x, y) * x).sum()  # noqa: E731
    got = ft.grad(f(ex.atan2_p.bind), argnums=(0, 1))(XS, y)
    want = jax.grad(f(jnp.arctan2), argnums=(0, 1))(XS, y)
    assert_close(got[0], want[0])
    assert_close(got[1], want[1], check_dtype=False)  # a weak float32 on both sides
    assert_close(ft.vmap(ex.atan2_p.bind, in_axes=(0, None))(XS, XS[0]),
                 jax.vmap(jnp.arctan2, in_axes=(0, None))(XS, XS[0]))
    assert "stablehlo.atan2" in ft.jit(ex.atan2_p.bind).lower(XS, XS).as_text()
    assert_close(ft.jit(ft.hessian(ex.cube_p.bind))(np.float32(2.0)), np.float32(12.0))
    with pytest.raises(TypeError, match=r"\[my_atan2\] operands must have equal shapes"):
        ex.atan2_p.bind(XS, X)


# ---- the lowering facade and registration errors -----------------------------------------

def _prim_with_lowering(name, lowering):
    p = fx.Primitive(name)
    fx.def_abstract_eval(p, lambda x: x)
    fx.def_impl(p, lambda x: x)
    fx.def_lowering(p, lowering)
    return p


def test_lowering_errors_name_the_primitive_and_the_op():
    bad_name = _prim_with_lowering("bad_name", lambda ctx, x: ctx.op("stablehlo.exponentia", x))
    with pytest.raises(ValueError, match=r"\[bad_name lowering\] stablehlo.exponentia: no such "
                                         r"operation"):
        ft.jit(bad_name.bind)(X)
    arity = _prim_with_lowering("bad_arity", lambda ctx, x: ctx.op("stablehlo.add", x))
    with pytest.raises(TypeError, match=r"\[bad_arity lowering\] stablehlo.add: invalid "
                                        r"operation.*2 operands"):
        ft.jit(arity.bind)(X)
    const = _prim_with_lowering("raw_const", lambda ctx, x: ctx.op("stablehlo.add", x, 1.0))
    with pytest.raises(TypeError, match=r"\[raw_const lowering\] stablehlo.add: operand 1 is a "
                                        r"float.*ctx.constant"):
        ft.jit(const.bind)(X)
    attr = _prim_with_lowering("bad_attr", lambda ctx, x: ctx.op(
        "stablehlo.compare", x, x, result=ctx.avals_out[0].update(dtype=bool),
        attributes={"comparison_direction": "#stablehlo<comparison_direction SIDEWAYS>"}))
    with pytest.raises(ValueError, match=r"\[bad_attr lowering\].*'comparison_direction'"):
        ft.jit(attr.bind)(X)


def test_lowering_from_function_checks_itself():
    loop = fx.Primitive("self_lowering")
    fx.def_abstract_eval(loop, lambda x: x)
    fx.lowering_from_function(loop, lambda x: loop.bind(x) + 1.0)
    with pytest.raises(RecursionError, match=r"\[self_lowering lowering\].*binds "
                                             r"'self_lowering' itself"):
        ft.jit(loop.bind)(X)
    wrong = fx.Primitive("wrong_shape")
    fx.def_abstract_eval(wrong, lambda x: x)
    fx.lowering_from_function(wrong, lambda x: x.sum())
    with pytest.raises(TypeError, match=r"\[wrong_shape lowering\] the lowering function "
                                        r"returns \(f32\[\]\).*\(f32\[7\]\)"):
        ft.jit(wrong.bind)(X)


def test_ctx_op_attributes_and_multiple_results():
    p = fx.Primitive("clamp_positive_pair", multiple_results=True)
    fx.def_abstract_eval(p, lambda x: [x, x.update(dtype=np.bool_)])
    fx.def_impl(p, lambda x: [np.maximum(x, 0), x > 0])

    @fx.def_lowering(p)
    def _(ctx, x):
        zero = ctx.constant(0.0, ctx.avals_in[0])
        gt = ctx.op("stablehlo.compare", x, zero, result=ctx.avals_out[1],
                    attributes={"comparison_direction": "#stablehlo<comparison_direction GT>"})
        return [ctx.op("stablehlo.select", gt, x, zero), gt]

    for fn in (p.bind, ft.jit(p.bind)):
        pos, gt = fn(X)
        assert_close(pos, np.maximum(X, 0))
        assert_close(gt, X > 0)
    assert fx.bind(p, X)[1].dtype == np.bool_


def test_registration_errors():
    with pytest.raises(TypeError, match=r"expected a functrans.extend.Primitive.*sin"):
        fx.def_jvp(lax.sin_p, lambda primals, tangents: None)
    p = fx.Primitive("returns_shape")
    fx.def_abstract_eval(p, lambda x: x.shape)
    with pytest.raises(TypeError, match=r"\[returns_shape\] the abstract eval rule must "
                                        r"return a ShapedArray.*tuple"):
        ft.make_jaxpr(p.bind)(X)
    missing = fx.Primitive("no_vmap")
    fx.def_abstract_eval(missing, lambda x: x)
    fx.def_impl(missing, lambda x: x)
    with pytest.raises(NotImplementedError, match=r"\[vmap\] no batching rule.*'no_vmap'.*"
                                                  r"functrans.extend.def_vmap"):
        ft.vmap(missing.bind)(XS)
    with pytest.raises(NotImplementedError, match=r"\[jvp\].*'no_vmap'.*functrans.extend.def_jvp"):
        ft.grad(missing.bind)(1.0)
    with pytest.raises(NotImplementedError, match=r"\[jit\] no XLA lowering.*'no_vmap'.*"
                                                  r"functrans.extend.def_lowering"):
        ft.jit(missing.bind)(XS)


def test_eager_on_device_runs_the_lowering_or_falls_back_to_the_impl():
    from functrans.xla_lowering import eager
    host_only = fx.Primitive("host_only_double")
    fx.def_abstract_eval(host_only, lambda x: x)
    fx.def_impl(host_only, lambda x: x * 2)
    eager.enable(True)  # what an accelerator does: one compiled op per eager primitive
    try:
        assert_close(ex.softplus(X), jax.nn.softplus(X))
        assert_close(host_only.bind(X), X * 2)
    finally:
        eager.enable(eager.default_enabled())


# ---- jaxprs built and read by hand --------------------------------------------------------

def test_hand_built_jaxpr_prints_evaluates_and_transforms():
    f32 = fx.ShapedArray((), np.float32)
    x, y, z = fx.Var(f32), fx.Var(f32), fx.Var(f32)
    eqns = [fx.Eqn(ex.softplus_p, [x], {}, [y]),
            fx.Eqn(lax.mul_p, [y, fx.Literal(3.0, f32.update(weak_type=True))], {}, [z])]
    closed = fx.ClosedJaxpr(fx.Jaxpr([], [x], eqns, [z]), [])
    assert re.search(r"fused_softplus a.*mul b 3\.0", str(closed), re.S), str(closed)
    assert eqns[1].invars is eqns[1].inputs
    fn = fx.jaxpr_as_fun(closed)
    want = 3.0 * jax.nn.softplus(np.float32(0.5))
    assert_close(fx.eval_jaxpr(closed.jaxpr, closed.consts, np.float32(0.5))[0], want)
    assert_close(ft.jit(fn)(np.float32(0.5))[0], want)
    assert_close(ft.grad(lambda v: fn(v)[0])(np.float32(0.5)),
                 jax.grad(lambda v: 3.0 * jax.nn.softplus(v))(np.float32(0.5)))
    # reading: a jaxpr's equations name their primitives, params and avals
    read = ft.make_jaxpr(lambda v: ex.cumsum(v) * 2.0)(XS)
    assert [(e.primitive, [a.aval.shape for a in e.invars]) for e in read.eqns] == [
        (ex.cumsum_p, [(3, 4)]), (lax.mul_p, [(3, 4), ()])]


def test_public_surface_is_documented_with_examples():
    for name in fx.__all__:
        obj = getattr(fx, name)
        doc = obj.__doc__ or ""
        assert "Example" in doc, f"functrans.extend.{name} has no docstring Example"


# ---- (e) the examples use only the public API ----------------------------------------------

ALLOWED_ROOTS = {"numpy", "math", "functools", "__future__", "matplotlib"}
INTERNAL = ("core", "primitives", "interpreters", "higher_order", "xla_lowering")


def import_violations(source: str) -> list[str]:
    """Imports other than functrans's public modules, numpy and a few stdlib helpers."""
    bad = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [f"{node.module}.{a.name}" if node.module == "functrans" else node.module
                     for a in node.names] if not node.level else ["<relative>"]
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "__import__":
            names = ["__import__"]
        else:
            continue
        for name in names:
            parts = name.split(".")
            public = parts[0] == "functrans" and not any(
                p.startswith("_") or p in INTERNAL for p in parts[1:])
            if not (public or name in ALLOWED_ROOTS):
                bad.append(name)
    return bad


def code_lines_per_example(source: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    name = None
    for line in source.splitlines():
        if line.startswith("# === example:"):
            name = line.split(":")[1].split("(")[0].strip()
            counts[name] = 0
        elif name and line.strip() and not line.strip().startswith("#"):
            counts[name] += 1
    return counts


USER_CODE = [REPO / "tests" / "extend_examples.py", REPO / "notebooks" /
             "06_extending_functrans.py"]


@pytest.mark.parametrize("path", USER_CODE, ids=lambda p: p.name)
def test_user_code_imports_only_the_public_api(path):
    assert import_violations(path.read_text()) == []


def test_each_example_is_under_50_lines():
    counts = code_lines_per_example(USER_CODE[0].read_text())
    assert set(counts) == {"softplus", "interval", "cumsum", "floors", "atan2"}
    assert max(counts.values()) < 50, counts


def test_the_import_checker_catches_internals():
    assert import_violations("import jax\nimport jax.numpy as jnp\n") == ["jax", "jax.numpy"]
    assert import_violations("from functrans.core import trace\n") == ["functrans.core"]
    assert import_violations("from functrans import _lax_lenient\n") == [
        "functrans._lax_lenient"]
    assert import_violations("from functrans.xla_lowering.lower import ir\n") != []
    assert import_violations("import functrans.numpy as fnp\nfrom functrans import extend\n"
                             "import numpy as np\n") == []
