"""cuSOLVER / hipSOLVER lowerings of the linear-algebra primitives, for modules lowered
for ``cuda`` or ``rocm`` (``platform_lowering_rules``).

Each primitive becomes the typed-FFI custom call that jaxlib's GPU plugin registers
with XLA (``{cu,hip}solver_{potrf,getrf,geqrf,orgqr,syevd,gesvdj,gesvd,sytrd}_ffi``,
``{cu,hip}_lu_pivots_to_permutation``, ``{cu,hip}hybrid_eig_{real,comp}`` and
``cusolver_geev_ffi``): the targets, operand/result types, layouts (column-major
matrices), aliases and attributes JAX 0.10.2 emits for the same primitive, so the
plugin installed with jax 0.10.x runs them. ``import jax`` registers those targets
with XLA when a GPU plugin is installed. Results whose ``info`` reports failure become
NaN, as on the CPU. schur and hessenberg have no GPU lowering (JAX has none either);
triangular_solve lowers to ``stablehlo.triangular_solve`` (linalg.py), as in JAX.

These rules were checked against JAX's own ``lowering_platforms=('cuda',)`` output on a
machine without a GPU (tests/test_linalg_gpu_lowering.py); they have not run on a GPU.
"""

from __future__ import annotations

import numpy as np
from jaxlib.mlir import ir
from jaxlib.mlir.dialects import stablehlo as hlo

from ..core.ir import ShapedArray
from ..core.registry import platform_lowering_rules
from ..primitives import linalg as la
from ..primitives import linalg_extra as lx
from .cumulative import cumulative_lowering
from .elementwise import compare
from .linalg import _I32, _info_ok, _nan_unless, _slice, cholesky_result, ffi_call, qr_from
from .lower import RuleContext, constant, full_like_aval, ir_type

_PREFIX = {"cuda": "cu", "rocm": "hip"}
_SOLVER_DTYPES = tuple(np.dtype(d) for d in (np.float32, np.float64, np.complex64,
                                             np.complex128))
GEEV_MIN_CUSOLVER = 11701  # cusolverDnXgeev: cuSOLVER 11.7.1 (CUDA 12.6u2) and newer
_SVD_JACOBI_MAX = 1024  # gesvdj up to this many rows and columns, gesvd above (as JAX)


def _solver(ctx, name: str, fn: str, dtype) -> str:
    """The plugin's target ``{cu,hip}solver_<fn>_ffi`` for primitive ``name``, after
    checking ``dtype``."""
    if np.dtype(dtype) not in _SOLVER_DTYPES:
        raise NotImplementedError(
            f"[{name}] the {ctx.module.platform} solver lowering supports float32, "
            f"float64, complex64 and complex128, got {np.dtype(dtype)}; cast the operand")
    return f"{_PREFIX[ctx.module.platform]}solver_{fn}_ffi"


def _bool(v: bool) -> ir.Attribute:
    return ir.BoolAttr.get(bool(v))


def _u8_int(v: int) -> ir.Attribute:
    return ir.IntegerAttr.get(ir.IntegerType.get_unsigned(8), int(v))


def _info(batch) -> ShapedArray:
    return ShapedArray(batch, _I32)


# ---- cholesky / lu / qr ---------------------------------------------------------------------

def _cholesky_gpu_lowering(ctx, x):
    (aval,) = ctx.avals_in
    target = _solver(ctx, "cholesky", "potrf", aval.dtype)
    out, info = ffi_call(target, [x], [aval], [aval, _info(aval.shape[:-2])],
                         {"lower": _bool(True)}, (0, 0))
    return [cholesky_result(out, info, aval)]


