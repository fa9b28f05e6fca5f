from . import (
    call,  # noqa: F401
    pmap,  # noqa: F401
)
