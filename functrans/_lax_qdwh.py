"""``lax.linalg.qdwh``: the polar decomposition by the QR-based dynamically weighted Halley
iteration (Nakatsukasa, Bai & Gygi 2010), as ``jax.lax.linalg.qdwh``.

The weights ``(a, b, c)`` of each step depend only on a lower bound ``l`` of the smallest
singular value of the scaled iterate, which starts at ``eps`` and follows a fixed
recurrence, so the schedule is computed in Python: early steps (``c > 100``, badly
conditioned) use the QR form, later ones the cheaper Cholesky form with a convergence
test, and a ``while_loop`` of plain Halley steps ``(3, 1, 3)`` finishes if needed. One
Newton-Schulz step polishes the unitary factor.
"""

from __future__ import annotations

import numpy as np

_CHOLESKY_CUTOFF = 100.0


def _schedule(eps: float, max_iterations: int) -> list[tuple[float, float, float]]:
    """The ``(a, b, c)`` weights until the lower bound ``l`` reaches 1 (within tolerance)."""
    out, bound, tol = [], eps, 5.0 * eps
    while bound + tol < 1 and len(out) < max_iterations:
        l2 = bound * bound
        dd = (4 * (1 / l2 - 1) / l2) ** (1 / 3)
        sqd = (1.0 + dd) ** 0.5
        a = sqd + (2 - dd + 2 * (2 - l2) / (l2 * sqd)) ** 0.5
        b = (a - 1) ** 2 / 4
        c = a + b - 1
        bound = bound * (a + b * l2) / (1 + c * l2)
        out.append((a, b, c))
    return out


def _qr_step(u, a, b, c):
    from . import numpy as fnp
    m, n = u.shape
    stacked = fnp.concatenate([np.sqrt(c) * u, fnp.eye(n, dtype=u.dtype)], axis=0)
    q, _ = fnp.linalg.qr(stacked)
    e = b / c
    return e * u + ((a - e) / np.sqrt(c)) * (q[:m] @ fnp.conj(q[m:]).T)


def _cholesky_step(u, a, b, c):
    from . import lax_linalg as lla
    from . import numpy as fnp
    n = u.shape[1]
    uh = fnp.conj(u).T
    factor = lla.cholesky(c * (uh @ u) + fnp.eye(n, dtype=u.dtype), symmetrize_input=False)
    # z = u (I + c u^H u)^-1 through two triangular solves with the Cholesky factor
    w = lla.triangular_solve(factor, uh, left_side=True, lower=True)
    z = lla.triangular_solve(factor, w, left_side=True, lower=True, transpose_a=True)
    e = b / c
    return e * u + (a - e) * fnp.conj(z).T


def qdwh(x, *, is_hermitian: bool = False, max_iterations: int | None = None,
         eps: float | None = None, dynamic_shape=None):
    """Polar decomposition ``x = u h`` by QDWH (``jax.lax.linalg.qdwh``).

    Args:
      x: ``[m, n]`` with ``m >= n``, full rank.
      is_hermitian: unused (as JAX).
      max_iterations: at most this many steps (default 10).
      eps: convergence scale (default the dtype's machine epsilon).
      dynamic_shape: not supported.
    Returns:
      ``(u, h, num_iters, is_converged)``: ``u`` with orthonormal columns, ``h`` Hermitian
      positive semidefinite, the number of steps (default int dtype) and whether the last step moved
      less than ``(5 eps)^(1/3)``.
    Example:
      ``u, h, k, ok = linalg.qdwh(a)``
    """
    from . import numpy as fnp
    from ._lax_control_flow import while_loop
    if dynamic_shape is not None:
        raise NotImplementedError("[qdwh] dynamic_shape is not supported")
    x = fnp.asarray(x)
    if x.ndim != 2 or x.shape[0] < x.shape[1]:
        raise ValueError(f"[qdwh] needs a matrix [m, n] with m >= n, got shape {x.shape}")
    max_iterations = 10 if max_iterations is None else int(max_iterations)
    eps = float(np.finfo(x.dtype).eps) if eps is None else float(eps)
    tol_norm = (5.0 * eps) ** (1 / 3)
    one, inf = fnp.linalg.norm(x, ord=1), fnp.linalg.norm(x, ord=np.inf)
    scale = fnp.where(one == 0, 1, 1 / fnp.sqrt(one * inf))
    u = x * scale.astype(x.dtype)
    moving = fnp.asarray(True)
    steps = _schedule(eps, max_iterations)
    for a, b, c in steps:
        prev = u
        if c > _CHOLESKY_CUTOFF:
            u = _qr_step(u, a, b, c)
        else:
            u = _cholesky_step(u, a, b, c)
            moving = fnp.linalg.norm(u - prev) > tol_norm

    def cond(state):
        k, _, still = state
        return fnp.logical_and(still, k < max_iterations)

    def body(state):
        k, u_k, _ = state
        u_next = _cholesky_step(u_k, 3.0, 1.0, 3.0)
        return k + 1, u_next, fnp.linalg.norm(u_next - u_k) > tol_norm

    k, u, moving = while_loop(cond, body, (fnp.asarray(len(steps)), u, moving))
    u = 1.5 * u - 0.5 * u @ (fnp.conj(u).T @ u)
    h = fnp.conj(u).T @ x
    return u, (h + fnp.conj(h).T) / 2, k, fnp.logical_not(moving)
