"""Lowering jaxprs to StableHLO, itself a small interpreter.

``lower_jaxpr`` walks the equations and calls ``lowering_rules[prim](ctx, *values,
**params)`` (or the rule in ``platform_lowering_rules[platform]`` when the platform the
module is lowered for has its own), where ``values`` are MLIR ``ir.Value`` s and ``ctx``
carries the input/output avals and the module context (``ctx.module.platform``). Each
primitive family has a rules module of the same name beside this one. Only this package
imports jax/jaxlib (the MLIR bindings here).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from jax._src.interpreters import mlir as _jax_mlir
from jaxlib.mlir import ir
from jaxlib.mlir.dialects import func
from jaxlib.mlir.dialects import stablehlo as hlo

from ..core import dtypes
from ..core.ir import ClosedJaxpr, Jaxpr, Literal, ShapedArray
from ..core.registry import lowering_rules, platform_lowering_rules

_context = None


def ir_context() -> ir.Context:
    """One MLIR context with the StableHLO dialects loaded, reused for every module."""
    global _context
    if _context is None:
        _context = _jax_mlir.make_ir_context()
    return _context


def element_type(dtype) -> ir.Type:
    dtype = np.dtype(dtype)
    if dtype == dtypes.bool_:
        return ir.IntegerType.get_signless(1)
    if dtype == dtypes.bfloat16:
        return ir.BF16Type.get()
    if dtype.kind == "i":
        return ir.IntegerType.get_signless(dtype.itemsize * 8)
    if dtype.kind == "u":
        return ir.IntegerType.get_unsigned(dtype.itemsize * 8)
    if dtype.kind == "c":
        return ir.ComplexType.get(element_type(np.float32 if dtype.itemsize == 8 else np.float64))
    return {2: ir.F16Type, 4: ir.F32Type, 8: ir.F64Type}[dtype.itemsize].get()


def ir_type(aval: ShapedArray) -> ir.RankedTensorType:
    return ir.RankedTensorType.get(aval.shape, element_type(aval.dtype))


def constant(value, dtype=None) -> ir.Value:
    """A StableHLO constant from a NumPy value (splatted when all equal)."""
    value = np.asarray(value, dtype=dtype)
    etype = element_type(value.dtype)
    ttype = ir.RankedTensorType.get(value.shape, etype)
    if value.dtype == np.bool_:
        if value.size and (value.all() or not value.any()):
            attr = ir.DenseElementsAttr.get_splat(
                ttype, ir.IntegerAttr.get(etype, int(value.flat[0])))
        else:  # a mixed bool constant: as uint8, converted (x != 0) to i1
            return hlo.convert(ttype, constant(value.astype(np.uint8)))
    elif value.size and value.ndim and (value == value.flat[0]).all():
        attr = ir.DenseElementsAttr.get(np.asarray(value.flat[0]).reshape(()), type=etype)
        attr = ir.DenseElementsAttr.get_splat(ttype, attr.get_splat_value())
    else:
        attr = ir.DenseElementsAttr.get(np.array(value, order="C"), type=etype, shape=value.shape)
    return hlo.constant(attr)


def full_like_aval(value, aval: ShapedArray) -> ir.Value:
    """A constant of ``aval``'s shape and dtype filled with ``value``."""
    scalar = constant(np.asarray(value, aval.dtype))
    if not aval.shape:
        return scalar
    return hlo.broadcast_in_dim(ir_type(aval), scalar, [])


class RuleContext:
    """What a lowering rule sees besides its operands."""

    __slots__ = ("avals_in", "avals_out", "module")

    def __init__(self, avals_in, avals_out, module: ModuleContext):
        self.avals_in = avals_in
        self.avals_out = avals_out
        self.module = module


PLATFORMS = ("cpu", "cuda", "rocm", "tpu")  # what a module can be lowered for


def check_platform(platform: str) -> str:
    if platform not in PLATFORMS:
        raise ValueError(f"[jit] cannot lower for platform {platform!r}: expected one of "
                         f"{', '.join(PLATFORMS)}")
    return platform


