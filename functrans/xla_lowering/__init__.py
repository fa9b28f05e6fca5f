"""The XLA backend, a plugin: importing it registers lowering rules and device
execution into core's tables. The only package that imports jax/jaxlib."""

from . import call, dot, eager, elementwise, reductions, shapes  # noqa: F401
from . import bitwise, cumulative, indexing, sorting, special  # noqa: F401
from . import custom_derivatives  # noqa: F401
from .runtime import compiled, default_device, devices, platform  # noqa: F401

if eager.default_enabled():
    eager.enable()
