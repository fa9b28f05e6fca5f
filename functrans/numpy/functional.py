"""Function-building tools of ``jax.numpy`` on ``functrans.vmap``: ``vectorize`` (with
generalized-ufunc signatures), ``apply_along_axis``, ``apply_over_axes``, ``piecewise``,
``fromfunction``, and ``frompyfunc`` / ``ufunc`` (outer, reduce, accumulate, at)."""

from __future__ import annotations

import functools
import re

from .. import lax
from ._util import as_array, aval, broadcast_shapes, broadcast_to


def _vmap(fn, in_axes=0, out_axes=0):
    from .._vmap_api import vmap  # the API layer (imported lazily: it imports numpy)
    return vmap(fn, in_axes=in_axes, out_axes=out_axes)


_DIMS = r"\((?:\w+(?:,\s*\w+)*)?\)"
_SIGNATURE = re.compile(rf"^\s*{_DIMS}(?:\s*,\s*{_DIMS})*\s*->\s*{_DIMS}(?:\s*,\s*{_DIMS})*\s*$")


def _parse_signature(signature: str):
    """``"(m,n),(n)->(m)"`` -> ``([("m", "n"), ("n",)], [("m",)])``."""
    if not _SIGNATURE.match(signature):
        raise ValueError(f"[vectorize] not a valid gufunc signature: {signature!r}")
    ins, outs = signature.split("->")

    def dims(part):
        return [tuple(d for d in re.split(r",\s*", g.strip()) if d)
                for g in re.findall(r"\(([^)]*)\)", part)]
    return dims(ins), dims(outs)


class vectorize:  # noqa: N801  (jax.numpy.vectorize)
    """Vectorize ``pyfunc`` over the leading (loop) axes of its arguments with vmap
    (``jax.numpy.vectorize``).

    Args:
      pyfunc: a function of arrays with the core shapes of ``signature`` (scalars if none).
      excluded: positions or keyword names of arguments passed through unchanged.
      signature: a generalized-ufunc signature such as ``"(n),(n)->()"``.

    Example:
        >>> dot = fnp.vectorize(fnp.dot, signature="(n),(n)->()")
        >>> dot(fnp.ones((4, 3)), fnp.ones(3)).shape
        (4,)
    """

    def __init__(self, pyfunc, *, excluded=frozenset(), signature=None):
        self.pyfunc = pyfunc
        self.excluded = frozenset(excluded)
        self.signature = signature
        functools.update_wrapper(self, pyfunc)

    def __call__(self, *args, **kwargs):
        excluded_kw = {k: v for k, v in kwargs.items() if k in self.excluded}
        kw_names = [k for k in kwargs if k not in self.excluded]
        pos = [i for i in range(len(args)) if i not in self.excluded]
        operands = [as_array(args[i]) for i in pos] + [as_array(kwargs[k]) for k in kw_names]

        def call(*ops):
            full = list(args)
            for i, v in zip(pos, ops[:len(pos)], strict=True):
                full[i] = v
            kws = dict(excluded_kw, **dict(zip(kw_names, ops[len(pos):], strict=True)))
            return self.pyfunc(*full, **kws)

        if self.signature is None:
            core_in = [()] * len(operands)
            core_out = None
        else:
            core_in, core_out = _parse_signature(self.signature)
            if len(core_in) != len(operands):
                raise TypeError(f"[vectorize] signature {self.signature!r} has {len(core_in)} "
                                f"inputs, got {len(operands)} arguments")
        loop_shapes = []
        for x, core in zip(operands, core_in, strict=True):
            shape = aval(x).shape
            if len(shape) < len(core):
                raise ValueError(f"[vectorize] an input of shape {shape} has fewer dims than "
                                 f"its core dims {core}")
            loop_shapes.append(shape[:len(shape) - len(core)])
        loop = broadcast_shapes(*loop_shapes, api="vectorize")
        operands = [broadcast_to(x, loop + aval(x).shape[len(ls):])
                    for x, ls in zip(operands, loop_shapes, strict=True)]
        fn = call
        for _ in loop:
            fn = _vmap(fn)
        out = fn(*operands)
        if core_out is not None and len(core_out) == 1 and isinstance(out, tuple):
            raise ValueError(f"[vectorize] signature {self.signature!r} has one output, the "
                             "function returned a tuple")
        return out


