"""Lowering and device execution of the jit call primitive (higher_order/call.py).

The inner jaxpr is lowered inline (XLA would inline the call anyway); run
eagerly, the jit call compiles its jaxpr once and executes it on the device
where its first array input lives."""

from __future__ import annotations

from ..core.array import Array
from ..core.registry import device_impl_rules, lowering_rules
from ..higher_order.call import jit_p
from .lower import lower_closed
from .runtime import compiled, default_device


def _jit_lowering(ctx, *args, jaxpr, name):
    return lower_closed(ctx.module, jaxpr, args)


def _jit_device_impl(*args, jaxpr, name):
    device = next((a._dev for a in args if type(a) is Array and a._buf is not None),
                  None) or default_device()
    return compiled(jaxpr, device, name)(*args)


lowering_rules[jit_p] = _jit_lowering
device_impl_rules[jit_p] = _jit_device_impl
