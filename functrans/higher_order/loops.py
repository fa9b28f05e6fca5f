"""Loop primitives: ``while`` and ``scan``.

``while[cond_jaxpr body_jaxpr cond_nconsts body_nconsts] *cond_consts *body_consts *init``
runs ``carry = body(*body_consts, *carry)`` while ``cond(*cond_consts, *carry)``.

``scan[jaxpr length reverse unroll num_consts num_carry] *consts *init *xs`` runs
``carry, y = jaxpr(*consts, *carry, *x[i])`` for i in ``range(length)`` (backwards when
``reverse``) and returns the final carry and the stacked ys.

Both carry ClosedJaxprs whose closed-over constants were hoisted into the ``consts``
operands. Their jvp/vmap/partial-eval rules find, by fixed point, which carries have
nonzero tangents / are batched / are unknown. Reverse mode: a scan's residuals are
stacked per iteration (a residual that is a loop-invariant const or an xs slice is
forwarded, not stacked) and its transpose is a reverse scan; a while loop is forward
only (its transpose raises, naming ``max_steps`` and ``scan`` as the fix).
"""

from __future__ import annotations

import weakref

import numpy as np

from ..core.ir import ClosedJaxpr, ShapedArray, Var
from ..core.registry import (
    abstract_eval_rules,
    impl_rules,
    jvp_rules,
    partial_eval_rules,
    transpose_rules,
    vmap_rules,
)
from ..core.trace import Primitive, bind
from ..interpreters.linearize import dce_closed
from ..interpreters.staging import eval_closed, stage
from ..interpreters.transpose import is_undefined, transpose_jaxpr
from ..primitives import _ops
from ..primitives._batching import moveaxis
from ..primitives.reductions import reduce_or_p
from ._jaxpr_util import (
    at0,
    batch_at0,
    drop_invars,
    jvp_nz,
    partial_eval_inst,
    reorder,
    with_unused_invars,
    zeros_as_none,
)

while_p = Primitive("while")
scan_p = Primitive("scan")


def _fixed_point(mask: list[bool], step) -> list[bool]:
    """Grow ``mask`` by ``step(mask) -> mask'`` (OR-ed in) until it stops changing."""
    while True:
        new = [a or b for a, b in zip(mask, step(mask), strict=True)]
        if new == mask:
            return mask
        mask = new


def _same_types(got, want) -> bool:
    return len(got) == len(want) and all(
        a.shape == b.shape and a.dtype == b.dtype for a, b in zip(got, want, strict=True))


# ==== while ===================================================================================

def _while_abstract_eval(*avals, cond_jaxpr, body_jaxpr, cond_nconsts, body_nconsts):
    carry = avals[cond_nconsts + body_nconsts:]
    if not _same_types(carry, body_jaxpr.out_avals):
        raise TypeError("[while_loop] body carry types "
                        f"{[a.str_short() for a in body_jaxpr.out_avals]} differ from the "
                        f"loop's {[a.str_short() for a in carry]}")
    return body_jaxpr.out_avals


def _while_impl(*args, cond_jaxpr, body_jaxpr, cond_nconsts, body_nconsts):
    cc, bc = args[:cond_nconsts], args[cond_nconsts:cond_nconsts + body_nconsts]
    carry = list(args[cond_nconsts + body_nconsts:])
    while bool(np.asarray(eval_closed(cond_jaxpr, *cc, *carry)[0])):
        carry = eval_closed(body_jaxpr, *bc, *carry)
    return carry


abstract_eval_rules[while_p] = _while_abstract_eval
impl_rules[while_p] = _while_impl


