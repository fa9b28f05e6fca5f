"""Lowering of the host-callback primitives (primitives/callbacks.py).

Each call lowers to a ``stablehlo.custom_call`` of jaxlib's Python-callback FFI target
(``xla_ffi_python_cpu_callback``, or ``..._gpu_...``) whose ``index`` attribute selects
the Python function among the module's host callbacks; ``runtime.compiled`` hands that
list to the compiler, which calls the function with NumPy arrays and expects a tuple of
NumPy arrays back. Effectful callbacks are marked ``has_side_effect`` so XLA keeps them.

Eagerly (also on accelerators) the callback runs on the host with NumPy values.
"""

from __future__ import annotations

import numpy as np
from jaxlib.mlir import ir
from jaxlib.mlir.dialects import stablehlo as hlo

from ..core.registry import device_impl_rules, lowering_rules
from ..interpreters.eval import eval_trace
from ..primitives.callbacks import (
    check_results,
    debug_callback_p,
    io_callback_p,
    pure_callback_p,
)
from .lower import ir_type


def _layouts(ndims) -> ir.ArrayAttr:
    """Row-major layouts (XLA spells them minor-to-major); a token has rank 0."""
    return ir.ArrayAttr.get([
        ir.DenseIntElementsAttr.get(np.arange(n - 1, -1, -1, dtype=np.int64),
                                    type=ir.IndexType.get()) for n in ndims])


def _block_token(mctx):
    """The ordering token of the block being emitted (created at its first use)."""
    block = ir.InsertionPoint.current.block
    tokens = mctx.callback_tokens
    for i, (b, token) in enumerate(tokens):
        if b == block:
            return i, token
    tokens.append((block, hlo.create_token()))
    return len(tokens) - 1, tokens[-1][1]


def _target(platform: str) -> str:
    return "xla_ffi_python_cpu_callback" if platform == "cpu" else \
        "xla_ffi_python_gpu_callback"


def emit_host_callback(ctx, host_fn, args, *, has_side_effect: bool, ordered=False) -> list:
    """A custom call of ``host_fn(*np_arrays) -> tuple of np arrays`` in compiled code.
    ``ordered`` calls thread a token, so XLA keeps them in program order."""
    in_ndims = [a.ndim for a in ctx.avals_in]
    out_ndims = [a.ndim for a in ctx.avals_out]
    result_types = [ir_type(a) for a in ctx.avals_out]
    if ordered:
        slot, token = _block_token(ctx.module)
        args, in_ndims = [token, *args], [0, *in_ndims]
        result_types, out_ndims = [hlo.TokenType.get(), *result_types], [0, *out_ndims]
        unordered_fn = host_fn

        def host_fn(token, *vals):
            return (token, *unordered_fn(*vals))
    callbacks = ctx.module.host_callbacks
    callbacks.append(host_fn)
    index = ir.IntegerAttr.get(ir.IntegerType.get_unsigned(64), len(callbacks) - 1)
    attributes = dict(
        call_target_name=ir.StringAttr.get(_target(ctx.module.platform)),
        has_side_effect=ir.BoolAttr.get(has_side_effect),
        backend_config=ir.StringAttr.get(""),
        # A dictionary backend config travels as ``mhlo.backend_config`` with
        # api_version 1; it becomes a typed-FFI call on conversion (as jaxlib expects).
        api_version=ir.IntegerAttr.get(ir.IntegerType.get_signless(32), 1),
        called_computations=ir.ArrayAttr.get([]),
        operand_layouts=_layouts(in_ndims),
        result_layouts=_layouts(out_ndims),
    )
    op = hlo.CustomCallOp.build_generic(results=result_types, operands=list(args),
                                        attributes=attributes)
    op.operation.attributes["mhlo.backend_config"] = ir.DictAttr.get({"index": index})
    results = list(op.results)
    if ordered:
        ctx.module.callback_tokens[slot] = (ir.InsertionPoint.current.block, results.pop(0))
    return results


def _copies(vals) -> list:
    """The FFI's arrays alias XLA's buffers only for the call: copy what the user keeps."""
    return [np.array(v, copy=True) for v in vals]


def _debug_callback_lowering(ctx, *args, callback, ordered):
    def host(*vals):
        callback(*_copies(vals))
        return ()
    return emit_host_callback(ctx, host, args, has_side_effect=True, ordered=ordered)


def _callback_lowering(api: str, has_side_effect: bool):
    def rule(ctx, *args, callback, result_avals, **params):
        def host(*vals):
            return tuple(check_results(api, callback(*_copies(vals)), result_avals))
        return emit_host_callback(ctx, host, args, has_side_effect=has_side_effect,
                                  ordered=params.get("ordered", False))
    return rule


def _on_host(prim):
    """Eager calls run the Python function on the host, also when eager ops run on an
    accelerator."""
    def rule(*args, **params):
        return eval_trace.process_on_host(prim, args, params)
    return rule


lowering_rules[debug_callback_p] = _debug_callback_lowering
lowering_rules[pure_callback_p] = _callback_lowering("pure_callback", False)
lowering_rules[io_callback_p] = _callback_lowering("io_callback", True)
for _p in (debug_callback_p, pure_callback_p, io_callback_p):
    device_impl_rules[_p] = _on_host(_p)
