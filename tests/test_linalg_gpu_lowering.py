"""The cuSOLVER/hipSOLVER lowerings (xla_lowering/linalg_gpu.py), checked on a machine
without a GPU: each program is lowered for 'cuda' and 'rocm' by functrans and by the
installed JAX (``jit(f).trace(x).lower(lowering_platforms=(p,))``, which needs no GPU
plugin), and their custom calls must agree: targets, operand/result types, layouts,
operand aliases and ``mhlo.backend_config`` attributes. Code around the calls that has no
CPU twin (geev's conjugate-pair unpacking) runs on the CPU against SciPy's LAPACK.

Programs are written once over a namespace ``m`` (``FT``/``JAX``, see oracle.py)."""

from __future__ import annotations

import jax
import numpy as np
import pytest
import scipy.linalg
import scipy.linalg.lapack
from oracle import FT, JAX, x64_mode

import functrans as ft
from functrans.lax import linalg as fll
from functrans.xla_lowering import linalg_gpu, runtime
from functrans.xla_lowering.lower import ModuleContext, RuleContext, ir_context, ir_type

GPUS = ["cuda", "rocm"]
RNG = np.random.default_rng(7)


def _ll(m):
    return fll if m is FT else jax.lax.linalg


def custom_calls(module) -> list[dict]:
    """Every custom call of an MLIR module (nested regions too), as comparable strings."""
    found: list[dict] = []

    def walk(op):
        for region in op.regions:
            for block in region.blocks:
                for inner in block.operations:
                    inner = inner.operation
                    if inner.name == "stablehlo.custom_call":
                        attrs = inner.attributes
                        found.append({
                            "target": str(attrs["call_target_name"]),
                            "operands": [str(v.type) for v in inner.operands],
                            "results": [str(r.type) for r in inner.results],
                            **{k: str(attrs[k]) if k in attrs else None
                               for k in ("operand_layouts", "result_layouts",
                                         "output_operand_aliases", "mhlo.backend_config")},
                        })
                    walk(inner)
    walk(module.operation)
    return found


def lowered_calls(m, fn, platform: str, *args) -> list[dict]:
    traced = m.jit(fn).trace(*args)
    lowered = traced.lower(lowering_platforms=(platform,))
    return custom_calls(lowered.module if m is FT else lowered.compiler_ir())


def check_same_calls(fn_of_m, platform: str, *args, expect: tuple[str, ...]) -> None:
    """functrans and JAX lower ``fn_of_m(m)`` to the same custom calls, named ``expect``
    (without the platform prefix 'cu'/'hip')."""
    ours = lowered_calls(FT, fn_of_m(FT), platform, *args)
    theirs = lowered_calls(JAX, fn_of_m(JAX), platform, *args)
    prefix = {"cuda": "cu", "rocm": "hip"}[platform]
    assert [c["target"] for c in ours] == [f'"{prefix}{e}"' for e in expect]
    assert ours == theirs


_GLUE_SKIP = {"stablehlo.constant", "stablehlo.broadcast_in_dim", "func.return", "func.call",
              "func.func"}


def op_names(module) -> list[str]:
    """The module's operations in order (nested regions too), less constants, broadcasts
    and function plumbing, which the two libraries spell differently."""
    names: list[str] = []

    def walk(op):
        for region in op.regions:
            for block in region.blocks:
                for inner in block.operations:
                    if inner.operation.name not in _GLUE_SKIP:
                        names.append(inner.operation.name)
                    walk(inner.operation)
    walk(module.operation)
    return names


def _mat(*shape, dtype=np.float32):
    return RNG.normal(size=shape).astype(dtype)


# ---- lu / qr / cholesky / householder_product -----------------------------------------------

@pytest.mark.parametrize("platform", GPUS)
@pytest.mark.parametrize("shape", [(4, 4), (5, 3), (3, 5), (2, 4, 4)])
def test_lu(platform, shape):
    check_same_calls(lambda m: _ll(m).lu, platform, _mat(*shape),
                     expect=("solver_getrf_ffi", "_lu_pivots_to_permutation"))


