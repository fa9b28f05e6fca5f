"""Registering the rules of a primitive: ``def_abstract_eval``, ``def_impl``,
``def_jvp``, ``def_transpose``, ``def_vmap``, ``def_lowering`` (each a plain call or a
decorator), and helpers for the common cases. The rules are adapted to the internal
tables' conventions (lists everywhere) from the one-value form of a
``Primitive(..., multiple_results=False)``."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..core import registry
from ..core.ir import ShapedArray
from ..primitives import _ops
from ..primitives._batching import elementwise_vmap
from ..primitives._builders import naryop_abstract_eval
from ..primitives._ops import UndefinedPrimal
from ..xla_lowering import user_lowering
from ..xla_lowering.elementwise import broadcast_operands
from .core import Primitive

__all__ = ["def_abstract_eval", "def_impl", "def_jvp", "def_transpose", "def_vmap",
           "def_lowering", "lowering_from_function", "def_linear", "def_zero_derivative",
           "def_no_derivative", "elementwise_primitive", "UndefinedPrimal",
           "is_undefined_primal"]


def _single(prim) -> bool:
    return isinstance(prim, Primitive) and not prim.multiple_results


def _registrar(table_setter: Callable) -> Callable:
    """``def_x(prim, fn)`` registers; ``def_x(prim)`` returns a decorator."""
    def register(prim, fn=None):
        if not isinstance(prim, Primitive):
            raise TypeError(f"[functrans.extend] expected a functrans.extend.Primitive, got "
                            f"{prim!r}; create yours with Primitive(name)")
        if fn is None:
            return lambda f: register(prim, f)
        table_setter(prim, fn)
        return fn
    register.__name__ = table_setter.__name__
    register.__doc__ = table_setter.__doc__
    return register


def _as_avals(prim, out) -> list:
    outs = [out] if _single(prim) else list(out)
    for a in outs:
        if not isinstance(a, ShapedArray):
            raise TypeError(f"[{prim.name}] the abstract eval rule must return a ShapedArray "
                            f"{'' if _single(prim) else 'list '}(e.g. x.update(dtype=...)), "
                            f"got {type(a).__name__}")
    return outs


@_registrar
def def_abstract_eval(prim, fn):
    """Register ``fn(*avals, **params) -> ShapedArray``: the result's shape and dtype for
    operands of abstract values ``avals``. Raise ``TypeError(f"[{name}] ...")`` for bad
    operands here: it runs before anything is evaluated or compiled.

    Example:
        >>> @def_abstract_eval(softplus_p)
        ... def _(x):
        ...     return x   # same shape and dtype as the operand
    """
    registry.abstract_eval_rules[prim] = lambda *avals, **p: _as_avals(prim, fn(*avals, **p))


@_registrar
def def_impl(prim, fn):
    """Register the eager implementation ``fn(*np_arrays, **params) -> np.ndarray``,
    written with NumPy: what ``bind`` computes outside jit (the reference semantics).

    Example:
        >>> def_impl(softplus_p, lambda x: np.logaddexp(x, 0).astype(x.dtype))
    """
    if _single(prim):
        registry.impl_rules[prim] = lambda *xs, **p: [fn(*xs, **p)]
    else:
        registry.impl_rules[prim] = lambda *xs, **p: list(fn(*xs, **p))


@_registrar
def def_jvp(prim, fn):
    """Register ``fn(primals, tangents, **params) -> (primal_out, tangent_out)``, written
    with functrans operations (so it is differentiated, batched and compiled again).
    ``primals`` and ``tangents`` are lists (zero tangents arrive as zeros); return
    ``None`` as a tangent known to be zero. grad needs it too: reverse mode transposes
    the linear part of the jvp, so the jvp must use primitives with transpose rules.

    Example:
        >>> @def_jvp(softplus_p)
        ... def _(primals, tangents):
        ...     (x,), (t,) = primals, tangents
        ...     return softplus(x), t * lax.logistic(x)
    """
    def rule(primals, tangents, **params):
        out, t_out = fn(primals, tangents, **params)
        return ([out], [t_out]) if _single(prim) else (list(out), list(t_out))
    registry.jvp_rules[prim] = rule


def is_undefined_primal(x) -> bool:
    """True for an operand a transpose rule receives as ``UndefinedPrimal(aval)``: one
    the primitive is linear in, whose cotangent the rule returns.

    Example:
        >>> is_undefined_primal(UndefinedPrimal(ShapedArray((3,), np.float32)))
        True
    """
    return isinstance(x, UndefinedPrimal)


@_registrar
def def_transpose(prim, fn):
    """Register ``fn(ct, *operands, **params) -> [ct_operand or None per operand]`` for a
    primitive linear in the operands that arrive as ``UndefinedPrimal`` (the others are
    values). ``ct`` is the cotangent of the result (a list of them with several results);
    return ``None`` for a non-linear operand or a zero cotangent.

    Example:
        >>> def_transpose(scale_p, lambda ct, x, *, c: [scale(ct, c=c)])
    """
    def rule(cts, *args, **params):
        out = fn(cts[0] if _single(prim) else cts, *args, **params)
        out = list(out) if isinstance(out, list | tuple) else [out]
        if len(out) != len(args):
            raise TypeError(f"[{prim.name}] the transpose rule returned {len(out)} "
                            f"cotangents for {len(args)} operands (give None for the "
                            "non-linear ones)")
        return out
    registry.transpose_rules[prim] = rule


@_registrar
def def_vmap(prim, fn):
    """Register the batching rule ``fn(args, dims, **params) -> (out, out_dim)``: ``dims[i]``
    is the batch axis of ``args[i]``, or None where the value is the same for every
    batch element; return the result
    computed on the whole batch and the axis where its batch dimension is. Written with
    functrans operations (usually binding the primitive itself on the batched values).

    Example:
        >>> def_vmap(softplus_p, lambda args, dims: (softplus(args[0]), dims[0]))
    """
    def rule(axis_data, vals, bdims, **params):
        out, dim = fn(list(vals), list(bdims), **params)
        return ([out], [dim]) if _single(prim) else (list(out), list(dim))
    registry.vmap_rules[prim] = rule


@_registrar
def def_lowering(prim, fn):
    """Register the XLA lowering ``fn(ctx, *operands, **params) -> value``: build the
    result with ``ctx.op("stablehlo.<op>", *values, result=..., attributes=...)`` and
    ``ctx.constant(value, like_aval)``; ``ctx.avals_in``/``ctx.avals_out`` give the types.
    No MLIR or jax import is needed. Errors name the primitive and the op.

    Example:
        >>> @def_lowering(softplus_p)
        ... def _(ctx, x):   # max(x, 0) + log1p(exp(-|x|))
        ...     e = ctx.op("stablehlo.exponential", ctx.op("stablehlo.negate",
        ...                                                ctx.op("stablehlo.abs", x)))
        ...     return ctx.op("stablehlo.add", ctx.op("stablehlo.log_plus_one", e),
        ...                   ctx.op("stablehlo.maximum", x, ctx.constant(0, ctx.avals_in[0])))
    """
    registry.lowering_rules[prim] = user_lowering.user_rule(fn, prim.name, not _single(prim))


@_registrar
def lowering_from_function(prim, fn):
    """Lower ``prim`` by tracing ``fn(*operands, **params)``, a composition of functrans
    operations with the primitive's semantics, and compiling that in its place (like
    JAX's ``mlir.lower_fun``). ``fn`` must not bind ``prim`` itself.

    Example:
        >>> lowering_from_function(softplus_p, lambda x: fnp.logaddexp(x, 0.0))
    """
    registry.lowering_rules[prim] = user_lowering.function_lowering(fn, prim,
                                                                    not _single(prim))


def def_linear(prim, transpose: Callable) -> None:
    """Declare ``prim`` linear in all its operands: its jvp applies ``prim`` to the
    tangents, and ``transpose(ct, *operands, **params)`` is its transpose rule (see
    ``def_transpose``). For a primitive linear in some operands only, use ``def_jvp``
    and ``def_transpose``.

    Example:
        >>> def_linear(cumsum_p, lambda ct, x: [fnp.flip(cumsum(fnp.flip(ct, -1)), -1)])
    """
    registry.jvp_rules[prim] = _ops.linear_jvp(prim)
    def_transpose(prim, transpose)


def def_zero_derivative(prim) -> None:
    """Declare ``prim`` piecewise constant: its derivative is zero (a symbolic zero, so
    no ``0 * inf`` NaN downstream), like ``round`` or ``sign``.

    Example:
        >>> def_zero_derivative(quantize_p)    # grad through it is 0
    """
    if not isinstance(prim, Primitive):
        raise TypeError(f"[def_zero_derivative] expected a functrans.extend.Primitive, got "
                        f"{prim!r}")
    registry.jvp_rules[prim] = _ops.zero_jvp(prim)


def def_no_derivative(prim, reason: str) -> None:
    """Declare that ``prim`` has no derivative, and why. Differentiating through it
    raises ``TypeError("[jvp] '<name>' is not differentiable: <reason>; wrap its input in
    lax.stop_gradient ...")``; results with an integer or bool dtype have zero tangents
    and pass.

    Example:
        >>> def_no_derivative(bucketize_p, "bucket indices are piecewise constant")
    """
    if not isinstance(prim, Primitive):
        raise TypeError(f"[def_no_derivative] expected a functrans.extend.Primitive, got "
                        f"{prim!r}")
    registry.jvp_rules.pop(prim, None)
    registry.declare_no_rule("jvp", prim, reason)


def elementwise_primitive(name: str, numpy_fn: Callable, *,
                          derivatives: Sequence[Callable] | None = None,
                          lowering: str | Callable | None = None,
                          kind: str = "inexact") -> Primitive:
    """An elementwise primitive in one call: operands of equal shapes and dtypes (rank-0
    operands broadcast), NumPy impl ``numpy_fn``, elementwise vmap rule.

    Args:
      name: the primitive's name.
      numpy_fn: ``numpy_fn(*np_arrays) -> np.ndarray`` (the eager implementation).
      derivatives: one function per operand, ``d_i(*operands) -> ∂out/∂operand_i``,
        written with functrans operations; the jvp is ``sum_i t_i * d_i(...)``. None: no
        jvp rule (add one with ``def_jvp``, or use ``def_zero_derivative``).
      lowering: a StableHLO op name (``"stablehlo.atan2"``), or a function of functrans
        operations (see ``lowering_from_function``), or None.
      kind: operand dtypes accepted: ``"inexact"`` (float/complex), ``"float"``,
        ``"number"``, ``"int"`` or ``"any"``.

    Returns:
      The ``Primitive`` (call it with ``prim.bind(*xs)``).

    Example:
        >>> atan2_p = elementwise_primitive(
        ...     "my_atan2", np.arctan2, lowering="stablehlo.atan2",
        ...     derivatives=[lambda x, y: y / (x * x + y * y),
        ...                  lambda x, y: -x / (x * x + y * y)])
    """
    prim = Primitive(name)
    abstract_eval = naryop_abstract_eval(name, kind)
    registry.abstract_eval_rules[prim] = lambda *a, **p: [abstract_eval(*a, **p)]
    registry.impl_rules[prim] = lambda *xs: [numpy_fn(*xs)]
    registry.vmap_rules[prim] = elementwise_vmap(prim)
    if derivatives is not None:
        registry.jvp_rules[prim] = _elementwise_jvp(prim, list(derivatives))
    if isinstance(lowering, str):
        def_lowering(prim, lambda ctx, *xs: ctx.op(
            lowering, *broadcast_operands(ctx._rule_ctx, *xs), result=ctx.avals_out[0]))
    elif lowering is not None:
        lowering_from_function(prim, lowering)
    return prim


def _elementwise_jvp(prim, derivatives: list) -> Callable:
    def term(i):
        return lambda primals, t: _ops.mul(t, derivatives[i](*primals))
    terms = [term(i) for i in range(len(derivatives))]
    inner = _ops.sum_of_terms_jvp(prim, *terms)

    def jvp(primals, tangents):
        outs, (t_out,) = inner(primals, tangents)
        shape = _ops.aval(outs[0]).shape
        if t_out is not None and _ops.aval(t_out).shape != shape:  # all terms were rank 0
            t_out = _ops.broadcast_in_dim(t_out, shape, ())
        return outs, [t_out]
    jvp.accepts_zeros = True
    return jvp
