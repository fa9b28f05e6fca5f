"""Lowering of the linear-algebra primitives (primitives/linalg.py).

On the CPU every primitive becomes the LAPACK custom call that jaxlib registers with
XLA (typed FFI: ``lapack_{s,d}potrf_ffi``, ``trsm``, ``getrf``, ``geqrf`` + ``orgqr``,
``syevd``, ``gesdd``), with column-major layouts for the matrices and the attributes in
``mhlo.backend_config``. Results of a call whose ``info`` reports failure are replaced
by NaN, as JAX does. For cuda/rocm, linalg_gpu.py registers the cuSOLVER/hipSOLVER
lowerings (``platform_lowering_rules``); on other platforms (tpu) cholesky and
triangular_solve lower to the StableHLO ops and the others raise. Rules read the platform
the module is lowered for from ``ctx.module.platform``.
"""

from __future__ import annotations

import numpy as np
from jaxlib.mlir import ir
from jaxlib.mlir.dialects import stablehlo as hlo

from ..core.ir import ShapedArray
from ..core.registry import lowering_rules
from ..primitives import linalg as la
from .elementwise import compare
from .lower import constant, full_like_aval, ir_type
from .reductions import reduce_region

_I32 = np.dtype(np.int32)
_lapack_ready = False


def _target(fn: str, dtype, complex_ok: bool = False) -> str:
    global _lapack_ready
    if not _lapack_ready:
        from jaxlib import lapack
        lapack._lapack.initialize()  # binds the LAPACK kernels XLA's CPU targets call
        _lapack_ready = True
    prefix = {np.dtype(np.float32): "s", np.dtype(np.float64): "d",
              np.dtype(np.complex64): "c", np.dtype(np.complex128): "z"}.get(np.dtype(dtype))
    if prefix is None or (prefix in "cz" and not complex_ok):
        raise NotImplementedError(f"[linalg] the LAPACK lowering supports float32/float64 "
                                  f"(complex64/complex128 for schur, hessenberg, "
                                  f"householder_product), got {np.dtype(dtype)}")
    return f"lapack_{prefix}{fn}_ffi"


def _on_cpu(ctx) -> bool:
    return ctx.module.platform == "cpu"


def _require_cpu(ctx, name: str, gpu: bool = True) -> None:
    """Raise unless lowering for the CPU (the GPU platforms have their own rules, so
    ``gpu`` says whether ``name`` has them: if not, JAX has none either)."""
    platform = ctx.module.platform
    if platform == "cpu":
        return
    if gpu:
        raise NotImplementedError(
            f"[{name}] has XLA lowerings for cpu (LAPACK) and cuda/rocm (cuSOLVER/"
            f"hipSOLVER), not for {platform}; put its operands on a CPU or GPU device")
    raise NotImplementedError(
        f"[{name}] has an XLA lowering only for the CPU (LAPACK), not for {platform}: "
        f"JAX 0.10.2 has no {platform} lowering for it either. Compute it on a CPU "
        f"device: put its operand there (functrans.device_put(x, "
        f"functrans.devices('cpu')[0])) and call it (or a jit of it) on that")


def _layout(ndim: int, matrix: bool) -> ir.Attribute:
    order = ((ndim - 2, ndim - 1, *range(ndim - 3, -1, -1)) if matrix
             else tuple(range(ndim - 1, -1, -1)))
    return ir.DenseIntElementsAttr.get(np.asarray(order, np.int64), type=ir.IndexType.get())


def _u8(c: str) -> ir.Attribute:
    return ir.IntegerAttr.get(ir.IntegerType.get_unsigned(8), ord(c))


