"""Linear algebra without a NumPy reference: schur, hessenberg, householder_product,
tridiagonal (as ``jax.lax.linalg``).

NumPy has no Schur or Hessenberg reduction, so these primitives have no host impl: the
XLA plugin registers a device impl (``xla_lowering/linalg_extra.py``) that runs each one
as a cached one-op executable of its LAPACK lowering (``gees``, ``gehrd``, ``orgqr``, ``sytrd``), so
eager and jit give the same bits. Like JAX, they have no derivatives; vmap moves the batch
axis to the front (they take stacks natively).
"""

from __future__ import annotations

import numpy as np

from ..core import dtypes
from ..core.ir import ShapedArray
from ..core.registry import declare_no_rule, vmap_rules
from ._builders import primitive
from .linalg import _check_matrix, _front_vmap


def _no_host_impl(name: str):
    def impl(*args, **params):
        raise NotImplementedError(f"[{name}] has no NumPy implementation; it runs through "
                                  "XLA (import functrans.xla_lowering, or use jit)")
    return impl


def _check_lapack_dtype(name: str, x: ShapedArray) -> None:
    if x.dtype not in (dtypes.float32, dtypes.float64, np.dtype(np.complex64),
                       np.dtype(np.complex128)):
        raise TypeError(f"[{name}] supports float32/float64/complex64/complex128 matrices, "
                        f"got {x.str_short()}")


# ---- schur ----------------------------------------------------------------------------------

def _schur_abstract_eval(x, *, compute_schur_vectors, sort_eig_vals, select_callable):
    _check_matrix("schur", x, square=True, complex_ok=True)
    _check_lapack_dtype("schur", x)
    if sort_eig_vals or select_callable is not None:
        raise NotImplementedError("[schur] sorting the eigenvalues (sort_eig_vals, "
                                  "select_callable) is not supported, as in JAX on the CPU")
    out = ShapedArray(x.shape, x.dtype)
    return [out, out] if compute_schur_vectors else [out]


schur_p = primitive("schur", _schur_abstract_eval, _no_host_impl("schur"),
                    multiple_results=True)
vmap_rules[schur_p] = _front_vmap(schur_p)
declare_no_rule("jvp", schur_p, "JAX defines no derivative of the Schur decomposition")


# ---- hessenberg -----------------------------------------------------------------------------

def _hessenberg_abstract_eval(x):
    _check_matrix("hessenberg", x, square=True, complex_ok=True)
    _check_lapack_dtype("hessenberg", x)
    n = x.shape[-1]
    return [ShapedArray(x.shape, x.dtype), ShapedArray((*x.shape[:-2], max(n - 1, 0)),
                                                       x.dtype)]


hessenberg_p = primitive("hessenberg", _hessenberg_abstract_eval, _no_host_impl("hessenberg"),
                         multiple_results=True)
vmap_rules[hessenberg_p] = _front_vmap(hessenberg_p)
declare_no_rule("jvp", hessenberg_p, "JAX defines no derivative of the Hessenberg reduction")


# ---- householder_product --------------------------------------------------------------------

def _householder_product_abstract_eval(a, taus):
    _check_matrix("householder_product", a, complex_ok=True)
    _check_lapack_dtype("householder_product", a)
    m, n = a.shape[-2:]
    if (m < n or taus.ndim != a.ndim - 1 or taus.shape[:-1] != a.shape[:-2]
            or taus.shape[-1] > n or taus.dtype != a.dtype):
        raise ValueError(f"[householder_product] needs a [..., m, n] with m >= n and taus "
                         f"[..., k] (k <= n, same batch axes and dtype), got a "
                         f"{a.str_short()} and taus {taus.str_short()}")
    return [ShapedArray(a.shape, a.dtype)]


householder_product_p = primitive("householder_product", _householder_product_abstract_eval,
                                  _no_host_impl("householder_product"), multiple_results=True)
vmap_rules[householder_product_p] = _front_vmap(householder_product_p)
declare_no_rule("jvp", householder_product_p,
                "JAX defines no derivative of householder_product")


# ---- tridiagonal ----------------------------------------------------------------------------

def _tridiagonal_abstract_eval(x, *, lower):
    _check_matrix("tridiagonal", x, square=True, complex_ok=True)
    _check_lapack_dtype("tridiagonal", x)
    n, batch = x.shape[-1], x.shape[:-2]
    if n == 0:
        raise ValueError(f"[tridiagonal] needs a nonempty matrix, got {x.str_short()}")
    real = np.dtype(np.float32 if x.dtype in (dtypes.float32, np.dtype(np.complex64))
                    else np.float64)
    return [ShapedArray(x.shape, x.dtype), ShapedArray((*batch, n), real),
            ShapedArray((*batch, n - 1), real), ShapedArray((*batch, n - 1), x.dtype)]


tridiagonal_p = primitive("tridiagonal", _tridiagonal_abstract_eval,
                          _no_host_impl("tridiagonal"), multiple_results=True)
vmap_rules[tridiagonal_p] = _front_vmap(tridiagonal_p)
declare_no_rule("jvp", tridiagonal_p, "JAX defines no derivative of the tridiagonal reduction")
