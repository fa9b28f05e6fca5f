"""Lowering rules written by extensions (``functrans.extend``), without MLIR in user code.

A user rule receives a ``LoweringContext``: the avals of the operands and results, and
two builders, ``ctx.op("stablehlo.<name>", *operands, ...)`` (any StableHLO op by name,
verified on the spot) and ``ctx.constant(value, like)``. Values are opaque handles that
the user passes back to the builders. ``function_lowering`` instead lowers a primitive
by tracing a function of functrans operations (a composition) and emitting its jaxpr
inline, like JAX's ``mlir.lower_fun``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from jaxlib.mlir import ir
from jaxlib.mlir.dialects import chlo
from jaxlib.mlir.dialects import stablehlo as hlo

from ..core.array import Array
from ..core.ir import ShapedArray
from ..interpreters.staging import trace_to_jaxpr
from .lower import RuleContext, constant, ir_type, lower_jaxpr


class LoweringContext:
    """What a ``functrans.extend`` lowering rule sees besides its operands.

    Attributes:
      avals_in: the ShapedArrays of the operands.
      avals_out: the ShapedArrays of the results.
      name: the primitive's name (for messages).

    Example:
        >>> def _relu_lowering(ctx, x):     # registered with functrans.extend.def_lowering
        ...     return ctx.op("stablehlo.maximum", x, ctx.constant(0, ctx.avals_in[0]))
    """

    __slots__ = ("avals_in", "avals_out", "name", "_rule_ctx")

    def __init__(self, rule_ctx: RuleContext, name: str):
        self.avals_in = list(rule_ctx.avals_in)
        self.avals_out = list(rule_ctx.avals_out)
        self.name = name
        self._rule_ctx = rule_ctx

    def op(self, name: str, *operands, result=None, attributes: dict | None = None):
        """Emit one StableHLO operation and return its result(s).

        Args:
          name: the op's full name, e.g. ``"stablehlo.exponential"``.
          *operands: values (operands of the rule, or results of earlier ``op`` calls).
          result: the result's ShapedArray; a list of ShapedArrays for an op with several
            results (then a list of values is returned). Default: inferred by the op where
            StableHLO can (elementwise ops, compare, select, ...).
          attributes: ``{name: value}``; a value is an int (i64), a bool, a tuple/list of
            ints (``array<i64: ...>``) or a string of MLIR attribute syntax
            (``"#stablehlo<comparison_direction GT>"``; a string attribute is ``'"text"'``).

        Returns:
          The op's result value (a list of values when ``result`` is a list).

        Example:
            >>> y = ctx.op("stablehlo.exponential", x)
            >>> gt = ctx.op("stablehlo.compare", x, y, result=ctx.avals_in[0].update(dtype=bool),
            ...             attributes={"comparison_direction":
            ...                         "#stablehlo<comparison_direction GT>"})
        """
        where = f"[{self.name} lowering] {name}"
        if not ir.Context.current.is_registered_operation(name):
            raise ValueError(f"{where}: no such operation; use a StableHLO op name such as "
                             "'stablehlo.exponential' (see the StableHLO specification)")
        for i, x in enumerate(operands):
            if not isinstance(x, ir.Value):
                raise TypeError(f"{where}: operand {i} is a {type(x).__name__}, not a value of "
                                "the rule; make constants with ctx.constant(value, like_aval)")
        multi = isinstance(result, list | tuple)
        attrs = {k: _attribute(v, f"{where}: attribute {k!r}")
                 for k, v in (attributes or {}).items()}
        op = self._create(name, list(operands), result, multi, attrs, where)
        try:
            op.verify()
        except ir.MLIRError as err:
            op.erase()
            raise TypeError(f"{where}: invalid operation ({_one_line(err)}); check the operand "
                            "count, types, result= and attributes against the StableHLO "
                            "specification") from None
        return list(op.results) if multi else op.result

    @staticmethod
    def _create(name: str, operands: list, result, multi: bool, attrs: dict, where: str):
        if result is not None:
            types = [_result_type(r, where) for r in (result if multi else [result])]
            return ir.Operation.create(name, results=types, operands=operands,
                                       attributes=attrs)
        view = _op_classes().get(name)
        if view is None:
            raise TypeError(f"{where}: pass result=ShapedArray(shape, dtype) (its result type "
                            "cannot be inferred)")
        try:
            return view.build_generic(results=None, operands=operands, attributes=attrs).operation
        except ir.MLIRError as err:
            if "type inference" not in str(err):
                raise TypeError(f"{where}: cannot create it ({_one_line(err)})") from None
            raise TypeError(f"{where}: the operation does not infer its result type; pass "
                            "result=ShapedArray(shape, dtype) (e.g. ctx.avals_out[0])") from None

    def constant(self, value, like: ShapedArray | None = None):
        """A constant value: ``value`` cast to ``like.dtype`` and broadcast to ``like.shape``
        (without ``like``: a NumPy array's own shape and dtype).

        Example:
            >>> zero = ctx.constant(0.0, ctx.avals_in[0])   # zeros like the first operand
        """
        if like is None:
            return constant(np.asarray(value))
        return constant(np.broadcast_to(np.asarray(value, like.dtype), like.shape))


def _result_type(result, where: str) -> ir.Type:
    if not isinstance(result, ShapedArray):
        raise TypeError(f"{where}: result= must be a ShapedArray (or a list of them), got "
                        f"{type(result).__name__}")
    return ir_type(result)


_OP_CLASSES: dict = {}


def _op_classes() -> dict:
    """``{op name: OpView class}`` of the StableHLO and CHLO dialects (for type inference)."""
    if not _OP_CLASSES:
        for module in (hlo, chlo):
            _OP_CLASSES.update({c.OPERATION_NAME: c for c in vars(module).values()
                                if isinstance(c, type) and issubclass(c, ir.OpView)
                                and isinstance(getattr(c, "OPERATION_NAME", None), str)})
    return _OP_CLASSES


def _one_line(err: Exception) -> str:
    return " ".join(str(err).split())


def _attribute(value, where: str) -> ir.Attribute:
    if isinstance(value, bool):
        return ir.BoolAttr.get(value)
    if isinstance(value, int | np.integer):
        return ir.IntegerAttr.get(ir.IntegerType.get_signless(64), int(value))
    if isinstance(value, tuple | list) and all(isinstance(v, int | np.integer) for v in value):
        return ir.DenseI64ArrayAttr.get([int(v) for v in value])
    if isinstance(value, str):
        try:
            return ir.Attribute.parse(value)
        except ir.MLIRError as err:
            raise ValueError(f"{where}: cannot parse {value!r} as an MLIR attribute "
                             f"({_one_line(err)})") from None
    raise TypeError(f"{where}: unsupported value {value!r}; give an int, a bool, a tuple of "
                    "ints or MLIR attribute text such as '1.0 : f32'")


def user_rule(fn: Callable, name: str, multiple_results: bool) -> Callable:
    """The internal lowering rule for a user rule ``fn(ctx, *operands, **params)``."""
    def rule(rule_ctx, *args, **params):
        outs = fn(LoweringContext(rule_ctx, name), *args, **params)
        outs = list(outs) if multiple_results else [outs]
        if len(outs) != len(rule_ctx.avals_out):
            raise TypeError(f"[{name} lowering] the rule returned {len(outs)} values for "
                            f"{len(rule_ctx.avals_out)} results")
        return outs
    return rule


def function_lowering(fn: Callable, prim, multiple_results: bool) -> Callable:
    """The internal lowering rule that traces ``fn(*operands, **params)`` (functrans
    operations) on the operands' avals and emits its jaxpr in place of the primitive."""
    cache: dict = {}

    def rule(rule_ctx, *args, **params):
        key = (tuple(rule_ctx.avals_in), tuple(sorted(params.items())))
        jaxpr, consts = cache.get(key) or cache.setdefault(
            key, _trace(fn, prim, multiple_results, rule_ctx, params))
        ir_consts = [constant(np.asarray(c.numpy() if isinstance(c, Array) else c, v.aval.dtype))
                     for c, v in zip(consts, jaxpr.constvars, strict=True)]
        return lower_jaxpr(rule_ctx.module, jaxpr, ir_consts, list(args))
    return rule


def _trace(fn, prim, multiple_results: bool, rule_ctx, params):
    def flat(*xs):
        out = fn(*xs, **params)
        return list(out) if multiple_results else [out]

    jaxpr, consts, _ = trace_to_jaxpr(flat, rule_ctx.avals_in, f"{prim.name} lowering")
    if any(eqn.primitive is prim for eqn in jaxpr.eqns):
        raise RecursionError(f"[{prim.name} lowering] the lowering function binds "
                             f"'{prim.name}' itself; write it with other operations")
    _check_out_avals(prim.name, jaxpr.out_avals, rule_ctx.avals_out)
    return jaxpr, consts


def _check_out_avals(name: str, got: Sequence[ShapedArray], want: Sequence[ShapedArray]):
    if [(a.shape, a.dtype) for a in got] != [(a.shape, a.dtype) for a in want]:
        g = ", ".join(a.str_short() for a in got)
        w = ", ".join(a.str_short() for a in want)
        raise TypeError(f"[{name} lowering] the lowering function returns ({g}) but the "
                        f"primitive's abstract eval says ({w})")