def ffi_call(target: str, operands, avals_in, avals_out, attrs=None, alias=None,
             column_major: bool = True):
    """A typed-FFI custom call; arrays of the largest rank are column-major matrices
    (unless ``column_major`` is false: then every array is row-major)."""
    top = max(a.ndim for a in avals_in) if column_major else -1
    op = hlo.CustomCallOp.build_generic(
        results=[ir_type(a) for a in avals_out], operands=list(operands),
        attributes={
            "call_target_name": ir.StringAttr.get(target),
            "has_side_effect": ir.BoolAttr.get(False),
            "backend_config": ir.StringAttr.get(""),
            "api_version": ir.IntegerAttr.get(ir.IntegerType.get_signless(32), 1),
            "called_computations": ir.ArrayAttr.get([]),
            "operand_layouts": ir.ArrayAttr.get([_layout(a.ndim, a.ndim == top)
                                                 for a in avals_in]),
            "result_layouts": ir.ArrayAttr.get([_layout(a.ndim, a.ndim == top)
                                                for a in avals_out]),
        })
    if alias is not None:
        src, dst = alias
        op.operation.attributes["output_operand_aliases"] = ir.ArrayAttr.get([
            hlo.OutputOperandAlias.get(
                output_tuple_indices=[dst] if len(avals_out) > 1 else [],
                operand_index=src, operand_tuple_indices=[])])
    op.operation.attributes["mhlo.backend_config"] = ir.DictAttr.get(attrs or {})
    return list(op.results)


def _nan_unless(ok, x, aval: ShapedArray, batch: tuple[int, ...]):
    """``x`` where ``ok`` (one bool per matrix), NaN elsewhere."""
    ok_b = hlo.broadcast_in_dim(ir_type(ShapedArray(aval.shape, np.dtype(bool))), ok,
                                list(range(len(batch))))
    return hlo.select(ok_b, x, full_like_aval(np.nan, aval))


def _tri_mask(shape: tuple[int, ...], k: int = 0):
    """``np.tri``'s mask over the last two axes (row + k >= column), built from iotas so
    no shape-sized constant enters the program."""
    i32 = ShapedArray(shape, _I32)
    rows = hlo.iota(ir_type(i32), len(shape) - 2)
    if k:
        rows = hlo.add(rows, full_like_aval(k, i32))
    return compare(rows, hlo.iota(ir_type(i32), len(shape) - 1), "GE", _I32)


def _info_ok(info, batch, direction="EQ"):
    return compare(info, full_like_aval(0, ShapedArray(batch, _I32)), direction, _I32)


# ---- cholesky / triangular_solve --------------------------------------------------------

def _cholesky_lowering(ctx, x):
    (aval,) = ctx.avals_in
    if not _on_cpu(ctx):
        return [hlo.cholesky(x, lower=ir.BoolAttr.get(True))]
    batch = aval.shape[:-2]
    out, info = ffi_call(_target("potrf", aval.dtype), [x], [aval],
                         [aval, ShapedArray(batch, _I32)], {"uplo": _u8("L")}, (0, 0))
    return [cholesky_result(out, info, aval)]


def cholesky_result(out, info, aval: ShapedArray):
    """potrf's factor: its lower triangle (potrf leaves the upper one untouched), NaN
    where ``info`` reports failure."""
    batch = aval.shape[:-2]
    zero = full_like_aval(0, aval)
    ok = _info_ok(info, batch)
    return hlo.select(_tri_mask(aval.shape), _nan_unless(ok, out, aval, batch), zero)


def _triangular_solve_lowering(ctx, a, b, *, left_side, lower, transpose_a, conjugate_a,
                               unit_diagonal):
    a_aval, b_aval = ctx.avals_in
    if not _on_cpu(ctx):
        transpose = "TRANSPOSE" if transpose_a else "NO_TRANSPOSE"
        return [hlo.triangular_solve(a, b, ir.BoolAttr.get(left_side), ir.BoolAttr.get(lower),
                                     ir.BoolAttr.get(unit_diagonal),
                                     hlo.TransposeAttr.get(transpose))]
    attrs = {"side": _u8("L" if left_side else "R"), "uplo": _u8("L" if lower else "U"),
             "trans_x": _u8("T" if transpose_a else "N"), "diag": _u8("U" if unit_diagonal
                                                                      else "N")}
    return ffi_call(_target("trsm", a_aval.dtype), [a, b], [a_aval, b_aval], [b_aval], attrs,
                    (1, 0))


# ---- lu -------------------------------------------------------------------------------------

def _i32_scalar(v) -> ir.Value:
    return constant(np.asarray(v, _I32))


