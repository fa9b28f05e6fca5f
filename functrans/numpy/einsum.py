"""``einsum``: Einstein summation lowered to ``dot_general`` pairwise contractions.

The contraction order is computed once per ``(subscripts, shapes)`` and cached
(``_contraction_path``): a greedy search that contracts, at each step, the pair
of operands whose result is smallest.

Example::

    fnp.einsum("bij,bjk->bik", a, b); fnp.einsum("ii", m); fnp.einsum("...i,i", x, v)
"""

from __future__ import annotations

import functools
import string

import numpy as np

from .. import _lax_lenient as lax
from ._util import as_array, aval, promote_dtypes

_LETTERS = set(string.ascii_letters)


def _parse(subscripts: str, shapes: tuple) -> tuple[list[str], str]:
    """Explicit per-operand index strings and the output string (ellipses expanded)."""
    spec = subscripts.replace(" ", "")
    if "->" in spec:
        lhs, out = spec.split("->")
        explicit = True
    else:
        lhs, out, explicit = spec, "", False
    ins = lhs.split(",")
    if len(ins) != len(shapes):
        raise ValueError(f"[einsum] subscripts {subscripts!r} name {len(ins)} operands but "
                         f"{len(shapes)} were given")
    used = set(spec) & _LETTERS
    free = iter(c for c in string.ascii_letters if c not in used)
    n_ell = max((len(s) - len(t.replace("...", "")) for t, s in zip(ins, shapes, strict=True)
                 if "..." in t), default=0)
    ell = "".join(next(free) for _ in range(n_ell))
    terms = []
    for t, s in zip(ins, shapes, strict=True):
        if "..." in t:
            k = len(s) - len(t.replace("...", ""))
            t = t.replace("...", ell[n_ell - k:] if k else "")
        bad = set(t) - _LETTERS
        if bad or len(t) != len(s):
            raise ValueError(f"[einsum] operand subscripts {t!r} do not match an operand of "
                             f"rank {len(s)} (shape {s}) in {subscripts!r}")
        terms.append(t)
    if explicit:
        out = out.replace("...", ell)
    else:
        counts = {c: "".join(terms).count(c) for c in set("".join(terms))}
        out = ell + "".join(sorted(c for c, n in counts.items() if n == 1 and c not in ell))
    _check_sizes(terms, shapes, out, subscripts)
    return terms, out


def _check_sizes(terms, shapes, out, subscripts):
    sizes: dict[str, int] = {}
    for t, s in zip(terms, shapes, strict=True):
        for c, d in zip(t, s, strict=True):
            if sizes.setdefault(c, d) != d and 1 not in (d, sizes[c]):
                raise ValueError(f"[einsum] index {c!r} has incompatible sizes {sizes[c]} and "
                                 f"{d} in {subscripts!r} with shapes {shapes}")
            sizes[c] = max(sizes[c], d) if 1 in (d, sizes[c]) else d
    missing = set(out) - set(sizes)
    if missing or len(set(out)) != len(out):
        raise ValueError(f"[einsum] output subscripts {out!r} name indices not in the inputs "
                         f"or repeat one: {subscripts!r}")


@functools.lru_cache(maxsize=512)
def _contraction_path(subscripts: str, shapes: tuple) -> tuple:
    """(terms, out, path) with path a list of operand-position pairs to contract."""
    terms, out = _parse(subscripts, shapes)
    sizes: dict[str, int] = {}
    for t, s in zip(terms, shapes, strict=True):
        for c, d in zip(t, s, strict=True):
            sizes[c] = max(sizes.get(c, 1), d)
    live = list(terms)
    path = []
    while len(live) > 1:
        best = None
        for i in range(len(live)):
            for j in range(i + 1, len(live)):
                rest = [t for k, t in enumerate(live) if k not in (i, j)]
                res = _result_indices(live[i], live[j], rest, out)
                cost = int(np.prod([sizes.get(c, 1) for c in res], dtype=np.int64))
                if best is None or cost < best[0]:
                    best = (cost, i, j, res)
        _, i, j, res = best
        path.append((i, j))
        live = [t for k, t in enumerate(live) if k not in (i, j)] + [res]
    return tuple(terms), out, tuple(path)


