"""Implicitly differentiated solves: ``custom_linear_solve`` (a primitive) and
``custom_root`` (a ``custom_jvp`` over the closure-converted function), as ``jax.lax``.

``custom_linear_solve[matvec, vecmat, solve, transpose_solve, num_consts] *consts, *b``:
every jaxpr takes all ``consts`` (the union of what the user's functions close over)
followed by one vector (b's leaves). ``x = solve(b)``; the primitive is linear in ``b``.

* jvp: ``x_dot = solve(b_dot - matvec_dot(x))`` where ``matvec_dot`` is the tangent of
  ``matvec(consts, x)`` in the consts (tangents of what only ``solve`` reads are ignored:
  the solve is defined implicitly by ``matvec``).
* transpose (in ``b``): the same primitive with ``matvec <-> vecmat`` and
  ``solve <-> transpose_solve`` (``vecmat`` is ``matvec``'s transpose, built on demand).
* vmap: every jaxpr batched with all vectors batched at axis 0.
* eagerly and lowered: ``solve`` itself (inlined).

Example::

    x = custom_linear_solve(lambda v: a @ v, b, solve=lambda mv, r: fnp.linalg.solve(a, r),
                            symmetric=True)
"""

from __future__ import annotations

from ..core.ir import ClosedJaxpr
from ..core.registry import (
    abstract_eval_rules,
    impl_rules,
    jvp_rules,
    transpose_rules,
    vmap_rules,
)
from ..core.trace import Primitive, bind
from ..interpreters.jvp import Zero, instantiate, jvp_flat, zero_for
from ..interpreters.staging import eval_closed
from ..interpreters.transpose import is_undefined, transpose_jaxpr
from ..primitives import _ops
from ._jaxpr_util import at0, batch_at0, zeros_as_none

custom_linear_solve_p = Primitive("custom_linear_solve")

_JAXPRS = ("matvec", "vecmat", "solve", "transpose_solve")


def _abstract_eval(*avals, matvec, vecmat, solve, transpose_solve, num_consts):
    b = avals[num_consts:]
    out = solve.out_avals
    if len(out) != len(b) or any(o.shape != a.shape or o.dtype != a.dtype
                                 for o, a in zip(out, b, strict=True)):
        raise TypeError(f"[custom_linear_solve] solve returns "
                        f"({', '.join(o.str_short() for o in out)}) but b is "
                        f"({', '.join(a.str_short() for a in b)}); they must agree")
    return [o.strip_weak_type() for o in out]


def _impl(*args, solve, **_):
    return eval_closed(solve, *args)


abstract_eval_rules[custom_linear_solve_p] = _abstract_eval
impl_rules[custom_linear_solve_p] = _impl


def _matvec_tangent(matvec: ClosedJaxpr, consts, c_dot, x) -> list | None:
    """The tangent of ``matvec(consts, x)`` in the consts alone (None if all zero)."""
    if all(t is None for t in c_dot):
        return None
    ts = [zero_for(c) if t is None else t for c, t in zip(consts, c_dot, strict=True)]
    ts += [zero_for(v) for v in x]
    _, touts = jvp_flat(lambda *xs: eval_closed(matvec, *xs), [*consts, *x], ts)
    if all(isinstance(t, Zero) for t in touts):
        return None
    return [instantiate(t) for t in touts]


def _jvp(primals, tangents, **params):
    nc = params["num_consts"]
    tangents = zeros_as_none(tangents)
    consts, c_dot, b_dot = primals[:nc], tangents[:nc], tangents[nc:]
    x = bind(custom_linear_solve_p, *primals, **params)
    rhs = list(b_dot)
    mv_dot = _matvec_tangent(params["matvec"], consts, c_dot, x)
    if mv_dot is not None:
        rhs = [_ops.neg(m) if r is None else _ops.sub(r, m)
               for r, m in zip(rhs, mv_dot, strict=True)]
    if all(r is None for r in rhs):
        return x, [None] * len(x)
    rhs = [_ops.zeros_like(v) if r is None else r for r, v in zip(rhs, x, strict=True)]
    return x, bind(custom_linear_solve_p, *consts, *rhs, **params)


_jvp.accepts_zeros = True
jvp_rules[custom_linear_solve_p] = _jvp


def _transpose(cts, *args, matvec, vecmat, solve, transpose_solve, num_consts):
    consts, b = args[:num_consts], args[num_consts:]
    if any(is_undefined(c) for c in consts):
        raise TypeError("[custom_linear_solve] is linear only in b, not in the values its "
                        "functions close over")
    if transpose_solve is None:
        raise TypeError("[custom_linear_solve] reverse-mode differentiation needs "
                        "transpose_solve= (or symmetric=True for a symmetric matvec)")
    if vecmat is None:
        vecmat = transpose_jaxpr(matvec, (False,) * num_consts + (True,) * len(b))
    cts = [_ops.zeros_aval(x.aval) if ct is None else ct for ct, x in zip(cts, b, strict=True)]
    ct_b = bind(custom_linear_solve_p, *consts, *cts, matvec=vecmat, vecmat=matvec,
                solve=transpose_solve, transpose_solve=solve, num_consts=num_consts)
    return [None] * num_consts + list(ct_b)


transpose_rules[custom_linear_solve_p] = _transpose


def _vmap(axis_data, vals, bdims, **params):
    nc, size = params["num_consts"], axis_data.size
    nb = len(vals) - nc
    in_b = [b is not None for b in bdims[:nc]] + [True] * nb
    vals0 = [at0(v, b, size, ib) for v, b, ib in zip(vals, bdims, in_b, strict=True)]
    new = {k: None if params[k] is None else
           batch_at0(params[k], axis_data, in_b, [True] * nb)[0] for k in _JAXPRS}
    outs = bind(custom_linear_solve_p, *vals0, **new, num_consts=nc)
    return outs, [0] * nb


vmap_rules[custom_linear_solve_p] = _vmap
