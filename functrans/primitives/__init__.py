"""First-order primitives, one module per family. Importing this package
registers every primitive's rules."""

from . import dot, elementwise, reductions, shapes  # noqa: F401
from . import collectives  # noqa: F401
from . import bitwise, cumulative, indexing, sorting, special  # noqa: F401