def _result_indices(a: str, b: str, rest: list[str], out: str) -> str:
    keep = set(out).union(*rest) if rest else set(out)
    res = [c for c in a if c in keep]
    res += [c for c in b if (c in keep) and c not in res]
    return "".join(dict.fromkeys(res))


def _dedupe(x, term: str):
    """Take diagonals for indices repeated within one operand ('ii' -> 'i')."""
    from .linalg_ops import diagonal
    while len(set(term)) < len(term):
        c = next(c for c in term if term.count(c) > 1)
        i = term.index(c)
        j = term.index(c, i + 1)
        x = diagonal(x, 0, i, j)
        term = "".join(t for k, t in enumerate(term) if k not in (i, j)) + c
    return x, term


def _sum_unused(x, term: str, keep: set):
    axes = [k for k, c in enumerate(term) if c not in keep]
    if not axes:
        return x, term
    return lax.reduce_sum(x, axes), "".join(c for c in term if c in keep)


def _broadcast_ones(x, term, other_sizes):
    """Size-1 axes that meet a larger size elsewhere are broadcast up."""
    s = aval(x).shape
    target = tuple(other_sizes.get(c, d) if d == 1 else d for c, d in zip(term, s,
                                                                           strict=True))
    return lax.broadcast_in_dim(x, target, tuple(range(len(s)))) if target != s else x


def _contract(x, tx: str, y, ty: str, res: str):
    sizes = dict(zip(tx, aval(x).shape, strict=True))
    sizes.update({c: d for c, d in zip(ty, aval(y).shape, strict=True) if d != 1})
    x, y = _broadcast_ones(x, tx, sizes), _broadcast_ones(y, ty, sizes)
    keep = set(res)
    x, tx = _sum_unused(x, tx, keep | set(ty))
    y, ty = _sum_unused(y, ty, keep | set(tx))
    batch = [c for c in tx if c in ty and c in keep]
    contract = [c for c in tx if c in ty and c not in keep]
    dn = (([tx.index(c) for c in contract], [ty.index(c) for c in contract]),
          ([tx.index(c) for c in batch], [ty.index(c) for c in batch]))
    out = lax.dot_general(x, y, dn)
    out_term = "".join(batch) + "".join(c for c in tx if c not in ty) + "".join(
        c for c in ty if c not in tx)
    return out, out_term


def einsum(subscripts, *operands, optimize="greedy", precision=None,
           preferred_element_type=None):
    """Einstein summation (``jax.numpy.einsum``).

    Args:
      subscripts: e.g. ``"ij,jk->ik"``; ellipses and implicit outputs are supported.
      operands: the arrays.
    Returns:
      The contracted Array.
    Example:
      ``fnp.einsum("ij,jk->ik", a, b)``
    """
    if not isinstance(subscripts, str):
        raise NotImplementedError("[einsum] only the subscripts-string form is supported")
    ops = [as_array(o) for o in promote_dtypes(*operands)]
    shapes = tuple(aval(o).shape for o in ops)
    terms, out, path = _contraction_path(subscripts, shapes)
    live = []
    for x, t in zip(ops, terms, strict=True):
        x, t = _dedupe(x, t)
        live.append((x, t))
    for i, j in path:
        (x, tx), (y, ty) = live[i], live[j]
        rest = [t for k, (_, t) in enumerate(live) if k not in (i, j)]
        res = _result_indices(tx, ty, rest, out)
        z = _contract(x, tx, y, ty, res)
        live = [e for k, e in enumerate(live) if k not in (i, j)] + [z]
    (x, t), = live
    x, t = _sum_unused(x, t, set(out))
    if preferred_element_type is not None:
        x = lax.convert_element_type(x, preferred_element_type)
    return lax.transpose(x, [t.index(c) for c in out])
