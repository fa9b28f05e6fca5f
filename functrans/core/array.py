"""``functrans.Array``: the one user-facing array type.

An Array holds a NumPy array on the host, a device buffer, or both, and moves
between them lazily: ``_np`` is made from the buffer on first host use
(zero-copy on the CPU), the buffer from ``_np`` on first device use. Operators
and array methods are attached by ``functrans._array_methods``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import dtypes
from .ir import ShapedArray


class _Backend:
    """Device hooks installed by ``functrans.xla_lowering.runtime`` when it loads."""

    to_device = None  # (np.ndarray, device|None) -> buffer
    device_of = None  # buffer -> device
    block = None  # buffer -> None


backend = _Backend()


class Array:
    __slots__ = ("aval", "_np", "_buf", "_dev", "__weakref__")
    __array_priority__ = 100

    def __init__(self, value: np.ndarray | None, aval: ShapedArray, buf: Any = None,
                 dev: Any = None):
        self.aval = aval
        self._np = value
        self._buf = buf
        self._dev = dev  # the device of ``_buf``

    shape = property(lambda self: self.aval.shape)
    dtype = property(lambda self: self.aval.dtype)
    ndim = property(lambda self: self.aval.ndim)
    size = property(lambda self: self.aval.size)
    weak_type = property(lambda self: self.aval.weak_type)

    @property
    def nbytes(self) -> int:
        return self.size * self.dtype.itemsize

    def numpy(self) -> np.ndarray:
        """The host value (read-only view where possible)."""
        if self._np is None:
            if self._buf is None:
                raise RuntimeError("Array has been deleted (its buffer was donated to a jit "
                                   "call with donate_argnums); use the call's outputs instead")
            self._np = np.asarray(self._buf)
        return self._np

    def device_buffer(self, device=None):
        """The device buffer on ``device`` (default: where it lives, else the default)."""
        if self._buf is not None and (device is None or self._dev == device):
            return self._buf
        buf, dev = backend.to_device(self.numpy(), device)
        if self._buf is None:
            self._buf, self._dev = buf, dev
        return buf

    def devices(self) -> set:
        self.device_buffer()
        return {self._dev}

    @property
    def device(self):
        self.device_buffer()
        return self._dev

    def is_deleted(self) -> bool:
        return self._np is None and self._buf is None

    def block_until_ready(self) -> Array:
        if self._buf is not None and backend.block is not None:
            backend.block(self._buf)
        return self

    def __array__(self, dtype=None, copy=None):
        value = self.numpy()
        return value if dtype is None else value.astype(dtype)

    def __float__(self):
        return float(self.numpy())

    def __int__(self):
        return int(self.numpy())

    def __complex__(self):
        return complex(self.numpy())

    def __bool__(self):
        return bool(self.numpy())

    def __index__(self):
        if not dtypes.is_integer(self.dtype):
            raise TypeError(f"only integer arrays can be used as an index, got {self.dtype}")
        return int(self.numpy())

    def __len__(self):
        if not self.shape:
            raise TypeError("len() of unsized object (a 0-d array)")
        return self.shape[0]

    def __iter__(self):
        if not self.shape:
            raise TypeError("iteration over a 0-d array")
        return (self[i] for i in range(self.shape[0]))

    def item(self, *args):
        """The element at ``args`` (a flat index or one index per axis; none for a size-1
        array) as a Python scalar, as ``numpy.ndarray.item``."""
        return self.numpy().item(*args)

    def tolist(self):
        return self.numpy().tolist()

    def tobytes(self, order="C") -> bytes:
        return self.numpy().tobytes(order)

    def __hash__(self):
        raise TypeError("unhashable type: 'Array'")

    def __repr__(self) -> str:
        body = np.array2string(self.numpy(), separator=", ", prefix="Array(")
        extra = ", weak_type=True" if self.weak_type else ""
        return f"Array({body}, dtype={self.dtype.name}{extra})"

    def __str__(self) -> str:
        return str(self.numpy())

    def __format__(self, spec):
        return format(self.numpy().item() if self.ndim == 0 else self.numpy(), spec)

    def __reduce__(self):
        return (_rebuild, (self.numpy(), self.weak_type))


def _rebuild(value, weak_type):
    return Array(value, ShapedArray(value.shape, value.dtype, weak_type))


def from_numpy(value: np.ndarray, weak_type: bool = False) -> Array:
    return Array(value, ShapedArray(value.shape, value.dtype, weak_type))


_SCALAR_TYPES = (bool, int, float, complex)


def is_array_like(x) -> bool:
    return isinstance(x, (Array, np.ndarray, np.generic, *_SCALAR_TYPES)) or (
        hasattr(x, "__array__") and hasattr(x, "shape") and hasattr(x, "dtype"))


def invalid_value_error(x, api: str) -> TypeError:
    return TypeError(f"[{api}] {type(x).__name__} is not a valid array value: pass a "
                     "functrans.Array, a NumPy array, a jax.Array or a Python scalar "
                     "(convert lists with functrans.numpy.asarray)")


def aval_of(x, api: str = "functrans") -> ShapedArray:
    """The abstract value of a concrete value (Array, NumPy, Python scalar, jax.Array)."""
    aval = getattr(x, "aval", None)
    if isinstance(aval, ShapedArray):
        return aval
    if isinstance(x, _SCALAR_TYPES):
        dtype, weak = dtypes.dtype_and_weak(x)
        return ShapedArray((), dtype, weak)
    if is_array_like(x):
        dtype = dtypes.check_supported(x.dtype, api)
        return ShapedArray(np.shape(x), dtype, bool(getattr(x, "weak_type", False)))
    raise invalid_value_error(x, api)


def as_numpy(x, api: str = "functrans") -> np.ndarray:
    """``x`` as a NumPy array of its canonical (32-bit) dtype."""
    if isinstance(x, Array):
        return x.numpy()
    if isinstance(x, np.ndarray):
        dtype = dtypes.check_supported(x.dtype, api)
        return x if dtype == x.dtype else x.astype(dtype)
    if isinstance(x, _SCALAR_TYPES) or is_array_like(x):
        return np.asarray(x, dtype=aval_of(x, api).dtype)
    raise invalid_value_error(x, api)
