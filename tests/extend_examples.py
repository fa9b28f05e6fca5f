"""Extensions written only against the public API (functrans, functrans.extend, NumPy), as
a user would: tests/test_extend.py checks them, and checks that this file imports nothing
else. Each ``# === example: <name>`` section is one self-contained extension; the test
keeps every section under 50 lines of code."""

from __future__ import annotations

import functools
import math

import numpy as np

import functrans.numpy as fnp
from functrans import extend as fx
from functrans import lax

# === example: softplus (a fused primitive with its own jvp, vmap and lowering)
softplus_p = fx.Primitive("fused_softplus")


def softplus(x):
    """log(1 + exp(x)) as one primitive (one XLA fusion, one jaxpr equation)."""
    return softplus_p.bind(x)


@fx.def_abstract_eval(softplus_p)
def _softplus_abstract_eval(x):
    if not fnp.issubdtype(x.dtype, fnp.floating):
        raise TypeError(f"[fused_softplus] needs a float operand, got {x.str_short()}")
    return x


@fx.def_impl(softplus_p)
def _softplus_impl(x):
    return np.logaddexp(x, np.zeros((), x.dtype))


@fx.def_jvp(softplus_p)
def _softplus_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return softplus(x), t * lax.logistic(x)


@fx.def_vmap(softplus_p)
def _softplus_vmap(args, dims):
    return softplus(args[0]), dims[0]  # elementwise: the batch axis stays where it is


@fx.def_lowering(softplus_p)
def _softplus_lowering(ctx, x):  # max(x, 0) + log1p(exp(-|x|)): no overflow for large |x|
    e = ctx.op("stablehlo.exponential", ctx.op("stablehlo.negate", ctx.op("stablehlo.abs", x)))
    positive = ctx.op("stablehlo.maximum", x, ctx.constant(0, ctx.avals_in[0]))
    return ctx.op("stablehlo.add", positive, ctx.op("stablehlo.log_plus_one", e))


# === example: interval (an interpreter: interval arithmetic)
class Interval(fx.Tracer):
    """A value known only to lie in [lo, hi], elementwise."""

    def __init__(self, trace, lo, hi):
        super().__init__(trace)
        self.lo, self.hi = lo, hi

    aval = property(lambda self: fx.get_aval(self.lo))


class IntervalTrace(fx.Trace):
    name = "interval"

    def lift(self, x):
        return Interval(self, x, x)

    def process_primitive(self, prim, tracers, params):
        body = fx.call_body(prim, params)  # jit, checkpoint, custom_jvp: run the body here
        if body is not None:
            return fx.eval_jaxpr(body.jaxpr, body.consts, *tracers)
        with self.in_parent():
            if all(t.lo is t.hi for t in tracers):  # exact values: compute them exactly
                return [Interval(self, o, o) for o in fx.bind(prim, *[t.lo for t in tracers],
                                                              **params)]
            if prim not in INTERVAL_RULES:
                raise NotImplementedError(f"[interval] no interval rule for '{prim}'")
            lo, hi = INTERVAL_RULES[prim](*[(t.lo, t.hi) for t in tracers], **params)
        return [Interval(self, lo, hi)]


def interval_eval(f):
    """``interval_eval(f)(lo, hi) -> (lo_out, hi_out)``: bounds of f over [lo, hi]."""
    def bounds(lo, hi):
        with fx.new_trace(IntervalTrace()) as trace:
            out = trace.to_tracer(f(Interval(trace, lo, hi)))
        return out.lo, out.hi
    return bounds


def _monotone(prim):  # a nondecreasing function: the ends map to the ends
    return lambda a, **p: (fx.bind(prim, a[0], **p)[0], fx.bind(prim, a[1], **p)[0])


def _mul(a, b):
    ends = [x * y for x in a for y in b]
    return functools.reduce(fnp.minimum, ends), functools.reduce(fnp.maximum, ends)


