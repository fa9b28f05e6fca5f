"""The IR and the interpreter machinery of ``functrans.extend``: primitives and bind,
avals, jaxprs, traces and tracers. Thin: the classes are the library's own."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..api import make_jaxpr
from ..core import trace as _trace
from ..core.array import aval_of
from ..core.ir import ClosedJaxpr, Eqn, Jaxpr, Literal, ShapedArray, Var
from ..core.trace import Trace, Tracer, current_trace, new_trace
from ..higher_order.call import jit_p
from ..higher_order.checkpoint import checkpoint_p
from ..higher_order.custom_derivatives import custom_jvp_call_p, custom_vjp_call_p
from ..interpreters.staging import eval_jaxpr as _eval_jaxpr

__all__ = ["Primitive", "bind", "ShapedArray", "get_aval", "Var", "Literal", "Eqn", "Jaxpr",
           "ClosedJaxpr", "make_jaxpr", "eval_jaxpr", "jaxpr_as_fun", "Trace", "Tracer",
           "new_trace", "current_trace", "call_body"]


class Primitive(_trace.Primitive):
    """A named operation whose rules are registered with ``functrans.extend.def_*``.

    Args:
      name: the name shown in jaxprs and error messages.
      multiple_results: False (default): every rule returns one value (one aval, one
        array, one tangent, ...) and ``bind`` returns one value. True: rules return lists.

    Example:
        >>> softplus_p = Primitive("softplus")
        >>> def softplus(x):
        ...     return softplus_p.bind(x)
    """

    __slots__ = ("multiple_results",)

    def __init__(self, name: str, multiple_results: bool = False):
        super().__init__(name)
        self.multiple_results = bool(multiple_results)

    def bind(self, *args, **params):
        """Apply the primitive under the current trace: its one result (a list when
        ``multiple_results``). ``functrans.extend.bind(prim, ...)`` always gives a list."""
        outs = _trace.bind(self, *args, **params)
        return outs if self.multiple_results else outs[0]


def bind(prim, *args, **params) -> list:
    """Apply ``prim`` to ``args`` under the current trace (eager, jit, grad, vmap, or an
    interpreter of your own) and return the list of its results: the generic form for
    interpreters, which handle any primitive. (``my_prim.bind(x)`` returns the one
    result of a one-result ``Primitive`` directly.)

    Args:
      prim: a ``Primitive`` (yours, or one of the library's, e.g. ``functrans.lax.sin_p``).
      *args: arrays, tracers or Python scalars.
      **params: the primitive's static parameters (hashable).

    Returns:
      The list of results (one entry for most primitives).

    Example:
        >>> bind(functrans.lax.sin_p, 0.5)
        [Array(0.47942555, dtype=float32, weak_type=True)]
    """
    return _trace.bind(prim, *args, **params)


def get_aval(x) -> ShapedArray:
    """The abstract value (shape, dtype, weak type) of an array, tracer or scalar.

    Example:
        >>> get_aval(1.0)
        ShapedArray(f32[], weak_type=True)
    """
    return aval_of(x, "extend")


def eval_jaxpr(jaxpr: Jaxpr, consts: Sequence, *args) -> list:
    """Evaluate ``jaxpr`` by binding each equation under the *current* trace, so inside
    a transformation or an interpreter the equations are transformed/interpreted.

    Args:
      jaxpr: a ``Jaxpr`` (for a ClosedJaxpr ``c``: ``eval_jaxpr(c.jaxpr, c.consts, ...)``).
      consts: values of ``jaxpr.constvars``.
      *args: values of ``jaxpr.invars``.

    Returns:
      The list of output values.

    Example:
        >>> c = make_jaxpr(lambda x: x * 2.0)(1.0)
        >>> eval_jaxpr(c.jaxpr, c.consts, 3.0)
        [Array(6., dtype=float32, weak_type=True)]
    """
    return _eval_jaxpr(jaxpr, consts, *args)


def jaxpr_as_fun(closed: ClosedJaxpr) -> Callable[..., list]:
    """A function of the jaxpr's inputs returning the list of its outputs; it can be
    transformed (``functrans.jit``, ``grad``, ``vmap``, your interpreter).

    Example:
        >>> f = jaxpr_as_fun(make_jaxpr(lambda x: x * 2.0)(1.0))
        >>> functrans.jit(f)(3.0)
        [Array(6., dtype=float32, weak_type=True)]
    """
    def fun(*args):
        return _eval_jaxpr(closed.jaxpr, closed.consts, *args)
    return fun


_CALL_BODY_PARAM = {jit_p: "jaxpr", checkpoint_p: "jaxpr", custom_jvp_call_p: "call_jaxpr",
                    custom_vjp_call_p: "call_jaxpr"}


def call_body(prim, params: dict) -> ClosedJaxpr | None:
    """The body of a call-like primitive whose meaning is "evaluate this jaxpr on the
    operands" (``jit``, ``checkpoint``, and the primal function of ``custom_jvp`` /
    ``custom_vjp``), else None. An interpreter that does not need the call boundary
    runs the body in its place; custom rules are then ignored, which is right for
    interpreters other than differentiation.

    Example:
        >>> body = call_body(prim, params)
        >>> if body is not None:
        ...     return eval_jaxpr(body.jaxpr, body.consts, *tracers)
    """
    key = _CALL_BODY_PARAM.get(prim)
    return None if key is None else params[key]