def apply_along_axis(func1d, axis: int, arr, *args, **kwargs):
    """Apply ``func1d`` to the 1-D slices of ``arr`` along ``axis``
    (``jax.numpy.apply_along_axis``); its output axes replace ``axis``."""
    arr = as_array(arr)
    nd = aval(arr).ndim
    axis = int(axis) % nd

    def func(x):
        return func1d(x, *args, **kwargs)
    for i in range(1, nd - axis):
        func = _vmap(func, in_axes=i, out_axes=-1)
    for _ in range(axis):
        func = _vmap(func, in_axes=0, out_axes=0)
    return func(arr)


def apply_over_axes(func, a, axes):
    """Apply ``func(a, axis)`` over each axis in turn, keeping the rank
    (``jax.numpy.apply_over_axes``)."""
    a = as_array(a)
    for axis in axes:
        b = func(a, axis)
        if aval(b).ndim == aval(a).ndim - 1:
            b = lax.expand_dims(b, (int(axis) % aval(a).ndim,))
        elif aval(b).ndim != aval(a).ndim:
            raise ValueError("[apply_over_axes] func must keep the rank or drop one axis")
        a = b
    return a


def piecewise(x, condlist, funclist, *args, **kw):
    """Piecewise-defined values: where ``condlist[i]`` holds, ``funclist[i]`` (a function of
    ``x`` or a constant); an extra last entry gives the default (``jax.numpy.piecewise``).
    Later conditions win."""
    from .ufuncs import where
    x = as_array(x)
    conds = [as_array(c) for c in condlist] if isinstance(condlist, (list, tuple)) else \
        list(as_array(condlist))
    nc, nf = len(conds), len(funclist)
    if nf == nc + 1:
        default, funcs = funclist[-1], funclist[:-1]
    elif nf == nc:
        default, funcs = 0, funclist
    else:
        raise ValueError(f"[piecewise] with {nc} condition(s), {nc} or {nc + 1} functions are "
                         f"expected; got {nf}")
    dtype = aval(x).dtype

    def value(f):
        v = f(x, *args, **kw) if callable(f) else f
        return lax.convert_element_type(as_array(v), dtype) if not isinstance(v, (int, float)) \
            else lax.full(aval(x).shape, v, dtype)

    out = broadcast_to(value(default), aval(x).shape)
    for c, f in zip(conds, funcs, strict=True):
        out = where(c, value(f), out)
    return out


def fromfunction(function, shape, *, dtype=float, **kwargs):
    """An array whose entry at ``idx`` is ``function(*idx)`` (``jax.numpy.fromfunction``);
    ``function`` is vmapped over the index grid."""
    from ._dtypes import dtype as dtype_
    from .creation import arange
    shape = tuple(int(s) for s in shape)
    dt = dtype_(dtype)
    fn = functools.partial(function, **kwargs)
    for k in reversed(range(len(shape))):  # the outermost vmap maps the first index
        fn = _vmap(fn, in_axes=tuple(0 if j == k else None for j in range(len(shape))))
    return fn(*[arange(s, dtype=dt) for s in shape]) if shape else fn()


