"""The cond primitive: ``cond[branches=(...)] index *operands``.

``index`` is an int32 scalar already clamped to ``[0, len(branches))`` (``lax.cond``
and ``lax.switch`` both bind it); every branch is a ClosedJaxpr taking all
``operands`` (constants the branches close over are hoisted into operands) and
returning outputs of the same avals. Eagerly only the chosen branch runs; lowered, a
``stablehlo.case``. Autodiff transforms every branch with the same masks (their
outputs' tangent nonzeroness / knownness must agree), vmap with a batched index
becomes every branch plus ``select_n`` (as JAX).
"""

from __future__ import annotations

from ..core import dtypes
from ..core.ir import ClosedJaxpr
from ..core.registry import (
    abstract_eval_rules,
    impl_rules,
    jvp_rules,
    partial_eval_rules,
    transpose_rules,
    vmap_rules,
)
from ..core.trace import Primitive, bind
from ..interpreters.staging import eval_closed, stage
from ..interpreters.transpose import is_undefined, transpose_jaxpr
from ..primitives import _ops
from ..primitives._batching import moveaxis
from ._jaxpr_util import (
    at0,
    batch_at0,
    jvp_nz,
    partial_eval_inst,
    with_unused_invars,
    zeros_as_none,
)

cond_p = Primitive("cond")


def _cond_abstract_eval(index, *avals, branches: tuple[ClosedJaxpr, ...]):
    if index.shape != () or index.dtype != dtypes.int32:
        raise TypeError(f"[cond] the branch index must be an int32 scalar, got "
                        f"{index.str_short()}")
    for k, br in enumerate(branches):
        want = br.in_avals
        if len(want) != len(avals) or any(a.shape != w.shape or a.dtype != w.dtype
                                          for a, w in zip(avals, want, strict=True)):
            got = ", ".join(a.str_short() for a in avals)
            raise TypeError(f"[cond] branch {k} takes ({', '.join(w.str_short() for w in want)})"
                            f" but the operands are ({got})")
    return branches[0].out_avals


def _cond_impl(index, *ops, branches):
    i = min(max(int(index), 0), len(branches) - 1)
    return eval_closed(branches[i], *ops)


abstract_eval_rules[cond_p] = _cond_abstract_eval
impl_rules[cond_p] = _cond_impl


def _cond_jvp(primals, tangents, *, branches):
    """Every branch's jvp with the same nonzero-tangent masks (outputs: the union)."""
    index, ops = primals[0], primals[1:]
    tangents = zeros_as_none(tangents)
    nz = [t is not None for t in tangents[1:]]
    n_out = len(branches[0].out_avals)
    out_nz = [False] * n_out
    for br in branches:
        out_nz = [a or b for a, b in zip(out_nz, jvp_nz(br, nz, [False] * n_out)[1],
                                          strict=True)]
    jbranches = tuple(jvp_nz(br, nz, out_nz)[0] for br in branches)
    outs = bind(cond_p, index, *ops, *[t for t in tangents[1:] if t is not None],
                branches=jbranches)
    it = iter(outs[n_out:])
    return outs[:n_out], [next(it) if z else None for z in out_nz]


_cond_jvp.accepts_zeros = True  # gets None for symbolic-zero tangents (see interpreters/jvp)
jvp_rules[cond_p] = _cond_jvp


