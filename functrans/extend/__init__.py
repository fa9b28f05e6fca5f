"""``functrans.extend``: the stable API for extending functrans.

Everything an extension needs, and the only module it should import besides the
public ``functrans`` ones (internal modules are free to change; this one is a promise):

* **Primitives**: ``Primitive``, ``bind``, ``ShapedArray``, ``get_aval``, ``dtypes``
  (``functrans.dtypes``: ``bfloat16``, ``float0``, ``issubdtype``, ...).
* **Rules** (plain calls or decorators): ``def_abstract_eval``, ``def_impl``,
  ``def_jvp``, ``def_transpose``, ``def_vmap``, ``def_lowering`` (StableHLO through
  ``ctx.op``/``ctx.constant``, no MLIR import), ``lowering_from_function`` (lower by a
  composition of functrans operations); helpers ``elementwise_primitive``,
  ``def_linear``, ``def_zero_derivative``, ``def_no_derivative``; for transpose rules
  ``UndefinedPrimal``/``is_undefined_primal``.
* **Interpreters**: ``Trace``, ``Tracer``, ``new_trace``, ``current_trace``,
  ``call_body``; jaxprs: ``make_jaxpr``, ``eval_jaxpr``, ``jaxpr_as_fun``, ``Jaxpr``,
  ``ClosedJaxpr``, ``Eqn``, ``Var``, ``Literal``.

See ``docs/extending.md`` for the two worked examples (a fused primitive with all its
rules, and an interval-arithmetic interpreter).

Example:
    >>> import numpy as np
    >>> from functrans import extend as fx
    >>> cube_p = fx.elementwise_primitive("cube", lambda x: x ** 3,
    ...                                   derivatives=[lambda x: 3.0 * x * x],
    ...                                   lowering=lambda x: x * x * x)
    >>> functrans.grad(cube_p.bind)(2.0)
    Array(12., dtype=float32, weak_type=True)
"""

from __future__ import annotations

from .. import dtypes
from ..xla_lowering.user_lowering import LoweringContext
from .core import (
    ClosedJaxpr,
    Eqn,
    Jaxpr,
    Literal,
    Primitive,
    ShapedArray,
    Trace,
    Tracer,
    Var,
    bind,
    call_body,
    current_trace,
    eval_jaxpr,
    get_aval,
    jaxpr_as_fun,
    make_jaxpr,
    new_trace,
)
from .rules import (
    UndefinedPrimal,
    def_abstract_eval,
    def_impl,
    def_jvp,
    def_linear,
    def_lowering,
    def_no_derivative,
    def_transpose,
    def_vmap,
    def_zero_derivative,
    elementwise_primitive,
    is_undefined_primal,
    lowering_from_function,
)

__all__ = [
    # primitives and values
    "Primitive", "bind", "ShapedArray", "get_aval", "dtypes",
    # rules
    "def_abstract_eval", "def_impl", "def_jvp", "def_transpose", "def_vmap", "def_lowering",
    "lowering_from_function", "LoweringContext", "def_linear", "def_zero_derivative",
    "def_no_derivative", "elementwise_primitive", "UndefinedPrimal", "is_undefined_primal",
    # interpreters and jaxprs
    "Trace", "Tracer", "new_trace", "current_trace", "call_body", "make_jaxpr", "eval_jaxpr",
    "jaxpr_as_fun", "Jaxpr", "ClosedJaxpr", "Eqn", "Var", "Literal",
]
