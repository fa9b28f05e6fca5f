"""More of ``jax.nn`` (re-exported by ``functrans.nn``): the remaining activations
(identity, mish, squareplus, sparse_plus, sparse_sigmoid, tanh, log1mexp), logmeanexp and
``dot_product_attention`` (multi-head, grouped-query, with bias, masks, causal and local
windows, and per-example sequence lengths)."""

from __future__ import annotations

import math

import numpy as np

from . import lax
from . import numpy as fnp
from .numpy._util import as_array, aval, promote_dtypes_inexact


def _inexact(x):
    (x,) = promote_dtypes_inexact(x)
    return as_array(x)


def identity(x):
    """``x`` unchanged (``jax.nn.identity``)."""
    return as_array(x)


def tanh(x):
    """Hyperbolic tangent (``jax.nn.tanh``)."""
    return fnp.tanh(x)


def mish(x):
    """``x * tanh(softplus(x))`` (``jax.nn.mish``).

    Example:
        >>> fnn.mish(fnp.array(0.0))
        Array(0., dtype=float32)
    """
    x = _inexact(x)
    return x * fnp.tanh(fnp.logaddexp(x, 0.0))


def squareplus(x, b=4):
    """``(x + sqrt(x**2 + b)) / 2``, a smooth relu (``jax.nn.squareplus``)."""
    x = _inexact(x)
    return (x + fnp.sqrt(x * x + b)) / 2


def sparse_plus(x):
    """0 for ``x <= -1``, ``x`` for ``x >= 1``, ``(x + 1)**2 / 4`` between
    (``jax.nn.sparse_plus``)."""
    x = _inexact(x)
    return fnp.where(x <= -1.0, 0.0, fnp.where(x >= 1.0, x, (x + 1.0) ** 2 / 4))


def sparse_sigmoid(x):
    """``clip((x + 1) / 2, 0, 1)``, the derivative of ``sparse_plus``
    (``jax.nn.sparse_sigmoid``)."""
    x = _inexact(x)
    return 0.5 * fnp.clip(x + 1.0, 0.0, 2.0)


def log1mexp(x):
    """``log(1 - exp(-x))`` for ``x > 0``, computed stably (``jax.nn.log1mexp``)."""
    x = _inexact(x)
    return fnp.where(x > math.log(2), fnp.log1p(-fnp.exp(-x)), fnp.log(-fnp.expm1(-x)))


def logmeanexp(x, axis=None, where=None, keepdims=False):
    """``log(mean(exp(x)))`` over ``axis``, computed stably (``jax.nn.logmeanexp``)."""
    from .nn import logsumexp
    x = _inexact(x)
    lse = logsumexp(x, axis=axis, keepdims=keepdims, where=where)
    if where is None:
        axes = fnp._util.reduction_axes(axis, aval(x).ndim, "logmeanexp")
        count = float(np.prod([aval(x).shape[a] for a in axes]))
    else:
        count = fnp.sum(fnp.broadcast_to(where, aval(x).shape), axis=axis, keepdims=keepdims,
                        dtype=aval(x).dtype)
    return lse - fnp.log(count)


def _large_negative(dtype):
    big = min(float(np.finfo(np.dtype(dtype)).max) if np.dtype(dtype).kind == "f" else 3.4e38,
              float(np.finfo(np.float32).max))
    return -0.7 * big


def _attention_masks(shape, mask, is_causal, q_len, kv_len, window):
    """The combined bool mask broadcastable to logits of ``shape`` (B, N, T, S), or None."""
    b, _, t, s = shape
    parts = []
    if mask is not None:
        parts.append(as_array(mask))
    rows = lax.broadcasted_iota(np.int32, (t, s), 0)
    cols = lax.broadcasted_iota(np.int32, (t, s), 1)
    if is_causal:
        parts.append(fnp.reshape(rows >= cols, (1, 1, t, s)))
    if window is not None:
        left, right = window
        parts.append(fnp.reshape((rows <= cols + left) & (rows >= cols - right), (1, 1, t, s)))
    if q_len is not None:
        q_ok = lax.broadcasted_iota(np.int32, (b, t), 1) < fnp.reshape(q_len, (b, 1))
        parts.append(fnp.reshape(q_ok, (b, 1, t, 1)))
    if kv_len is not None:
        kv_ok = lax.broadcasted_iota(np.int32, (b, s), 1) < fnp.reshape(kv_len, (b, 1))
        parts.append(fnp.reshape(kv_ok, (b, 1, 1, s)))
    if not parts:
        return None
    out = parts[0]
    for p in parts[1:]:
        out = fnp.logical_and(out, p)
    return out


