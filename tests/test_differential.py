"""Differential suite: random programs (``program_gen.py``) under every transformation,
functrans against JAX on the very same program text.

Each test draws a program (a DAG of 3-12 numpy-, nn- and lax-level ops over 1-3 inputs
with special values: zeros, +-1, ties, negative bases, kinks of relu/abs/max) and runs
it under one transformation (eager, jit, jvp, vjp, grad, vmap, hessian, hvp,
checkpoint; derivative ones also under jit on a drawn flag), then compares with JAX:
same structure, shapes and dtypes, NaN and +-inf at exactly the same positions, finite
values within float32 tolerance. A failing example prints the program's source.

Run many programs with ``DIFF_EXAMPLES=2000 HYPOTHESIS_PROFILE=thorough``; the number of
programs run is printed at the end of the module.
"""

from __future__ import annotations

import os

import jax
import numpy as np
import pytest
from hypothesis import Phase, given, note, settings
from hypothesis import strategies as st
from oracle import assert_same
from program_gen import FTX, JAXX, programs

FIRST_ORDER = ("eager", "jit", "jvp", "vjp", "grad", "vmap", "checkpoint")
SECOND_ORDER = ("hessian", "hvp")
FORWARD_MODE = ("jvp", "hessian", "hvp")  # JAX cannot forward-differentiate custom_vjp
WITH_INF = ("eager", "jit", "vmap")  # infs in the inputs only where values, not slopes, compare
TOL = {1: dict(rtol=2e-4, atol=2e-4), 2: dict(rtol=1e-3, atol=1e-3)}

# No shrinking: every candidate costs two XLA compiles and hypothesis spends minutes on a
# 12-op program; a failure prints its (generated) program source instead.
_PHASES = [p for p in Phase if p is not Phase.shrink]
_EXAMPLES = os.environ.get("DIFF_EXAMPLES")
_settings = (settings(max_examples=int(_EXAMPLES), phases=_PHASES) if _EXAMPLES
             else settings(phases=_PHASES))
PROGRAMS_RUN = {"count": 0}


@pytest.fixture(scope="module", autouse=True)
def _report_count(request):
    yield
    plugins = request.config.pluginmanager
    reporter, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line(f"test_differential: {PROGRAMS_RUN['count']} programs run")


def _loss(m, f):
    return lambda *xs: sum(m.np.sum(o) for o in f(*xs))


def transformed(kind, m, prog, extra):
    """(function, args) running ``prog`` under transformation ``kind`` over ``m``."""
    f, xs = prog.build(m), prog.inputs
    n = len(xs)
    argnums = tuple(range(n))
    loss = _loss(m, f)
    if kind in ("eager", "jit"):
        return f, xs
    if kind == "jvp":
        return (lambda *xs: m.ft.jvp(f, xs, extra["tangents"])), xs
    if kind == "vjp":
        def vjp(*xs):
            out, pullback = m.ft.vjp(f, *xs)
            return out, pullback(extra["cotangents"])
        return vjp, xs
    if kind == "grad":
        return m.ft.grad(loss, argnums), xs
    if kind == "checkpoint":
        return m.ft.grad(_loss(m, m.ft.checkpoint(f)), argnums), xs
    if kind == "vmap":
        in_axes = extra["in_axes"]
        args = tuple(b if a == 0 else b[0] for a, b in zip(in_axes, prog.batch, strict=True))
        return m.ft.vmap(f, in_axes=in_axes), args
    if kind == "hessian":
        return m.ft.hessian(loss, argnums), xs
    if kind == "hvp":
        ts = extra["tangents"]
        if m is FTX:
            return (lambda *xs: m.ft.hvp(loss, xs, ts)), xs
        return (lambda *xs: m.ft.jvp(m.ft.grad(loss, 0 if n == 1 else argnums), xs, ts)[1]), xs
    raise ValueError(kind)


