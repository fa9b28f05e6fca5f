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


class ShapedArray:
    """The abstract value of an array: shape, dtype and whether the dtype is weak.

    Avals are interned: constructing one returns the one instance for its (shape, dtype,
    weak_type), so equality and hashing are by identity (C-speed dict lookups in the jit
    caches and everywhere avals key a table) and avals are immutable.

    Example:
        >>> ShapedArray((3,), np.float32).update(shape=(2, 3))
        ShapedArray(f32[2,3])
        >>> ShapedArray([3], "float32") is ShapedArray((3,), np.float32)
        True
    """

    __slots__ = ("shape", "dtype", "weak_type")

    shape: tuple[int, ...]
    dtype: np.dtype
    weak_type: bool

    def __new__(cls, shape, dtype, weak_type: bool = False) -> ShapedArray:
        try:  # the common case: a tuple of ints and an np.dtype, seen before
            return _interned[(shape, dtype, weak_type)]
        except (KeyError, TypeError):
            return _intern(shape, dtype, weak_type)

    def __setattr__(self, name, value):
        raise AttributeError(f"ShapedArray is immutable (interned); use .update({name}=...)")

    def __reduce__(self):
        return ShapedArray, (self.shape, self.dtype, self.weak_type)

    def __copy__(self) -> ShapedArray:
        return self

    def __deepcopy__(self, memo) -> ShapedArray:
        return self

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

    def str_short(self) -> str:
        return f"{dtypes.short_name(self.dtype)}[{','.join(map(str, self.shape))}]"

    def __repr__(self) -> str:
        weak = ", weak_type=True" if self.weak_type else ""
        return f"ShapedArray({self.str_short()}{weak})"


_interned: dict = {}  # (shape, dtype, weak_type) -> the ShapedArray


def _intern(shape, dtype, weak_type) -> ShapedArray:
    """The interned aval for a (shape, dtype, weak_type) in any accepted spelling (a list
    shape, NumPy integers, a dtype name or scalar type)."""
    key = (tuple(map(int, shape)), np.dtype(dtype), bool(weak_type))
    aval = _interned.get(key)
    if aval is None:
        aval = object.__new__(ShapedArray)
        for name, value in zip(ShapedArray.__slots__, key, strict=True):
            object.__setattr__(aval, name, value)
        aval = _interned.setdefault(key, aval)  # atomic: one instance even across threads
    return aval


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