def _lu_gpu_lowering(ctx, x):
    (aval,) = ctx.avals_in
    _, piv_aval, perm_aval = ctx.avals_out
    batch = aval.shape[:-2]
    target = _solver(ctx, "lu", "getrf", aval.dtype)
    lu, piv, info = ffi_call(target, [x], [aval], [aval, piv_aval, _info(batch)], None, (0, 0))
    piv = hlo.subtract(piv, full_like_aval(1, piv_aval))  # 1-based to 0-based
    lu = _nan_unless(_info_ok(info, batch, "GE"), lu, aval, batch)
    (perm,) = ffi_call(f"{_PREFIX[ctx.module.platform]}_lu_pivots_to_permutation", [piv],
                       [piv_aval], [perm_aval], None, None, column_major=False)
    return [lu, piv, perm]


def _qr_gpu_lowering(ctx, x, *, full_matrices):
    dtype = ctx.avals_in[0].dtype
    return qr_from(ctx, x, _solver(ctx, "qr", "geqrf", dtype),
                   _solver(ctx, "qr", "orgqr", dtype))


def _householder_product_gpu_lowering(ctx, a, taus):
    a_aval, tau_aval = ctx.avals_in
    target = _solver(ctx, "householder_product", "orgqr", a_aval.dtype)
    return ffi_call(target, [a, taus], [a_aval, tau_aval], [a_aval], None, (0, 0))


# ---- eigh / tridiagonal ---------------------------------------------------------------------

def _eigh_gpu_lowering(ctx, x, *, lower, sort_eigenvalues):
    # syevd returns the eigenvalues in ascending order, so sort_eigenvalues holds anyway
    (aval,) = ctx.avals_in
    v_aval, w_aval = ctx.avals_out
    batch = aval.shape[:-2]
    target = _solver(ctx, "eigh", "syevd", aval.dtype)
    # algorithm 0: the plugin's default (syevj for small matrices, syevd otherwise)
    v, w, info = ffi_call(target, [x], [aval], [v_aval, w_aval, _info(batch)],
                          {"lower": _bool(lower), "algorithm": _u8_int(0)}, (0, 0))
    ok = _info_ok(info, batch)
    return [_nan_unless(ok, v, v_aval, batch), _nan_unless(ok, w, w_aval, batch)]


def _tridiagonal_gpu_lowering(ctx, x, *, lower):
    (aval,) = ctx.avals_in
    batch = aval.shape[:-2]
    target = _solver(ctx, "tridiagonal", "sytrd", aval.dtype)
    outs = ffi_call(target, [x], [aval], [*ctx.avals_out, _info(batch)],
                    {"lower": _bool(lower)}, (0, 0))
    ok = _info_ok(outs[-1], batch)
    return [_nan_unless(ok, o, a, batch) for o, a in zip(outs[:-1], ctx.avals_out, strict=True)]


# ---- svd ------------------------------------------------------------------------------------

def _svd_gpu_lowering(ctx, x, *, full_matrices, compute_uv):
    (aval,) = ctx.avals_in
    batch, (m, n) = aval.shape[:-2], aval.shape[-2:]
    if min(m, n) == 0:
        raise NotImplementedError(f"[svd] of an empty matrix {aval.str_short()} under jit")
    if m <= _SVD_JACOBI_MAX and n <= _SVD_JACOBI_MAX:
        s, u, vt, info = _gesvdj(ctx, x, full_matrices, compute_uv)
    else:
        s, u, vt, info = _gesvd(ctx, x, full_matrices, compute_uv)
    ok = _info_ok(info, batch)
    outs = [_nan_unless(ok, s, ctx.avals_out[0], batch)]
    if compute_uv:
        u_aval, vt_aval = ctx.avals_out[1:]
        outs += [_nan_unless(ok, u, u_aval, batch), _nan_unless(ok, vt, vt_aval, batch)]
    return outs


