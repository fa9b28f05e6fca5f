"""``functrans.errors`` (``jax.errors``): the exception classes, under JAX's names, of
the errors functrans raises, so ``except ft.errors.ConcretizationTypeError`` works as
``except jax.errors.ConcretizationTypeError`` does.

``JAXTypeError`` and ``JAXIndexError`` are the builtin ``TypeError``/``IndexError`` (the
``[api]``-prefixed errors functrans raises are plain ones); ``KeyReuseError`` and
``InconclusiveDimensionOperation`` exist for ``except`` clauses but are never raised
(no key-reuse checking, no symbolic shapes).
"""

from __future__ import annotations

from .core.trace import (  # noqa: F401
    ConcretizationTypeError,
    NonConcreteBooleanIndexError,
    TracerArrayConversionError,
    TracerBoolConversionError,
    TracerIntegerConversionError,
    UnexpectedTracerError,
)
from .core.typecheck import JaxprTypeError  # noqa: F401
from .xla_lowering.runtime import JaxRuntimeError  # noqa: F401

JAXTypeError = TypeError
JAXIndexError = IndexError


class KeyReuseError(RuntimeError):
    """A PRNG key used twice (``jax.errors.KeyReuseError``); functrans does not check
    key reuse, so this is never raised."""


class InconclusiveDimensionOperation(Exception):
    """A comparison of symbolic dimensions (``jax.errors``); functrans shapes are
    concrete, so this is never raised."""


__all__ = ["ConcretizationTypeError", "InconclusiveDimensionOperation", "JAXIndexError",
           "JAXTypeError", "JaxRuntimeError", "JaxprTypeError", "KeyReuseError",
           "NonConcreteBooleanIndexError", "TracerArrayConversionError",
           "TracerBoolConversionError", "TracerIntegerConversionError", "UnexpectedTracerError"]
