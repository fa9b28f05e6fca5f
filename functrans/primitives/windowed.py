"""Window reductions (pooling): reduce_window_sum / _max / _min, and the two
primitives behind the derivative of max/min pooling, as in ``jax.lax``.

Params (one entry per operand dim): ``window_dimensions``, ``window_strides``,
``padding`` ((low, high) pairs), ``base_dilation``, ``window_dilation``. The operand
is base-dilated and padded with the reduction's identity, then each window reduces.

- ``select_and_gather_add(t, x, select_prim)``: for each window, the ``t`` at the
  position ``x`` selects (first max for ``'ge'``, first min for ``'le'``): the tangent
  of max/min pooling. Linear in ``t``.
- ``select_and_scatter_add(s, x, select_prim)``: its transpose: each window adds its
  ``s`` at the position ``x`` selects.
"""

from __future__ import annotations

import numpy as np

from ..core import dtypes
from ..core.ir import ShapedArray
from ..core.registry import declare_no_rule, jvp_rules, transpose_rules, vmap_rules
from ..core.trace import bind1
from . import _ops as ops
from ._batching import moveaxis
from ._builders import check_dtype, primitive
from .conv import _lhs_vjp_padding, dilate_dim
from .shapes import _pad_impl, pad_p

WINDOW_PARAMS = ("window_dimensions", "window_strides", "padding", "base_dilation",
                 "window_dilation")


