"""First-order primitives, one module per family. Importing this package
registers every primitive's rules."""

from . import (  # noqa: F401  # noqa: F401
    bitwise,
    collectives,  # noqa: F401
    complex_ops,
    conv,
    cumulative,
    dot,
    elementwise,
    indexing,
    random_bits,
    reductions,
    shapes,
    sorting,
    special,
    windowed,
)
