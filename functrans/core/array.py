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
    block_many = None  # ([buffers on distinct devices], [their devices]) -> None
    split_group = None  # a runtime object holding one buffer per device -> [buffers]


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

    def copy_to_host_async(self) -> None:
        """Start copying a device buffer to the host, so a later read does not wait
        (``jax.Array.copy_to_host_async``); nothing to do for a host value."""
        if self._np is None and self._buf is not None:
            self._buf.copy_to_host_async()

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


class Shard:
    """One device's block of a ShardedArray (``jax.Shard``): ``device``, ``index`` (the
    block's position along the sharded axis, None if replicated) and ``data``."""

    __slots__ = ("device", "index", "data")

    def __init__(self, device, index, data: Array):
        self.device, self.index, self.data = device, index, data

    def __repr__(self) -> str:
        return f"Shard(device={self.device!r}, index={self.index}, data={self.data!r})"


class ShardedArray(Array):
    """An Array kept as one device buffer per device (a pmap result).

    Block k along axis ``_shard_axis`` (the block has that axis removed) is on device
    ``_shard_devices[k]``; with ``_shard_axis`` None every buffer holds the whole value.
    The buffers are a list (``_shards``) or one runtime object holding them all
    (``_group``, split by ``backend.split_group`` on demand). The next pmap over the
    same devices takes them as they are; host use (NumPy, printing, eager ops) gathers
    them once.
    """

    __slots__ = ("_shards", "_group", "_shard_axis", "_shard_devices")

    def __init__(self, aval: ShapedArray, shards: list | None, axis: int | None,
                 devices: list, group: Any = None):
        super().__init__(None, aval)
        self._shards, self._group = shards, group
        self._shard_axis, self._shard_devices = axis, devices

    def shard_buffers(self) -> list | None:
        """One device buffer per entry of ``_shard_devices`` (None once deleted)."""
        if self._shards is None and self._group is not None:
            self._shards = backend.split_group(self._group)
        return self._shards

    def numpy(self) -> np.ndarray:
        if self._np is None:
            shards = self.shard_buffers()
            if shards is None:
                return super().numpy()
            parts = [np.asarray(b) for b in shards]
            self._np = parts[0] if self._shard_axis is None else np.stack(parts, self._shard_axis)
        return self._np

    def device_buffer(self, device=None):
        if self._shard_axis is None and self._buf is None and self.shard_buffers():
            devs = self._shard_devices
            if device is None or device in devs:
                return self._shards[devs.index(device) if device is not None else 0]
        return super().device_buffer(device)

    def devices(self) -> set:
        return set(self._shard_devices)

    @property
    def device(self):
        return self._shard_devices[0]

    @property
    def addressable_shards(self) -> list[Shard]:
        axis = self._shard_axis
        aval = self.aval if axis is None else self.aval.update(
            shape=self.shape[:axis] + self.shape[axis + 1:])
        return [Shard(d, None if axis is None else k, Array(None, aval, b, d))
                for k, (b, d) in enumerate(zip(self.shard_buffers(), self._shard_devices,
                                               strict=True))]

    def is_deleted(self) -> bool:
        return self._shards is None and self._group is None and super().is_deleted()

    def block_until_ready(self) -> ShardedArray:
        if self._group is not None and backend.block is not None:
            backend.block(self._group)
        elif self._shards and backend.block_many is not None:
            backend.block_many(self._shards, self._shard_devices)
        return self


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


_WEAK_SCALAR_AVALS: dict = {}  # dtype -> ShapedArray((), dtype, weak_type=True)
_WEAK_SCALARS: dict = {}  # (type, value, dtype) -> shared read-only weak rank-0 Array
_WEAK_SCALARS_MAX = 256  # the cache is cleared when it reaches this many entries


def weak_scalar(x, dtype) -> Array:
    """A Python scalar as a weakly typed rank-0 Array of ``dtype``.

    Eager code lifts the same few constants over and over (``x * 2.0``), so nonzero
    scalars are cached: the Array is shared, its NumPy value read-only, and an entry whose
    buffer was donated to a jit call is made again. Zeros are not cached (``0.0`` and
    ``-0.0`` are equal keys with different values).

    Args:
      x: a bool, int, float or complex.
      dtype: the dtype of the result.
    Returns:
      An Array of shape ``()`` and ``dtype`` with ``weak_type=True``.
    Example:
      >>> weak_scalar(2.0, np.float32)
      Array(2., dtype=float32, weak_type=True)
    """
    key = (type(x), x, dtype)
    a = _WEAK_SCALARS.get(key) if x else None
    if a is not None and a._np is not None:
        return a
    aval = _WEAK_SCALAR_AVALS.get(dtype)
    if aval is None:
        aval = _WEAK_SCALAR_AVALS[dtype] = ShapedArray((), dtype, True)
    value = np.asarray(x, dtype=aval.dtype)
    a = Array(value, aval)
    if x:
        value.flags.writeable = False
        if len(_WEAK_SCALARS) >= _WEAK_SCALARS_MAX:
            _WEAK_SCALARS.clear()
        _WEAK_SCALARS[key] = a
    return a
