"""``functrans.debug``: printing and callbacks with runtime values from inside jit, vmap
and grad (``jax.debug``)."""

from __future__ import annotations

from ._callback_api import debug_callback as callback
from ._callback_api import debug_print as print  # noqa: A004  (jax.debug.print)

__all__ = ["callback", "print"]
