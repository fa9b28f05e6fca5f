"""dot_general: contraction and batch dimensions, as ``jax.lax.dot_general``.

``dimension_numbers = ((lhs_contract, rhs_contract), (lhs_batch, rhs_batch))``;
the result is ``batch dims + lhs free dims + rhs free dims``.
"""

from __future__ import annotations

import numpy as np

from ..core.ir import ShapedArray
from ..core.registry import jvp_rules, transpose_rules, vmap_rules
from ..core.trace import bind
from . import _ops as ops
from ._batching import moveaxis
from ._builders import NARROW_FLOATS, check_axes, primitive


def _free_dims(ndim, contract, batch):
    return [i for i in range(ndim) if i not in contract and i not in batch]


def _dot_general_abstract_eval(lhs, rhs, *, dimension_numbers, precision=None,
                               preferred_element_type=None):
    (lc, rc), (lb, rb) = dimension_numbers
    ls, rs = lhs.shape, rhs.shape
    for dims, n in (((*lc, *lb), len(ls)), ((*rc, *rb), len(rs))):
        for d in dims:
            if not -n <= d < n:
                check_axes("dot_general", dims, n)  # raises, naming the axis
    if len(lc) != len(rc) or len(lb) != len(rb):
        raise TypeError(f"[dot_general] dimension_numbers {dimension_numbers} pair up unequal "
                        "numbers of lhs and rhs dimensions")
    for name, ld, rd in (("contracting", lc, rc), ("batch", lb, rb)):
        if any(ls[i] != rs[j] for i, j in zip(ld, rd, strict=True)):
            raise TypeError(f"[dot_general] {name} dimensions of {lhs.str_short()} (dims "
                            f"{tuple(ld)}) and {rhs.str_short()} (dims {tuple(rd)}) differ in "
                            "size")
    if lhs.dtype != rhs.dtype:
        raise TypeError(f"[dot_general] operands must have the same dtype, got "
                        f"{lhs.str_short()} and {rhs.str_short()}")
    shape = ([ls[i] for i in lb] + [d for i, d in enumerate(ls) if i not in lc and i not in lb]
             + [d for i, d in enumerate(rs) if i not in rc and i not in rb])
    dtype = lhs.dtype if preferred_element_type is None else np.dtype(preferred_element_type)
    return ShapedArray(tuple(shape), dtype, lhs.weak_type and rhs.weak_type)