@pytest.mark.parametrize("platform", GPUS)
@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (2, 4, 4)])
@pytest.mark.parametrize("full_matrices", [False, True])
def test_qr(platform, shape, full_matrices):
    check_same_calls(lambda m: lambda a: _ll(m).qr(a, full_matrices=full_matrices),
                     platform, _mat(*shape), expect=("solver_geqrf_ffi", "solver_orgqr_ffi"))


@pytest.mark.parametrize("platform", GPUS)
def test_cholesky(platform):
    check_same_calls(lambda m: lambda a: _ll(m).cholesky(a, symmetrize_input=False),
                     platform, _mat(2, 3, 3), expect=("solver_potrf_ffi",))


@pytest.mark.parametrize("platform", GPUS)
def test_householder_product(platform):
    check_same_calls(lambda m: _ll(m).householder_product, platform, _mat(5, 3), _mat(2),
                     expect=("solver_orgqr_ffi",))


# ---- eigh / tridiagonal ---------------------------------------------------------------------

@pytest.mark.parametrize("platform", GPUS)
@pytest.mark.parametrize("lower", [True, False])
@pytest.mark.parametrize("shape", [(4, 4), (2, 3, 3)])
def test_eigh(platform, lower, shape):
    check_same_calls(lambda m: lambda a: _ll(m).eigh(a, lower=lower, symmetrize_input=False),
                     platform, _mat(*shape), expect=("solver_syevd_ffi",))


@pytest.mark.parametrize("platform", GPUS)
@pytest.mark.parametrize("lower", [True, False])
def test_tridiagonal(platform, lower):
    check_same_calls(lambda m: lambda a: _ll(m).tridiagonal(a, lower=lower), platform,
                     _mat(2, 4, 4), expect=("solver_sytrd_ffi",))


@pytest.mark.parametrize("dtype", [np.float64, np.complex64])
def test_other_dtypes(dtype):
    """float64 for every solver; complex for the primitives that accept it."""
    with x64_mode(True):
        a = _mat(2, 4, 4, dtype=np.float64)
        a = (a + 1j * _mat(2, 4, 4) if np.dtype(dtype).kind == "c" else a).astype(dtype)
        check_same_calls(lambda m: _ll(m).tridiagonal, "cuda", a, expect=("solver_sytrd_ffi",))
        check_same_calls(lambda m: _ll(m).householder_product, "cuda", a, a[..., 0, :3],
                         expect=("solver_orgqr_ffi",))
        if dtype == np.float64:
            for fn, expect in [(lambda m: _ll(m).lu, ("solver_getrf_ffi",
                                                      "_lu_pivots_to_permutation")),
                               (lambda m: _ll(m).svd, ("solver_gesvdj_ffi",)),
                               (lambda m: _ll(m).eig, ("hybrid_eig_real",)),
                               (lambda m: lambda x: _ll(m).eigh(x, symmetrize_input=False),
                                ("solver_syevd_ffi",))]:
                check_same_calls(fn, "rocm", a, expect=expect)


# ---- svd: Jacobi up to 1024x1024 (economy mode above 32x32), gesvd above -----------------

SVD_SHAPES = [(4, 4), (5, 3), (2, 3, 5), (40, 34), (1030, 3), (3, 1030)]


@pytest.mark.parametrize("platform", GPUS)
@pytest.mark.parametrize("shape", SVD_SHAPES)
@pytest.mark.parametrize("full_matrices,compute_uv", [(True, True), (False, True),
                                                      (False, False)])
def test_svd(platform, shape, full_matrices, compute_uv):
    solver = "gesvd" if max(shape) > 1024 else "gesvdj"

    def fn(m):
        return lambda a: _ll(m).svd(a, full_matrices=full_matrices, compute_uv=compute_uv)
    check_same_calls(fn, platform, np.ones(shape, np.float32),
                     expect=(f"solver_{solver}_ffi",))


# ---- eig: the hybrid (host LAPACK/MAGMA) kernel, or cusolverDnXgeev on cuSOLVER >= 11.7.1 --

EIG_FLAGS = [(False, True), (True, True), (False, False)]