class ufunc:  # noqa: N801  (jax.numpy.ufunc)
    """A universal function built from a scalar function (``jax.numpy.ufunc``): call it
    elementwise with broadcasting, or use ``outer``, ``reduce``, ``accumulate``, ``at``.

    Args:
      func: the scalar function of ``nin`` arguments returning ``nout`` values.
      nin, nout: numbers of inputs and outputs.
      name: the name; identity: the reduction identity (used for empty reductions).
    """

    def __init__(self, func, /, nin: int, nout: int, *, name=None, nargs=None, identity=None,
                 call=None, reduce=None, accumulate=None, at=None, reduceat=None):
        self._func = func
        self.nin, self.nout = int(nin), int(nout)
        self.nargs = nargs or self.nin
        self.identity = identity
        self.__name__ = name or getattr(func, "__name__", "ufunc")
        self._call = call or vectorize(func)
        self._reduce, self._accumulate, self._at = reduce, accumulate, at

    def __repr__(self) -> str:
        return f"<functrans.numpy.ufunc '{self.__name__}'>"

    def __call__(self, *args, out=None, where=None):
        if len(args) != self.nin:
            raise TypeError(f"[{self.__name__}] takes {self.nin} arguments, got {len(args)}")
        return self._call(*args)

    def outer(self, A, B, /):  # noqa: N803  (NumPy's names)
        """``func(a, b)`` for every pair of elements: shape ``A.shape + B.shape``."""
        A, B = as_array(A), as_array(B)  # noqa: N806
        ra, rb = aval(A).ndim, aval(B).ndim
        A2 = lax.expand_dims(A, tuple(range(ra, ra + rb))) if rb else A  # noqa: N806
        B2 = lax.expand_dims(B, tuple(range(ra))) if ra else B  # noqa: N806
        return self(A2, B2)

    def _binary(self, what):
        if self.nin != 2 or self.nout != 1:
            raise ValueError(f"[{self.__name__}.{what}] needs a binary ufunc with one output")

    def reduce(self, a, axis=0, dtype=None, out=None, keepdims=False, initial=None,
               where=None):
        """Fold ``func`` over ``axis`` from ``initial`` (default: the identity, if any):
        ``func(...func(func(initial, a0), a1)..., an)``."""
        if self._reduce is not None:
            return self._reduce(a, axis=axis, dtype=dtype, keepdims=keepdims, initial=initial)
        self._binary("reduce")
        a = as_array(a)
        if axis is None:
            from .shapes import ravel
            a, axis = ravel(a), 0
        axis = int(axis) % aval(a).ndim
        from .shapes import moveaxis
        x = moveaxis(a, axis, 0)
        n = aval(x).shape[0]
        if initial is None:
            initial = self.identity
        if n == 0 and initial is None:
            raise ValueError(f"[{self.__name__}.reduce] of an empty axis needs an identity")
        if initial is None:
            acc, start = x[0], 1
        else:
            acc, start = lax.full(aval(x).shape[1:], initial, aval(x).dtype), 0
        for i in range(start, n):
            acc = self(acc, x[i])
        if keepdims:
            acc = lax.expand_dims(as_array(acc), (axis,))
        return acc

    def accumulate(self, a, axis=0, dtype=None, out=None):
        """Running fold of ``func`` along ``axis`` (same shape as ``a``)."""
        if self._accumulate is not None:
            return self._accumulate(a, axis=axis, dtype=dtype)
        self._binary("accumulate")
        from .shapes import moveaxis, stack
        a = as_array(a)
        axis = int(axis) % aval(a).ndim
        x = moveaxis(a, axis, 0)
        outs = [x[0]]
        for i in range(1, aval(x).shape[0]):
            outs.append(self(outs[-1], x[i]))
        return moveaxis(stack(outs), 0, axis)

    def at(self, a, indices, b=None, /, *, inplace=True):
        """``a`` with ``func(a[indices], b)`` written at ``indices`` (needs
        ``inplace=False``; repeated indices apply once per occurrence in order)."""
        if inplace:
            raise ValueError(f"[{self.__name__}.at] functrans arrays are immutable: pass "
                             "inplace=False")
        if self._at is not None:
            return self._at(a, indices, b, inplace=False)
        a = as_array(a)
        cur = a[indices]
        new = self(cur) if b is None else self(cur, b)
        return a.at[indices].set(new)


def frompyfunc(func, /, nin: int, nout: int, *, identity=None):
    """A :class:`ufunc` from a scalar function (``jax.numpy.frompyfunc``).

    Example:
        >>> add = fnp.frompyfunc(lambda x, y: x + y, nin=2, nout=1, identity=0)
        >>> add.outer(fnp.arange(2), fnp.arange(3)).shape
        (2, 3)
    """
    return ufunc(func, nin, nout, identity=identity)


__all__ = ["vectorize", "apply_along_axis", "apply_over_axes", "piecewise", "fromfunction",
           "ufunc", "frompyfunc"]