def _dot_general_impl(lhs, rhs, *, dimension_numbers, precision=None,
                      preferred_element_type=None):
    (lc, rc), (lb, rb) = dimension_numbers
    lf, rf = _free_dims(lhs.ndim, lc, lb), _free_dims(rhs.ndim, rc, rb)
    letters = iter("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    lsub, rsub = [None] * lhs.ndim, [None] * rhs.ndim
    for i, j in zip((*lc, *lb), (*rc, *rb), strict=True):
        lsub[i] = rsub[j] = next(letters)
    for i in lf:
        lsub[i] = next(letters)
    for j in rf:
        rsub[j] = next(letters)
    out = [lsub[i] for i in lb] + [lsub[i] for i in lf] + [rsub[j] for j in rf]
    spec = f"{''.join(lsub)},{''.join(rsub)}->{''.join(out)}"
    dtype = lhs.dtype if preferred_element_type is None else np.dtype(preferred_element_type)
    if lhs.dtype in NARROW_FLOATS:  # accumulate in float64, round once (as accurate as XLA)
        lhs, rhs = lhs.astype(np.float64), rhs.astype(np.float64)
    return np.einsum(spec, lhs, rhs, optimize=True).astype(dtype)


dot_general_p = primitive("dot_general", _dot_general_abstract_eval, _dot_general_impl)


def _shift(dims, b):
    return tuple(d + 1 if d >= b else d for d in dims)


def _dot_general_vmap(axis_data, vals, bdims, *, dimension_numbers, **params):
    """Both mapped: the batch axis joins dot_general's batch dims (out axis 0). One
    mapped: it is a free dim of that side, so it stays in place among the free dims."""
    (lhs, rhs), (lb_, rb_) = vals, bdims
    (lc, rc), (lb, rb) = dimension_numbers
    if lb_ is not None and rb_ is not None:
        lhs, rhs = moveaxis(lhs, lb_, 0), moveaxis(rhs, rb_, 0)
        dn = ((_shift(lc, 0), _shift(rc, 0)), ((0, *_shift(lb, 0)), (0, *_shift(rb, 0))))
        return bind(dot_general_p, lhs, rhs, dimension_numbers=dn, **params), [0]
    if lb_ is not None:
        dn = ((_shift(lc, lb_), rc), (_shift(lb, lb_), rb))
        lfree = _free_dims(len(lhs.shape), dn[0][0], dn[1][0])
        out_bdim = len(lb) + lfree.index(lb_)
    else:
        dn = ((lc, _shift(rc, rb_)), (lb, _shift(rb, rb_)))
        rfree = _free_dims(len(rhs.shape), dn[0][1], dn[1][1])
        lfree = _free_dims(len(lhs.shape), lc, lb)
        out_bdim = len(lb) + len(lfree) + rfree.index(rb_)
    return bind(dot_general_p, lhs, rhs, dimension_numbers=dn, **params), [out_bdim]


vmap_rules[dot_general_p] = _dot_general_vmap


_dot_general_jvp = ops.sum_of_terms_jvp(
    dot_general_p, lambda p, t_lhs, **params: bind(dot_general_p, t_lhs, p[1], **params)[0],
    lambda p, t_rhs, **params: bind(dot_general_p, p[0], t_rhs, **params)[0])


def _dot_general_transpose(cts, lhs, rhs, *, dimension_numbers, precision=None,
                           preferred_element_type=None):
    (lc, rc), (lb, rb) = dimension_numbers
    ct, nb = cts[0], len(lb)
    if ops.is_undefined(lhs) and ops.is_undefined(rhs):
        raise TypeError("[grad] dot_general of two linear values is not linear")
    if ops.is_undefined(lhs):
        x, y, xc, yc, xb, yb, first = lhs, rhs, lc, rc, lb, rb, True
    else:
        x, y, xc, yc, xb, yb, first = rhs, lhs, rc, lc, rb, lb, False
    y_aval = ops.aval(y)
    if ops.aval(ct).dtype != y_aval.dtype:
        ct = ops.convert(ct, y_aval.dtype)
    x_free = _free_dims(x.aval.ndim, xc, xb)
    y_free = _free_dims(y_aval.ndim, yc, yb)
    # ct dims: batch, lhs free, rhs free; contract y's free dims with their ct dims
    start = nb + len(x_free) if first else nb
    ct_c, y_c, b = tuple(range(start, start + len(y_free))), tuple(y_free), tuple(range(nb))
    # The result's dims are x's batch dims, then the remaining dims of the first operand,
    # then those of the second. An outer product (a contraction of size 1: a per-example
    # weight gradient) puts y first when that gives x's own order, so no transpose follows
    # the dot (under vmap, that transpose is a copy of the whole per-example gradient). A
    # real contraction keeps ct first, as JAX does: XLA folds a transpose that directly
    # follows a dot into the dot, and where jvp terms sit between (an HVP), XLA:CPU runs
    # the (ct-free, x-free) dot ~2.5x faster than its transpose when ct's free size is
    # small (f32[10,3745] vs f32[3745,10] from 128 rows).
    y_dims = [xc[yc.index(j)] for j in sorted(yc)]
    perm = _inverse(list(xb) + x_free + y_dims)
    y_first_perm = _inverse(list(xb) + y_dims + x_free)
    outer = all(y_aval.shape[d] == 1 for d in y_c)
    if outer and perm != list(range(len(perm))) and y_first_perm == list(range(len(perm))):
        operands, dn, perm = (y, ct), ((y_c, ct_c), (tuple(yb), b)), y_first_perm
    else:
        operands, dn = (ct, y), ((ct_c, y_c), (b, tuple(yb)))
    res = bind(dot_general_p, *operands, dimension_numbers=dn, precision=precision,
               preferred_element_type=None)[0]
    res = ops.transpose(res, perm)
    res = ops.convert(res, x.aval.dtype, x.aval.weak_type)
    return [res, None] if first else [None, res]


def _inverse(src: list[int]) -> list[int]:
    """The permutation taking dims listed in ``src`` order back to 0, 1, 2, ..."""
    return [src.index(i) for i in range(len(src))]


jvp_rules[dot_general_p] = _dot_general_jvp
transpose_rules[dot_general_p] = _dot_general_transpose
