"""Operators and array methods shared by ``Array`` and every ``Tracer``.

Attached once at import so that a traced value behaves like an Array
(``x + 1``, ``x @ w``, ``x.sum()``, ``x[0]``, ``x.T``, ...).
"""

from __future__ import annotations

from . import numpy as fnp
from .core.array import Array
from .core.trace import Tracer


def _swap(fn):
    return lambda self, other: fn(other, self)


_OPERATORS = {
    "__add__": fnp.add, "__radd__": _swap(fnp.add),
    "__sub__": fnp.subtract, "__rsub__": _swap(fnp.subtract),
    "__mul__": fnp.multiply, "__rmul__": _swap(fnp.multiply),
    "__truediv__": fnp.true_divide, "__rtruediv__": _swap(fnp.true_divide),
    "__pow__": fnp.power, "__rpow__": _swap(fnp.power),
    "__matmul__": fnp.matmul, "__rmatmul__": _swap(fnp.matmul),
    "__eq__": fnp.equal, "__ne__": fnp.not_equal,
    "__lt__": fnp.less, "__le__": fnp.less_equal,
    "__gt__": fnp.greater, "__ge__": fnp.greater_equal,
    "__neg__": fnp.negative, "__pos__": lambda x: x,
}

_METHODS = {
    "sum": fnp.sum, "mean": fnp.mean, "max": fnp.max, "argmax": fnp.argmax,
    "transpose": lambda x, *axes: fnp.transpose(x, axes[0] if len(axes) == 1 and not
                                                isinstance(axes[0], int) else (axes or None)),
    "reshape": lambda x, *shape, order="C": fnp.reshape(
        x, shape[0] if len(shape) == 1 and not isinstance(shape[0], int) else shape, order),
    "ravel": fnp.ravel, "flatten": fnp.ravel, "squeeze": fnp.squeeze,
    "astype": lambda x, dtype: fnp.asarray(x, dtype=dtype),
    "dot": fnp.dot,
}


def _getitem(x, idx):
    from .numpy.indexing import getitem
    return getitem(x, idx)


def install() -> None:
    for cls in (Array, Tracer):
        for name, fn in {**_OPERATORS, **_METHODS}.items():
            if name in getattr(cls, "_OWN_METHODS", ()):
                continue
            setattr(cls, name, fn)
        cls.T = property(lambda x: fnp.transpose(x))
        cls.__getitem__ = _getitem
        cls.__hash__ = None if cls is Array else cls.__hash__
    Array.__hash__ = None


install()