def _pivots_to_permutation(pivots, batch, k: int, m: int):
    """Apply the row swaps i <-> pivots[..., i] (i = 0..k-1) to iota(m): a stablehlo.while
    over i; each step reads the swapped entries with a one-hot reduction."""
    perm_aval = ShapedArray((*batch, m), _I32)
    piv_aval = ShapedArray((*batch, k), _I32)
    scalar = ir_type(ShapedArray((), _I32))
    perm0 = hlo.iota(ir_type(perm_aval), len(batch))
    loop = hlo.WhileOp([scalar, ir_type(perm_aval), ir_type(piv_aval)],
                       [_i32_scalar(0), perm0, pivots])
    cond = loop.cond.blocks.append(scalar, ir_type(perm_aval), ir_type(piv_aval))
    with ir.InsertionPoint(cond):
        hlo.return_([compare(cond.arguments[0], _i32_scalar(k), "LT", _I32)])
    body = loop.body.blocks.append(scalar, ir_type(perm_aval), ir_type(piv_aval))
    with ir.InsertionPoint(body):
        i, perm, piv = body.arguments
        zeros = [_i32_scalar(0)] * len(batch)
        col = ShapedArray((*batch, 1), _I32)
        j = hlo.dynamic_slice(piv, [*zeros, i], [*batch, 1])
        p_i = hlo.dynamic_slice(perm, [*zeros, i], [*batch, 1])
        dims = list(range(len(batch) + 1))
        j_b = hlo.broadcast_in_dim(ir_type(perm_aval), j, dims)
        p_i_b = hlo.broadcast_in_dim(ir_type(perm_aval), p_i, dims)
        at_j = compare(hlo.iota(ir_type(perm_aval), len(batch)), j_b, "EQ", _I32)
        picked = hlo.select(at_j, perm, full_like_aval(0, perm_aval))
        (p_j,) = reduce_region([ShapedArray(batch, _I32)], [picked], [_i32_scalar(0)],
                               [len(batch)], lambda a, b: [hlo.add(a[0], b[0])])
        p_j = hlo.reshape(ir_type(col), p_j)
        swapped = hlo.select(at_j, p_i_b, perm)
        swapped = hlo.dynamic_update_slice(swapped, p_j, [*zeros, i])
        hlo.return_([hlo.add(i, _i32_scalar(1)), swapped, piv])
    return loop.results[1]


def _lu_lowering(ctx, x):
    _require_cpu(ctx, "lu")
    (aval,) = ctx.avals_in
    _, piv_aval, _ = ctx.avals_out
    batch, (m, n) = aval.shape[:-2], aval.shape[-2:]
    lu, piv, info = ffi_call(_target("getrf", aval.dtype), [x], [aval],
                             [aval, piv_aval, ShapedArray(batch, _I32)], None, (0, 0))
    piv = hlo.subtract(piv, full_like_aval(1, piv_aval))
    lu = _nan_unless(_info_ok(info, batch, "GE"), lu, aval, batch)
    return [lu, piv, _pivots_to_permutation(piv, batch, min(m, n), m)]


# ---- qr -------------------------------------------------------------------------------------

def _pad_cols(x, aval: ShapedArray, cols: int):
    """``x`` (..., m, n) padded with zero columns to (..., m, cols)."""
    if cols == aval.shape[-1]:
        return x
    hi = [0] * (aval.ndim - 1) + [cols - aval.shape[-1]]
    return hlo.pad(x, constant(np.zeros((), aval.dtype)), [0] * aval.ndim, hi,
                   [0] * aval.ndim)


def _slice(x, aval: ShapedArray, shape):
    if tuple(shape) == aval.shape:
        return x
    return hlo.slice(x, [0] * aval.ndim, list(shape), [1] * aval.ndim)


def _qr_lowering(ctx, x, *, full_matrices):
    _require_cpu(ctx, "qr")
    dtype = ctx.avals_in[0].dtype
    return qr_from(ctx, x, _target("geqrf", dtype), _target("orgqr", dtype))