def _while_jvp(primals, tangents, *, cond_jaxpr, body_jaxpr, cond_nconsts, body_nconsts):
    nc, nb = cond_nconsts, body_nconsts
    tangents = zeros_as_none(tangents)
    bc_nz = [t is not None for t in tangents[nc:nc + nb]]
    carry_nz = [t is not None for t in tangents[nc + nb:]]
    n = len(carry_nz)
    carry_nz = _fixed_point(carry_nz, lambda m: jvp_nz(body_jaxpr, bc_nz + m, [False] * n)[1])
    body_jvp, _ = jvp_nz(body_jaxpr, bc_nz + carry_nz, carry_nz)
    nbt, nct = sum(bc_nz), sum(carry_nz)
    # jvp order (bc, carry, bc_dot, carry_dot) -> while order (bc, bc_dot, carry, carry_dot)
    order = [*range(nb), *range(nb + n, nb + n + nbt), *range(nb, nb + n),
             *range(nb + n + nbt, nb + n + nbt + nct)]
    body_jvp = reorder(body_jvp, order)
    cond_avals = [a.strip_weak_type() for a, z in zip(body_jaxpr.out_avals, carry_nz,
                                                      strict=True) if z]
    cond_jvp = with_unused_invars(cond_jaxpr, cond_avals, len(cond_jaxpr.in_avals))
    carry_dots = [_ops.zeros_aval(_ops.aval(p).strip_weak_type()) if t is None else t
                  for p, t, z in zip(primals[nc + nb:], tangents[nc + nb:], carry_nz,
                                     strict=True) if z]
    outs = bind(while_p, *primals[:nc + nb], *[t for t in tangents[nc:nc + nb] if t is not None],
                *primals[nc + nb:], *carry_dots, cond_jaxpr=cond_jvp, body_jaxpr=body_jvp,
                cond_nconsts=nc, body_nconsts=nb + nbt)
    it = iter(outs[n:])
    return outs[:n], [next(it) if z else None for z in carry_nz]


_while_jvp.accepts_zeros = True
jvp_rules[while_p] = _while_jvp


def _while_partial_eval(trace, args, params):
    """Known carries run in a known loop now; the unknown ones are computed by staging
    the whole loop (forward only: its transpose raises)."""
    nc, nb = params["cond_nconsts"], params["body_nconsts"]
    cond_jaxpr, body_jaxpr = params["cond_jaxpr"], params["body_jaxpr"]
    unknowns = [trace.is_unknown(x) for x in args]
    cc_u, bc_u, carry_u = unknowns[:nc], unknowns[nc:nc + nb], unknowns[nc + nb:]
    n = len(carry_u)
    carry_u = _fixed_point(carry_u, lambda m: partial_eval_inst(
        body_jaxpr, bc_u + m, [False] * n).out_unknown)
    cond_unknown = partial_eval_inst(cond_jaxpr, cc_u + carry_u, [False]).out_unknown[0]
    if cond_unknown or all(carry_u):
        return trace.stage_eqn(while_p, args, params)
    known_body = dce_closed(body_jaxpr, tuple(not u for u in carry_u))
    known_body = drop_invars(known_body, [not u for u in bc_u + carry_u])
    known_cond = drop_invars(dce_closed(cond_jaxpr, (True,)),
                             [True] * nc + [not u for u in carry_u])
    known_args = [x for x, u in zip(args, [False] * nc + bc_u + carry_u, strict=True) if not u]
    with trace.in_parent():
        known = bind(while_p, *known_args, cond_jaxpr=known_cond, body_jaxpr=known_body,
                     cond_nconsts=nc, body_nconsts=nb - sum(bc_u))
    if not any(carry_u):
        return known
    staged, known_it = trace.stage_eqn(while_p, args, params), iter(known)
    return [s if u else next(known_it) for s, u in zip(staged, carry_u, strict=True)]


def _while_transpose(cts, *args, **params):
    raise TypeError(
        "[while_loop] reverse-mode differentiation (grad, vjp, jacrev) of a while_loop is not "
        "supported: its trip count is unknown until it runs, so its residuals cannot be "
        "stored. Fix: give a bound, lax.while_loop(cond_fun, body_fun, init_val, "
        "max_steps=N), or use lax.fori_loop with concrete bounds or lax.scan; forward mode "
        "(jvp, jacfwd) works as is.")


partial_eval_rules[while_p] = _while_partial_eval
transpose_rules[while_p] = _while_transpose


