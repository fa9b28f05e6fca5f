"""Lowering of schur, hessenberg, householder_product and tridiagonal
(primitives/linalg_extra.py) to jaxlib's LAPACK FFI targets on the CPU
(``lapack_{s,d,c,z}gees_ffi``, ``gehrd_ffi``, ``orgqr_ffi``/``ungqr_ffi``,
``sytrd_ffi``/``hetrd_ffi``), and their eager device impls: NumPy has no such
decompositions, so an eager call runs the cached one-op executable of the lowering."""

from __future__ import annotations

import numpy as np

from ..core.ir import ShapedArray
from ..core.registry import device_impl_rules, lowering_rules
from ..primitives import linalg_extra as lx
from .eager import device_op
from .linalg import _I32, _info_ok, _nan_unless, _require_cpu, _target, _u8, ffi_call


def _is_complex(dtype) -> bool:
    return np.dtype(dtype).kind == "c"


def _schur_lowering(ctx, x, *, compute_schur_vectors, sort_eig_vals, select_callable):
    _require_cpu(ctx, "schur", gpu=False)
    (aval,) = ctx.avals_in
    batch = aval.shape[:-2]
    info = ShapedArray(batch, _I32)
    w = ShapedArray(aval.shape[:-1], aval.dtype)
    outs = [aval, aval, w, info, info] if _is_complex(aval.dtype) else \
        [aval, aval, w, w, info, info]
    res = ffi_call(_target("gees", aval.dtype, True), [x], [aval], outs,
                   {"mode": _u8("V" if compute_schur_vectors else "N"), "sort": _u8("N")},
                   (0, 0))
    ok = _info_ok(res[-1], batch)
    t = _nan_unless(ok, res[0], aval, batch)
    return [t, _nan_unless(ok, res[1], aval, batch)] if compute_schur_vectors else [t]


def _i32_attr(v: int):
    from jaxlib.mlir import ir
    return ir.IntegerAttr.get(ir.IntegerType.get_signless(32), int(v))


def _hessenberg_lowering(ctx, x):
    _require_cpu(ctx, "hessenberg", gpu=False)
    (aval,) = ctx.avals_in
    _, tau_aval = ctx.avals_out
    batch, n = aval.shape[:-2], aval.shape[-1]
    a, taus, info = ffi_call(_target("gehrd", aval.dtype, True), [x], [aval],
                             [aval, tau_aval, ShapedArray(batch, _I32)],
                             {"low": _i32_attr(1), "high": _i32_attr(n)}, (0, 0))
    ok = _info_ok(info, batch)
    return [_nan_unless(ok, a, aval, batch), _nan_unless(ok, taus, tau_aval, batch)]


def _householder_product_lowering(ctx, a, taus):
    _require_cpu(ctx, "householder_product")
    a_aval, tau_aval = ctx.avals_in
    fn = "ungqr" if _is_complex(a_aval.dtype) else "orgqr"
    return ffi_call(_target(fn, a_aval.dtype, True), [a, taus], [a_aval, tau_aval], [a_aval], None,
                    (0, 0))


def _tridiagonal_lowering(ctx, x, *, lower):
    _require_cpu(ctx, "tridiagonal")
    (aval,) = ctx.avals_in
    batch = aval.shape[:-2]
    fn = "hetrd" if _is_complex(aval.dtype) else "sytrd"
    outs = ffi_call(_target(fn, aval.dtype, True), [x], [aval],
                    [*ctx.avals_out, ShapedArray(batch, _I32)],
                    {"uplo": _u8("L" if lower else "U")}, (0, 0))
    ok = _info_ok(outs[-1], batch)
    return [_nan_unless(ok, o, a, batch) for o, a in zip(outs[:-1], ctx.avals_out, strict=True)]


def _device_impl(prim):
    def impl(*args, **params):
        return device_op(prim, args, params)
    return impl


for _prim, _rule in ((lx.schur_p, _schur_lowering), (lx.hessenberg_p, _hessenberg_lowering),
                     (lx.householder_product_p, _householder_product_lowering),
                     (lx.tridiagonal_p, _tridiagonal_lowering)):
    lowering_rules[_prim] = _rule
    device_impl_rules[_prim] = _device_impl(_prim)