def _extras(data, prog):
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16), label="seed"))

    def dyadic(shape):
        return (rng.integers(-4, 5, size=shape) / 4).astype(np.float32)

    outs = jax.eval_shape(prog.build(JAXX), *prog.inputs)
    n = len(prog.inputs)
    in_axes = tuple(data.draw(st.sampled_from([0, None]), label="in_axis") for _ in range(n))
    if all(a is None for a in in_axes):
        in_axes = (0,) + in_axes[1:]
    return dict(tangents=tuple(dyadic(x.shape) for x in prog.inputs),
                cotangents=tuple(dyadic(o.shape) for o in outs), in_axes=in_axes)


def run_program(kind, prog, extra, jitted):
    """Runs ``prog`` under ``kind`` in JAX (the oracle) and functrans; asserts they agree."""
    f_jx, args = transformed(kind, JAXX, prog, extra)
    want = jax.jit(f_jx)(*args)  # the oracle compiled: JAX op-by-op is 10x slower here
    f_ft, args = transformed(kind, FTX, prog, extra)
    got = (FTX.jit(f_ft) if jitted or kind == "jit" else f_ft)(*args)
    order = 2 if kind in SECOND_ORDER else 1
    assert_same(got, want, **TOL[order], where=f"{kind}{' under jit' if jitted else ''}")


@pytest.mark.parametrize("kind", FIRST_ORDER + SECOND_ORDER)
@_settings
@given(data=st.data())
def test_program_matches_jax(kind, data):
    prog = data.draw(programs(forward=kind in FORWARD_MODE, allow_inf=kind in WITH_INF),
                     label="program")
    note(repr(prog))
    extra = _extras(data, prog)
    jitted = kind not in ("eager", "jit") and data.draw(st.booleans(), label="jit")
    PROGRAMS_RUN["count"] += 1
    run_program(kind, prog, extra, jitted)


# ---- regression tests: wrong answers the differential suite found ---------------------------
@pytest.mark.parametrize("op", ["cumprod", "cumlogsumexp"])
def test_cumulative_nan_stays_outside_the_window(op):
    """A NaN cotangent at out[0] reaches only x[0] (out[0] depends on x[0] alone), and a NaN
    tangent at x[2] only out[2]; the dense O(n^2) jvp once spread both through 0 * NaN."""
    x = np.array([-1.0, 2.0, -0.375], np.float32)
    ct = np.array([np.nan, 0.0, 1.0], np.float32)
    t = np.array([1.0, 1.0, np.nan], np.float32)
    results = []
    for m in (FTX, JAXX):
        f = lambda x, m=m: getattr(m.lax, op)(x, 0)  # noqa: E731
        results.append((m.ft.vjp(f, x)[1](ct), m.ft.jvp(f, (x,), (t,))[1]))
    assert_same(*results, **TOL[1])
    assert np.isfinite(np.asarray(results[0][0][0])[1:]).all()


def test_hypot_of_an_infinite_side_is_inf():
    """hypot(inf, y) is inf for every y, NaN included (it computed inf/inf = NaN)."""
    x = np.array([np.inf, -np.inf, np.nan, 3.0, 0.0], np.float32)
    y = np.array([np.nan, 2.0, np.inf, 4.0, 0.0], np.float32)
    want = JAXX.np.hypot(x, y)
    assert_same(FTX.np.hypot(x, y), want, **TOL[1])
    assert_same(FTX.jit(FTX.np.hypot)(x, y), want, **TOL[1])


@pytest.mark.parametrize("descending", [False, True])
def test_sort_orders_signed_nans_and_zeros_as_jax(descending):
    """-0.0 ties with 0.0 (stable order) and a NaN of either sign sorts last, eager and jit;
    jit once put -NaN first and -0.0 before 0.0 (TOTALORDER on raw keys)."""
    x = np.array([0.0, np.nan, 1.0, -0.0, 0.0, -1.0, np.nan], np.float32)
    x[1] = -np.abs(x[1])
    for fn in ("sort", "argsort"):
        want = getattr(JAXX.np, fn)(x, descending=descending)
        f = lambda x, fn=fn: getattr(FTX.np, fn)(x, descending=descending)  # noqa: E731
        for run in (f, FTX.jit(f)):
            got = run(x)
            assert_same(got, want, **TOL[1])
            assert (np.signbit(np.asarray(got)) == np.signbit(np.asarray(want))).all()
