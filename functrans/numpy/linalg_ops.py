"""Products: dot, matmul."""

from __future__ import annotations

from .. import lax
from ._util import aval, broadcast_to, promote_dtypes


def dot(a, b):
    """NumPy's ``dot``: vectors, matrices, and sum over last/second-to-last axes."""
    a, b = promote_dtypes(a, b)
    na, nb = aval(a).ndim, aval(b).ndim
    if na == 0 or nb == 0:
        from .ufuncs import multiply
        return multiply(a, b)
    contract = ((na - 1,), (max(nb - 2, 0),))
    return lax.dot_general(a, b, (contract, ((), ())))


def matmul(a, b):
    """``a @ b`` with NumPy's broadcasting of leading batch dimensions."""
    a, b = promote_dtypes(a, b)
    sa, sb = aval(a).shape, aval(b).shape
    if not sa or not sb:
        raise ValueError("[matmul] operands must be at least 1-d; use * for scalars")
    a2 = lax.expand_dims(a, [0]) if len(sa) == 1 else a
    b2 = lax.expand_dims(b, [1]) if len(sb) == 1 else b
    sa2, sb2 = aval(a2).shape, aval(b2).shape
    if sa2[-1] != sb2[-2]:
        raise ValueError(f"[matmul] contraction dimensions differ: {sa} @ {sb} "
                         f"({sa2[-1]} != {sb2[-2]})")
    from ._util import broadcast_shapes
    batch = broadcast_shapes(sa2[:-2], sb2[:-2], api="matmul")
    a2 = broadcast_to(a2, batch + sa2[-2:])
    b2 = broadcast_to(b2, batch + sb2[-2:])
    nb_ = len(batch)
    bd = tuple(range(nb_))
    out = lax.dot_general(a2, b2, (((nb_ + 1,), (nb_,)), (bd, bd)))
    if len(sa) == 1:
        out = lax.squeeze(out, [aval(out).ndim - 2])
    if len(sb) == 1:
        out = lax.squeeze(out, [aval(out).ndim - 1])
    return out
