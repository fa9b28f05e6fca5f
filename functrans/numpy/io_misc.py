"""The remaining small names of ``jax.numpy``: bit packing, host I/O and buffer
constructors, print options, scalar-type aliases and ``einsum_path``.

Host I/O (``load``, ``save``, ``frombuffer``, ...) goes through NumPy and returns
``functrans.Array`` values, as JAX's versions return ``jax.Array``.
"""

from __future__ import annotations

import numpy as np

from .. import lax
from ..core import dtypes
from ._util import as_array, aval
from .creation import asarray
from .shapes import moveaxis, ravel, reshape

# NumPy scalar-type aliases that jax.numpy re-exports.
bool = np.bool_  # noqa: A001  (jax.numpy.bool)
object_ = np.object_
character = np.character
flexible = np.flexible
ComplexWarning = np.exceptions.ComplexWarning

get_printoptions = np.get_printoptions
set_printoptions = np.set_printoptions
printoptions = np.printoptions
save = np.save
savez = np.savez


def _bit_weights(bitorder: str):
    if bitorder not in ("big", "little"):
        raise ValueError(f"[packbits] bitorder must be 'big' or 'little', got {bitorder!r}")
    w = 1 << np.arange(8, dtype=np.uint8)
    return w[::-1].copy() if bitorder == "big" else w


def packbits(a, axis=None, bitorder="big"):
    """Pack the truth values of ``a`` into the bits of uint8 (``jax.numpy.packbits``),
    padding ``axis`` with zeros to a multiple of 8.

    Example:
        >>> fnp.packbits(fnp.array([1, 0, 1]))
        Array([160], dtype=uint8)
    """
    a = as_array(a)
    if not (dtypes.is_integer(aval(a).dtype) or aval(a).dtype == dtypes.bool_):
        raise TypeError(f"[packbits] needs integer or boolean input, got {aval(a).dtype}")
    bits = lax.convert_element_type(lax.ne(a, lax.full_like(a, 0)), np.uint8)
    if axis is None:
        bits, axis = ravel(bits), 0
    bits = moveaxis(bits, axis, -1)
    n = aval(bits).shape[-1]
    pad = -n % 8
    if pad:
        cfg = [(0, 0, 0)] * (aval(bits).ndim - 1) + [(0, pad, 0)]
        bits = lax.pad(bits, lax.full((), 0, np.uint8), cfg)
    groups = reshape(bits, aval(bits).shape[:-1] + ((n + pad) // 8, 8))
    w = as_array(_bit_weights(bitorder))
    packed = lax.reduce_sum(lax.mul(groups, lax.broadcast(w, aval(groups).shape[:-1])), (
        aval(groups).ndim - 1,))
    return moveaxis(packed, -1, axis)


def unpackbits(a, axis=None, count=None, bitorder="big"):
    """Unpack the bits of uint8 ``a`` (``jax.numpy.unpackbits``); ``count`` keeps the first
    bits (negative: drops from the end).

    Example:
        >>> fnp.unpackbits(fnp.array([160], dtype=fnp.uint8))[:3]
        Array([1, 0, 1], dtype=uint8)
    """
    a = as_array(a)
    if aval(a).dtype != np.uint8:
        raise TypeError(f"[unpackbits] needs uint8 input, got {aval(a).dtype}")
    if axis is None:
        a, axis = ravel(a), 0
    a = moveaxis(a, axis, -1)
    w = as_array(_bit_weights(bitorder))
    shape = aval(a).shape + (8,)
    expanded = lax.broadcast_in_dim(a, shape, tuple(range(aval(a).ndim)))
    bits = lax.convert_element_type(
        lax.ne(lax.bitwise_and(expanded, lax.broadcast(w, shape[:-1])),
               lax.full(shape, 0, np.uint8)), np.uint8)
    bits = reshape(bits, aval(a).shape[:-1] + (aval(a).shape[-1] * 8,))
    if count is not None:
        bits = bits[..., :count]
    return moveaxis(bits, -1, axis)


def load(file, *args, **kwargs):
    """``numpy.load``, with arrays returned as ``functrans.Array`` (``jax.numpy.load``)."""
    out = np.load(file, *args, **kwargs)
    return asarray(out) if isinstance(out, np.ndarray) and out.dtype != object else out


def frombuffer(buffer, dtype=float, count=-1, offset=0):
    """An array from the bytes of ``buffer`` (``jax.numpy.frombuffer``)."""
    return asarray(np.frombuffer(buffer, dtype=dtype, count=count, offset=offset))


def fromstring(string, dtype=float, count=-1, *, sep):
    """An array from text numbers separated by ``sep`` (``jax.numpy.fromstring``)."""
    return asarray(np.fromstring(string, dtype=dtype, count=count, sep=sep))


def fromfile(*args, **kwargs):
    """Not supported (as in JAX): read with ``numpy.fromfile`` and pass the result to
    ``functrans.numpy.asarray``."""
    raise NotImplementedError("[fromfile] is not supported: use numpy.fromfile and "
                              "functrans.numpy.asarray")


def fromiter(*args, **kwargs):
    """Not supported (as in JAX): build with ``numpy.fromiter`` and pass the result to
    ``functrans.numpy.asarray``."""
    raise NotImplementedError("[fromiter] is not supported: use numpy.fromiter and "
                              "functrans.numpy.asarray")


def from_dlpack(x, /, *, device=None, copy=None):
    """An array from an object supporting DLPack (``jax.numpy.from_dlpack``), via NumPy."""
    return asarray(np.from_dlpack(x))


def einsum_path(subscripts, *operands, optimize="auto"):
    """A contraction order for ``einsum`` and its description, ``(path, text)``: the path
    is a list of operand-position pairs (as ``jax.numpy.einsum_path``), found by NumPy's
    optimizer (which may pick a different, equally valid order than JAX's opt_einsum)."""
    shapes = [np.zeros(np.shape(o) if not hasattr(o, "aval") else o.aval.shape, np.float32)
              for o in operands]
    opt = "greedy" if optimize in ("auto", True) else optimize
    path, text = np.einsum_path(subscripts, *shapes, optimize=opt)
    return path[1:], text


__all__ = ["bool", "object_", "character", "flexible", "ComplexWarning",
           "get_printoptions", "set_printoptions", "printoptions", "save", "savez", "packbits",
           "unpackbits", "load", "frombuffer", "fromstring", "fromfile", "fromiter",
           "from_dlpack", "einsum_path"]
