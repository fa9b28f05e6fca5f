"""Random programs for the differential suite (``test_differential.py``).

A program is a random DAG of 3-12 ops over 1-3 input arrays of one base shape, written
once as Python source over a namespace ``m`` (``m.np``, ``m.nn``, ``m.lax``, ``m.ft``,
``m.jit``) so that the very same text runs under functrans and under JAX. Its source is
its repro: a failing example prints it ready to paste.

Every op keeps its result broadcast-compatible with the base shape (axis ops work on the
last axis with ``keepdims``), so any two nodes can meet in a binary op. Inputs are drawn
on purpose at special values: 0, +-1, +-0.5, 2, 6 (relu6's kink), ties between
arguments (an input copies another one on a drawn mask), repeated values within an
array (ties for max/sort), negative bases, and +-inf where the caller allows it.

Example::

    prog = data.draw(programs())
    f_ft, f_jx = prog.build(FTX), prog.build(JAXX)
    f_ft(*prog.inputs), f_jx(*prog.inputs)
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

import jax
import numpy as np
from hypothesis import strategies as st
from oracle import FT, JAX

import functrans.nn as fnn

BASE_SHAPES = ((), (3,), (2, 3))
SPECIAL = (0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 6.0)
INF = (np.inf, -np.inf)


@dataclass(frozen=True)
class Op:
    """One op: ``template`` is a Python expression over ``m`` whose ``{0}``, ``{1}``...
    are operand names; ``axis``: needs rank >= 1 (works on the last axis);
    ``reduces``: its result keeps the last axis as size 1; ``forward``: JAX can
    forward-differentiate it (custom_vjp functions cannot)."""

    name: str
    arity: int
    template: str
    axis: bool = False
    reduces: bool = False
    forward: bool = True


def _u(name, template, **kw):
    return Op(name, 1, template, **kw)


def _b(name, template, **kw):
    return Op(name, 2, template, **kw)


def _ax(name, template, **kw):
    return Op(name, 1, template, axis=True, **kw)


def _red(name, template):
    return Op(name, 1, template, axis=True, reduces=True)


OPS = [
    # numpy-level elementwise
    *[_u(n, f"m.np.{n}({{0}})") for n in (
        "sin", "cos", "tanh", "exp", "log", "log1p", "expm1", "sqrt", "abs", "sign", "floor",
        "ceil", "round", "square", "negative", "arctan", "sinh", "reciprocal")],
    _u("pow2", "{0} ** 2.0"), _u("pow3", "{0} ** 3.0"), _u("pow_half", "{0} ** 0.5"),
    _u("pow_m1", "{0} ** -1.0"), _u("clip", "m.np.clip({0}, -1.0, 1.0)"),
    # nn
    *[_u(n, f"m.nn.{n}({{0}})") for n in (
        "relu", "relu6", "softplus", "log_sigmoid", "sigmoid", "silu", "gelu", "elu",
        "leaky_relu")],
    # primitive-level elementwise
    _u("lax_integer_pow3", "m.lax.integer_pow({0}, 3)"),
    _u("lax_integer_pow_m2", "m.lax.integer_pow({0}, -2)"),
    _u("lax_rsqrt", "m.lax.rsqrt({0})"), _u("lax_erf", "m.lax.erf({0})"),
    _u("lax_logistic", "m.lax.logistic({0})"),
    _u("stop_gradient", "m.lax.stop_gradient({0})"),
    _u("custom_jvp_softclip", "m.custom.softclip({0})"),
    _u("custom_vjp_clipgrad", "m.custom.clipgrad({0})", forward=False),
    # binary
    _b("add", "{0} + {1}"), _b("sub", "{0} - {1}"), _b("mul", "{0} * {1}"),
    _b("div", "{0} / {1}"),
    *[_b(n, f"m.np.{n}({{0}}, {{1}})") for n in (
        "maximum", "minimum", "fmax", "fmin", "power", "logaddexp", "arctan2", "hypot")],
    _b("lax_max", "m.lax.max(*m.np.broadcast_arrays({0}, {1}))"),
    _b("lax_min", "m.lax.min(*m.np.broadcast_arrays({0}, {1}))"),
    _b("lax_pow", "m.lax.pow(*m.np.broadcast_arrays({0}, {1}))"),
    _b("where_gt", "m.np.where({0} > {1}, {0}, {1})"),
    _b("where_nonneg", "m.np.where({0} >= 0, {1}, {0})"),
    Op("clip3", 3, "m.np.clip({0}, {1}, {2})"),
    # last-axis ops keeping the shape
    _ax("cumsum", "m.np.cumsum({0}, axis=-1)"),
    _ax("cumprod", "m.np.cumprod({0}, axis=-1)"),
    # cummax/cummin ties are a documented difference (README): JAX splits the tangent along
    # its scan tree, functrans gives it to the first contender. A ramp keeps them tie-free.
    _ax("lax_cummax", "m.lax.cummax({0} + 1e-3 * m.np.arange({0}.shape[-1]), axis={0}.ndim - 1)"),
    _ax("lax_cummin", "m.lax.cummin({0} - 1e-3 * m.np.arange({0}.shape[-1]), axis={0}.ndim - 1, "
        "reverse=True)"),
    _ax("sort", "m.np.sort({0}, axis=-1)"),
    _ax("flip", "m.np.flip({0}, axis=-1)"),
    _ax("softmax", "m.nn.softmax({0}, axis=-1)"),
    _ax("log_softmax", "m.nn.log_softmax({0}, axis=-1)"),
    # standardize written out: jax.nn.standardize's default one-pass variance (E[x^2] - E[x]^2)
    # and functrans' two-pass one differ beyond float32 tolerance on near-constant rows
    _ax("standardize", "({0} - m.np.mean({0}, axis=-1, keepdims=True)) * m.lax.rsqrt("
        "m.np.var({0}, axis=-1, keepdims=True) + 1e-5)"),
    _ax("matmul", "{0} @ m.np.asarray(C)[:{0}.shape[-1]]"),
    # last-axis reductions (keepdims)
    *[_red(n, f"m.np.{n}({{0}}, axis=-1, keepdims=True)") for n in (
        "sum", "mean", "max", "min", "prod", "var")],
    _red("logsumexp", "m.nn.logsumexp({0}, axis=-1, keepdims=True)"),
    _red("lax_reduce_max", "m.np.expand_dims(m.lax.reduce_max({0}, ({0}.ndim - 1,)), -1)"),
]
OPS_BY_NAME = {op.name: op for op in OPS}


def _custom_ops(ft_mod, np_mod):
    """A custom_jvp op (2*tanh with its rule written out) and a custom_vjp op (identity
    whose backward pass clips the cotangent to [-1, 1]), built over one namespace."""

    @ft_mod.custom_jvp
    def softclip(x):
        return 2.0 * np_mod.tanh(x)

    @softclip.defjvp
    def _softclip_jvp(primals, tangents):
        (x,), (t,) = primals, tangents
        y = np_mod.tanh(x)
        return 2.0 * y, 2.0 * (1.0 - y * y) * t

    @ft_mod.custom_vjp
    def clipgrad(x):
        return x

    def _fwd(x):
        return x, None

    def _bwd(_, g):
        return (np_mod.clip(g, -1.0, 1.0),)

    clipgrad.defvjp(_fwd, _bwd)
    return SimpleNamespace(softclip=softclip, clipgrad=clipgrad)


def _extend(ns, nn):
    return SimpleNamespace(**vars(ns), nn=nn, custom=_custom_ops(ns.ft, ns.np))


FTX = _extend(FT, fnn)
JAXX = _extend(JAX, jax.nn)


@dataclass
class Program:
    """A generated program: ``source`` defines ``f(m, x0, ...)`` returning a tuple of the
    DAG's sink nodes; ``inputs`` are float32 arrays of ``shape``; ``batch`` holds the
    same inputs with a leading axis of 2 (for vmap); ``const`` is the matmul matrix."""

    source: str
    inputs: tuple
    batch: tuple
    const: np.ndarray
    shape: tuple

    def build(self, m):
        """The program as a Python function of the inputs only, over namespace ``m``."""
        scope = {"C": self.const}
        exec(compile(self.source, "<program>", "exec"), scope)  # noqa: S102
        f = scope["f"]
        return lambda *xs: f(m, *xs)

    def __repr__(self) -> str:
        arrs = ", ".join(repr(x) for x in self.inputs)
        return f"{self.source}\nC = {self.const!r}\ninputs = ({arrs},)"


def _element(allow_inf: bool):
    pool = SPECIAL + (INF if allow_inf else ())
    return st.one_of(st.sampled_from(pool), st.integers(-3000, 3000).map(lambda i: i / 1000))


@st.composite
def _array(draw, shape, allow_inf):
    n = int(np.prod(shape, dtype=int))
    vals = draw(st.lists(_element(allow_inf), min_size=n, max_size=n))
    return np.asarray(vals, np.float32).reshape(shape)


@st.composite
def _inputs(draw, shape, n_inputs, allow_inf):
    """n_inputs arrays; each after the first copies an earlier one on a drawn mask (ties)."""
    xs = []
    for i in range(n_inputs):
        x = draw(_array(shape, allow_inf))
        if i and draw(st.booleans()):
            src = xs[draw(st.integers(0, i - 1))]
            n = int(np.prod(shape, dtype=int))
            mask = np.asarray(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
            x = np.where(mask.reshape(shape), src, x).astype(np.float32)
        xs.append(x)
    return xs


@st.composite
def programs(draw, forward: bool = True, allow_inf: bool = False):
    """A random ``Program``. ``forward``: only ops JAX can forward-differentiate;
    ``allow_inf``: inputs may hold +-inf."""
    shape = draw(st.sampled_from(BASE_SHAPES), label="shape")
    n_inputs = draw(st.integers(1, 3), label="n_inputs")
    n_ops = draw(st.integers(3, 12), label="n_ops")
    pool = [op for op in OPS if op.forward or not forward]
    names = [f"x{i}" for i in range(n_inputs)]
    used = [False] * n_inputs
    lines = ["def f(m, " + ", ".join(names) + "):"]
    lines += [f"    {n} = m.np.asarray({n})" for n in names]
    for k in range(n_ops):
        op = draw(st.sampled_from([op for op in pool if not op.axis or shape]), label=f"op{k}")
        # often draw operands among the 3 newest nodes, so the DAG is deep, not a fan
        lo = max(0, len(names) - 3) if draw(st.booleans()) else 0
        args = [draw(st.integers(lo, len(names) - 1)) for _ in range(op.arity)]
        lines.append(f"    v{k} = " + op.template.format(*[names[a] for a in args]))
        for a in args:
            used[a] = True
        names.append(f"v{k}")
        used.append(False)
    sinks = [n for n, u in zip(names, used, strict=True) if not u and n.startswith("v")]
    lines.append("    return (" + "".join(f"{s}, " for s in sinks) + ")")
    last = shape[-1] if shape else 1
    const = np.asarray(draw(st.lists(st.integers(-4, 4), min_size=last * last,
                                     max_size=last * last)), np.float32).reshape(last, last) / 4
    xs = draw(_inputs(shape, n_inputs, allow_inf), label="inputs")
    second = draw(_inputs(shape, n_inputs, allow_inf), label="second batch row")
    batch = tuple(np.stack([a, b]) for a, b in zip(xs, second, strict=True))
    return Program("\n".join(lines), tuple(xs), batch, const, shape)
