"""``functrans.stages`` (``jax.stages``): the objects of the jit pipeline.

``jit(f).trace(*args)`` gives the traced ``ClosedJaxpr`` (``Traced``; its
``.lower(lowering_platforms=('cuda',))`` lowers for another platform),
``jit(f).lower(*args)`` a ``Lowered`` (StableHLO; ``.as_text()``, ``.compile()``), and
``.compile()`` a ``Compiled`` (callable like the jitted function on arguments of the
lowered types; ``.as_text()`` is the optimized HLO). ``Wrapped`` is the type of what ``jit``
returns.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from .api import Compiled, Lowered, Traced


@runtime_checkable
class Wrapped(Protocol):
    """A jitted function: callable, with ``lower`` and ``trace``."""

    def __call__(self, *args, **kwargs) -> Any: ...

    def lower(self, *args, **kwargs) -> Lowered: ...

    def trace(self, *args, **kwargs) -> Traced: ...


__all__ = ["Compiled", "Lowered", "Traced", "Wrapped"]