def _periodic(fn, peak):  # fn has maxima 1 at peak + 2k pi, minima -1 at peak + pi + 2k pi
    def hits(lo, hi, p): return fnp.ceil((lo - p) / (2 * math.pi)) * (2 * math.pi) + p <= hi
    return lambda a: (fnp.where(hits(*a, peak + math.pi), -1.0, fnp.minimum(fn(a[0]), fn(a[1]))),
                      fnp.where(hits(*a, peak), 1.0, fnp.maximum(fn(a[0]), fn(a[1]))))


INTERVAL_RULES = {
    lax.add_p: lambda a, b: (a[0] + b[0], a[1] + b[1]),
    lax.sub_p: lambda a, b: (a[0] - b[1], a[1] - b[0]),
    lax.neg_p: lambda a: (-a[1], -a[0]),
    lax.mul_p: _mul,
    lax.sin_p: _periodic(fnp.sin, math.pi / 2),
    lax.cos_p: _periodic(fnp.cos, 0.0),
    **{p: _monotone(p) for p in (lax.exp_p, lax.tanh_p, lax.logistic_p, softplus_p,
                                 lax.broadcast_in_dim_p, lax.reshape_p, lax.reduce_sum_p)},
}


# === example: cumsum (a linear primitive with a transpose rule)
cumsum_p = fx.Primitive("last_axis_cumsum")


def cumsum(x):
    """Cumulative sum along the last axis."""
    return cumsum_p.bind(x)


@fx.def_abstract_eval(cumsum_p)
def _cumsum_abstract_eval(x):
    if x.ndim == 0:
        raise TypeError(f"[last_axis_cumsum] needs an operand of rank >= 1, got {x.str_short()}")
    return x


fx.def_impl(cumsum_p, lambda x: np.cumsum(x, axis=-1, dtype=x.dtype))
# Linear: the jvp applies cumsum to the tangent; the transpose is a reversed cumsum.
fx.def_linear(cumsum_p, lambda ct, x: [fnp.flip(cumsum(fnp.flip(ct, -1)), -1)])
# The batch axis goes first, so the logical last axis stays last.
fx.def_vmap(cumsum_p, lambda args, dims: (cumsum(fnp.moveaxis(args[0], dims[0], 0)), 0))
fx.lowering_from_function(cumsum_p, lambda x: fnp.cumsum(x, axis=-1))


# === example: floors (no derivative, zero derivative, integer results)
def _floor_primitive(name, out_dtype=None):
    prim = fx.Primitive(name)
    fx.def_abstract_eval(prim, lambda x: x.update(dtype=out_dtype or x.dtype, weak_type=False))
    fx.def_impl(prim, lambda x: np.floor(x).astype(out_dtype or x.dtype))
    fx.def_vmap(prim, lambda args, dims: (prim.bind(args[0]), dims[0]))
    fx.def_lowering(prim, lambda ctx, x: ctx.op("stablehlo.convert", ctx.op("stablehlo.floor", x),
                                                result=ctx.avals_out[0]))
    return prim


bucket_p = _floor_primitive("bucket")  # which unit bucket x is in, as a float
fx.def_no_derivative(bucket_p, "bucket numbers are piecewise constant (use quantize)")
quantize_p = _floor_primitive("quantize")  # the same values; its derivative is zero
fx.def_zero_derivative(quantize_p)
bucket_index_p = _floor_primitive("bucket_index", np.int32)  # integer results
fx.def_no_derivative(bucket_index_p, "integer bucket indices")


# === example: atan2 (one call: elementwise_primitive)
atan2_p = fx.elementwise_primitive(
    "my_atan2", np.arctan2, lowering="stablehlo.atan2",
    derivatives=[lambda x, y: y / (x * x + y * y), lambda x, y: -x / (x * x + y * y)])
cube_p = fx.elementwise_primitive("cube", lambda x: x * x * x,
                                  derivatives=[lambda x: 3.0 * x * x],
                                  lowering=lambda x: x * x * x)
