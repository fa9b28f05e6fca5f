"""Lowering of primitives/special_functions.py: ``bessel_i1e`` is one CHLO op; the others
(igamma, igammac, igamma_grad_a, random_gamma_grad, betainc, bessel_i0e) have no CHLO op, so
their algorithm (written once over a backend, in the primitives module) is traced here over
functrans primitives (values wrapped in ``_V``, whose operators bind primitives), with
``while`` loops for the series and continued fractions, and the
resulting jaxpr is emitted inline. float16/bfloat16 operands are computed in float32."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from jaxlib.mlir.dialects import chlo

from ..core import dtypes
from ..core.ir import ShapedArray
from ..core.registry import lowering_rules
from ..core.trace import bind
from ..higher_order.loops import while_p
from ..interpreters.staging import stage
from ..primitives import _ops as ops
from ..primitives import bitwise as bw
from ..primitives import elementwise as ew
from ..primitives import special_functions as sf
from ..primitives.reductions import reduce_or_p
from ..primitives.special import digamma_p, lgamma_p
from .elementwise import nary_lowering
from .lower import lower_closed


class _V:
    """A traced value with arithmetic operators bound to functrans primitives (Python
    scalars become rank-0 constants of the other operand's dtype), so the algorithms of
    primitives/special_functions.py trace to primitives directly, without the NumPy layer."""

    __slots__ = ("v",)

    def __init__(self, v):
        self.v = v


def _raw(x, like):
    return x.v if isinstance(x, _V) else ops.scalar_like(like.v, x)


def _binop(prim, swap=False):
    def op(self, other):
        a, b = self.v, _raw(other, self)
        return _V(prim.bind1(b, a) if swap else prim.bind1(a, b))
    return op


for _name, _prim in (("add", ew.add_p), ("sub", ew.sub_p), ("mul", ew.mul_p),
                     ("truediv", ew.div_p), ("and", bw.and_p), ("or", bw.or_p)):
    setattr(_V, f"__{_name}__", _binop(_prim))
    setattr(_V, f"__r{_name}__", _binop(_prim, swap=True))
for _name, _prim in (("lt", ew.lt_p), ("le", ew.le_p), ("gt", ew.gt_p), ("ge", ew.ge_p),
                     ("eq", ew.eq_p), ("ne", ew.ne_p)):
    setattr(_V, f"__{_name}__", _binop(_prim))
_V.__neg__ = lambda self: _V(ew.neg_p.bind1(self.v))
_V.__invert__ = lambda self: _V(bw.not_p.bind1(self.v))
_V.__hash__ = None


def _lifted(fn):
    return lambda *xs: _V(fn(*[x.v for x in xs]))


def _while_any(more, body, carry, max_iter: int):
    """``carry = body(carry)`` while any element of ``more(carry)`` and at most ``max_iter``
    times, as one ``while`` primitive (the counter is an extra int32 carry)."""
    avals = [ShapedArray((), dtypes.int32)] + [ops.aval(c.v).update(weak_type=False)
                                                 for c in carry]
    limit = ops.scalar(max_iter, dtypes.int32)

    def cond(k, *c):
        mask = more(tuple(map(_V, c))).v
        any_left = reduce_or_p.bind1(mask, axes=tuple(range(ops.aval(mask).ndim)))
        return [bw.and_p.bind1(ops.lt(k, limit), any_left)]

    def step(k, *c):
        return [ops.add(k, ops.scalar(1, dtypes.int32)),
                *[x.v for x in body(tuple(map(_V, c)))]]

    cond_closed, cond_consts = stage(cond, avals, "while_loop")
    body_closed, body_consts = stage(step, avals, "while_loop")
    outs = bind(while_p, *cond_consts, *body_consts, ops.scalar(0, dtypes.int32),
                *[c.v for c in carry], cond_jaxpr=cond_closed, body_jaxpr=body_closed,
                cond_nconsts=len(cond_consts), body_nconsts=len(body_consts))
    return tuple(map(_V, outs[1:]))


TRACED = SimpleNamespace(
    where=_lifted(lambda c, x, y: ew.select_n_p.bind1(c, y, x)), log=_lifted(ops.log),
    log1p=_lifted(ew.log1p_p.bind1), exp=_lifted(ops.exp), abs=_lifted(ew.abs_p.bind1),
    sqrt=_lifted(ops.sqrt), isnan=_lifted(lambda x: ops.ne(x, x)),
    full_like=lambda x, value: _V(ops.full_like(x.v, value)),
    lgamma=_lifted(lgamma_p.bind1), digamma=_lifted(digamma_p.bind1), while_any=_while_any)


def lowering_from_algorithm(algorithm, max_iter: int):
    """A lowering rule emitting ``algorithm(TRACED, *operands, eps=..., max_iter=...)``
    (operands broadcast to the result shape) as StableHLO."""
    def rule(ctx, *args, **params):
        out = ctx.avals_out[0]
        work = np.dtype(np.float32) if out.dtype.itemsize < 4 else out.dtype

        def fn(*xs):
            xs = [ops.convert(ops.broadcast_in_dim(v, out.shape, ())
                              if ops.aval(v).shape != out.shape else v, work) for v in xs]
            y = algorithm(TRACED, *map(_V, xs), eps=float(np.finfo(work).eps),
                          max_iter=max_iter)
            return [ops.convert(y.v, out.dtype)]

        closed, consts = stage(fn, ctx.avals_in, "special")
        assert not consts, "a lowering traces no enclosing transformation"
        return lower_closed(ctx.module, closed, args)
    return rule


def _igamma(mode):
    return lambda m, a, x, eps, max_iter: sf.igamma_family(m, a, x, mode, eps, max_iter)


lowering_rules[sf.igamma_p] = lowering_from_algorithm(_igamma("igamma"), 2000)
lowering_rules[sf.igammac_p] = lowering_from_algorithm(_igamma("igammac"), 2000)
lowering_rules[sf.igamma_grad_a_p] = lowering_from_algorithm(_igamma("grad_a"), 2000)
lowering_rules[sf.random_gamma_grad_p] = lowering_from_algorithm(_igamma("sample_grad"), 2000)
lowering_rules[sf.betainc_p] = lowering_from_algorithm(sf.betainc, 600)
lowering_rules[sf.bessel_i0e_p] = lowering_from_algorithm(
    lambda m, x, eps, max_iter: sf.bessel_ie(m, x, 0, eps, max_iter), 500)
lowering_rules[sf.bessel_i1e_p] = nary_lowering(chlo.bessel_i1e)
