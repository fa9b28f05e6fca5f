from . import (
    call,  # noqa: F401
    custom_batching,  # noqa: F401
    pmap,  # noqa: F401
    reduce,  # noqa: F401
    sequential_callbacks,  # noqa: F401
)
