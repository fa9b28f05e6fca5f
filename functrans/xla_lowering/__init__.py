"""The XLA backend, a plugin: importing it registers lowering rules and device
execution into core's tables. The only package that imports jax/jaxlib."""

from . import (  # noqa: F401  # noqa: F401
    bitwise,
    call,
    callbacks,
    collectives,
    complex_ops,
    control_flow,
    conv,
    cumulative,
    custom_derivatives,  # noqa: F401
    custom_solve,
    dot,
    eager,
    elementwise,
    fft,
    indexing,
    linalg,
    linalg_extra,
    linalg_gpu,
    pmap,
    random_bits,
    reductions,
    shapes,
    sorting,
    special,
    special_functions,
)
from .runtime import compiled, default_device, devices, platform  # noqa: F401

eager.install_default()
