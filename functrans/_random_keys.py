"""PRNG keys and the threefry key operations behind ``functrans.random``.

A raw key (``PRNGKey``) is a ``uint32[2]`` array; a typed key (``random.key``) is a
``PRNGKeyArray`` wrapping ``uint32[..., 2]`` data (a pytree, so it passes through
jit, vmap and grad). Bits, split and fold_in follow JAX's default threefry
implementation with ``jax_threefry_partitionable`` on (JAX's default): the counter
of element ``i`` of a sample of shape ``s`` is the 64-bit pair ``(hi(i), lo(i))`` of
its row-major index.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from . import _lax_lenient as lax
from . import numpy as fnp
from .api import jit
from .core import dtypes
from .core.trace import bind
from .primitives.random_bits import threefry2x32_p
from .tree_util import register_pytree_node


class KeyDtype:
    """The dtype of typed keys: ``key<fry>`` (threefry2x32)."""

    name = "key<fry>"

    def __repr__(self):
        return self.name

    __str__ = __repr__

    def __eq__(self, other):
        return isinstance(other, KeyDtype)

    def __hash__(self):
        return hash(self.name)


class PRNGKeyArray:
    """An array of typed threefry keys; ``key_data(k)`` gives its ``uint32[..., 2]``."""

    dtype = KeyDtype()

    def __init__(self, data):
        self._data = data

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(np.shape(self._data))[:-1]

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    def __len__(self):
        if not self.shape:
            raise TypeError("len() of an unsized key array")
        return self.shape[0]

    def __getitem__(self, idx):
        if not isinstance(idx, tuple):
            idx = (idx,)
        return PRNGKeyArray(self._data[(*idx, slice(None))])

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def reshape(self, *shape):
        shape = shape[0] if len(shape) == 1 and isinstance(shape[0], tuple | list) else shape
        return PRNGKeyArray(fnp.reshape(self._data, (*shape, 2)))

    def __repr__(self):
        return f"Array({self.shape}, dtype={self.dtype})"


register_pytree_node(PRNGKeyArray, lambda k: ((k._data,), None),
                     lambda _, data: PRNGKeyArray(data[0]))


def check_key(name: str, key, allow_batched: bool = False):
    """``(data uint32[..., 2], typed)`` for a typed or raw key, checked."""
    typed = isinstance(key, PRNGKeyArray)
    data = key._data if typed else key
    aval_shape, dtype = tuple(np.shape(data)), getattr(data, "dtype", None)
    if not typed and (dtype is None or np.dtype(dtype) != np.uint32 or aval_shape[-1:] != (2,)):
        raise TypeError(f"[random.{name}] expects a key from random.key or random.PRNGKey "
                        f"(a uint32[2] array), got {type(key).__name__} of shape {aval_shape} "
                        f"and dtype {dtype}")
    if not allow_batched and aval_shape != (2,):
        raise ValueError(f"[random.{name}] accepts a single key, but was given a key array of "
                         f"shape {aval_shape[:-1]} != (); use functrans.vmap for batching")
    return fnp.asarray(data), typed


def wrap_result(typed: bool, data):
    return PRNGKeyArray(data) if typed else data


def seed_to_key_data(seed):
    """``uint32[2]`` key data from an integer seed: ``(hi, lo)`` 32-bit halves."""
    if isinstance(seed, PRNGKeyArray):
        raise TypeError("[random.key] accepts a scalar seed, but was given a PRNG key")
    if isinstance(seed, int | np.integer) and not isinstance(seed, bool):
        # a Python int is an int64 (int32 in 32-bit mode, wrapping), as in JAX
        dtype = dtypes.canonicalize(np.int64 if isinstance(seed, int) else np.asarray(seed).dtype)
        value = int(np.asarray(np.int64(seed) if isinstance(seed, int) else seed).astype(dtype))
        hi = (value >> 32) & 0xFFFFFFFF if dtype.itemsize == 8 else 0
        return fnp.asarray(np.array([hi, value & 0xFFFFFFFF], np.uint32))
    seed = fnp.asarray(seed)
    if seed.shape:
        raise TypeError(f"[random.key] accepts a scalar seed, but was given an array of shape "
                        f"{seed.shape} != (); use functrans.vmap for batching")
    if not dtypes.is_integer(seed.dtype):
        raise TypeError(f"[random.key] the seed must be an integer, got dtype {seed.dtype}")
    lo = lax.convert_element_type(seed, np.uint32)
    hi = fnp.zeros((), np.uint32)
    if seed.dtype.itemsize == 8:
        hi = lax.convert_element_type(
            lax.shift_right_logical(seed, fnp.full((), 32, seed.dtype)), np.uint32)
    return fnp.stack([hi, lo])


def iota_2x32(shape):
    """The row-major index of each element of ``shape`` as ``(hi, lo)`` uint32 halves."""
    size = math.prod(shape)
    if size >= 2**32:
        raise NotImplementedError(f"[random] samples of {size} >= 2**32 elements")
    lo = lax.reshape(lax.iota(np.uint32, size), shape) if shape else fnp.zeros((), np.uint32)
    return fnp.zeros(shape, np.uint32), lo


def hash_counts(data, hi, lo):
    return bind(threefry2x32_p, data[0], data[1], hi, lo)


@functools.partial(jit, static_argnums=(1,))
def split_data(data, shape):
    """``(*shape, 2)`` keys derived from key ``data`` (JAX's fold-like split)."""
    b1, b2 = hash_counts(data, *iota_2x32(shape))
    return fnp.stack([b1, b2], axis=len(shape))


def fold_in_data(data, value):
    value = lax.convert_element_type(fnp.asarray(value), np.uint32)
    b1, b2 = hash_counts(data, fnp.zeros((), np.uint32), value)
    return fnp.stack([b1, b2])


UINT_DTYPES = {8: np.dtype(np.uint8), 16: np.dtype(np.uint16), 32: np.dtype(np.uint32),
               64: np.dtype(np.uint64)}


@functools.partial(jit, static_argnums=(1, 2))
def random_bits(data, bit_width: int, shape):
    """Uniform unsigned bits of ``bit_width`` (8/16/32/64) and ``shape`` from key ``data``:
    the two hashed words XORed (8/16 bits: truncated), or for 64 bits concatenated
    (first word high), as JAX's partitionable threefry."""
    b1, b2 = hash_counts(data, *iota_2x32(tuple(shape)))
    if bit_width == 64:
        if not dtypes.x64_enabled():
            raise TypeError("[random.bits] 64-bit bits need 64-bit mode: "
                            "functrans.config.update('jax_enable_x64', True)")
        u64 = UINT_DTYPES[64]
        hi = lax.convert_element_type(b1, u64)
        lo = lax.convert_element_type(b2, u64)
        return lax.bitwise_or(lax.shift_left(hi, fnp.full(tuple(shape), 32, u64)), lo)
    bits = lax.bitwise_xor(b1, b2)
    if bit_width == 32:
        return bits
    if bit_width in (8, 16):
        return lax.convert_element_type(bits, UINT_DTYPES[bit_width])
    raise TypeError(f"[random.bits] needs an 8-, 16-, 32- or 64-bit width, got {bit_width}")
