"""``functrans.nn``: activations, softmax, logsumexp, one_hot and standardize, with
``jax.nn``'s names, signatures and numerics.

Example::

    import functrans.nn as fnn
    fnn.softmax(logits, axis=-1); fnn.gelu(x, approximate=False); fnn.one_hot(y, 10)
"""

from __future__ import annotations

import math

import numpy as np

from . import _lax_lenient as lax
from . import numpy as fnp
from .core import dtypes
from .higher_order.custom_derivatives import custom_jvp
from .numpy._util import as_array, aval, promote_dtypes_inexact


def _inexact(x):
    (x,) = promote_dtypes_inexact(x)
    return as_array(x)


def _select_tangent(keep, t):
    return lax.select(keep, t, lax.full_like(t, 0))


@custom_jvp
def relu(x):
    """``max(x, 0)`` (``jax.nn.relu``), with JAX's derivative: 0 at ``x == 0``, by selection
    (so an infinite cotangent from ``sqrt(relu(x))`` at 0 gives 0, not NaN).

    Example: ``fnn.relu(fnp.array([-1.0, 2.0]))``"""
    (x,) = fnp._util.promote_dtypes(x)
    return fnp.maximum(x, 0)


@relu.defjvp
def _relu_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return relu(x), _select_tangent(fnp.greater(x, 0), t)


@custom_jvp
def relu6(x):
    """``min(max(x, 0), 6)`` (``jax.nn.relu6``); derivative 0 at 0 and 6, as JAX."""
    return fnp.minimum(fnp.maximum(x, 0), 6.0)


@relu6.defjvp
def _relu6_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return relu6(x), _select_tangent(fnp.logical_and(fnp.greater(x, 0), fnp.less(x, 6)), t)


def sigmoid(x):
    """The logistic function ``1 / (1 + exp(-x))`` (``jax.nn.sigmoid``)."""
    return lax.logistic(_inexact(x))


def log_sigmoid(x):
    """``log(sigmoid(x))`` computed stably as ``-softplus(-x)`` (``jax.nn.log_sigmoid``)."""
    return fnp.negative(softplus(fnp.negative(_inexact(x))))


def softplus(x):
    """``log(1 + exp(x))`` computed stably (``jax.nn.softplus``)."""
    return fnp.logaddexp(_inexact(x), 0)


def silu(x):
    """``x * sigmoid(x)`` (``jax.nn.silu``; also ``swish``)."""
    x = _inexact(x)
    return lax.mul(x, lax.logistic(x))


swish = silu


def gelu(x, approximate: bool = True):
    """Gaussian error linear unit (``jax.nn.gelu``): the tanh approximation by default,
    the exact ``x * Phi(x)`` with ``approximate=False``."""
    x = _inexact(x)
    if approximate:
        c = math.sqrt(2 / math.pi)
        inner = lax.mul(lax.add(x, lax.mul(lax.integer_pow(x, 3), 0.044715)), c)
        return lax.mul(lax.mul(x, 0.5), lax.add(lax.tanh(inner), 1))
    return lax.mul(lax.mul(x, 0.5), lax.add(lax.erf(lax.mul(x, 1 / math.sqrt(2))), 1))


def elu(x, alpha=1.0):
    """``x`` if positive else ``alpha * (exp(x) - 1)`` (``jax.nn.elu``)."""
    x = _inexact(x)
    safe = fnp.where(fnp.greater(x, 0), 0.0, x)
    return fnp.where(fnp.greater(x, 0), x, fnp.multiply(alpha, lax.expm1(safe)))


def celu(x, alpha=1.0):
    """Continuously differentiable ELU (``jax.nn.celu``)."""
    x = _inexact(x)
    return fnp.maximum(x, 0.0) + fnp.multiply(alpha, fnp.expm1(
        fnp.true_divide(fnp.minimum(x, 0.0), alpha)))


def selu(x):
    """Scaled ELU (``jax.nn.selu``)."""
    alpha, scale = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
    return fnp.multiply(scale, elu(x, alpha))


def leaky_relu(x, negative_slope=1e-2):
    """``x`` if non-negative else ``negative_slope * x`` (``jax.nn.leaky_relu``)."""
    x = _inexact(x)
    return fnp.where(fnp.greater_equal(x, 0), x, fnp.multiply(negative_slope, x))


def hard_tanh(x):
    """``clip(x, -1, 1)`` (``jax.nn.hard_tanh``)."""
    return fnp.clip(_inexact(x), -1.0, 1.0)


def hard_sigmoid(x):
    """``relu6(x + 3) / 6`` (``jax.nn.hard_sigmoid``)."""
    return fnp.true_divide(relu6(fnp.add(_inexact(x), 3.0)), 6.0)


def hard_silu(x):
    """``x * hard_sigmoid(x)`` (``jax.nn.hard_silu``; also ``hard_swish``)."""
    x = _inexact(x)
    return fnp.multiply(x, hard_sigmoid(x))


hard_swish = hard_silu


def soft_sign(x):
    """``x / (|x| + 1)`` (``jax.nn.soft_sign``)."""
    x = _inexact(x)
    return fnp.true_divide(x, fnp.add(fnp.abs(x), 1.0))