def _cond_partial_eval(trace, args, params):
    """Known branches compute the known outputs and every branch's residuals (zeros for
    the other branches'); the staged unknown cond takes the index and all residuals."""
    branches = params["branches"]
    index, ops = args[0], args[1:]
    if trace.is_unknown(index):
        return trace.stage_eqn(cond_p, args, params)
    unknowns = tuple(trace.is_unknown(x) for x in ops)
    n_out = len(branches[0].out_avals)
    out_u = [False] * n_out
    for br in branches:
        split = partial_eval_inst(br, unknowns, [False] * n_out)
        out_u = [a or b for a, b in zip(out_u, split.out_unknown, strict=True)]
    splits = [partial_eval_inst(br, unknowns, out_u) for br in branches]
    res_avals = [a for s in splits for a in s.res_avals]
    known_ops = [x for x, u in zip(ops, unknowns, strict=True) if not u]
    n_known = n_out - sum(out_u)
    known_branches, unknown_branches, offset = [], [], 0
    for s in splits:
        known_branches.append(_known_branch(s, n_known, res_avals, offset))
        before, after = res_avals[:offset], res_avals[offset + s.n_res:]
        unk = with_unused_invars(s.unknown, before, 0)
        unknown_branches.append(with_unused_invars(unk, after, len(before) + s.n_res))
        offset += s.n_res
    with trace.in_parent():
        known_outs = bind(cond_p, index, *known_ops, branches=tuple(known_branches))
    unknown_args = [x for x, u in zip(ops, unknowns, strict=True) if u]
    unknown_outs = trace.stage_eqn(cond_p, [index, *known_outs[n_known:], *unknown_args],
                                   dict(branches=tuple(unknown_branches)))
    known_it, unknown_it = iter(known_outs[:n_known]), iter(unknown_outs)
    return [next(unknown_it) if u else next(known_it) for u in out_u]


def _known_branch(split, n_known, res_avals, offset):
    def fn(*known_ops):
        outs = eval_closed(split.known, *known_ops)
        pad_before = [_ops.zeros_aval(a) for a in res_avals[:offset]]
        pad_after = [_ops.zeros_aval(a) for a in res_avals[offset + split.n_res:]]
        return outs[:n_known] + pad_before + outs[n_known:] + pad_after
    closed, tracer_consts = stage(fn, split.known.in_avals, "partial_eval")
    assert not tracer_consts
    return closed


partial_eval_rules[cond_p] = _cond_partial_eval


def _cond_transpose(cts, index, *ops, branches):
    linear = tuple(is_undefined(x) for x in ops)
    tbranches = tuple(transpose_jaxpr(br, linear) for br in branches)
    nonlinear = [x for x in ops if not is_undefined(x)]
    cts_in = bind(cond_p, index, *nonlinear, *cts, branches=tbranches)
    it = iter(cts_in)
    return [None] + [next(it) if lin else None for lin in linear]


transpose_rules[cond_p] = _cond_transpose


def _cond_vmap(axis_data, vals, bdims, *, branches):
    index, ops = vals[0], vals[1:]
    size = axis_data.size
    in_b = [b is not None for b in bdims[1:]]
    ops0 = [at0(x, b, size, bb) for x, b, bb in zip(ops, bdims[1:], in_b, strict=True)]
    n_out = len(branches[0].out_avals)
    if bdims[0] is not None:  # a batched index: run every branch, then select
        return _select_branches(axis_data, index, bdims[0], ops0, in_b, branches), [0] * n_out
    out_b = [False] * n_out
    for br in branches:
        out_b = [a or b for a, b in zip(out_b, batch_at0(br, axis_data, in_b, out_b)[1],
                                        strict=True)]
    bbranches = tuple(batch_at0(br, axis_data, in_b, out_b)[0] for br in branches)
    outs = bind(cond_p, index, *ops0, branches=bbranches)
    return outs, [0 if b else None for b in out_b]


def _select_branches(axis_data, index, index_bdim, ops0, in_b, branches):
    n_out = len(branches[0].out_avals)
    per_branch = [eval_closed(batch_at0(br, axis_data, in_b, [True] * n_out)[0], *ops0)
                  for br in branches]
    idx = moveaxis(index, index_bdim, 0)
    last = _ops.scalar(len(branches) - 1, dtypes.int32)
    idx = _ops.min_(_ops.max_(idx, _ops.scalar(0, dtypes.int32)), last)
    outs = []
    for k in range(n_out):
        shape = _ops.aval(per_branch[0][k]).shape
        which = _ops.broadcast_in_dim(idx, shape, (0,))
        outs.append(_ops.select_n(which, *[p[k] for p in per_branch]))
    return outs


vmap_rules[cond_p] = _cond_vmap
