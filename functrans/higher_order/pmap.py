"""The pmap call primitive: ``xla_pmap[axis_name=i axis_size=4 in_axes=(0,) ...] *args``.

It carries the *per-device* ClosedJaxpr: each input enters with its ``in_axes``
entry removed (None: the same value on every device), each output leaves with
the mapped axis inserted at its ``out_axes`` entry (None: one value, the same on
every device). Collectives in the jaxpr name ``axis_name``; ``global_axis_size``
is the size they see (the number of devices over all processes), ``axis_size``
the size of the mapped axes of the arrays this process passes.

Its meaning is ``vmap`` with the same axis name (the impl rule below, used when
no XLA backend is loaded), so ``pmap == vmap`` holds by construction; eagerly
``xla_lowering/pmap.py`` compiles one SPMD program and runs it on the devices.
Its jvp, partial-eval, transpose and vmap rules transform the inner jaxpr with
the interpreters (under the axis env binding ``axis_name``) and bind ``pmap_p``
again, so ``grad(pmap(f))`` and ``vmap(pmap(f))`` stay one SPMD program each.
"""

from __future__ import annotations

from ..core.array import aval_of
from ..core.ir import ClosedJaxpr, ShapedArray
from ..core.registry import (
    abstract_eval_rules,
    impl_rules,
    jvp_rules,
    partial_eval_rules,
    transpose_rules,
    vmap_rules,
)
from ..core.trace import Primitive, bind
from ..interpreters.jvp import jvp_jaxpr
from ..interpreters.linearize import partial_eval_jaxpr
from ..interpreters.staging import eval_closed
from ..interpreters.transpose import is_undefined, transpose_jaxpr
from ..interpreters.vmap import batch_fun, batch_jaxpr
from ..primitives._batching import AxisData, broadcast_batched, moveaxis, physical_axis
from ..primitives.collectives import extend_axis_env

pmap_p = Primitive("xla_pmap")


def _env(params):
    """The axis env of the inner jaxpr: its axis name with the global size."""
    return extend_axis_env(params["axis_name"], params["global_axis_size"])


def mapped_aval(aval: ShapedArray, axis, size: int) -> ShapedArray:
    """``aval`` with a mapped axis of ``size`` inserted at ``axis`` (None: unchanged)."""
    if axis is None:
        return aval
    return aval.update(shape=aval.shape[:axis] + (size,) + aval.shape[axis:])


def unmapped_aval(aval: ShapedArray, axis) -> ShapedArray:
    """``aval`` without its mapped ``axis`` (None: unchanged)."""
    if axis is None:
        return aval
    return aval.update(shape=aval.shape[:axis] + aval.shape[axis + 1:])


def _pmap_abstract_eval(*avals, jaxpr: ClosedJaxpr, in_axes, out_axes, axis_size, **params):
    for i, (a, ax, want) in enumerate(zip(avals, in_axes, jaxpr.in_avals, strict=True)):
        got = unmapped_aval(a, ax)
        if ax is not None and a.shape[ax] != axis_size or got.shape != want.shape:
            raise TypeError(f"[pmap] argument {i} of {a.str_short()} (in_axes={ax}) does not "
                            f"match the traced per-device {want.str_short()} over "
                            f"{axis_size} devices")
    return [mapped_aval(a, ax, axis_size) for a, ax in zip(jaxpr.out_avals, out_axes,
                                                           strict=True)]


def _pmap_impl(*args, jaxpr: ClosedJaxpr, axis_name, axis_size, global_axis_size, in_axes,
               out_axes, **params):
    """pmap's meaning without devices: vmap over the named axis."""
    if global_axis_size != axis_size:
        raise NotImplementedError("[pmap] a multi-process pmap needs the XLA backend")
    outs, bdims = batch_fun(lambda *xs: eval_closed(jaxpr, *xs), AxisData(axis_name, axis_size),
                            list(args), list(in_axes))
    return [place_output(o, b, ax, axis_size, i)
            for i, (o, b, ax) in enumerate(zip(outs, bdims, out_axes, strict=True))]


def place_output(x, bdim, out_axis, size: int, i: int):
    """A batched output moved to ``out_axis`` (broadcast if unmapped)."""
    if out_axis is None:
        if bdim is not None:
            raise ValueError(out_axes_none_error(i))
        return x
    if bdim is None:
        return broadcast_batched(x, size, out_axis)
    return moveaxis(x, bdim, out_axis)


def out_axes_none_error(i: int) -> str:
    return (f"[pmap] out_axes=None for output {i}, but it differs across devices (it "
            "depends on the mapped axis); give it an int out_axes, or make it the same on "
            "every device (e.g. with lax.psum/pmean)")


abstract_eval_rules[pmap_p] = _pmap_abstract_eval
impl_rules[pmap_p] = _pmap_impl


# ---- vmap of pmap --------------------------------------------------------------------------

def _pmap_vmap(axis_data, vals, bdims, *, jaxpr, in_axes, out_axes, **params):
    """The vmapped axis goes inside: each device batches its block of the inputs."""
    new_in_axes, inner_bdims = [], []
    for ax, b in zip(in_axes, bdims, strict=True):
        if ax is None or b is None:
            new_in_axes.append(ax if b is None or ax is None else physical_axis(ax, b))
            inner_bdims.append(b)
            continue
        p = physical_axis(ax, b)  # where the pmapped axis sits in the batched value
        new_in_axes.append(p)
        inner_bdims.append(b if b < p else b - 1)
    with _env(params):
        batched, inner_out = batch_jaxpr(jaxpr, axis_data, inner_bdims)
    new_out_axes, out_bdims = [], []
    for o, ob in zip(out_axes, inner_out, strict=True):
        if o is None or ob is None:
            new_out_axes.append(o)
            out_bdims.append(ob)
            continue
        phys = o if o <= ob else o + 1
        new_out_axes.append(phys)
        out_bdims.append(ob + 1 if phys <= ob else ob)
    outs = bind(pmap_p, *vals, jaxpr=batched, in_axes=tuple(new_in_axes),
                out_axes=tuple(new_out_axes), **params)
    return outs, out_bdims