def _gesvdj(ctx, x, full_matrices: bool, compute_uv: bool):
    """Jacobi SVD: U (m, m|k) and V (n, n|k) are always computed; V is transposed here.
    The batched kernel has no economy mode, so JAX uses it only above 32x32."""
    (aval,) = ctx.avals_in
    batch, (m, n) = aval.shape[:-2], aval.shape[-2:]
    k, nb = min(m, n), len(batch)
    econ = not full_matrices and m > 32 and n > 32
    u_aval = ShapedArray((*batch, m, k if econ else m), aval.dtype)
    v_aval = ShapedArray((*batch, n, k if econ else n), aval.dtype)
    _, s, u, v, info = ffi_call(
        _solver(ctx, "svd", "gesvdj", aval.dtype), [x], [aval],
        [aval, ctx.avals_out[0], u_aval, v_aval, _info(batch)],
        {"full_matrices": _bool(not econ), "compute_uv": _bool(compute_uv)}, (0, 0))
    if not compute_uv:
        return s, None, None, info
    vt = hlo.transpose(v, [*range(nb), nb + 1, nb])
    if np.dtype(aval.dtype).kind == "c":
        vt = hlo.complex(hlo.real(vt), hlo.negate(hlo.imag(vt)))
    if not full_matrices and not econ:
        u = _slice(u, u_aval, (*batch, m, k))
        vt = _slice(vt, ShapedArray((*batch, n, n), aval.dtype), (*batch, k, n))
    return s, u, vt, info


def _gesvd(ctx, x, full_matrices: bool, compute_uv: bool):
    """QR-based SVD for large matrices. gesvd needs m >= n: for m < n it factors the
    transpose, which is the operand read row-major (U and V^T then swap roles)."""
    (aval,) = ctx.avals_in
    batch, (m, n) = aval.shape[:-2], aval.shape[-2:]
    transposed = m < n
    if compute_uv:
        u_aval, vt_aval = ctx.avals_out[1:]
    else:  # not computed: rank-0 placeholders
        u_aval = vt_aval = ShapedArray((), aval.dtype)
    mats = [vt_aval, u_aval] if transposed else [u_aval, vt_aval]
    _, s, a, b, info = ffi_call(
        _solver(ctx, "svd", "gesvd", aval.dtype), [x], [aval],
        [aval, ctx.avals_out[0], *mats, _info(batch)],
        {"full_matrices": _bool(full_matrices), "compute_uv": _bool(compute_uv),
         "transposed": _bool(transposed)}, (0, 0), column_major=not transposed)
    return (s, b, a, info) if transposed else (s, a, b, info)


# ---- eig ------------------------------------------------------------------------------------

def cusolver_version() -> int | None:
    """The installed CUDA plugin's cuSOLVER version (e.g. 11701), or None without one."""
    try:
        from jax._src.lib import cuda_versions
    except ImportError:  # pragma: no cover - jax without its lib shim
        return None
    return None if cuda_versions is None else int(cuda_versions.cusolver_get_version())


def _eig_gpu_lowering(ctx, x, *, compute_left_eigenvectors, compute_right_eigenvectors):
    (aval,) = ctx.avals_in
    batch = aval.shape[:-2]
    left, right = bool(compute_left_eigenvectors), bool(compute_right_eigenvectors)
    version = cusolver_version() if ctx.module.platform == "cuda" else None
    if not left and version is not None and version >= GEEV_MIN_CUSOLVER:
        w, vl, vr, info = _geev(ctx, x, left, right)
    else:
        w, vl, vr, info = _hybrid_eig(ctx, x, left, right)
    ok = _info_ok(info, batch)
    w_aval = ctx.avals_out[0]
    vec = ShapedArray(aval.shape, w_aval.dtype)
    outs = [_nan_unless(ok, w, w_aval, batch)]
    outs += [_nan_unless(ok, vl, vec, batch)] if left else []
    outs += [_nan_unless(ok, vr, vec, batch)] if right else []
    return outs