def qr_from(ctx, x, geqrf: str, orgqr: str):
    """Q and R from the custom calls ``geqrf`` (reflectors and R) and ``orgqr`` (Q)."""
    (aval,) = ctx.avals_in
    q_aval, r_aval = ctx.avals_out
    batch, (m, n) = aval.shape[:-2], aval.shape[-2:]
    k = min(m, n)
    tau_aval = ShapedArray((*batch, k), aval.dtype)
    a, tau = ffi_call(geqrf, [x], [aval], [aval, tau_aval], None, (0, 0))
    qc = q_aval.shape[-1]
    # orgqr builds the (m, qc) Q from the reflectors: a's first qc columns (padded if qc > n)
    if qc <= n:
        a_q = _slice(a, aval, (*batch, m, qc))
    else:
        a_q = _pad_cols(a, aval, qc)
    q_in = ShapedArray((*batch, m, qc), aval.dtype)
    (q,) = ffi_call(orgqr, [a_q, tau], [q_in, tau_aval], [q_in], None, (0, 0))
    r = _slice(a, aval, r_aval.shape)
    return [q, hlo.select(_tri_mask(r_aval.shape, -1), full_like_aval(0, r_aval), r)]


# ---- eigh / svd -----------------------------------------------------------------------------

def _eigh_lowering(ctx, x, *, lower, sort_eigenvalues):
    _require_cpu(ctx, "eigh")
    (aval,) = ctx.avals_in
    v_aval, w_aval = ctx.avals_out
    batch = aval.shape[:-2]
    v, w, info = ffi_call(_target("syevd", aval.dtype), [x], [aval],
                          [v_aval, w_aval, ShapedArray(batch, _I32)],
                          {"mode": _u8("V"), "uplo": _u8("L" if lower else "U")}, (0, 0))
    ok = _info_ok(info, batch)
    return [_nan_unless(ok, v, v_aval, batch), _nan_unless(ok, w, w_aval, batch)]


def _svd_lowering(ctx, x, *, full_matrices, compute_uv):
    _require_cpu(ctx, "svd")
    (aval,) = ctx.avals_in
    batch, (m, n) = aval.shape[:-2], aval.shape[-2:]
    k = min(m, n)
    s_aval = ShapedArray((*batch, k), aval.dtype)
    uc, vr = (m, n) if full_matrices else (k, k)
    u_aval = ShapedArray((*batch, m, uc), aval.dtype)
    vt_aval = ShapedArray((*batch, vr, n), aval.dtype)
    if k == 0:
        raise NotImplementedError(f"[svd] of an empty matrix {aval.str_short()} under jit")
    mode = "N" if not compute_uv else ("A" if full_matrices else "S")
    _, s, u, vt, info = ffi_call(
        _target("gesdd", aval.dtype), [x], [aval],
        [aval, s_aval, u_aval, vt_aval, ShapedArray(batch, _I32)], {"mode": _u8(mode)},
        (0, 0))
    ok = _info_ok(info, batch)
    outs = [_nan_unless(ok, s, s_aval, batch)]
    if compute_uv:
        outs += [_nan_unless(ok, u, u_aval, batch), _nan_unless(ok, vt, vt_aval, batch)]
    return outs


def _eig_lowering(ctx, x, *, compute_left_eigenvectors, compute_right_eigenvectors):
    _require_cpu(ctx, "eig")
    (aval,) = ctx.avals_in
    w_aval = ctx.avals_out[0]
    batch = aval.shape[:-2]
    part = ShapedArray(aval.shape[:-1], aval.dtype)
    vec = ShapedArray(aval.shape, w_aval.dtype)
    mode = {True: _u8("V"), False: _u8("N")}
    wr, wi, vl, vr, info = ffi_call(
        _target("geev", aval.dtype), [x], [aval], [part, part, vec, vec,
                                                   ShapedArray(batch, _I32)],
        {"compute_left": mode[bool(compute_left_eigenvectors)],
         "compute_right": mode[bool(compute_right_eigenvectors)]})
    ok = _info_ok(info, batch)
    outs = [_nan_unless(ok, hlo.complex(wr, wi), w_aval, batch)]
    if compute_left_eigenvectors:
        outs.append(_nan_unless(ok, vl, vec, batch))
    if compute_right_eigenvectors:
        outs.append(_nan_unless(ok, vr, vec, batch))
    return outs


lowering_rules[la.eig_p] = _eig_lowering
lowering_rules[la.cholesky_p] = _cholesky_lowering
lowering_rules[la.triangular_solve_p] = _triangular_solve_lowering
lowering_rules[la.lu_p] = _lu_lowering
lowering_rules[la.qr_p] = _qr_lowering
lowering_rules[la.eigh_p] = _eigh_lowering
lowering_rules[la.svd_p] = _svd_lowering