def _while_vmap(axis_data, vals, bdims, *, cond_jaxpr, body_jaxpr, cond_nconsts,
                body_nconsts):
    nc, nb, size = cond_nconsts, body_nconsts, axis_data.size
    batched = [b is not None for b in bdims]
    cc_b, bc_b, carry_b = batched[:nc], batched[nc:nc + nb], batched[nc + nb:]
    n = len(carry_b)
    carry_b = _fixed_point(carry_b, lambda m: batch_at0(
        body_jaxpr, axis_data, bc_b + m, [False] * n)[1])
    pred_b = batch_at0(cond_jaxpr, axis_data, cc_b + carry_b, [False])[1][0]
    if pred_b:  # every element runs until all are done; finished ones stay frozen
        carry_b = [True] * n
    vals0 = [at0(v, b, size, bb)
             for v, b, bb in zip(vals, bdims, cc_b + bc_b + carry_b, strict=True)]
    body_b, _ = batch_at0(body_jaxpr, axis_data, bc_b + carry_b, carry_b)
    cond_b, _ = batch_at0(cond_jaxpr, axis_data, cc_b + carry_b, [False])
    if not pred_b:
        outs = bind(while_p, *vals0, cond_jaxpr=cond_b, body_jaxpr=body_b,
                    cond_nconsts=nc, body_nconsts=nb)
        return outs, [0 if b else None for b in carry_b]
    any_cond, frozen_body = _frozen_loop(cond_b, body_b, nc)
    cc = vals0[:nc]
    outs = bind(while_p, *cc, *cc, *vals0[nc:], cond_jaxpr=any_cond, body_jaxpr=frozen_body,
                cond_nconsts=nc, body_nconsts=nc + nb)
    return outs, [0] * n


_frozen_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _frozen_loop(cond_b: ClosedJaxpr, body_b: ClosedJaxpr, nc: int):
    """A loop running while any element's predicate holds, whose body leaves the
    elements whose predicate is false unchanged (cached per batched jaxprs)."""
    hit = _frozen_cache.setdefault(cond_b, {}).get(body_b)
    if hit is not None:
        return hit

    def any_cond(*args):
        pred = eval_closed(cond_b, *args)[0]
        return [bind(reduce_or_p, pred, axes=(0,))[0]]

    def body(*args):
        cc, rest = args[:nc], args[nc:]
        carry = rest[len(body_b.in_avals) - len(cond_b.in_avals) + nc:]
        pred = eval_closed(cond_b, *cc, *carry)[0]
        new = eval_closed(body_b, *rest)
        return [_ops.select_n(_ops.broadcast_in_dim(pred, _ops.aval(o).shape, (0,)), o, v)
                for o, v in zip(carry, new, strict=True)]

    cond_closed, c1 = stage(any_cond, cond_b.in_avals, "vmap")
    body_closed, c2 = stage(body, [*cond_b.in_avals[:nc], *body_b.in_avals], "vmap")
    assert not c1 and not c2
    hit = _frozen_cache[cond_b][body_b] = (cond_closed, body_closed)
    return hit


vmap_rules[while_p] = _while_vmap


# ==== scan ====================================================================================

def _scan_split(args, num_consts, num_carry):
    return (list(args[:num_consts]), list(args[num_consts:num_consts + num_carry]),
            list(args[num_consts + num_carry:]))


def _scan_abstract_eval(*avals, jaxpr, length, reverse, unroll, num_consts, num_carry):
    consts, carry, xs = _scan_split(avals, num_consts, num_carry)
    for x in xs:
        if not x.shape or x.shape[0] != length:
            raise TypeError(f"[scan] xs operand {x.str_short()} must have leading axis "
                            f"length {length}")
    slices = [ShapedArray(x.shape[1:], x.dtype, x.weak_type) for x in xs]
    if not _same_types([*consts, *carry, *slices], jaxpr.in_avals):
        raise TypeError(f"[scan] body takes {[a.str_short() for a in jaxpr.in_avals]}, "
                        f"operands are {[a.str_short() for a in [*consts, *carry, *slices]]}")
    outs = jaxpr.out_avals
    return [*outs[:num_carry],
            *[ShapedArray((length, *a.shape), a.dtype, a.weak_type) for a in outs[num_carry:]]]


def _scan_impl(*args, jaxpr, length, reverse, unroll, num_consts, num_carry):
    consts, carry, xs = _scan_split(args, num_consts, num_carry)
    ys = []
    for t in range(length):
        i = length - 1 - t if reverse else t
        outs = eval_closed(jaxpr, *consts, *carry, *[x[i] for x in xs])
        carry, y = outs[:num_carry], outs[num_carry:]
        ys.append([np.asarray(v) for v in y])
    if reverse:
        ys.reverse()
    y_avals = jaxpr.out_avals[num_carry:]
    stacked = [np.stack([y[k] for y in ys]) if ys else np.zeros((0, *a.shape), a.dtype)
               for k, a in enumerate(y_avals)]
    return [*carry, *stacked]


