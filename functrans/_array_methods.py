"""Operators and array methods shared by ``Array`` and every ``Tracer``.

Attached once at import so that a traced value behaves like an Array
(``x + 1``, ``x @ w``, ``x.sum()``, ``x[0]``, ``x.T``, ``x.at[i].set(v)``, ...).
"""

from __future__ import annotations

import numpy as np

from . import numpy as fnp
from .core import dtypes
from .core.array import Array
from .core.trace import Tracer, _state
from .numpy._util import fast_operands
from .numpy.indexing import _AtIndexer, getitem


def _swap(fn):
    return lambda self, other: fn(other, self)


def _defer(fn):
    """Binary operators return NotImplemented for operands they do not know, so Python
    can try the other operand's reflected method."""
    def op(self, other):
        if type(other) not in _COMMON_OPERANDS and not _is_operand(other):
            return NotImplemented
        return fn(self, other)
    return op


_COMMON_OPERANDS = frozenset((Array, float, int))
_OPERAND_TYPES = (Array, Tracer, bool, int, float, complex, np.ndarray, np.generic, list,
                  tuple)


def _is_operand(x) -> bool:
    return isinstance(x, _OPERAND_TYPES) or hasattr(x, "__array__")


_BINARY = {
    "add": fnp.add, "sub": fnp.subtract, "mul": fnp.multiply, "truediv": fnp.true_divide,
    "floordiv": fnp.floor_divide, "mod": fnp.remainder, "pow": fnp.power,
    "matmul": fnp.matmul, "and": fnp.bitwise_and, "or": fnp.bitwise_or,
    "xor": fnp.bitwise_xor, "lshift": fnp.left_shift, "rshift": fnp.right_shift,
    "divmod": fnp.divmod,
}



def _operator(fn, reflected: bool = False):
    """The operator method of the ``fnp`` binary ``fn``: when the operands need no
    promotion or broadcasting, ``fn``'s primitive is bound in this one frame (eager
    operators are benchmarked); otherwise as ``_defer``."""
    fast = getattr(fn, "fast_path", None)
    if fast is None:
        return _defer(_swap(fn) if reflected else fn)
    prim, inexact, has_bool_fn = fast

    def op(self, other):
        ops = fast_operands(other, self, inexact) if reflected else \
            fast_operands(self, other, inexact)
        if ops is not None and not (has_bool_fn and ops[0].aval.dtype == dtypes.bool_):
            return _state.trace.process(prim, ops, {})[0]
        if type(other) not in _COMMON_OPERANDS and not _is_operand(other):
            return NotImplemented
        return fn(other, self) if reflected else fn(self, other)
    return op


_OPERATORS = {f"__{k}__": _operator(f) for k, f in _BINARY.items()}
_OPERATORS.update({f"__r{k}__": _operator(f, reflected=True) for k, f in _BINARY.items()})
_OPERATORS.update({
    "__eq__": _operator(fnp.equal), "__ne__": _operator(fnp.not_equal),
    "__lt__": _operator(fnp.less), "__le__": _operator(fnp.less_equal),
    "__gt__": _operator(fnp.greater), "__ge__": _operator(fnp.greater_equal),
    "__neg__": fnp.negative, "__pos__": fnp.positive, "__abs__": fnp.absolute,
    "__invert__": fnp.bitwise_not,
})


def _shape_args(args):
    return args[0] if len(args) == 1 and not isinstance(args[0], int) else args


def _reshape(x, *shape, order="C"):
    return fnp.reshape(x, _shape_args(shape), order)


def _transpose(x, *axes):
    axes = _shape_args(axes)
    return fnp.transpose(x, axes if axes else None)


def _astype(x, dtype, copy=False):
    from . import lax
    return lax.convert_element_type(x, fnp.dtype(dtype))


def _copy(x, order=None):
    return fnp.array(x, copy=True)


def _clip(x, min=None, max=None):  # noqa: A002
    return fnp.clip(x, min, max)


_METHODS = {
    "sum": fnp.sum, "prod": fnp.prod, "mean": fnp.mean, "var": fnp.var, "std": fnp.std,
    "max": fnp.max, "min": fnp.min, "argmax": fnp.argmax, "argmin": fnp.argmin,
    "any": fnp.any, "all": fnp.all, "cumsum": fnp.cumsum, "cumprod": fnp.cumprod,
    "ptp": fnp.ptp, "reshape": _reshape, "transpose": _transpose, "ravel": fnp.ravel,
    "flatten": fnp.ravel, "squeeze": fnp.squeeze, "swapaxes": fnp.swapaxes,
    "astype": _astype, "clip": _clip, "round": fnp.round, "dot": fnp.dot,
    "sort": fnp.sort, "argsort": fnp.argsort, "take": fnp.take, "repeat": fnp.repeat,
    "diagonal": fnp.diagonal, "trace": fnp.trace, "nonzero": fnp.nonzero,
    "conj": fnp.conj, "conjugate": fnp.conjugate, "searchsorted": fnp.searchsorted,
    "copy": _copy,
}

_PROPERTIES = {
    "T": lambda x: fnp.transpose(x),
    "mT": lambda x: fnp.matrix_transpose(x),
    "at": _AtIndexer,
    "real": fnp.real,
    "imag": fnp.imag,
    "itemsize": lambda x: x.dtype.itemsize,
}


def _tracer_item(x, *args):
    return x._concrete("x.item()").item(*args)


def _tracer_tolist(x):
    return x._concrete("x.tolist()").tolist()


def install() -> None:
    for cls in (Array, Tracer):
        for name, fn in {**_OPERATORS, **_METHODS}.items():
            setattr(cls, name, fn)
        for name, fn in _PROPERTIES.items():
            setattr(cls, name, property(fn))
        cls.__getitem__ = getitem
    Tracer.item = _tracer_item
    Tracer.tolist = _tracer_tolist
    Array.__hash__ = None


install()
