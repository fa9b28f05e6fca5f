"""``functrans.custom_derivatives`` (``jax.custom_derivatives``): the custom-rule
functions, also at the top level."""

from __future__ import annotations

from ._misc_api import closure_convert, custom_gradient  # noqa: F401
from .higher_order.custom_derivatives import (  # noqa: F401
    custom_jvp,
    custom_jvp_call_p,
    custom_vjp,
    custom_vjp_call_p,
)

__all__ = ["custom_jvp", "custom_vjp", "custom_gradient", "closure_convert",
           "custom_jvp_call_p", "custom_vjp_call_p"]