abstract_eval_rules[scan_p] = _scan_abstract_eval
impl_rules[scan_p] = _scan_impl


def _scan_jvp(primals, tangents, *, jaxpr, length, reverse, unroll, num_consts, num_carry):
    nc, nk = num_consts, num_carry
    tangents = zeros_as_none(tangents)
    nz = [t is not None for t in tangents]
    c_nz, k_nz, x_nz = _scan_split(nz, nc, nk)
    ny = len(jaxpr.out_avals) - nk
    k_nz = _fixed_point(k_nz, lambda m: jvp_nz(jaxpr, c_nz + m + x_nz,
                                               [False] * (nk + ny))[1][:nk])
    body, out_nz = jvp_nz(jaxpr, c_nz + k_nz + x_nz, k_nz + [False] * ny)
    nx = len(x_nz)
    n_in = nc + nk + nx
    cd, kd, xd = sum(c_nz), sum(k_nz), sum(x_nz)
    in_order = [*range(nc), *range(n_in, n_in + cd), *range(nc, nc + nk),
                *range(n_in + cd, n_in + cd + kd), *range(nc + nk, n_in),
                *range(n_in + cd + kd, n_in + cd + kd + xd)]
    yd = sum(out_nz[nk:])
    n_out = nk + ny
    out_order = [*range(nk), *range(n_out, n_out + kd), *range(nk, n_out),
                 *range(n_out + kd, n_out + kd + yd)]
    body = reorder(body, in_order, out_order)
    consts, init, xs = _scan_split(primals, nc, nk)
    c_dots, k_dots, x_dots = _scan_split(tangents, nc, nk)
    k_dots = [_ops.zeros_aval(_ops.aval(p).strip_weak_type()) if t is None else t
              for p, t, z in zip(init, k_dots, k_nz, strict=True) if z]
    outs = bind(scan_p, *consts, *[t for t in c_dots if t is not None], *init, *k_dots, *xs,
                *[t for t in x_dots if t is not None], jaxpr=body, length=length,
                reverse=reverse, unroll=unroll, num_consts=nc + cd, num_carry=nk + kd)
    carry, carry_dots = outs[:nk], iter(outs[nk:nk + kd])
    ys, y_dots = outs[nk + kd:nk + kd + ny], iter(outs[nk + kd + ny:])
    return ([*carry, *ys], [next(carry_dots) if z else None for z in k_nz]
            + [next(y_dots) if z else None for z in out_nz[nk:]])


_scan_jvp.accepts_zeros = True
jvp_rules[scan_p] = _scan_jvp


