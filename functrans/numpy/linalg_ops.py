"""Products and diagonals: dot, vdot, matmul, tensordot, outer, inner, kron, trace,
diagonal, diag, diagflat, cross.

Example::

    fnp.tensordot(a, b, axes=([1], [0])); fnp.trace(m, offset=1); fnp.diag(v, k=-1)
"""

from __future__ import annotations

import builtins

import numpy as np

from .. import _lax_lenient as lax
from ._util import (
    as_array,
    aval,
    broadcast_shapes,
    broadcast_to,
    canonical_axis,
    promote_dtypes,
)


def _promoted(*args):
    return [as_array(a) for a in promote_dtypes(*args)]


def dot(a, b, *, precision=None, preferred_element_type=None):
    """NumPy's ``dot``: scalars multiply; otherwise contract the last axis of ``a`` with
    the second-to-last of ``b`` (``jax.numpy.dot``)."""
    a, b = _promoted(a, b)
    na, nb = aval(a).ndim, aval(b).ndim
    if na == 0 or nb == 0:
        from .ufuncs import multiply
        return multiply(a, b)
    ca, cb = na - 1, builtins.max(nb - 2, 0)
    if aval(a).shape[ca] != aval(b).shape[cb]:
        raise ValueError(f"[dot] shapes {aval(a).shape} and {aval(b).shape} are not aligned: "
                         f"{aval(a).shape[ca]} (dim {ca}) != {aval(b).shape[cb]} (dim {cb})")
    return lax.dot_general(a, b, (((ca,), (cb,)), ((), ())), precision,
                           preferred_element_type)


def vdot(a, b, *, precision=None):
    """Dot product of the flattened arrays, the first conjugated (``jax.numpy.vdot``)."""
    from .complex_funcs import conj
    from .shapes import ravel
    return dot(ravel(conj(a)), ravel(b), precision=precision)


def vecdot(x1, x2, /, *, axis=-1):
    """Vector dot product along ``axis`` with broadcasting, ``x1`` conjugated
    (``jax.numpy.vecdot``)."""
    from .complex_funcs import conj
    from .reductions import sum as sum_
    from .ufuncs import multiply
    return sum_(multiply(conj(x1), x2), axis=axis)


def matmul(a, b, *, precision=None, preferred_element_type=None):
    """``a @ b`` with NumPy's broadcasting of leading batch dimensions
    (``jax.numpy.matmul``)."""
    a, b = _promoted(a, b)
    sa, sb = aval(a).shape, aval(b).shape
    if not sa or not sb:
        raise ValueError(f"[matmul] operands must be at least 1-d, got shapes {sa} and {sb}; "
                         "use * for scalars")
    a2 = lax.expand_dims(a, [0]) if len(sa) == 1 else a
    b2 = lax.expand_dims(b, [1]) if len(sb) == 1 else b
    sa2, sb2 = aval(a2).shape, aval(b2).shape
    if sa2[-1] != sb2[-2]:
        raise ValueError(f"[matmul] contraction dimensions differ: {sa} @ {sb} "
                         f"({sa2[-1]} != {sb2[-2]})")
    batch = sa2[:-2]
    if batch != sb2[:-2]:  # NumPy's broadcasting of the batch dims
        batch = broadcast_shapes(batch, sb2[:-2], api="matmul")
        a2 = broadcast_to(a2, batch + sa2[-2:])
        b2 = broadcast_to(b2, batch + sb2[-2:])
    nb_ = len(batch)
    bd = tuple(range(nb_))
    out = lax.dot_general(a2, b2, (((nb_ + 1,), (nb_,)), (bd, bd)), precision,
                          preferred_element_type)
    if len(sa) == 1:
        out = lax.squeeze(out, [aval(out).ndim - 2])
    if len(sb) == 1:
        out = lax.squeeze(out, [aval(out).ndim - 1])
    return out


def tensordot(a, b, axes=2, *, precision=None, preferred_element_type=None):
    """Sum products over the given axes (``jax.numpy.tensordot``).

    Args:
      a, b: arrays.
      axes: an int N (last N of ``a`` with first N of ``b``) or a pair of axis sequences.
    Example:
      ``fnp.tensordot(a, b, axes=([1, 0], [0, 1]))``
    """
    a, b = _promoted(a, b)
    na, nb = aval(a).ndim, aval(b).ndim
    if isinstance(axes, (int, np.integer)):
        n = int(axes)
        if n > builtins.min(na, nb) or n < 0:
            raise ValueError(f"[tensordot] axes={n} is out of range for shapes "
                             f"{aval(a).shape} and {aval(b).shape}")
        ax_a, ax_b = tuple(range(na - n, na)), tuple(range(n))
    else:
        ax_a, ax_b = axes
        ax_a = (ax_a,) if isinstance(ax_a, (int, np.integer)) else tuple(ax_a)
        ax_b = (ax_b,) if isinstance(ax_b, (int, np.integer)) else tuple(ax_b)
        if len(ax_a) != len(ax_b):
            raise ValueError(f"[tensordot] axes {axes} pair up different numbers of axes")
        ax_a = tuple(canonical_axis(x, na, "tensordot") for x in ax_a)
        ax_b = tuple(canonical_axis(x, nb, "tensordot") for x in ax_b)
    for i, j in zip(ax_a, ax_b, strict=True):
        if aval(a).shape[i] != aval(b).shape[j]:
            raise ValueError(f"[tensordot] axis {i} of {aval(a).shape} and axis {j} of "
                             f"{aval(b).shape} differ in size")
    return lax.dot_general(a, b, ((ax_a, ax_b), ((), ())), precision, preferred_element_type)


