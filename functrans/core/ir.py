"""The IR: abstract values, variables, equations and jaxprs.

A ``Jaxpr`` is a flat, first-order program: ``constvars`` and ``invars`` bound
on entry, a list of ``Eqn`` s, and ``outvars`` (Vars or Literals). Higher-order
primitives carry ``ClosedJaxpr`` s in their params.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np

from . import dtypes

# Shapes seen so far, each mapped to itself: a lookup turns an equal tuple (of Python or
# NumPy ints) into the canonical tuple of Python ints without converting each entry.
_canonical_shapes: dict[tuple, tuple[int, ...]] = {}
_MAX_CANONICAL_SHAPES = 4096


class ShapedArray:
    """The abstract value of an array: shape, dtype and whether the dtype is weak.

    Example:
        >>> ShapedArray((3,), np.float32).update(shape=(2, 3))
        ShapedArray(f32[2,3])
    """

    __slots__ = ("shape", "dtype", "weak_type", "_hash")

    def __init__(self, shape, dtype, weak_type: bool = False):
        # Python ints, as JAX (not np.int64 from math). Avals are built for every traced
        # operation, so the usual cases take shortcuts: a shape seen before (its canonical
        # tuple is found by hash: np.int64(3) == 3), a dtype that is already one.
        canonical = None
        if type(shape) is tuple:
            try:
                canonical = _canonical_shapes.get(shape)
            except TypeError:  # an unhashable entry (a tracer): int() says what is wrong
                pass
        if canonical is None:
            canonical = tuple(map(int, shape))
            if len(_canonical_shapes) < _MAX_CANONICAL_SHAPES:
                _canonical_shapes[canonical] = canonical
        self.shape = canonical
        self.dtype = dtype if isinstance(dtype, np.dtype) else np.dtype(dtype)
        self.weak_type = weak_type if weak_type is False or weak_type is True else bool(
            weak_type)
        self._hash = None  # computed when first needed (most avals are never hashed)

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    def update(self, shape=None, dtype=None, weak_type=None) -> ShapedArray:
        return ShapedArray(self.shape if shape is None else shape,
                           self.dtype if dtype is None else dtype,
                           self.weak_type if weak_type is None else weak_type)

    def strip_weak_type(self) -> ShapedArray:
        return self.update(weak_type=False) if self.weak_type else self

    def __eq__(self, other) -> bool:
        return self is other or (
            type(other) is ShapedArray and self.shape == other.shape
            and self.dtype == other.dtype and self.weak_type == other.weak_type)

    def __hash__(self) -> int:
        h = self._hash
        if h is None:
            h = self._hash = hash((self.shape, self.dtype, self.weak_type))
        return h

    def str_short(self) -> str:
        return f"{dtypes.short_name(self.dtype)}[{','.join(map(str, self.shape))}]"

    def __repr__(self) -> str:
        weak = ", weak_type=True" if self.weak_type else ""
        return f"ShapedArray({self.str_short()}{weak})"


_var_ids = itertools.count()


class Var:
    """A variable of a jaxpr (its ``aval``). Identity is the object; ``count`` orders names.

    Example:
        >>> x = Var(ShapedArray((3,), np.float32))
    """

    __slots__ = ("aval", "count")

    def __init__(self, aval: ShapedArray):
        self.aval = aval
        self.count = next(_var_ids)

    def __repr__(self) -> str:
        return f"Var({self.count}:{self.aval.str_short()})"


class Literal:
    """A scalar constant inlined into a jaxpr: ``val`` (a Python or NumPy scalar) and
    its ``aval``.

    Example:
        >>> two = Literal(2.0, ShapedArray((), np.float32, weak_type=True))
    """

    __slots__ = ("val", "aval")

    def __init__(self, val, aval: ShapedArray):
        self.val = val
        self.aval = aval

    def __repr__(self) -> str:
        return f"Literal({self.val!r})"


Atom = Var | Literal


class Eqn:
    """``outvars = primitive[params] *inputs``: ``inputs`` (also ``invars``, as in JAX)
    are Vars or Literals, ``params`` a dict of static parameters.

    Example:
        >>> y = Var(x.aval)
        >>> eqn = Eqn(lax.sin_p, [x], {}, [y])
    """

    __slots__ = ("primitive", "inputs", "params", "outvars", "source")

    def __init__(self, primitive, inputs: list, params: dict[str, Any], outvars: list[Var],
                 source: str | None = None):
        self.primitive = primitive
        self.inputs = inputs
        self.params = params
        self.outvars = outvars
        self.source = source

    @property
    def invars(self) -> list:
        """The inputs (JAX's name for them)."""
        return self.inputs

    def __repr__(self) -> str:
        from .pretty import pp_eqn
        return pp_eqn(self)


class Jaxpr:
    """A flat program: ``constvars`` and ``invars`` (Vars), ``eqns`` (Eqns), ``outvars``
    (Vars or Literals). Printing gives JAX's text form.

    Example:
        >>> x, y = Var(ShapedArray((), np.float32)), Var(ShapedArray((), np.float32))
        >>> Jaxpr([], [x], [Eqn(lax.sin_p, [x], {}, [y])], [y])
        { lambda ; a:f32[]. let b:f32[] = sin a in (b,) }
    """

    __slots__ = ("constvars", "invars", "eqns", "outvars", "__weakref__")

    def __init__(self, constvars: list[Var], invars: list[Var], eqns: list[Eqn], outvars: list):
        self.constvars = list(constvars)
        self.invars = list(invars)
        self.eqns = list(eqns)
        self.outvars = list(outvars)

    @property
    def in_avals(self) -> list[ShapedArray]:
        return [v.aval for v in self.invars]

    @property
    def out_avals(self) -> list[ShapedArray]:
        return [v.aval for v in self.outvars]

    def __repr__(self) -> str:
        from .pretty import pp_jaxpr
        return pp_jaxpr(self)


class ClosedJaxpr:
    """A jaxpr together with the values of its constvars (what ``make_jaxpr`` returns and
    what higher-order primitives carry).

    Example:
        >>> closed = ClosedJaxpr(jaxpr, [])
        >>> closed.in_avals, closed.out_avals
    """

    __slots__ = ("jaxpr", "consts", "__weakref__")

    def __init__(self, jaxpr: Jaxpr, consts: list):
        assert len(jaxpr.constvars) == len(consts)
        self.jaxpr = jaxpr
        self.consts = list(consts)

    in_avals = property(lambda self: self.jaxpr.in_avals)
    out_avals = property(lambda self: self.jaxpr.out_avals)
    eqns = property(lambda self: self.jaxpr.eqns)

    def __repr__(self) -> str:
        from .pretty import pp_jaxpr
        return pp_jaxpr(self.jaxpr)

    # ClosedJaxprs are params of higher-order primitives: hash/eq by identity
    # (transformations of them are cached per object, see core.cache).
    __hash__ = object.__hash__
