"""conv_general_dilated: N-d convolution as ``jax.lax.conv_general_dilated``.

``dimension_numbers`` is a ``ConvDimensionNumbers(lhs_spec, rhs_spec, out_spec)`` of
axis permutations: ``lhs_spec = (batch, feature, *spatial)``, ``rhs_spec = (out
feature, in feature, *spatial)``, ``out_spec = (batch, feature, *spatial)``.
``padding`` is one ``(low, high)`` per spatial dim (negative crops), applied after
``lhs_dilation``. ``feature_group_count`` G splits lhs features and rhs output
features into G groups; ``batch_group_count`` B splits the lhs batch and rhs output
features into B groups (at most one of G, B is above 1).

Rules: bilinear jvp; transpose in either operand is another convolution (the
"gradient convolutions"); vmap folds the batch axis into the batch or feature
(group) dimension, so a batched conv is one conv.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..core import dtypes
from ..core.ir import ShapedArray
from ..core.registry import jvp_rules, transpose_rules, vmap_rules
from ..core.trace import bind1
from . import _ops as ops
from ._builders import primitive


class ConvDimensionNumbers(NamedTuple):
    """Axis permutations of lhs, rhs and output (as ``jax.lax.ConvDimensionNumbers``)."""

    lhs_spec: tuple[int, ...]
    rhs_spec: tuple[int, ...]
    out_spec: tuple[int, ...]


def dilate_dim(d: int, r: int) -> int:
    return 0 if d == 0 else 1 + r * (d - 1)


def _out_spatial(lhs_s, rhs_s, strides, padding, lhs_dil, rhs_dil):
    out = []
    for n, k, s, (lo, hi), ld, rd in zip(lhs_s, rhs_s, strides, padding, lhs_dil, rhs_dil,
                                         strict=True):
        padded = dilate_dim(n, ld) + lo + hi
        if padded < 0:
            raise ValueError(f"[conv_general_dilated] negative padding {(lo, hi)} is larger "
                             f"than the (dilated) lhs spatial size {dilate_dim(n, ld)}")
        kd = dilate_dim(k, rd)
        out.append(0 if padded < kd else (padded - kd) // s + 1)
    return out


def _check_groups(lhs, rhs, dn, fgc, bgc):
    name = "[conv_general_dilated]"
    c, i, o = lhs.shape[dn.lhs_spec[1]], rhs.shape[dn.rhs_spec[1]], rhs.shape[dn.rhs_spec[0]]
    if fgc < 1 or bgc < 1 or (fgc > 1 and bgc > 1):
        raise ValueError(f"{name} feature_group_count={fgc} and batch_group_count={bgc} must "
                         "be positive and at most one of them above 1")
    if c % fgc or c // fgc != i:
        raise ValueError(f"{name} lhs features ({c}, {lhs.str_short()}) divided by "
                         f"feature_group_count={fgc} must equal the rhs input features ({i}, "
                         f"{rhs.str_short()})")
    if o % fgc or o % bgc:
        raise ValueError(f"{name} rhs output features ({o}) must be a multiple of "
                         f"feature_group_count={fgc} and batch_group_count={bgc}")
    if lhs.shape[dn.lhs_spec[0]] % bgc:
        raise ValueError(f"{name} batch_group_count={bgc} must divide the lhs batch size "
                         f"{lhs.shape[dn.lhs_spec[0]]}")


def _conv_abstract_eval(lhs, rhs, *, window_strides, padding, lhs_dilation, rhs_dilation,
                        dimension_numbers, feature_group_count, batch_group_count,
                        precision=None, preferred_element_type=None):
    dn = dimension_numbers
    if lhs.ndim != rhs.ndim or lhs.ndim < 2:
        raise TypeError(f"[conv_general_dilated] lhs and rhs must have the same rank >= 2, got "
                        f"{lhs.str_short()} and {rhs.str_short()}")
    nsp = lhs.ndim - 2
    if not (len(window_strides) == len(padding) == len(lhs_dilation) == len(rhs_dilation)
            == nsp):
        raise ValueError(f"[conv_general_dilated] window_strides, padding and dilations need "
                         f"one entry per spatial dimension ({nsp}), got {window_strides}, "
                         f"{padding}, {lhs_dilation}, {rhs_dilation}")
    if lhs.dtype != rhs.dtype:
        raise TypeError(f"[conv_general_dilated] operands must have the same dtype, got "
                        f"{lhs.str_short()} and {rhs.str_short()}")
    _check_groups(lhs, rhs, dn, feature_group_count, batch_group_count)
    sp = _out_spatial([lhs.shape[d] for d in dn.lhs_spec[2:]],
                      [rhs.shape[d] for d in dn.rhs_spec[2:]], window_strides, padding,
                      lhs_dilation, rhs_dilation)
    canon = [lhs.shape[dn.lhs_spec[0]] // batch_group_count, rhs.shape[dn.rhs_spec[0]], *sp]
    shape = tuple(np.take(canon, np.argsort(dn.out_spec)))
    dtype = lhs.dtype if preferred_element_type is None else np.dtype(preferred_element_type)
    return ShapedArray(shape, dtype, lhs.weak_type and rhs.weak_type)


def _windows(x, rhs_s, strides, padding, lhs_dil, rhs_dil):
    """``x`` (N, C, *S) dilated and padded, as windows (N, C, *out, *kernel)."""
    nsp = x.ndim - 2
    if any(d > 1 for d in lhs_dil):
        shape = (*x.shape[:2], *(dilate_dim(n, d) for n, d in zip(x.shape[2:], lhs_dil,
                                                                   strict=True)))
        xd = np.zeros(shape, x.dtype)
        xd[(slice(None), slice(None), *(slice(None, None, d) for d in lhs_dil))] = x
        x = xd
    pads = [(0, 0)] * 2 + [(max(lo, 0), max(hi, 0)) for lo, hi in padding]
    x = np.pad(x, pads)
    crop = tuple(slice(max(-lo, 0), x.shape[2 + i] - max(-hi, 0))
                 for i, (lo, hi) in enumerate(padding))
    x = x[(slice(None), slice(None), *crop)]
    kd = [dilate_dim(k, r) for k, r in zip(rhs_s, rhs_dil, strict=True)]
    if any(n < k for n, k in zip(x.shape[2:], kd, strict=True)):
        return None
    w = np.lib.stride_tricks.sliding_window_view(x, kd, axis=tuple(range(2, 2 + nsp)))
    sel = ((slice(None),) * 2 + tuple(slice(None, None, s) for s in strides)
           + tuple(slice(None, None, r) for r in rhs_dil))
    return w[sel]


def _conv_impl(lhs, rhs, **params):
    aval = _conv_abstract_eval(ShapedArray(lhs.shape, lhs.dtype), ShapedArray(rhs.shape,
                                                                            rhs.dtype), **params)
    dn = params["dimension_numbers"]
    fgc, bgc = params["feature_group_count"], params["batch_group_count"]
    acc = np.float64 if dtypes.is_float(lhs.dtype) else lhs.dtype
    x = np.transpose(lhs, dn.lhs_spec).astype(acc)
    k = np.transpose(rhs, dn.rhs_spec).astype(acc)
    nsp = x.ndim - 2
    w = _windows(x, k.shape[2:], params["window_strides"], params["padding"],
                 params["lhs_dilation"], params["rhs_dilation"])
    if w is None or 0 in aval.shape:
        return np.zeros(aval.shape, aval.dtype)
    sp, ks = "pqrstuvw"[:nsp], "hijklmxy"[:nsp]
    n, c = w.shape[:2]
    o = k.shape[0]
    if bgc > 1:  # batch groups: out[n, b*Ob + o] = sum_c x[b*Nb + n, c] * k[b*Ob + o, c]
        w = w.reshape(bgc, n // bgc, c, *w.shape[2:])
        kk = k.reshape(bgc, o // bgc, *k.shape[1:])
        out = np.einsum(f"bnc{sp}{ks},boc{ks}->nbo{sp}", w, kk, optimize=True)
    else:  # feature groups: out[n, g*Og + o] = sum_c x[n, g*Cg + c] * k[g*Og + o, c]
        w = w.reshape(n, fgc, c // fgc, *w.shape[2:])
        kk = k.reshape(fgc, o // fgc, *k.shape[1:])
        out = np.einsum(f"ngc{sp}{ks},goc{ks}->ngo{sp}", w, kk, optimize=True)
    out = out.reshape(out.shape[0], o, *out.shape[3:])
    return np.transpose(out, np.argsort(dn.out_spec)).astype(aval.dtype)


conv_general_dilated_p = primitive("conv_general_dilated", _conv_abstract_eval, _conv_impl)


# ---- jvp and transpose ----------------------------------------------------------------------

def _conv(lhs, rhs, **params):
    return bind1(conv_general_dilated_p, lhs, rhs, **params)


_conv_jvp = ops.sum_of_terms_jvp(
    conv_general_dilated_p, lambda p, t, **params: _conv(t, p[1], **params),
    lambda p, t, **params: _conv(p[0], t, **params))


def reshape_axis_into(src: int, dst: int, x):
    """Merge axis ``src`` into axis ``dst`` (``src`` becomes the major part)."""
    shape = ops.aval(x).shape
    perm = [i for i in range(len(shape)) if i != src]
    perm.insert(dst, src)
    new_shape = [d for i, d in enumerate(shape) if i != src]
    new_shape[dst] *= shape[src]
    return ops.reshape(ops.transpose(x, perm), new_shape)


def reshape_axis_out_of(src: int, size1: int, x):
    """Split axis ``src`` into ``(size1, rest)``."""
    shape = list(ops.aval(x).shape)
    shape[src:src + 1] = [size1, shape[src] // size1]
    return ops.reshape(x, shape)


def _spec_t(spec):
    return (spec[1], spec[0], *spec[2:])


def _dilate_shape(shape, dil):
    return np.array([dilate_dim(d, r) for d, r in zip(shape, dil, strict=True)], int)


def _lhs_vjp_padding(in_s, k_s, strides, out_s, padding, lhs_dil, rhs_dil):
    ld, rd = _dilate_shape(in_s, lhs_dil), _dilate_shape(k_s, rhs_dil)
    od = _dilate_shape(out_s, strides)
    before = rd - np.array([lo for lo, _ in padding], int) - 1
    after = ld + rd - 1 - od - before
    return tuple((int(b), int(a)) for b, a in zip(before, after, strict=True))


def _rhs_vjp_padding(in_s, k_s, strides, out_s, padding, lhs_dil, rhs_dil):
    ld, rd = _dilate_shape(in_s, lhs_dil), _dilate_shape(k_s, rhs_dil)
    od = _dilate_shape(out_s, strides)
    los = [lo for lo, _ in padding]
    his = [int(o - i + r - lo - 1) for o, i, r, lo in zip(od, ld, rd, los, strict=True)]
    return tuple(zip(los, his, strict=True))


def _transpose_lhs(ct, rhs, lhs_aval, *, window_strides, padding, lhs_dilation, rhs_dilation,
                   dimension_numbers, feature_group_count, batch_group_count, precision=None,
                   preferred_element_type=None):
    lhs_spec, rhs_spec, out_spec = dn = dimension_numbers
    rhs_shape = ops.aval(rhs).shape
    fgc = feature_group_count
    if feature_group_count > 1 or batch_group_count > 1:
        groups = max(feature_group_count, batch_group_count)
        rhs = reshape_axis_out_of(rhs_spec[0], groups, rhs)
        rhs = reshape_axis_into(rhs_spec[0], rhs_spec[1], rhs)
        fgc = groups
    pad = _lhs_vjp_padding(np.take(lhs_aval.shape, lhs_spec[2:]),
                           np.take(rhs_shape, rhs_spec[2:]), window_strides,
                           np.take(ops.aval(ct).shape, out_spec[2:]), padding, lhs_dilation,
                           rhs_dilation)
    revd = bind1(_rev_p(), rhs, dimensions=tuple(rhs_spec[2:]))
    out = _conv(ct, ops.convert(revd, ops.aval(ct).dtype), window_strides=lhs_dilation,
                padding=pad, lhs_dilation=window_strides, rhs_dilation=rhs_dilation,
                dimension_numbers=ConvDimensionNumbers(out_spec, _spec_t(rhs_spec), lhs_spec),
                feature_group_count=fgc, batch_group_count=1, precision=precision,
                preferred_element_type=preferred_element_type)
    if batch_group_count > 1:
        out = reshape_axis_out_of(lhs_spec[1], batch_group_count, out)
        out = reshape_axis_into(lhs_spec[1], lhs_spec[0], out)
    del dn
    return ops.convert(out, lhs_aval.dtype, lhs_aval.weak_type)


def _transpose_rhs(ct, lhs, rhs_aval, *, window_strides, padding, lhs_dilation, rhs_dilation,
                   dimension_numbers, feature_group_count, batch_group_count, precision=None,
                   preferred_element_type=None):
    lhs_spec, rhs_spec, out_spec = dimension_numbers
    fgc, bgc = feature_group_count, batch_group_count
    if bgc > 1:
        fgc, bgc = bgc, 1
    elif fgc > 1:
        fgc, bgc = 1, fgc
    pad = _rhs_vjp_padding(np.take(ops.aval(lhs).shape, lhs_spec[2:]),
                           np.take(rhs_aval.shape, rhs_spec[2:]), window_strides,
                           np.take(ops.aval(ct).shape, out_spec[2:]), padding, lhs_dilation,
                           rhs_dilation)
    dn = ConvDimensionNumbers(_spec_t(lhs_spec), _spec_t(out_spec), _spec_t(rhs_spec))
    out = _conv(ops.convert(lhs, ops.aval(ct).dtype), ct, window_strides=rhs_dilation,
                padding=pad, lhs_dilation=lhs_dilation, rhs_dilation=window_strides,
                dimension_numbers=dn, feature_group_count=fgc, batch_group_count=bgc,
                precision=precision, preferred_element_type=preferred_element_type)
    return ops.convert(out, rhs_aval.dtype, rhs_aval.weak_type)


def _rev_p():
    from .shapes import rev_p
    return rev_p


def _conv_transpose(cts, lhs, rhs, **params):
    ct = cts[0]
    if ops.is_undefined(lhs) and ops.is_undefined(rhs):
        raise TypeError("[grad] conv_general_dilated of two linear values is not linear")
    if type(ct).__name__ == "Zero" or ct is None:
        return [None, None]
    if ops.is_undefined(lhs):
        return [_transpose_lhs(ct, rhs, lhs.aval, **params), None]
    return [None, _transpose_rhs(ct, lhs, rhs.aval, **params)]


jvp_rules[conv_general_dilated_p] = _conv_jvp
transpose_rules[conv_general_dilated_p] = _conv_transpose


# ---- vmap --------------------------------------------------------------------------------

def _conv_vmap(axis_data, vals, bdims, **params):
    (lhs, rhs), (lb, rb) = vals, bdims
    lhs_spec, rhs_spec, out_spec = params["dimension_numbers"]
    fgc, bgc = params["feature_group_count"], params["batch_group_count"]
    size = axis_data.size
    if lb is not None and rb is not None:
        if bgc > 1:
            lhs = reshape_axis_into(lb, lhs_spec[0], lhs)
            params = dict(params, batch_group_count=bgc * size)
        else:
            lhs = reshape_axis_into(lb, lhs_spec[1], lhs)
            params = dict(params, feature_group_count=fgc * size)
        out = _conv(lhs, reshape_axis_into(rb, rhs_spec[0], rhs), **params)
        return [reshape_axis_out_of(out_spec[1], size, out)], [out_spec[1]]
    if lb is not None:
        if bgc == 1:
            out = _conv(reshape_axis_into(lb, lhs_spec[0], lhs), rhs, **params)
        else:  # keep batch groups outermost: (B, N/B) -> (B, size * N/B)
            lhs = reshape_axis_out_of(lhs_spec[0] + int(lb <= lhs_spec[0]), bgc, lhs)
            lhs = reshape_axis_into(lb + int(lhs_spec[0] < lb), lhs_spec[0] + 1, lhs)
            lhs = reshape_axis_into(lhs_spec[0], lhs_spec[0], lhs)
            out = _conv(lhs, rhs, **params)
        return [reshape_axis_out_of(out_spec[0], size, out)], [out_spec[0]]
    if fgc == 1 and bgc == 1:
        out = _conv(lhs, reshape_axis_into(rb, rhs_spec[0], rhs), **params)
        return [reshape_axis_out_of(out_spec[1], size, out)], [out_spec[1]]
    groups = max(fgc, bgc)  # groups outermost in the rhs output features and the result
    rhs = reshape_axis_out_of(rhs_spec[0] + int(rb <= rhs_spec[0]), groups, rhs)
    rhs = reshape_axis_into(rb + int(rhs_spec[0] < rb), rhs_spec[0] + 1, rhs)
    rhs = reshape_axis_into(rhs_spec[0], rhs_spec[0], rhs)
    out = _conv(lhs, rhs, **params)
    out = reshape_axis_out_of(out_spec[1], groups, out)
    out = reshape_axis_out_of(out_spec[1] + 1, size, out)
    return [reshape_axis_into(out_spec[1], out_spec[1] + 1, out)], [out_spec[1]]


vmap_rules[conv_general_dilated_p] = _conv_vmap