def _scan_partial_eval(trace, args, params):
    """Split the loop: a known scan now (known carries, known ys, stacked residuals) and
    a staged unknown scan over the residuals. Unknown carries are found by fixed point.
    Residuals are stacked per iteration unless loop-invariant: a known const is passed
    once, a value computed from known consts only is computed once before the loop,
    and a known xs slice is read from the xs again."""
    jaxpr, nc, nk = params["jaxpr"], params["num_consts"], params["num_carry"]
    unknowns = [trace.is_unknown(x) for x in args]
    c_u, k_u, x_u = _scan_split(unknowns, nc, nk)
    ny = len(jaxpr.out_avals) - nk
    k_u = _fixed_point(k_u, lambda m: partial_eval_inst(
        jaxpr, c_u + m + x_u, m + [False] * ny).out_unknown[:nk])
    split = partial_eval_inst(jaxpr, c_u + k_u + x_u, k_u + [False] * ny)
    known_args = [x for x, u in zip(args, c_u + k_u + x_u, strict=True) if not u]
    nck = nc - sum(c_u)
    n_known_out = len(split.out_unknown) - sum(split.out_unknown)
    kinds = _residual_kinds(split, nck, nk - sum(k_u), n_known_out)
    known_body = _keep_outputs(split.known, [True] * n_known_out + [k == "stacked"
                                                                   for k in kinds])
    with trace.in_parent():
        known_outs = bind(scan_p, *known_args, **dict(params, jaxpr=known_body,
                                                       num_consts=nck, num_carry=nk - sum(k_u)))
        hoisted = iter(_hoisted_residuals(split, kinds, n_known_out, known_args[:nck]))
    if not any(split.out_unknown):
        return known_outs
    stacked = iter(known_outs[n_known_out:])
    res_vals = [next(stacked) if k == "stacked" else next(hoisted) if k == "hoist" else
                known_args[s] for s, k in zip(split.res_src, kinds, strict=True)]
    res_c = [i for i, k in enumerate(kinds) if k in ("const", "hoist")]
    res_x = [i for i, k in enumerate(kinds) if k == "stacked"] + [
        i for i, k in enumerate(kinds) if k == "xs"]
    nr, nuc, nuk = split.n_res, sum(c_u), sum(k_u)
    unk_pos = [nr + i for i in range(nuc + nuk + sum(x_u))]
    unknown_body = reorder(split.unknown, [*res_c, *unk_pos[:nuc + nuk], *res_x,
                                           *unk_pos[nuc + nuk:]])
    unknown_args = [x for x, u in zip(args, unknowns[:nc] + k_u + x_u, strict=True) if u]
    operands = [*[res_vals[i] for i in res_c], *unknown_args[:nuc + nuk],
                *[res_vals[i] for i in res_x], *unknown_args[nuc + nuk:]]
    unknown_outs = trace.stage_eqn(scan_p, operands, dict(
        params, jaxpr=unknown_body, num_consts=len(res_c) + nuc, num_carry=nuk))
    known_it, unknown_it = iter(known_outs[:n_known_out]), iter(unknown_outs)
    return [next(unknown_it) if u else next(known_it) for u in split.out_unknown]


def _residual_kinds(split, nck, nkk, n_known_out) -> list[str]:
    """Per residual: "const" (is a known const), "xs" (is a known xs slice), "hoist"
    (computed from known consts only), or "stacked" (varies per iteration)."""
    invariant = _const_only_outputs(split.known.jaxpr, nck)[n_known_out:]
    return ["const" if s is not None and s < nck else
            "xs" if s is not None and s >= nck + nkk else
            "hoist" if inv else "stacked" for s, inv in zip(split.res_src, invariant,
                                                            strict=True)]


def _const_only_outputs(jaxpr, n_consts: int) -> list[bool]:
    """Which outputs of ``jaxpr`` depend on none of its inputs after the first
    ``n_consts`` (loop-invariant, in a scan body)."""
    variant = set(jaxpr.invars[n_consts:])
    for eqn in jaxpr.eqns:
        if any(type(x) is Var and x in variant for x in eqn.inputs):
            variant.update(eqn.outvars)
    return [not (type(v) is Var and v in variant) for v in jaxpr.outvars]


def _hoisted_residuals(split, kinds, n_known_out, known_consts) -> list:
    """The "hoist" residuals, computed once (in the current trace) from the known consts."""
    keep = [False] * n_known_out + [k == "hoist" for k in kinds]
    if not any(keep):
        return []
    hoist = dce_closed(split.known, tuple(keep))
    n_in = len(hoist.in_avals)
    hoist = drop_invars(hoist, [True] * len(known_consts) + [False] * (n_in - len(known_consts)))
    return eval_closed(hoist, *known_consts)


def _keep_outputs(closed: ClosedJaxpr, keep) -> ClosedJaxpr:
    if all(keep):
        return closed
    return dce_closed(closed, tuple(keep))


partial_eval_rules[scan_p] = _scan_partial_eval