def outer(a, b):
    """Outer product of the flattened inputs (``jax.numpy.outer``)."""
    from .shapes import ravel
    from .ufuncs import multiply
    a, b = ravel(a), ravel(b)
    return multiply(lax.expand_dims(a, [1]), lax.expand_dims(b, [0]))


def inner(a, b, *, precision=None):
    """Sum product over the last axes (``jax.numpy.inner``)."""
    a, b = _promoted(a, b)
    if aval(a).ndim == 0 or aval(b).ndim == 0:
        from .ufuncs import multiply
        return multiply(a, b)
    return tensordot(a, b, ((aval(a).ndim - 1,), (aval(b).ndim - 1,)), precision=precision)


def kron(a, b):
    """Kronecker product (``jax.numpy.kron``)."""
    from .shapes import reshape
    from .ufuncs import multiply
    a, b = _promoted(a, b)
    nd = builtins.max(aval(a).ndim, aval(b).ndim)
    a = reshape(a, (1,) * (nd - aval(a).ndim) + aval(a).shape)
    b = reshape(b, (1,) * (nd - aval(b).ndim) + aval(b).shape)
    sa, sb = aval(a).shape, aval(b).shape
    a_e = reshape(a, [d for s in sa for d in (s, 1)])
    b_e = reshape(b, [d for s in sb for d in (1, s)])
    return reshape(multiply(a_e, b_e), [x * y for x, y in zip(sa, sb, strict=True)])


def diagonal(a, offset=0, axis1=0, axis2=1):
    """The ``offset`` diagonal of the ``(axis1, axis2)`` planes, moved to the last axis
    (``jax.numpy.diagonal``)."""
    from .shapes import moveaxis
    a = as_array(a)
    nd = aval(a).ndim
    if nd < 2:
        raise ValueError(f"[diagonal] needs an array of rank >= 2, got shape {aval(a).shape}")
    i, j = canonical_axis(axis1, nd, "diagonal"), canonical_axis(axis2, nd, "diagonal")
    if i == j:
        raise ValueError(f"[diagonal] axis1 and axis2 cannot be the same axis ({i})")
    a = moveaxis(a, (i, j), (-2, -1))
    s = aval(a).shape
    n, m = s[-2], s[-1]
    offset = int(offset)
    length = builtins.max(0, builtins.min(n, m - offset) if offset >= 0 else
                          builtins.min(n + offset, m))
    flat = lax.reshape(a, s[:-2] + (n * m,))
    start = offset if offset >= 0 else -offset * m
    if length == 0:
        return lax.slice(flat, (0,) * len(s[:-2]) + (0,), s[:-2] + (0,))
    limit = start + (length - 1) * (m + 1) + 1
    return lax.slice(flat, (0,) * len(s[:-2]) + (start,), s[:-2] + (limit,),
                     (1,) * len(s[:-2]) + (m + 1,))


def trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    """Sum along a diagonal (``jax.numpy.trace``)."""
    from .reductions import sum as sum_
    return sum_(diagonal(a, offset, axis1, axis2), axis=-1, dtype=dtype)


def diag(v, k=0):
    """The ``k``-th diagonal of a 2-D array, or a 2-D array with 1-D ``v`` on it
    (``jax.numpy.diag``)."""
    v = as_array(v)
    nd = aval(v).ndim
    if nd == 2:
        return diagonal(v, k)
    if nd != 1:
        raise ValueError(f"[diag] input must be 1-d or 2-d, got shape {aval(v).shape}")
    n = aval(v).shape[0] + builtins.abs(int(k))
    from .creation import eye, zeros_like
    v_pad = lax.pad(v, lax.convert_element_type(as_array(0), aval(v).dtype),
                    [(0, builtins.abs(int(k)), 0)])
    along = 0 if k >= 0 else 1
    vals = lax.broadcast_in_dim(v_pad, (n, n), (along,))
    mask = lax.convert_element_type(eye(n, k=k), np.bool_)
    return lax.select(mask, vals, zeros_like(vals))


def diagflat(v, k=0):
    """A 2-D array with the flattened ``v`` on the ``k``-th diagonal
    (``jax.numpy.diagflat``)."""
    from .shapes import ravel
    return diag(ravel(v), k)


def cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """Cross product of 3-vectors along the last axis (``jax.numpy.cross``)."""
    from .shapes import moveaxis, stack
    from .ufuncs import multiply, subtract
    if axis is not None:
        axisa = axisb = axisc = axis
    a, b = _promoted(a, b)
    a, b = moveaxis(a, axisa, -1), moveaxis(b, axisb, -1)
    if aval(a).shape[-1] != 3 or aval(b).shape[-1] != 3:
        raise ValueError(f"[cross] needs vectors of length 3, got shapes {aval(a).shape} and "
                         f"{aval(b).shape}")
    from .indexing import getitem
    a0, a1, a2 = (getitem(a, (Ellipsis, i)) for i in range(3))
    b0, b1, b2 = (getitem(b, (Ellipsis, i)) for i in range(3))
    c = stack([subtract(multiply(a1, b2), multiply(a2, b1)),
               subtract(multiply(a2, b0), multiply(a0, b2)),
               subtract(multiply(a0, b1), multiply(a1, b0))], axis=-1)
    return moveaxis(c, -1, axisc)
