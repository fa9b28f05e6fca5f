"""``lax.linalg.tridiagonal_solve``: the Thomas algorithm as two ``lax.scan`` sweeps over
the rows (forward elimination, back substitution), so it is differentiable, batches under
vmap and compiles to two loops. No pivoting (as LAPACK gtsv's caller in JAX would not
perturb a singular system either): a zero pivot gives inf/NaN."""

from __future__ import annotations


def tridiagonal_solve(dl, d, du, b):
    """See ``functrans.lax.linalg.tridiagonal_solve``."""
    from . import numpy as fnp
    from ._lax_control_flow import scan
    dl, d, du, b = (fnp.asarray(v) for v in (dl, d, du, b))
    shapes = [v.shape for v in (dl, d, du)]
    if (len(set(shapes)) != 1 or b.ndim != d.ndim + 1 or b.shape[:-1] != d.shape
            or len({v.dtype for v in (dl, d, du, b)}) != 1):
        raise ValueError(f"[tridiagonal_solve] needs dl, d, du [..., m] and b [..., m, n] of "
                         f"one dtype, got shapes {shapes[0]}, {shapes[1]}, {shapes[2]}, "
                         f"{b.shape} and dtypes {dl.dtype}, {d.dtype}, {du.dtype}, {b.dtype}")
    m = d.shape[-1]
    first = fnp.arange(m) == 0
    last = fnp.arange(m) == m - 1
    dl = fnp.where(first, 0, dl)
    du = fnp.where(last, 0, du)
    rows = [fnp.moveaxis(v, -1, 0)[..., None] for v in (dl, d, du)]  # [m, ..., 1]
    b_rows = fnp.moveaxis(b, -2, 0)  # [m, ..., n]

    def forward(carry, row):
        c_prev, y_prev = carry
        lo, diag, up, rhs = row
        denom = diag - lo * c_prev
        c = up / denom
        y = (rhs - lo * y_prev) / denom
        return (c, y), (c, y)

    init = (fnp.zeros_like(rows[0][0]), fnp.zeros_like(b_rows[0]))
    _, (cs, ys) = scan(forward, init, (*rows, b_rows))

    def backward(x_next, row):
        c, y = row
        x = y - c * x_next
        return x, x

    _, xs = scan(backward, fnp.zeros_like(b_rows[0]), (cs, ys), reverse=True)
    return fnp.moveaxis(xs, 0, -2)
