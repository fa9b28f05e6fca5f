# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Extending functrans
#
# `functrans.extend` is the one module an extension needs. With it we will
#
# 1. add a new **primitive**, a fused `softplus`, and teach every transformation about it
#    (eager evaluation, `jit`, `grad`, `vmap`) one rule at a time;
# 2. write a new **interpreter**, interval arithmetic, that runs any function on
#    intervals and composes with `jit`, `grad` and `vmap`.
#
# Everything below imports only `functrans`, `functrans.extend` and NumPy.

# %%
import math

import numpy as np

import functrans as ft
import functrans.numpy as fnp
from functrans import extend as fx
from functrans import lax

# %% [markdown]
# ## 1. A primitive
#
# A primitive is a name. `bind` hands it to the current trace: eager evaluation, a jit
# trace, a jvp trace, ... Each of those looks its rule up, so a primitive does nothing
# until it has rules.

# %%
softplus_p = fx.Primitive("softplus")


def softplus(x):
    return softplus_p.bind(x)


# %% [markdown]
# **Abstract evaluation** says what the result looks like (shape, dtype) from what the
# operands look like. It runs before anything is computed or compiled, so it is where bad
# input is rejected, with a message that names the primitive.

# %%
@fx.def_abstract_eval(softplus_p)
def _softplus_abstract_eval(x):
    if not fnp.issubdtype(x.dtype, fnp.floating):
        raise TypeError(f"[softplus] needs a float operand, got {x.str_short()}")
    return x


print(ft.make_jaxpr(lambda x: softplus(x) * 2.0)(np.ones(3, np.float32)))

# %% [markdown]
# **The eager implementation** is written with NumPy: it is what `softplus(x)` computes
# outside `jit`.

# %%
fx.def_impl(softplus_p, lambda x: np.logaddexp(x, np.zeros((), x.dtype)))

x = np.linspace(-3.0, 3.0, 5, dtype=np.float32)
print(softplus(x))
try:
    softplus(np.arange(3))
except TypeError as err:
    print(err)

# %% [markdown]
# **The jvp rule** gives forward-mode derivatives, and with them `grad`: reverse mode is
# the transpose of the linear part of the jvp. The rule is written with functrans
# operations, so it is itself differentiable (second derivatives come for free).

# %%
@fx.def_jvp(softplus_p)
def _softplus_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return softplus(x), t * lax.logistic(x)


print(ft.grad(lambda x: softplus(x).sum())(x))
print(ft.grad(ft.grad(softplus))(0.0))  # logistic'(0) = 1/4

# %% [markdown]
# **The vmap rule** receives the batched operands and where their batch axis is.
# Softplus is elementwise, so it applies to the whole batch and the axis stays put.

# %%
fx.def_vmap(softplus_p, lambda args, dims: (softplus(args[0]), dims[0]))

print(ft.vmap(lambda row: softplus(row) * row[0])(x.reshape(5, 1)))

# %% [markdown]
# **The lowering** builds StableHLO for `jit`. `ctx.op` emits any StableHLO operation by
# name (result types are inferred where StableHLO can), `ctx.constant` makes constants;
# no MLIR import is needed. We write the numerically stable form
# `max(x, 0) + log1p(exp(-|x|))`, fused into one program.

# %%
@fx.def_lowering(softplus_p)
def _softplus_lowering(ctx, x):
    e = ctx.op("stablehlo.exponential", ctx.op("stablehlo.negate", ctx.op("stablehlo.abs", x)))
    positive = ctx.op("stablehlo.maximum", x, ctx.constant(0, ctx.avals_in[0]))
    return ctx.op("stablehlo.add", positive, ctx.op("stablehlo.log_plus_one", e))


print(ft.jit(softplus).lower(x).as_text())
print(ft.jit(softplus)(np.float32([-100.0, 0.0, 100.0])))

# %% [markdown]
# Every transformation now composes with every other, including compiled derivatives of
# batched code:

# %%
per_example_grad = ft.jit(ft.vmap(ft.grad(lambda x: softplus(x) * fnp.sin(x))))
print(per_example_grad(x))
reference = ft.vmap(ft.grad(lambda x: fnp.logaddexp(x, 0.0) * fnp.sin(x)))(x)
print("max difference to the composition:", float(np.abs(per_example_grad(x) - reference).max()))

# %% [markdown]
# ### The short forms
#
# An elementwise primitive with its derivatives and lowering fits one call; a lowering
# can also be given as a composition of functrans operations (traced and compiled in
# place of the primitive). A *linear* primitive needs only its transpose for `grad`.

# %%
cube_p = fx.elementwise_primitive("cube", lambda x: x * x * x,
                                  derivatives=[lambda x: 3.0 * x * x],
                                  lowering=lambda x: x * x * x)
print(ft.jit(ft.grad(cube_p.bind))(2.0))

cumsum_p = fx.Primitive("last_axis_cumsum")
fx.def_abstract_eval(cumsum_p, lambda x: x)
fx.def_impl(cumsum_p, lambda x: np.cumsum(x, axis=-1, dtype=x.dtype))
fx.def_linear(cumsum_p, lambda ct, x: [fnp.flip(cumsum_p.bind(fnp.flip(ct, -1)), -1)])
fx.def_vmap(cumsum_p, lambda args, dims: (cumsum_p.bind(fnp.moveaxis(args[0], dims[0], 0)), 0))
fx.lowering_from_function(cumsum_p, lambda x: fnp.cumsum(x, axis=-1))
print(ft.grad(lambda x: (cumsum_p.bind(x) * x).sum())(x))  # cumsum(x) + its reverse

