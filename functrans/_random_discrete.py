"""Discrete samplers and those built on other samplers, for ``functrans.random``
(re-exported there): bernoulli, rademacher, randint, permutation, choice,
categorical, multivariate_normal, orthogonal. Same algorithms as ``jax.random``,
so the same key gives the same samples."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from . import _lax_lenient as lax
from . import numpy as fnp
from ._random_keys import UINT_DTYPES, check_key, random_bits, split_data
from .core import dtypes
from .random import _float_dtype, _gumbel, _normal, _shape, _uniform


def bernoulli(key, p=0.5, shape=None, mode: str = "low"):
    """Booleans that are True with probability ``p``.

    Args:
      key: a single key.
      p: probability (float, broadcastable to ``shape``).
      shape: the result shape (default ``p``'s shape).
      mode: ``'low'`` (JAX's default: one uniform per sample) or ``'high'`` (two, for
        resolution below the float's epsilon).
    Returns:
      A bool array.
    Example:
      >>> random.bernoulli(random.key(0), 0.3, (4,))
    """
    data, _ = check_key("bernoulli", key)
    if mode not in ("low", "high"):
        raise ValueError(f"[random.bernoulli] mode must be 'low' or 'high', got {mode!r}")
    p = fnp.asarray(p)
    if not dtypes.is_float(p.dtype):
        raise TypeError(f"[random.bernoulli] probability p must have a float dtype, got "
                        f"{p.dtype}")
    shape = p.shape if shape is None else _shape("bernoulli", shape, p.shape)
    if mode == "high":
        u = _uniform(data, (2, *shape), p.dtype, 0.0, 1.0)
        return u[1] * (2.0 ** -np.finfo(p.dtype).nmant) < p - u[0]
    return _uniform(data, shape, p.dtype, 0.0, 1.0) < p


def rademacher(key, shape=(), dtype=None):
    """Uniform samples from {-1, +1}.

    Args:
      key: a single key.
      shape: the result shape.
      dtype: the result dtype (default int32).
    Returns:
      An array of ``shape`` and ``dtype``.
    Example:
      >>> random.rademacher(random.key(0), (4,))
    """
    dtype = dtypes.canonicalize(np.int64 if dtype is None else dtype)
    b = bernoulli(key, 0.5, _shape("rademacher", shape)).astype(dtype)
    return (2 * b - 1).astype(dtype)


def _clip_to(val, dtype):
    """``val`` (an integer array) converted to ``dtype``, clipped to its range."""
    vi, di = np.iinfo(val.dtype), np.iinfo(dtype)
    lo, hi = max(vi.min, di.min), min(vi.max, di.max)
    return fnp.clip(val, np.array(lo, val.dtype), np.array(hi, val.dtype)).astype(dtype)


def randint(key, shape, minval, maxval, dtype=None):
    """Uniform integers in ``[minval, maxval)`` (as JAX: two words per sample, a modulus).

    Args:
      key: a single key.
      shape: the result shape.
      minval, maxval: bounds (broadcastable to ``shape``).
      dtype: an integer dtype (default int32).
    Returns:
      An array of ``shape`` and ``dtype``.
    Example:
      >>> random.randint(random.key(0), (3,), 0, 10)
    """
    data, _ = check_key("randint", key)
    dtype = dtypes.canonicalize(np.int64 if dtype is None else dtype)
    if not dtypes.is_integer(dtype):
        raise TypeError(f"[random.randint] dtype must be an integer dtype, got {dtype}")
    shape = _shape("randint", shape, np.shape(minval), np.shape(maxval))
    minval, maxval = fnp.asarray(minval), fnp.asarray(maxval)
    info = np.iinfo(dtype)
    if info.bits < 32:  # sample in 32 bits (less bias), as JAX
        minval = fnp.clip(minval.astype(np.int32), int(info.min), int(info.max))
        maxval = fnp.clip(maxval.astype(np.int32), int(info.min), int(info.max) + 1)
        return _randint(data, shape, minval, maxval, np.dtype(np.int32)).astype(dtype)
    return _randint(data, shape, minval, maxval, dtype)


def _randint(data, shape, minval, maxval, dtype):
    minval = minval if dtypes.is_integer(minval.dtype) else minval.astype(np.int32)
    maxval = maxval if dtypes.is_integer(maxval.dtype) else maxval.astype(np.int32)
    top = _clip_to(fnp.asarray(np.array(np.iinfo(dtype).max, dtype)), maxval.dtype)
    maxval_out_of_range = maxval > top
    minval, maxval = _clip_to(minval, dtype), _clip_to(maxval, dtype)
    nbits = np.iinfo(dtype).bits
    keys = split_data(data, (2,))
    higher, lower = random_bits(keys[0], nbits, shape), random_bits(keys[1], nbits, shape)
    udt = UINT_DTYPES[nbits]
    span = fnp.broadcast_to(lax.convert_element_type(maxval - minval, udt), shape)
    one = fnp.ones(shape, udt)
    span = fnp.where(fnp.broadcast_to(maxval <= minval, shape), one, span)
    span = fnp.where(fnp.broadcast_to(maxval_out_of_range & (maxval > minval), shape),
                     span + one, span)
    mult = lax.rem(fnp.full(shape, 2 ** (nbits // 2), udt), span)
    mult = lax.rem(mult * mult, span)
    offset = lax.rem(lax.rem(higher, span) * mult + lax.rem(lower, span), span)
    return minval + lax.convert_element_type(offset, dtype)


def _shuffle(data, x, axis: int):
    size = math.prod(x.shape)
    rounds = int(np.ceil(3 * np.log(max(1, size)) / np.log(np.iinfo(np.uint32).max)))
    for _ in range(rounds):
        keys = split_data(data, (2,))
        data = keys[0]
        sort_keys = random_bits(keys[1], 32, x.shape)
        _, x = lax.sort_key_val(sort_keys, x, axis)
    return x


def permutation(key, x, axis: int = 0, independent: bool = False):
    """A random permutation of ``arange(x)`` (int ``x``) or of ``x`` along ``axis``.

    Args:
      key: a single key.
      x: an int (permute ``arange(x)``) or an array.
      axis: the axis to permute.
      independent: permute each slice along ``axis`` independently.
    Returns:
      The permuted array.
    Example:
      >>> random.permutation(random.key(0), 5)
    """
    data, _ = check_key("permutation", key)
    if not np.ndim(x):
        if not dtypes.is_integer(np.asarray(x).dtype):
            raise TypeError("[random.permutation] x must be an integer or at least 1-D")
        return _shuffle(data, fnp.arange(int(x)), 0)
    x = fnp.asarray(x)
    axis = axis % x.ndim
    if independent or x.ndim == 1:
        return _shuffle(data, x, axis)
    ind = _shuffle(data, fnp.arange(x.shape[axis]), 0)
    return fnp.take(x, ind, axis=axis)


def choice(key, a, shape: Sequence[int] = (), replace: bool = True, p=None, axis: int = 0):
    """Samples from ``a`` (an int ``n`` means ``arange(n)``), optionally weighted by ``p``.

    Args:
      key: a single key.
      a: an int or an array.
      shape: the sample shape.
      replace: sample with replacement.
      p: probabilities (1-D, ``a.shape[axis]`` long) or None for uniform.
      axis: the axis of ``a`` to sample along.
    Returns:
      The samples.
    Example:
      >>> random.choice(random.key(0), 5, (3,), replace=False)
    """
    data, _ = check_key("choice", key)
    if not isinstance(shape, Sequence):
        raise TypeError(f"[random.choice] shape must be a sequence, got {shape!r}")
    arr = fnp.asarray(a)
    n_inputs = int(a) if arr.ndim == 0 else arr.shape[axis % arr.ndim]
    axis = axis % arr.ndim if arr.ndim else 0
    n_draws = math.prod(shape)
    if n_draws == 0:
        return fnp.zeros(shape, arr.dtype)
    if n_inputs <= 0:
        raise ValueError("[random.choice] a must be greater than 0 unless no samples are taken")
    if not replace and n_draws > n_inputs:
        raise ValueError(f"[random.choice] cannot take a larger sample (size {n_draws}) than "
                         f"the population (size {n_inputs}) when replace=False")
    if p is None:
        if replace:
            ind = randint(data, tuple(shape), 0, n_inputs)
            result = ind if arr.ndim == 0 else fnp.take(arr, ind, axis=axis)
        else:
            perm = permutation(data, n_inputs if arr.ndim == 0 else arr, axis)
            result = lax.slice_in_dim(perm, 0, n_draws, axis=axis)
    else:
        p = fnp.asarray(p)
        p = p if dtypes.is_inexact(p.dtype) else p.astype(np.float32)
        if p.shape != (n_inputs,):
            raise ValueError(f"[random.choice] p must be None or a 1-D vector of size "
                             f"a.shape[axis]={n_inputs}, got shape {p.shape}")
        if replace:
            p_cuml = fnp.cumsum(p)
            r = p_cuml[-1] * (1 - _uniform(data, tuple(shape), p_cuml.dtype, 0.0, 1.0))
            ind = fnp.searchsorted(p_cuml, r).astype(dtypes.default_int())
        else:
            g = _gumbel(data, (n_inputs,), p.dtype, None) + fnp.log(p)
            ind = lax.top_k(g, n_draws)[1].astype(dtypes.default_int())
        result = ind if arr.ndim == 0 else fnp.take(arr, ind, axis=axis)
    out_shape = (tuple(shape) if arr.ndim == 0
                 else arr.shape[:axis] + tuple(shape) + arr.shape[axis + 1:])
    return fnp.reshape(result, out_shape)


def categorical(key, logits, axis: int = -1, shape=None, replace: bool = True, mode=None):
    """Category indices sampled from unnormalized log-probabilities (Gumbel-max).

    Args:
      key: a single key.
      logits: log-probabilities along ``axis``.
      axis: the category axis.
      shape: the sample shape (default: ``logits`` without ``axis``).
      replace: sample with replacement (False: Gumbel top-k).
      mode: ``None``/``'low'``.
    Returns:
      int32 indices.
    Example:
      >>> random.categorical(random.key(0), fnp.log(fnp.array([0.2, 0.8])), shape=(3,))
    """
    data, _ = check_key("categorical", key)
    logits = fnp.asarray(logits)
    axis_pos = axis % logits.ndim
    batch_shape = tuple(d for i, d in enumerate(logits.shape) if i != axis_pos)
    shape = batch_shape if shape is None else _shape("categorical", shape, batch_shape)
    prefix = shape[:len(shape) - len(batch_shape)]
    if replace:
        neg_axis = axis_pos - logits.ndim
        logits_shape = list(shape[len(shape) - len(batch_shape):])
        logits_shape.insert(neg_axis % logits.ndim, logits.shape[neg_axis])
        g = _gumbel(data, (*prefix, *logits_shape), logits.dtype, mode)
        expanded = fnp.reshape(logits, (1,) * len(prefix) + logits.shape)
        return fnp.argmax(g + expanded, axis=neg_axis)
    logits = logits + _gumbel(data, logits.shape, logits.dtype, mode)
    k = math.prod(prefix)
    if k > logits.shape[axis_pos]:
        raise ValueError(f"[random.categorical] number of samples without replacement ({k}) "
                         f"cannot exceed the number of categories ({logits.shape[axis_pos]})")
    _, indices = lax.top_k(fnp.moveaxis(logits, axis_pos, -1), k)
    dims = (indices.ndim - 1, *range(indices.ndim - 1))
    return lax.reshape(indices, shape, dims)


def multivariate_normal(key, mean, cov, shape=None, dtype=None, method: str = "cholesky"):
    """Multivariate normal samples ``mean + factor @ z`` (factor from cholesky/svd/eigh).

    Args:
      key: a single key.
      mean: ``(..., n)`` means.
      cov: ``(..., n, n)`` covariances.
      shape: the batch shape (default: the broadcast of the batch shapes).
      dtype: a float dtype (default float32).
      method: ``'cholesky'``, ``'svd'`` or ``'eigh'``.
    Returns:
      Samples of shape ``shape + (n,)``.
    Example:
      >>> random.multivariate_normal(random.key(0), fnp.zeros(2), fnp.eye(2), (3,))
    """
    data, _ = check_key("multivariate_normal", key)
    dtype = _float_dtype("multivariate_normal", dtype)
    mean, cov = fnp.asarray(mean, dtype), fnp.asarray(cov, dtype)
    if mean.ndim < 1 or cov.ndim < 2 or cov.shape[-2:] != (mean.shape[-1],) * 2:
        raise ValueError(f"[random.multivariate_normal] needs mean (..., n) and cov (..., n, n), "
                         f"got {mean.shape} and {cov.shape}")
    linalg = fnp.linalg
    missing = {"cholesky": "cholesky", "svd": "svd", "eigh": "eigh"}[method]
    if not hasattr(linalg, missing):
        raise NotImplementedError(f"[random.multivariate_normal] method={method!r} needs "
                                  f"functrans.numpy.linalg.{missing}, not available yet")
    if shape is None:
        shape = np.broadcast_shapes(mean.shape[:-1], cov.shape[:-2])
    shape = tuple(shape)
    if method == "svd":
        u, s, _ = linalg.svd(cov)
        factor = u * fnp.sqrt(s[..., None, :])
    elif method == "eigh":
        w, v = linalg.eigh(cov)
        factor = v * fnp.sqrt(w[..., None, :])
    else:
        factor = linalg.cholesky(cov)
    z = _normal(data, shape + mean.shape[-1:], dtype)
    return mean + fnp.einsum("...ij,...j->...i", factor, z)


def orthogonal(key, n: int, shape=(), dtype=None, m: int | None = None):
    """Haar-random orthogonal (``n x m``) matrices, from the QR of a normal matrix.

    Args:
      key: a single key.
      n: rows.
      shape: batch shape.
      dtype: a float dtype (default float32).
      m: columns (default ``n``).
    Returns:
      An array of shape ``shape + (n, m)``.
    Example:
      >>> random.orthogonal(random.key(0), 3)
    """
    data, _ = check_key("orthogonal", key)
    dtype = _float_dtype("orthogonal", dtype)
    if not hasattr(fnp.linalg, "qr"):
        raise NotImplementedError("[random.orthogonal] needs functrans.numpy.linalg.qr, "
                                  "not available yet")
    m = n if m is None else m
    z = _normal(data, (*_shape("orthogonal", shape), max(n, m), min(n, m)), dtype)
    q, r = fnp.linalg.qr(z)
    d = fnp.diagonal(r, axis1=-2, axis2=-1)
    x = q * fnp.expand_dims(fnp.sign(d), -2)
    return fnp.swapaxes(x, -1, -2) if n < m else x
