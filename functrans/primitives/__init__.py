"""First-order primitives, one module per family. Importing this package
registers every primitive's rules."""

from . import (  # noqa: F401  # noqa: F401
    bitwise,
    callbacks,
    collectives,  # noqa: F401
    complex_ops,
    conv,
    cumulative,
    dot,
    elementwise,
    fft,
    indexing,
    linalg,
    random_bits,
    reductions,
    shapes,
    sorting,
    special,
    special_functions,
    windowed,
)
