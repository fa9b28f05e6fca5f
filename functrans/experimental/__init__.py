"""``functrans.experimental``: APIs that JAX keeps under ``jax.experimental``."""

from __future__ import annotations

from .._callback_api import io_callback

__all__ = ["io_callback"]