@pytest.mark.parametrize("platform", GPUS)
@pytest.mark.parametrize("left,right", EIG_FLAGS)
def test_eig_hybrid(platform, left, right):
    def fn(m):
        return lambda a: _ll(m).eig(a, compute_left_eigenvectors=left,
                                    compute_right_eigenvectors=right)
    check_same_calls(fn, platform, _mat(2, 4, 4), expect=("hybrid_eig_real",))


class _FakeCudaVersions:
    @staticmethod
    def cusolver_get_version() -> int:
        return 11701


@pytest.mark.parametrize("left,right", EIG_FLAGS)
def test_eig_geev_with_new_cusolver(monkeypatch, left, right):
    """With cuSOLVER 11.7.1 both pick geev unless left eigenvectors are asked for."""
    import jax._src.lax.linalg as jax_linalg
    monkeypatch.setattr(jax_linalg, "cuda_versions", _FakeCudaVersions)
    monkeypatch.setattr(linalg_gpu, "cusolver_version", lambda: 11701)

    def fn(m):
        return lambda a: _ll(m).eig(a, compute_left_eigenvectors=left,
                                    compute_right_eigenvectors=right)
    check_same_calls(fn, "cuda", _mat(2, 4, 4),
                     expect=("hybrid_eig_real",) if left else ("solver_geev_ffi",))


def _run_unpack(w: np.ndarray, vr: np.ndarray) -> np.ndarray:
    """linalg_gpu's conjugate-pair unpacking, emitted into a module and run on the CPU."""
    from jax.extend.mlir import ir
    from jax.extend.mlir.dialects import func

    from functrans.core.ir import ShapedArray
    aval = ShapedArray(vr.shape, vr.dtype)
    w_aval, out_aval = ShapedArray(w.shape, w.dtype), ShapedArray(vr.shape, w.dtype)
    with ir_context(), ir.Location.unknown():
        module = ir.Module.create()
        with ir.InsertionPoint(module.body):
            fn = func.FuncOp("main", ([ir_type(w_aval), ir_type(aval)], [ir_type(out_aval)]))
            fn.attributes["sym_visibility"] = ir.StringAttr.get("public")
            block = fn.add_entry_block()
            with ir.InsertionPoint(block):
                ctx = RuleContext([aval], [w_aval], ModuleContext(platform="cuda"))
                func.ReturnOp([linalg_gpu._unpack_conjugate_pairs(ctx, *block.arguments)])
    dev = runtime.default_device()
    exe = runtime.Executable(runtime.compile_module(module, dev), [out_aval], dev, module)
    return np.asarray(exe(ft.numpy.asarray(w), ft.numpy.asarray(vr))[0])


def test_geev_conjugate_pairs_unpacked_as_lapack():
    """geev packs a conjugate pair's eigenvector as (re, im) columns, as LAPACK's dgeev
    does: unpacking dgeev's output must give SciPy's complex eigenvectors."""
    with x64_mode(True):
        a = RNG.normal(size=(3, 6, 6))
        a[1] = np.diag([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])  # all real: nothing to unpack
        ws, vrs, wants = [], [], []
        for x in a:
            wr, wi, _, vr, info = scipy.linalg.lapack.dgeev(x, compute_vl=0)
            assert info == 0
            ws.append(wr + 1j * wi)
            vrs.append(vr)
            wants.append(scipy.linalg.eig(x)[1])
        assert any(np.iscomplexobj(w) and (w.imag != 0).any() for w in ws)
        got = _run_unpack(np.stack(ws), np.stack(vrs))
    np.testing.assert_allclose(got, np.stack(wants), rtol=1e-12, atol=1e-12)


GLUE_CASES = {
    "lu": (lambda m: _ll(m).lu, (2, 3, 5)),
    "eigh": (lambda m: lambda a: _ll(m).eigh(a, symmetrize_input=False), (4, 4)),
    "qr_full": (lambda m: _ll(m).qr, (2, 5, 3)),
    "qr_reduced": (lambda m: lambda a: _ll(m).qr(a, full_matrices=False), (5, 3)),
    "svd_econ": (lambda m: lambda a: _ll(m).svd(a, full_matrices=False), (40, 34)),
    "svd_full": (lambda m: _ll(m).svd, (2, 5, 3)),
    "svd_gesvd_wide": (lambda m: lambda a: _ll(m).svd(a, full_matrices=False), (3, 1030)),
    "svd_gesvd_tall": (lambda m: _ll(m).svd, (1030, 3)),
    "eig_hybrid": (lambda m: _ll(m).eig, (2, 4, 4)),
    "tridiagonal": (lambda m: _ll(m).tridiagonal, (4, 4)),
}


