"""dot_general: contraction and batch dimensions, as ``jax.lax.dot_general``.

``dimension_numbers = ((lhs_contract, rhs_contract), (lhs_batch, rhs_batch))``;
the result is ``batch dims + lhs free dims + rhs free dims``.
"""

from __future__ import annotations

import numpy as np

from ..core.ir import ShapedArray
from ._builders import check_axes, primitive


def _free_dims(ndim, contract, batch):
    return [i for i in range(ndim) if i not in contract and i not in batch]


def _dot_general_abstract_eval(lhs, rhs, *, dimension_numbers, precision=None,
                               preferred_element_type=None):
    (lc, rc), (lb, rb) = dimension_numbers
    check_axes("dot_general", (*lc, *lb), lhs.ndim)
    check_axes("dot_general", (*rc, *rb), rhs.ndim)
    if len(lc) != len(rc) or len(lb) != len(rb):
        raise TypeError(f"[dot_general] dimension_numbers {dimension_numbers} pair up unequal "
                        "numbers of lhs and rhs dimensions")
    for name, ld, rd in (("contracting", lc, rc), ("batch", lb, rb)):
        if [lhs.shape[i] for i in ld] != [rhs.shape[i] for i in rd]:
            raise TypeError(f"[dot_general] {name} dimensions of {lhs.str_short()} (dims "
                            f"{tuple(ld)}) and {rhs.str_short()} (dims {tuple(rd)}) differ in "
                            "size")
    if lhs.dtype != rhs.dtype:
        raise TypeError(f"[dot_general] operands must have the same dtype, got "
                        f"{lhs.str_short()} and {rhs.str_short()}")
    shape = (tuple(lhs.shape[i] for i in lb)
             + tuple(lhs.shape[i] for i in _free_dims(lhs.ndim, lc, lb))
             + tuple(rhs.shape[i] for i in _free_dims(rhs.ndim, rc, rb)))
    dtype = lhs.dtype if preferred_element_type is None else np.dtype(preferred_element_type)
    return ShapedArray(shape, dtype, lhs.weak_type and rhs.weak_type)


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
    return np.einsum(spec, lhs, rhs, optimize=True).astype(dtype)


dot_general_p = primitive("dot_general", _dot_general_abstract_eval, _dot_general_impl)