def _scan_transpose(cts, *args, jaxpr, length, reverse, unroll, num_consts, num_carry):
    """A reverse scan carrying the carries' cotangents and accumulating the linear
    consts' cotangents; the linear xs' cotangents are its ys."""
    consts, init, xs = _scan_split(args, num_consts, num_carry)
    c_lin = tuple(is_undefined(c) for c in consts)
    x_lin = tuple(is_undefined(x) for x in xs)
    body = _transposed_body(jaxpr, c_lin, x_lin, num_carry)
    res_c = [c for c in consts if not is_undefined(c)]
    res_x = [x for x in xs if not is_undefined(x)]
    acc0 = [_ops.zeros_aval(c.aval.strip_weak_type()) for c in consts if is_undefined(c)]
    nlc = len(acc0)
    outs = bind(scan_p, *res_c, *acc0, *cts[:num_carry], *res_x, *cts[num_carry:], jaxpr=body,
                length=length, reverse=not reverse, unroll=unroll, num_consts=len(res_c),
                num_carry=nlc + num_carry)
    ct_c, ct_init, ct_x = iter(outs[:nlc]), outs[nlc:nlc + num_carry], iter(outs[nlc +
                                                                                num_carry:])
    return ([next(ct_c) if lin else None for lin in c_lin]
            + [ct if is_undefined(a) else None for a, ct in zip(init, ct_init, strict=True)]
            + [next(ct_x) if lin else None for lin in x_lin])


_transpose_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _transposed_body(jaxpr, c_lin, x_lin, nk):
    key = (c_lin, x_lin)
    per = _transpose_cache.setdefault(jaxpr, {})
    if key in per:
        return per[key]
    body_t = transpose_jaxpr(jaxpr, (*c_lin, *(True,) * nk, *x_lin))
    nc = len(c_lin)
    c_avals, k_avals = jaxpr.in_avals[:nc], jaxpr.in_avals[nc:nc + nk]
    x_avals = jaxpr.in_avals[nc + nk:]
    res_c = [a for a, lin in zip(c_avals, c_lin, strict=True) if not lin]
    lin_c = [a.strip_weak_type() for a, lin in zip(c_avals, c_lin, strict=True) if lin]
    res_x = [a for a, lin in zip(x_avals, x_lin, strict=True) if not lin]
    ct_y = [a.strip_weak_type() for a in jaxpr.out_avals[nk:]]
    nrc, nlc, nrx = len(res_c), len(lin_c), len(res_x)

    def fn(*a):
        rc, acc = a[:nrc], a[nrc:nrc + nlc]
        ct_k = a[nrc + nlc:nrc + nlc + nk]
        rx, cy = a[nrc + nlc + nk:nrc + nlc + nk + nrx], a[nrc + nlc + nk + nrx:]
        outs = eval_closed(body_t, *rc, *rx, *ct_k, *cy)
        new_acc = [_ops.add(s, c) for s, c in zip(acc, outs[:nlc], strict=True)]
        return [*new_acc, *outs[nlc:]]

    in_avals = [*res_c, *lin_c, *[a.strip_weak_type() for a in k_avals], *res_x, *ct_y]
    closed, tracer_consts = stage(fn, in_avals, "transpose")
    assert not tracer_consts
    per[key] = closed
    return closed


transpose_rules[scan_p] = _scan_transpose


def _scan_vmap(axis_data, vals, bdims, *, jaxpr, length, reverse, unroll, num_consts,
               num_carry):
    nc, nk, size = num_consts, num_carry, axis_data.size
    batched = [b is not None for b in bdims]
    c_b, k_b, x_b = _scan_split(batched, nc, nk)
    ny = len(jaxpr.out_avals) - nk
    k_b = _fixed_point(k_b, lambda m: batch_at0(jaxpr, axis_data, c_b + m + x_b,
                                                m + [False] * ny)[1][:nk])
    body, out_b = batch_at0(jaxpr, axis_data, c_b + k_b + x_b, k_b + [False] * ny)
    consts, init, xs = _scan_split(vals, nc, nk)
    cb, kb, xb = _scan_split(bdims, nc, nk)
    consts = [at0(v, b, size, bb) for v, b, bb in zip(consts, cb, c_b, strict=True)]
    init = [at0(v, b, size, bb) for v, b, bb in zip(init, kb, k_b, strict=True)]
    xs = [x if b is None else moveaxis(x, b, 1) for x, b in zip(xs, xb, strict=True)]
    outs = bind(scan_p, *consts, *init, *xs, jaxpr=body, length=length, reverse=reverse,
                unroll=unroll, num_consts=nc, num_carry=nk)
    return outs, [0 if b else None for b in k_b] + [1 if b else None for b in out_b[nk:]]


vmap_rules[scan_p] = _scan_vmap

