"""``functrans.version`` (``jax.version``): the package version."""

from __future__ import annotations

__version__ = "0.1.0"
_version = __version__
__all__ = ["__version__"]