def glu(x, axis=-1):
    """Gated linear unit: ``a * sigmoid(b)`` for the halves of ``axis`` (``jax.nn.glu``)."""
    a, b = fnp.split(x, 2, axis=axis)
    return fnp.multiply(a, sigmoid(b))


def _where_fill(x, where, fill):
    return x if where is None else fnp.where(where, x, fill)


def logsumexp(a, axis=None, b=None, keepdims=False, return_sign=False, where=None):
    """``log(sum(b * exp(a)))`` over ``axis``, computed stably (``jax.nn.logsumexp``).

    Args:
      a: array.
      axis: int, tuple or None.
      b: optional scale factors broadcast against ``a``.
      keepdims: keep reduced axes.
      return_sign: also return the sign of the sum (for negative ``b``).
      where: mask of the elements to include.
    Returns:
      The log-sum-exp (and the sign if ``return_sign``).
    Example:
      ``fnn.logsumexp(fnp.array([0.0, 0.0]))  # log(2)``
    """
    a = _inexact(a)
    a = _where_fill(a, where, -np.inf)
    amax = fnp.max(a, axis=axis, keepdims=True)
    amax = lax.stop_gradient(amax)
    amax = fnp.where(fnp.isfinite(amax), amax, 0.0)
    e = fnp.exp(fnp.subtract(a, amax))
    if b is not None:
        e = fnp.multiply(e, b)
    e = _where_fill(e, where, 0.0)
    s = fnp.sum(e, axis=axis, keepdims=True)
    sign = fnp.sign(s)
    out = fnp.add(fnp.log(fnp.abs(s)), amax)
    if not keepdims:
        axes = fnp._util.reduction_axes(axis, aval(a).ndim, "logsumexp")
        out, sign = lax.squeeze(out, axes), lax.squeeze(sign, axes)
    if return_sign:
        return out, sign
    if b is not None:
        out = fnp.where(fnp.less(sign, 0), np.nan, out)
    return out


def log_softmax(x, axis=-1, where=None):
    """``x - logsumexp(x)`` along ``axis`` (``jax.nn.log_softmax``)."""
    x = _inexact(x)
    shifted = fnp.subtract(x, lax.stop_gradient(fnp.max(
        _where_fill(x, where, -np.inf), axis=axis, keepdims=True)))
    total = fnp.sum(_where_fill(fnp.exp(shifted), where, 0.0), axis=axis, keepdims=True)
    return _where_fill(fnp.subtract(shifted, fnp.log(total)), where, -np.inf)


def softmax(x, axis=-1, where=None):
    """``exp(x) / sum(exp(x))`` along ``axis``, computed stably (``jax.nn.softmax``).

    Example: ``fnn.softmax(fnp.array([1.0, 2.0, 3.0]))``
    """
    x = _inexact(x)
    shifted = fnp.subtract(x, lax.stop_gradient(fnp.max(
        _where_fill(x, where, -np.inf), axis=axis, keepdims=True)))
    e = _where_fill(fnp.exp(shifted), where, 0.0)
    return fnp.true_divide(e, fnp.sum(e, axis=axis, keepdims=True))


def standardize(x, axis=-1, mean=None, variance=None, epsilon=1e-5, where=None):
    """``(x - mean) / sqrt(variance + epsilon)`` along ``axis`` (``jax.nn.standardize``)."""
    x = _inexact(x)
    if mean is None:
        mean = fnp.mean(x, axis, keepdims=True, where=where)
    if variance is None:
        centered = fnp.subtract(x, mean)
        variance = fnp.mean(fnp.multiply(centered, centered), axis, keepdims=True,
                            where=where)
    return fnp.multiply(fnp.subtract(x, mean), lax.rsqrt(fnp.add(variance, epsilon)))


def one_hot(x, num_classes, *, dtype=None, axis=-1):
    """One-hot encoding of integer ``x`` with ``num_classes`` classes (``jax.nn.one_hot``).

    Example: ``fnn.one_hot(fnp.array([0, 2]), 3)  # [[1,0,0],[0,0,1]]``
    """
    x = as_array(x)
    nd = aval(x).ndim + 1
    ax = fnp._util.canonical_axis(axis, nd, "one_hot")
    shape = aval(x).shape[:ax] + (int(num_classes),) + aval(x).shape[ax:]
    classes = lax.broadcasted_iota(aval(x).dtype if dtypes.is_integer(aval(x).dtype)
                                   else dtypes.int32, shape, ax)
    xb = fnp.expand_dims(x, ax)
    hot = fnp.equal(xb, classes)
    out_dtype = dtypes.default_float() if dtype is None else np.dtype(dtype)
    return lax.convert_element_type(hot, out_dtype)


from . import _nn_initializers as initializers  # noqa: E402, F401 (jax.nn.initializers)
from ._nn_extra import (  # noqa: E402, F401  (more of jax.nn)
    dot_product_attention,
    identity,
    log1mexp,
    logmeanexp,
    mish,
    sparse_plus,
    sparse_sigmoid,
    squareplus,
    tanh,
)
from ._nn_scaled import (  # noqa: E402, F401  (block-scaled matmul)
    BlockScaleConfig,
    get_scaled_dot_general_config,
    scaled_dot_general,
    scaled_matmul,
)
