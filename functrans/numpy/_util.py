"""Promotion, broadcasting and axis helpers shared by every ``functrans.numpy`` function.

Rules (as ``jax.numpy``): operands are promoted on JAX's lattice
(``core.dtypes.promote``; 64-bit results only in 64-bit mode; no implicit promotion
between array dtypes with ``jax_numpy_dtype_promotion='strict'``), Python scalars are
weakly typed, NumPy broadcasting aligns trailing axes (warned about or refused with
``jax_numpy_rank_promotion`` 'warn'/'raise').
"""

from __future__ import annotations

import warnings

import numpy as np

from .. import _lax_lenient as lax
from ..core import dtypes
from ..core.array import Array, aval_of, weak_scalar
from ..core.config import _values as _config_values
from ..core.ir import ShapedArray
from ..core.trace import Tracer, bind1
from ..primitives.elementwise import convert_element_type_p

_PY_SCALARS = (bool, int, float, complex)


def aval(x) -> ShapedArray:
    a = getattr(x, "aval", None)
    if type(a) is ShapedArray:  # Arrays and tracers
        return a
    return aval_of(asarray_value(x), "functrans.numpy")


def shape(x) -> tuple[int, ...]:
    return aval(x).shape


def is_traced(x) -> bool:
    return isinstance(x, Tracer)


def concrete(x, api: str):
    """A NumPy value for ``x``, or a clear error when it is traced."""
    if isinstance(x, Tracer):
        val = x.concrete_value()
        if val is None:
            raise TypeError(f"[{api}] needs a concrete (non-traced) value, got a traced "
                            f"{x.aval.str_short()}; pass it as a static argument or use a "
                            "static size= argument where the function has one")
        return np.asarray(val)
    if isinstance(x, (list, tuple)):
        return np.asarray(asarray_value(x))
    return np.asarray(x)


def asarray_value(x):
    """Arrays, tracers and scalars pass through; lists, tuples and NumPy scalars become
    Arrays."""
    if isinstance(x, (list, tuple)):
        from .creation import asarray
        return asarray(x)
    return x


def as_array(x):
    """``x`` as an Array or tracer (Python scalars become weakly typed Arrays)."""
    x = asarray_value(x)
    if isinstance(x, (Array, Tracer)):
        return x
    if isinstance(x, _PY_SCALARS):
        dtype, weak = dtypes.dtype_and_weak(x)
        return Array(np.asarray(x, dtype=dtype), ShapedArray((), dtype, weak))
    a = aval(x)
    return Array(np.asarray(x, dtype=a.dtype), a)


def promote_dtypes(*args):
    """Cast ``args`` to their common dtype under JAX's promotion rules."""
    if args and _same_avals_dtype(args):  # nothing to promote (the common case)
        return list(args)
    args = [asarray_value(a) for a in args]
    dtype, weak = dtypes.promote(*[dtypes.dtype_and_weak(a) for a in args])
    return [_cast(a, dtype, weak) for a in args]


def _same_avals_dtype(args) -> bool:
    """Every arg is an Array/tracer with the first one's dtype and weak type."""
    first = getattr(args[0], "aval", None)
    if type(first) is not ShapedArray:
        return False
    dtype, weak = first.dtype, first.weak_type
    for a in args:
        av = getattr(a, "aval", None)
        if type(av) is not ShapedArray or av.dtype != dtype or av.weak_type != weak:
            return False
    return True


def promote_dtypes_inexact(*args):
    """Promote, then move integer/bool results to a float (float32; float64 for 64-bit
    integers), keeping weak types."""
    args = promote_dtypes(*args)
    if not args or dtypes.is_inexact(aval(args[0]).dtype):
        return args
    target = dtypes.to_inexact(aval(args[0]).dtype)
    return [convert(as_array(a), target, aval(a).weak_type) for a in args]


def _cast(x, dtype, weak):
    if isinstance(x, _PY_SCALARS):
        # A Python scalar stays a weak rank-0 operand (JAX: `mul b 2.0:f32[]`); the other,
        # strongly typed operands make the result strong. Only bools are never weak.
        return lax._scalar_as(x, dtype) if weak or type(x) is not bool else \
            lax.convert_element_type(x, dtype)
    a = aval(x)
    if a.dtype == dtype:
        return x if not a.weak_type or weak else lax.convert_element_type(x, dtype)
    return convert(as_array(x), dtype, weak)


def convert(x, dtype, weak: bool = False):
    """Cast ``x`` to ``dtype`` with the given weak type (promotion makes the operands of
    a weakly typed result weak, as JAX does)."""
    a = aval(x)
    if a.dtype == dtype and a.weak_type == weak:
        return x
    return bind1(convert_element_type_p, x, new_dtype=np.dtype(dtype), weak_type=weak)


def result_dtype(*args) -> np.dtype:
    return dtypes.promote(*[dtypes.dtype_and_weak(asarray_value(a)) for a in args])[0]


def broadcast_shapes(*shapes, api: str = "functrans.numpy") -> tuple[int, ...]:
    ndim = max((len(s) for s in shapes), default=0)
    out = []
    for dims in zip(*[(1,) * (ndim - len(s)) + tuple(s) for s in shapes], strict=True):
        sizes = {d for d in dims if d != 1}
        if len(sizes) > 1:
            raise ValueError(f"[{api}] shapes {' and '.join(str(tuple(s)) for s in shapes)} "
                             "cannot be broadcast together (each axis must match or be 1)")
        out.append(sizes.pop() if sizes else 1)
    return tuple(out)