# %% [markdown]
# ## 2. An interpreter: interval arithmetic
#
# An interpreter is a `Trace` (what to do with each primitive) and a `Tracer` (the value
# it carries). Our tracer carries an interval `[lo, hi]`. The trace's
# `process_primitive` receives its tracers and applies an interval rule; work on the
# actual numbers runs `in_parent()`, i.e. under whatever transformation is outside
# (eager, jit, grad, ...).

# %%
class Interval(fx.Tracer):
    def __init__(self, trace, lo, hi):
        super().__init__(trace)
        self.lo, self.hi = lo, hi

    aval = property(lambda self: fx.get_aval(self.lo))


class IntervalTrace(fx.Trace):
    name = "interval"

    def lift(self, x):  # a constant is the interval [x, x]
        return Interval(self, x, x)

    def process_primitive(self, prim, tracers, params):
        body = fx.call_body(prim, params)  # a jit'd (or checkpointed) function: run its body
        if body is not None:
            return fx.eval_jaxpr(body.jaxpr, body.consts, *tracers)
        with self.in_parent():
            if all(t.lo is t.hi for t in tracers):  # exact values: compute exactly
                outs = fx.bind(prim, *[t.lo for t in tracers], **params)
                return [Interval(self, o, o) for o in outs]
            if prim not in RULES:
                raise NotImplementedError(f"[interval] no interval rule for '{prim}'")
            lo, hi = RULES[prim](*[(t.lo, t.hi) for t in tracers], **params)
        return [Interval(self, lo, hi)]


def interval_eval(f):
    def bounds(lo, hi):
        with fx.new_trace(IntervalTrace()) as trace:
            out = trace.to_tracer(f(Interval(trace, lo, hi)))
        return out.lo, out.hi
    return bounds


# %% [markdown]
# The rules: sums add ends, products take the extreme of the four end products,
# nondecreasing functions map ends to ends, and `sin`/`cos` reach ±1 where the interval
# contains a peak. Our own `softplus` primitive is nondecreasing too.

# %%
def monotone(prim):
    return lambda a, **p: (fx.bind(prim, a[0], **p)[0], fx.bind(prim, a[1], **p)[0])


def mul_rule(a, b):
    ends = [x * y for x in a for y in b]
    return (fnp.minimum(fnp.minimum(ends[0], ends[1]), fnp.minimum(ends[2], ends[3])),
            fnp.maximum(fnp.maximum(ends[0], ends[1]), fnp.maximum(ends[2], ends[3])))


def periodic(fn, peak):  # maxima 1 at peak + 2k pi, minima -1 at peak + pi + 2k pi
    def hits(lo, hi, p):
        return fnp.ceil((lo - p) / (2 * math.pi)) * (2 * math.pi) + p <= hi
    return lambda a: (fnp.where(hits(*a, peak + math.pi), -1.0, fnp.minimum(fn(a[0]), fn(a[1]))),
                      fnp.where(hits(*a, peak), 1.0, fnp.maximum(fn(a[0]), fn(a[1]))))


RULES = {
    lax.add_p: lambda a, b: (a[0] + b[0], a[1] + b[1]),
    lax.sub_p: lambda a, b: (a[0] - b[1], a[1] - b[0]),
    lax.neg_p: lambda a: (-a[1], -a[0]),
    lax.mul_p: mul_rule,
    lax.sin_p: periodic(fnp.sin, math.pi / 2),
    lax.cos_p: periodic(fnp.cos, 0.0),
    **{p: monotone(p) for p in (lax.exp_p, lax.tanh_p, softplus_p, lax.broadcast_in_dim_p,
                                lax.reshape_p, lax.reduce_sum_p)},
}

# %% [markdown]
# Bounds of `f(x) = sin(x) x + softplus(x)` over a few intervals, checked against a dense
# sample of the function:

# %%
def f(x):
    return fnp.sin(x) * x + softplus(x)


lo = np.float32([-3.0, -1.0, 0.0, 2.0])
hi = lo + np.float32(0.5)
b_lo, b_hi = interval_eval(f)(lo, hi)
samples = np.stack([np.asarray(f(lo + t * (hi - lo))) for t in np.linspace(0, 1, 101)])
print("bounds :", np.asarray(b_lo), np.asarray(b_hi))
print("sampled:", samples.min(0), samples.max(0))

# %% [markdown]
# It composes: the interpreter runs a `jit`'d function's body, runs under `jit` and
# `vmap`, and `grad` differentiates through it (here, how the upper bound moves with the
# interval's centre).

# %%
print(interval_eval(ft.jit(f))(lo, hi)[1])
print(ft.jit(interval_eval(f))(lo, hi)[1])
print(ft.vmap(interval_eval(f))(lo, hi)[1])
print(ft.grad(lambda c: interval_eval(f)(c - 0.25, c + 0.25)[1].sum())(lo + 0.25))

# %% [markdown]
# ## 3. Reading jaxprs
#
# `make_jaxpr` gives the program a function is made of; its equations name their
# primitive, inputs and params. A FLOP-style census of a gradient is a few lines:

# %%
def census(closed):
    counts = {}
    for eqn in closed.eqns:
        counts[eqn.primitive.name] = counts.get(eqn.primitive.name, 0) + 1
    return counts


print(census(ft.make_jaxpr(ft.grad(lambda x: f(x).sum()))(lo)))

# %% [markdown]
# That is the whole surface: `Primitive` + `def_*` rules for new operations, `Trace` +
# `Tracer` for new interpreters, and jaxprs to read or build programs. See
# `docs/extending.md` for the reference.