class ModuleContext:
    def __init__(self, num_replicas: int = 1, axis_env: Sequence = (), platform: str = "cpu"):
        self.num_replicas = num_replicas
        self.platform = check_platform(platform)  # the platform the module is lowered for
        self.axis_env = list(axis_env)  # [(axis_name, size)] for pmap collectives
        self.channel = 0
        self.host_callbacks: list = []  # Python functions the module calls (callbacks.py)
        self.callback_tokens: list = []  # [(block, token)] ordering ordered callbacks

    def next_channel(self) -> int:
        self.channel += 1
        return self.channel


def lower_jaxpr(mctx: ModuleContext, jaxpr: Jaxpr, consts: Sequence[ir.Value],
                args: Sequence[ir.Value]) -> list[ir.Value]:
    """Emit ``jaxpr``'s equations at the current insertion point; returns its outputs."""
    env = {}

    def read(x):
        if isinstance(x, Literal):
            return constant(np.asarray(x.val, x.aval.dtype))
        return env[x]

    env.update(zip(jaxpr.constvars, consts, strict=True))
    env.update(zip(jaxpr.invars, args, strict=True))
    own_rules = platform_lowering_rules[mctx.platform]
    for eqn in jaxpr.eqns:
        rule = own_rules.get(eqn.primitive) or lowering_rules.get(eqn.primitive)
        if rule is None:
            raise NotImplementedError(f"[jit] no XLA lowering for primitive "
                                      f"'{eqn.primitive.name}' (for an extension's primitive: "
                                      "functrans.extend.def_lowering)")
        ctx = RuleContext([x.aval for x in eqn.inputs], [v.aval for v in eqn.outvars], mctx)
        outs = rule(ctx, *[read(x) for x in eqn.inputs], **eqn.params)
        env.update(zip(eqn.outvars, outs, strict=True))
    return [read(x) for x in jaxpr.outvars]


def lower_closed(mctx: ModuleContext, closed: ClosedJaxpr, args: Sequence[ir.Value]
                 ) -> list[ir.Value]:
    # A captured NumPy value keeps its own dtype (float64 in 32-bit mode): cast it to the
    # constvar's canonical dtype, as the program was typed with.
    consts = [constant(np.asarray(c, v.aval.dtype))
              for c, v in zip(closed.consts, closed.jaxpr.constvars, strict=True)]
    return lower_jaxpr(mctx, closed.jaxpr, consts, args)


def lower_to_module(closed: ClosedJaxpr, name: str = "main", num_replicas: int = 1,
                    axis_env: Sequence = (), donated: Sequence[bool] = (),
                    in_avals: Sequence[ShapedArray] | None = None,
                    host_callbacks: list | None = None, platform: str | None = None
                    ) -> ir.Module:
    """A StableHLO module whose public ``main`` computes ``closed``, for ``platform``
    ('cpu', 'cuda', 'rocm', 'tpu'; default: the default backend's). The host callbacks it
    calls are appended to ``host_callbacks`` (to pass to the compiler)."""
    if platform is None:
        from .runtime import lowering_platform  # runtime imports this module
        platform = lowering_platform()
    in_avals = list(in_avals or closed.in_avals)
    with ir_context(), ir.Location.unknown():
        module = ir.Module.create()
        module.operation.attributes["sym_name"] = ir.StringAttr.get(_symbol(name))
        in_types = [ir_type(a) for a in in_avals]
        out_types = [ir_type(a) for a in closed.out_avals]
        with ir.InsertionPoint(module.body):
            fn = func.FuncOp("main", (in_types, out_types))
            fn.attributes["sym_visibility"] = ir.StringAttr.get("public")
            if any(donated):
                fn.arg_attrs = ir.ArrayAttr.get([
                    ir.DictAttr.get({"jax.buffer_donor": ir.BoolAttr.get(True)} if d else {})
                    for d in donated])
            block = fn.add_entry_block()
            with ir.InsertionPoint(block):
                mctx = ModuleContext(num_replicas, axis_env, platform)
                outs = lower_closed(mctx, closed, list(block.arguments))
                func.ReturnOp(outs)
    if host_callbacks is not None:
        host_callbacks.extend(mctx.host_callbacks)
    return module


def _symbol(name: str) -> str:
    return "jit_" + "".join(c if c.isalnum() or c == "_" else "_" for c in name)