def _window_shape(name, shape, window_dimensions, window_strides, padding, base_dilation,
                  window_dilation):
    n = len(shape)
    if not all(len(p) == n for p in (window_dimensions, window_strides, padding, base_dilation,
                                     window_dilation)):
        raise ValueError(f"[{name}] window_dimensions, window_strides, padding and dilations "
                         f"need one entry per operand dim ({n}, shape {shape})")
    out = []
    for d, w, s, (lo, hi), bd, wd in zip(shape, window_dimensions, window_strides, padding,
                                         base_dilation, window_dilation, strict=True):
        padded, wdil = dilate_dim(d, bd) + lo + hi, dilate_dim(w, wd)
        if w < 1 or s < 1 or padded < 0:
            raise ValueError(f"[{name}] invalid window {w}, stride {s} or padding {(lo, hi)} "
                             f"for a dim of size {d}")
        out.append(0 if padded < wdil else (padded - wdil) // s + 1)
    return tuple(out)


def identity(kind: str, dtype):
    dtype = np.dtype(dtype)
    if kind == "sum":
        return np.zeros((), dtype)
    big = kind in ("min", "le")
    if dtypes.is_inexact(dtype):
        return np.asarray(np.inf if big else -np.inf, dtype)
    if dtype == dtypes.bool_:
        return np.asarray(big)
    info = np.iinfo(dtype)
    return np.asarray(info.max if big else info.min, dtype)


def _padded(x, fill, padding, base_dilation):
    config = tuple((lo, hi, bd - 1) for (lo, hi), bd in zip(padding, base_dilation, strict=True))
    return _pad_impl(x, fill, padding_config=config)


def _windows(xp, out_shape, window_dimensions, window_strides, window_dilation):
    """Windows (*out_shape, *window) of the padded operand ``xp``."""
    wd = [dilate_dim(w, r) for w, r in zip(window_dimensions, window_dilation, strict=True)]
    view = np.lib.stride_tricks.sliding_window_view(xp, wd)
    sel = (tuple(slice(0, o * s, s) if o else slice(0, 0)
                 for o, s in zip(out_shape, window_strides, strict=True))
           + tuple(slice(None, None, r) for r in window_dilation))
    return view[sel]


def _reduce_window(kind, np_reduce):
    name = f"reduce_window_{kind}"

    def abstract_eval(x, **params):
        check_dtype(name, x, "number" if kind == "sum" else "any")
        return ShapedArray(_window_shape(name, x.shape, **params), x.dtype, x.weak_type)

    def impl(x, **params):
        out_shape = _window_shape(name, x.shape, **params)
        acc = np.float64 if kind == "sum" and dtypes.is_float(x.dtype) else x.dtype
        xp = _padded(np.asarray(x, acc), identity(kind, acc), params["padding"],
                     params["base_dilation"])
        if 0 in out_shape or 0 in xp.shape:
            return np.full(out_shape, identity(kind, x.dtype), x.dtype)
        w = _windows(xp, out_shape, params["window_dimensions"], params["window_strides"],
                     params["window_dilation"])
        axes = tuple(range(len(out_shape), w.ndim))
        return np.asarray(np_reduce(w, axis=axes), x.dtype)

    p = primitive(name, abstract_eval, impl)
    vmap_rules[p] = _window_vmap(p)
    return p


def _window_vmap(prim, n_operands=1):
    """Batch axis: a window of 1 with stride 1 and no padding or dilation."""
    def rule(axis_data, vals, bdims, **params):
        b = next(d for d in bdims if d is not None)
        vals = [moveaxis(v, d, b) if d is not None else _bcast(v, axis_data.size, b)
                for v, d in zip(vals, bdims, strict=True)]
        new = {k: _insert(params[k], b, (0, 0) if k == "padding" else 1)
               for k in WINDOW_PARAMS}
        return [bind1(prim, *vals, **{**params, **new})], [b]
    return rule


def _bcast(v, size, b):
    from ._batching import broadcast_batched
    return broadcast_batched(v, size, b)


def _insert(t, i, v):
    t = list(t)
    t.insert(i, v)
    return tuple(t)


reduce_window_sum_p = _reduce_window("sum", np.sum)
reduce_window_max_p = _reduce_window("max", np.max)
reduce_window_min_p = _reduce_window("min", np.min)


def _reduce_window_sum_transpose(cts, x, **params):
    ct = cts[0]
    shape = x.aval.shape
    pads = _lhs_vjp_padding(shape, params["window_dimensions"], params["window_strides"],
                            ops.aval(ct).shape, params["padding"], params["base_dilation"],
                            params["window_dilation"])
    config = tuple((lo, hi, s - 1) for (lo, hi), s in zip(pads, params["window_strides"],
                                                        strict=True))
    padded = pad_p.bind1(ct, ops.scalar(0, ops.aval(ct).dtype), padding_config=config)
    out = bind1(reduce_window_sum_p, padded, window_dimensions=params["window_dimensions"],
                window_strides=params["base_dilation"], padding=((0, 0),) * len(shape),
                base_dilation=(1,) * len(shape), window_dilation=params["window_dilation"])
    return [out]


jvp_rules[reduce_window_sum_p] = ops.linear_jvp(reduce_window_sum_p)
transpose_rules[reduce_window_sum_p] = _reduce_window_sum_transpose


def _chooser_jvp(prim, select_prim):
    def jvp(primals, tangents, **params):
        (x,), (t,) = primals, tangents
        out = bind1(prim, x, **params)
        return [out], [bind1(select_and_gather_add_p, t, x, select_prim=select_prim, **params)]
    return jvp


# ---- select_and_gather_add / select_and_scatter_add ------------------------------------------

def _selected(x, select_prim, params):
    """Per window: the flat index into the padded operand that ``select_prim`` picks."""
    out_shape = _window_shape("select_and_gather_add", x.shape, **params)
    kind = "max" if select_prim == "ge" else "min"
    xp = _padded(x, identity(kind, x.dtype), params["padding"], params["base_dilation"])
    w = _windows(xp, out_shape, params["window_dimensions"], params["window_strides"],
                 params["window_dilation"])
    flat = w.reshape(*out_shape, -1)
    k = (np.argmax if kind == "max" else np.argmin)(flat, axis=-1) if flat.size else \
        np.zeros(out_shape, int)
    kidx = np.unravel_index(k, params["window_dimensions"]) if flat.size else \
        [np.zeros(out_shape, int)] * x.ndim
    pos = [np.arange(o).reshape([-1 if j == i else 1 for j in range(len(out_shape))]) * s
           + kk * r for i, (o, s, kk, r) in enumerate(zip(
               out_shape, params["window_strides"], kidx, params["window_dilation"],
               strict=True))]
    return np.ravel_multi_index([np.broadcast_to(p, out_shape) for p in pos], xp.shape), xp.shape


def _sga_abstract_eval(t, x, *, select_prim, **params):
    if t.shape != x.shape or t.dtype != x.dtype:
        raise TypeError(f"[select_and_gather_add] tangents {t.str_short()} and operand "
                        f"{x.str_short()} must match")
    return ShapedArray(_window_shape("select_and_gather_add", x.shape, **params), t.dtype,
                       t.weak_type)


def _sga_impl(t, x, *, select_prim, **params):
    idx, pshape = _selected(x, select_prim, params)
    tp = _padded(t, np.zeros((), t.dtype), params["padding"], params["base_dilation"])
    return tp.reshape(-1)[idx] if tp.size else np.zeros(idx.shape, t.dtype)


select_and_gather_add_p = primitive("select_and_gather_add", _sga_abstract_eval, _sga_impl)


def _ssa_abstract_eval(s, x, *, select_prim, **params):
    out = _window_shape("select_and_scatter_add", x.shape, **params)
    if s.shape != out or s.dtype != x.dtype:
        raise TypeError(f"[select_and_scatter_add] source {s.str_short()} must have the "
                        f"window-output shape {out} and the operand's dtype ({x.str_short()})")
    return ShapedArray(x.shape, s.dtype, s.weak_type)


def _ssa_impl(s, x, *, select_prim, **params):
    idx, pshape = _selected(x, select_prim, params)
    acc = np.float64 if dtypes.is_float(s.dtype) else s.dtype
    out = np.zeros(int(np.prod(pshape)), acc)
    np.add.at(out, idx.reshape(-1), np.asarray(s, acc).reshape(-1))
    out = out.reshape(pshape)
    crop = tuple(slice(lo, n - hi, bd) for (lo, hi), n, bd in zip(
        params["padding"], pshape, params["base_dilation"], strict=True))
    return np.asarray(out[crop], s.dtype)


select_and_scatter_add_p = primitive("select_and_scatter_add", _ssa_abstract_eval, _ssa_impl)


def _sga_transpose(cts, t, x, **params):
    if ops.is_undefined(x):
        raise TypeError("[grad] select_and_gather_add is not linear in its operand")
    return [bind1(select_and_scatter_add_p, cts[0], x, **params), None]


def _ssa_transpose(cts, s, x, **params):
    if ops.is_undefined(x):
        raise TypeError("[grad] select_and_scatter_add is not linear in its operand")
    return [bind1(select_and_gather_add_p, cts[0], x, **params), None]


def _first_linear_jvp(prim):
    def jvp(primals, tangents, **params):
        out = bind1(prim, *primals, **params)
        t = tangents[0]
        return [out], [None if t is None else bind1(prim, t, primals[1], **params)]
    jvp.accepts_zeros = True
    return jvp


jvp_rules[reduce_window_max_p] = _chooser_jvp(reduce_window_max_p, "ge")
jvp_rules[reduce_window_min_p] = _chooser_jvp(reduce_window_min_p, "le")
for _p in (select_and_gather_add_p, select_and_scatter_add_p):
    jvp_rules[_p] = _first_linear_jvp(_p)
    vmap_rules[_p] = _window_vmap(_p, 2)
transpose_rules[select_and_gather_add_p] = _sga_transpose
transpose_rules[select_and_scatter_add_p] = _ssa_transpose
declare_no_rule("transpose", reduce_window_max_p, "not linear")
declare_no_rule("transpose", reduce_window_min_p, "not linear")