def dot_product_attention(query, key, value, bias=None, mask=None, *, scale=None,
                          is_causal=False, query_seq_lengths=None, key_value_seq_lengths=None,
                          local_window_size=None, implementation=None):
    """Scaled dot-product attention, ``softmax(q k^T * scale + bias) v``
    (``jax.nn.dot_product_attention``).

    Args:
      query: ``(B, T, N, H)`` or ``(T, N, H)``.
      key, value: ``(B, S, K, H)`` or ``(S, K, H)``; ``N`` must be a multiple of ``K``
        (grouped-query attention).
      bias: added to the logits, broadcastable to ``(B, N, T, S)``.
      mask: bool, broadcastable to ``(B, N, T, S)``; False positions are excluded.
      scale: logits scale (default ``1 / sqrt(H)``).
      is_causal: exclude keys after the query position.
      query_seq_lengths, key_value_seq_lengths: ``(B,)`` int valid lengths.
      local_window_size: ``(left, right)`` or an int: keys within the window only.
      implementation: None or ``'xla'`` (``'cudnn'`` is not available).

    Returns:
      The attention output of ``query``'s shape.

    Example:
        >>> q = fnp.ones((2, 4, 3, 8))
        >>> fnn.dot_product_attention(q, q, q, is_causal=True).shape
        (2, 4, 3, 8)
    """
    if implementation not in (None, "xla"):
        raise NotImplementedError(f"[dot_product_attention] implementation={implementation!r} "
                                  "is not available; use None or 'xla'")
    q, k, v = (as_array(a) for a in (query, key, value))
    unbatched = aval(q).ndim == 3
    if unbatched:
        q, k, v = (fnp.expand_dims(a, 0) for a in (q, k, v))
    if aval(q).ndim != 4 or aval(k).ndim != 4 or aval(k).shape != aval(v).shape:
        raise ValueError(f"[dot_product_attention] expected query (B,T,N,H) and key/value "
                         f"(B,S,K,H) of equal shapes, got {aval(q).shape}, {aval(k).shape}, "
                         f"{aval(v).shape}")
    bsz, t, n, h = aval(q).shape
    _, s, kh, _ = aval(k).shape
    if n % kh:
        raise ValueError(f"[dot_product_attention] query heads ({n}) must be a multiple of "
                         f"key/value heads ({kh})")
    if isinstance(local_window_size, int):
        local_window_size = (local_window_size, local_window_size)
    g = n // kh
    scale = 1.0 / math.sqrt(h) if scale is None else scale
    logits_dtype = np.promote_types(aval(q).dtype, np.float32)
    qg = fnp.reshape(q, (bsz, t, kh, g, h))
    logits = fnp.einsum("btkgh,bskh->bkgts", qg, k, preferred_element_type=logits_dtype)
    logits = fnp.reshape(logits, (bsz, n, t, s)) * fnp.asarray(scale, logits_dtype)
    if bias is not None:
        logits = (logits + bias).astype(logits_dtype)
    combined = _attention_masks((bsz, n, t, s), mask, is_causal, query_seq_lengths,
                                key_value_seq_lengths, local_window_size)
    if combined is not None:
        logits = fnp.where(combined, logits, _large_negative(logits_dtype))
    from .nn import softmax
    probs = softmax(logits.astype(np.float32), axis=-1).astype(aval(k).dtype)
    probs = fnp.reshape(probs, (bsz, kh, g, t, s))
    out = fnp.reshape(fnp.einsum("bkgts,bskh->btkgh", probs, v), (bsz, t, n, h))
    if query_seq_lengths is not None:
        valid = lax.broadcasted_iota(np.int32, (bsz, t), 1) < fnp.reshape(query_seq_lengths,
                                                                         (bsz, 1))
        out = out * fnp.reshape(valid, (bsz, t, 1, 1)).astype(out.dtype)
    return out[0] if unbatched else out


__all__ = ["identity", "tanh", "mish", "squareplus", "sparse_plus", "sparse_sigmoid",
           "log1mexp", "logmeanexp", "dot_product_attention"]