vmap_rules[pmap_p] = _pmap_vmap


# ---- differentiation ------------------------------------------------------------------------

def _pmap_jvp(primals, tangents, *, jaxpr, in_axes, out_axes, **params):
    """One pmap of the inner jvp: tangents are mapped like their primals."""
    with _env(params):
        jvp_closed, in_diff, out_diff = jvp_jaxpr(jaxpr)
    float_tangents = [t for t, d in zip(tangents, in_diff, strict=True) if d]
    t_in = tuple(ax for ax, d in zip(in_axes, in_diff, strict=True) if d)
    t_out = tuple(ax for ax, d in zip(out_axes, out_diff, strict=True) if d)
    outs = bind(pmap_p, *primals, *float_tangents, jaxpr=jvp_closed, in_axes=in_axes + t_in,
                out_axes=out_axes + t_out, **params)
    n = len(jaxpr.out_avals)
    it = iter(outs[n:])
    return outs[:n], [next(it) if d else None for d in out_diff]


def _pmap_partial_eval(trace, args, params):
    """Known pmap now (its residuals stay mapped, one per device), unknown pmap staged."""
    jaxpr, in_axes, out_axes = params["jaxpr"], params["in_axes"], params["out_axes"]
    rest = {k: v for k, v in params.items() if k not in ("jaxpr", "in_axes", "out_axes")}
    unknowns = tuple(trace.is_unknown(x) for x in args)
    with _env(params):
        split = partial_eval_jaxpr(jaxpr, unknowns)
    known_in = tuple(ax for ax, u in zip(in_axes, unknowns, strict=True) if not u)
    known_out = tuple(ax for ax, u in zip(out_axes, split.out_unknown, strict=True) if not u)
    with trace.in_parent():
        known_outs = bind(pmap_p, *[x for x, u in zip(args, unknowns, strict=True) if not u],
                          jaxpr=split.known, in_axes=known_in,
                          out_axes=known_out + (0,) * split.n_res, **rest)
    n_known = len(known_outs) - split.n_res
    unknown_in = (0,) * split.n_res + tuple(ax for ax, u in zip(in_axes, unknowns, strict=True)
                                            if u)
    unknown_out = tuple(ax for ax, u in zip(out_axes, split.out_unknown, strict=True) if u)
    unknown_args = [x for x, u in zip(args, unknowns, strict=True) if u]
    unknown_outs = trace.stage_eqn(pmap_p, [*known_outs[n_known:], *unknown_args],
                                   dict(rest, jaxpr=split.unknown, in_axes=unknown_in,
                                        out_axes=unknown_out))
    known_it, unknown_it = iter(known_outs[:n_known]), iter(unknown_outs)
    return [next(unknown_it) if u else next(known_it) for u in split.out_unknown]


def _pmap_transpose(cts, *args, jaxpr, in_axes, out_axes, **params):
    """Cotangents enter mapped like the outputs; a replicated output's cotangent is
    shared evenly by the devices, an unmapped input's is summed over them."""
    from ..primitives import _ops
    linear = tuple(is_undefined(a) for a in args)
    with _env(params):
        transposed = transpose_jaxpr(jaxpr, linear)
    n = params["global_axis_size"]
    cts = [_ops.mul(ct, _ops.scalar_like(ct, 1.0 / n)) if o is None else ct
           for ct, o in zip(cts, out_axes, strict=True)]
    nonlinear = [(a, ax) for a, ax, lin in zip(args, in_axes, linear, strict=True) if not lin]
    ct_axes = tuple(0 if ax is None else ax for ax, lin in zip(in_axes, linear, strict=True)
                    if lin)
    cts_in = bind(pmap_p, *[a for a, _ in nonlinear], *cts, jaxpr=transposed,
                  in_axes=tuple(ax for _, ax in nonlinear) + tuple(out_axes),
                  out_axes=ct_axes, **params)
    it = iter(cts_in)
    result = []
    for ax, lin in zip(in_axes, linear, strict=True):
        ct = next(it) if lin else None
        if lin and ax is None:
            ct = _ops.reduce_sum(ct, (0,))
        result.append(ct)
    return result


jvp_rules[pmap_p] = _pmap_jvp
partial_eval_rules[pmap_p] = _pmap_partial_eval
transpose_rules[pmap_p] = _pmap_transpose


def jaxpr_replicas(closed: ClosedJaxpr) -> int:
    """How many replicas one instance of ``closed`` needs: the product of the sizes of the
    pmaps nested in it (1 if none)."""
    most = 1
    for eqn in closed.jaxpr.eqns:
        for v in eqn.params.values():
            if isinstance(v, ClosedJaxpr):
                inner = jaxpr_replicas(v)
                if eqn.primitive is pmap_p:
                    inner *= eqn.params["global_axis_size"]
                most = max(most, inner)
    return most


__all__ = ["pmap_p", "mapped_aval", "unmapped_aval", "jaxpr_replicas", "place_output",
           "aval_of"]