@pytest.mark.parametrize("case", sorted(GLUE_CASES))
def test_code_around_the_calls_is_jaxs(case):
    """Besides the calls, the same operations in the same order: pivots made 0-based,
    V transposed and sliced, gesvd's U/V^T swapped, NaN where info fails, ..."""
    fn, shape = GLUE_CASES[case]
    x = np.ones(shape, np.float32)
    ours = op_names(FT.jit(fn(FT)).trace(x).lower(lowering_platforms=("cuda",)).module)
    theirs = op_names(JAX.jit(fn(JAX)).trace(x).lower(
        lowering_platforms=("cuda",)).compiler_ir())
    assert ours == theirs


# ---- what has no GPU lowering, platform handling ---------------------------------------------

@pytest.mark.parametrize("name", ["schur", "hessenberg"])
def test_no_gpu_lowering_as_jax(name):
    """JAX has no GPU lowering for schur/hessenberg either: both refuse."""
    x = _mat(3, 3)
    fn = {"schur": lambda m: lambda a: _ll(m).schur(a)[0],
          "hessenberg": lambda m: lambda a: _ll(m).hessenberg(a)[0]}[name]
    with pytest.raises(NotImplementedError, match=rf"\[{name}\].*only for the CPU"):
        FT.jit(fn(FT)).trace(x).lower(lowering_platforms=("cuda",))
    with pytest.raises(NotImplementedError):
        JAX.jit(fn(JAX)).trace(x).lower(lowering_platforms=("cuda",))


def test_triangular_solve_is_a_stablehlo_op_on_gpu():
    a, b = np.tril(_mat(3, 3)) + 3 * np.eye(3, dtype=np.float32), _mat(3, 2)
    for m in (FT, JAX):
        fn = m.jit(lambda a, b, m=m: _ll(m).triangular_solve(a, b, left_side=True, lower=True))
        text = fn.trace(a, b).lower(lowering_platforms=("cuda",)).as_text()
        assert "stablehlo.triangular_solve" in text and "custom_call" not in text


def test_solver_dtype_and_tpu_errors():
    """float16 has no cuSOLVER kernel: refused at lowering (JAX lowers it, and the plugin
    fails when it runs). Nor has the TPU our LAPACK/cuSOLVER lowerings."""
    with pytest.raises(NotImplementedError, match=r"\[lu\] the cuda solver.*got float16"):
        ft.jit(fll.lu).trace(_mat(3, 3, dtype=np.float16)).lower(lowering_platforms=("cuda",))
    with pytest.raises(NotImplementedError, match=r"\[lu\].*not for tpu"):
        ft.jit(fll.lu).trace(_mat(3, 3)).lower(lowering_platforms=("tpu",))


def test_cpu_lowering_unchanged_and_gpu_module_not_compiled_here():
    x = _mat(4, 4)
    cpu = custom_calls(ft.jit(fll.lu).trace(x).lower(lowering_platforms=("cpu",)).module)
    assert [c["target"] for c in cpu] == ['"lapack_sgetrf_ffi"']
    assert custom_calls(ft.jit(fll.lu).lower(x).module) == cpu  # the default here: cpu
    with pytest.raises(RuntimeError, match=r"\[jit\] this program was lowered for 'cuda'"):
        ft.jit(fll.lu).trace(x).lower(lowering_platforms=("cuda",)).compile()


def test_lowering_platforms_errors():
    traced = ft.jit(fll.lu).trace(_mat(3, 3))
    with pytest.raises(NotImplementedError, match=r"\[jit\] lowering_platforms=.*once per"):
        traced.lower(lowering_platforms=("cpu", "cuda"))
    with pytest.raises(ValueError, match=r"\[jit\] cannot lower for platform 'gpu'"):
        traced.lower(lowering_platforms=("gpu",))