def broadcast_to(x, shape_):
    shape_ = tuple(int(d) for d in shape_)
    x = as_array(x)
    xshape = aval(x).shape
    if xshape == shape_:
        return x
    if len(xshape) > len(shape_):
        raise ValueError(f"[broadcast_to] cannot broadcast shape {xshape} to {shape_}: "
                         "the target has fewer dimensions")
    lead = len(shape_) - len(xshape)
    for i, d in enumerate(xshape):
        if d not in (1, shape_[lead + i]):
            raise ValueError(f"[broadcast_to] cannot broadcast shape {xshape} to {shape_}: "
                             f"axis {i} has size {d}, not 1 or {shape_[lead + i]}")
    keep = [i for i, d in enumerate(xshape) if d == shape_[lead + i]]
    squeezed = lax.reshape(x, [xshape[i] for i in keep]) if len(keep) < len(xshape) else x
    return lax.broadcast_in_dim(squeezed, shape_, [lead + i for i in keep])


_FLOAT_KINDS = frozenset("fV")  # V: bfloat16
_NUMBER_KINDS = frozenset("iufV")


def fast_operands(x, y, inexact: bool = False):
    """The hot path of binary ufuncs: ``(x, y)`` when they need no promotion or
    broadcasting (same dtype, shape and weak type; or an array with a Python float/int
    that takes its dtype, returned lifted to a weak rank-0 Array), else None."""
    ax = getattr(x, "aval", None)
    if ax is None:
        ty = type(x)
        if (ty is float or ty is int) and _scalar_fits(ty, y, inexact):
            return weak_scalar(x, y.aval.dtype), y
        return None
    ty = type(y)
    if ty is float or ty is int:
        return (x, weak_scalar(y, ax.dtype)) if _scalar_fits(ty, x, inexact) else None
    try:
        ay = y.aval
    except AttributeError:
        return None
    if (ax.dtype == ay.dtype and ax.shape == ay.shape and ax.weak_type == ay.weak_type
            and (not inexact or ax.dtype.kind in _FLOAT_KINDS)):
        return x, y
    return None


def _scalar_fits(ty, arr, inexact: bool) -> bool:
    """A Python scalar of type ``ty`` takes the dtype of ``arr`` (an Array or tracer)."""
    a = getattr(arr, "aval", None)
    if type(a) is not ShapedArray or a.dtype == dtypes.float0:
        return False
    return a.dtype.kind in (_FLOAT_KINDS if ty is float or inexact else _NUMBER_KINDS)


def promote_and_broadcast(*args, api: str = "functrans.numpy"):
    """Promote dtypes, then broadcast every operand to the common shape."""
    return broadcast_all(*promote_dtypes(*args), api=api)


def broadcast_all(*args, api: str = "functrans.numpy", keep_scalars: bool = False):
    """Broadcast every operand to the common shape (rank-0 operands stay rank-0 with
    ``keep_scalars``: the elementwise primitives broadcast them)."""
    shapes = [aval(a).shape for a in args]
    if len({len(s) for s in shapes if s}) > 1 and \
            _config_values["jax_numpy_rank_promotion"] != "allow":
        _rank_promotion(api, shapes)
    shape_ = broadcast_shapes(*shapes, api=api)
    return [a if s == shape_ or (keep_scalars and s == ()) else broadcast_to(a, shape_)
            for a, s in zip(args, shapes, strict=True)]


def _rank_promotion(api: str, shapes) -> None:
    """``jax_numpy_rank_promotion`` 'warn'/'raise': implicit rank broadcasting."""
    got = " ".join(str(tuple(s)) for s in shapes)
    if _config_values["jax_numpy_rank_promotion"] == "raise":
        raise ValueError(f"[{api}] operands of shapes {got} have different ranks and "
                         "jax_numpy_rank_promotion='raise' forbids implicit rank promotion; "
                         "add the leading axes explicitly (x[None], fnp.expand_dims, "
                         "fnp.broadcast_to)")
    warnings.warn(f"[{api}] implicit rank promotion of shapes {got} (NumPy broadcasting); "
                  "set jax_numpy_rank_promotion to 'allow' to silence this or 'raise' to make "
                  "it an error", UserWarning, stacklevel=4)


def canonical_axis(axis, ndim: int, api: str) -> int:
    axis = int(axis)
    if not -ndim <= axis < max(ndim, 1) or (ndim == 0 and axis not in (0, -1)):
        raise ValueError(f"[{api}] axis {axis} is out of bounds for an array of rank {ndim} "
                         f"(valid axes: {-ndim}..{ndim - 1})")
    return axis % ndim if ndim else 0


_ALL_AXES = [tuple(range(n)) for n in range(33)]


def reduction_axes(axis, ndim: int, api: str) -> tuple[int, ...]:
    if axis is None:
        return _ALL_AXES[ndim] if ndim < 33 else tuple(range(ndim))
    if type(axis) is int and -ndim <= axis < ndim:  # the common single-axis case
        return (axis % ndim,)
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    out = tuple(canonical_axis(a, ndim, api) for a in axes)
    if len(set(out)) != len(out):
        raise ValueError(f"[{api}] repeated axis in axis={axis}")
    return out


def check_unsupported(name: str, **kwargs) -> None:
    for k, v in kwargs.items():
        if v is not None:
            raise NotImplementedError(f"[{name}] the {k}= argument is not supported")


def full_like_(x, fill_value, dtype=None):
    """A constant array with ``x``'s shape (and dtype unless given), never weakly typed
    unless ``x`` is and no dtype is given."""
    a = aval(x)
    dtype = a.dtype if dtype is None else np.dtype(dtype)
    value = lax._scalar_as(fill_value, dtype) if a.weak_type and dtype == a.dtype else \
        lax.convert_element_type(Array(np.asarray(fill_value, dtype=dtype),
                                       ShapedArray((), dtype)), dtype)
    return lax.broadcast(value, a.shape) if a.shape else value