def _hybrid_eig(ctx, x, left: bool, right: bool):
    """The plugin's hybrid kernel: LAPACK geev (or MAGMA) on the host, complex vectors."""
    import jaxlib.gpu_solver
    jaxlib.gpu_solver.initialize_hybrid_kernels()  # binds the host LAPACK it calls
    (aval,) = ctx.avals_in
    real = np.dtype(aval.dtype).kind == "f"
    cdt = ctx.avals_out[0].dtype
    part = ShapedArray(aval.shape[:-1], aval.dtype)
    vec = ShapedArray(aval.shape, cdt)
    target = f"{_PREFIX[ctx.module.platform]}hybrid_eig_{'real' if real else 'comp'}"
    outs = ffi_call(target, [x], [aval], [*([part] * (2 if real else 1)), vec, vec,
                                          _info(aval.shape[:-2])],
                    {"magma": ir.StringAttr.get("auto"), "left": _bool(left),
                     "right": _bool(right)})
    w = hlo.complex(outs[0], outs[1]) if real else outs[0]
    return w, outs[-3], outs[-2], outs[-1]


def _geev(ctx, x, left: bool, right: bool):
    """cusolverDnXgeev (right eigenvectors only); real input packs conjugate pairs."""
    (aval,) = ctx.avals_in
    cdt = ctx.avals_out[0].dtype
    _, w, vl, vr, info = ffi_call(
        _solver(ctx, "eig", "geev", aval.dtype), [x], [aval],
        [aval, ShapedArray(aval.shape[:-1], cdt), aval, aval, _info(aval.shape[:-2])],
        {"left": _bool(left), "right": _bool(right)})
    if np.dtype(aval.dtype).kind == "f":
        vr = _unpack_conjugate_pairs(ctx, w, vr)
    return w, vl, vr, info


def _unpack_conjugate_pairs(ctx, w, vr):
    """Complex eigenvectors from geev's real packing: for a conjugate pair of eigenvalues
    (j, j+1), columns j and j+1 hold the real and imaginary parts of v_j, and
    v_{j+1} = conj(v_j)."""
    (aval,) = ctx.avals_in
    nd = aval.ndim
    w_aval = ShapedArray(aval.shape[:-1], _I32)
    is_complex = compare(hlo.imag(w), full_like_aval(0, ShapedArray(w_aval.shape, aval.dtype)),
                         "NE", aval.dtype)
    count = hlo.convert(ir_type(w_aval), is_complex)
    sub = RuleContext([w_aval], [w_aval], ctx.module)
    (count,) = cumulative_lowering("sum", hlo.add)(sub, count, axis=nd - 2, reverse=False)
    odd = hlo.and_(count, full_like_aval(1, w_aval))
    starts = compare(odd, full_like_aval(1, w_aval), "EQ", _I32)  # first of a pair
    bool_mat = ShapedArray(aval.shape, np.dtype(bool))
    dims = [*range(nd - 2), nd - 1]  # w's axes -> the columns of vr
    is_complex = hlo.broadcast_in_dim(ir_type(bool_mat), is_complex, dims)
    starts = hlo.broadcast_in_dim(ir_type(bool_mat), starts, dims)
    zero = constant(np.zeros((), aval.dtype))
    low, high = [0] * nd, [0] * nd
    next_col = hlo.pad(vr, zero, low[:-1] + [-1], high[:-1] + [1], [0] * nd)
    prev_col = hlo.pad(vr, zero, low[:-1] + [1], high[:-1] + [-1], [0] * nd)
    real_or_start = hlo.or_(hlo.not_(is_complex), starts)
    re = hlo.select(real_or_start, vr, prev_col)
    im = hlo.select(starts, next_col, hlo.negate(vr))
    im = hlo.select(is_complex, im, full_like_aval(0, aval))
    return hlo.complex(re, im)


for _platform in ("cuda", "rocm"):
    _rules = platform_lowering_rules[_platform]
    _rules[la.cholesky_p] = _cholesky_gpu_lowering
    _rules[la.lu_p] = _lu_gpu_lowering
    _rules[la.qr_p] = _qr_gpu_lowering
    _rules[la.eigh_p] = _eigh_gpu_lowering
    _rules[la.svd_p] = _svd_gpu_lowering
    _rules[la.eig_p] = _eig_gpu_lowering
    _rules[lx.householder_product_p] = _householder_product_gpu_lowering
    _rules[lx.tridiagonal_p] = _tridiagonal_gpu_lowering
