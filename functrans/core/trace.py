"""Primitives, traces and stackless dispatch.

``bind(prim, *args, **params)`` hands the primitive to the *current* trace. A
trace converts its arguments (its own tracers stay, anything else is a constant
that it lifts) and runs its rule with its ``parent`` as the current trace, so a
rule's own ``bind`` calls go one level out. There are no levels: a tracer knows
its trace, and a trace knows its parent.
"""

from __future__ import annotations

import contextlib
import os
import traceback
from typing import Any

from .ir import ShapedArray


class Primitive:
    """A named operation. Its rules live in the tables of ``core.registry``; ``bind``
    returns a list (see ``functrans.extend.Primitive`` for the one-result form)."""

    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name

    def bind(self, *args, **params) -> list:
        return _state.trace.process(self, args, params)

    def bind1(self, *args, **params):
        return _state.trace.process(self, args, params)[0]

    def __repr__(self) -> str:
        return self.name


def bind(prim: Primitive, *args, **params) -> list:
    """Apply ``prim`` under the current trace; always returns a list."""
    return _state.trace.process(prim, args, params)


def bind1(prim: Primitive, *args, **params):
    """``bind`` for a primitive with exactly one result."""
    return _state.trace.process(prim, args, params)[0]


_CURRENT = object()  # Trace's default parent: the trace current at construction


class _State:
    trace: Trace | None = None


_state = _State()


def current_trace() -> Trace:
    """The trace that ``bind`` hands primitives to now (the eager root trace outside any
    transformation).

    Example:
        >>> trace = current_trace()
    """
    return _state.trace


@contextlib.contextmanager
def set_current_trace(trace: Trace):
    prev, _state.trace = _state.trace, trace
    try:
        yield trace
    finally:
        _state.trace = prev


class UnexpectedTracerError(Exception):
    pass


class ConcretizationTypeError(TypeError):
    """A traced value was used where a concrete one is needed (``jax.errors``' name)."""


class TracerBoolConversionError(ConcretizationTypeError):
    """``bool()`` of a traced value (``if x:``)."""


class TracerIntegerConversionError(ConcretizationTypeError):
    """``int()`` / ``__index__`` of a traced value."""


class TracerArrayConversionError(ConcretizationTypeError):
    """``np.asarray`` of a traced value (a ConcretizationTypeError here, as functrans
    raised before it had this name; JAX's is a plain TypeError)."""


class NonConcreteBooleanIndexError(IndexError):
    """Boolean-mask indexing with a traced mask (the result shape would depend on it)."""


class SuspendedTraceError(Exception):
    """A tracer of a suspended trace was used: a custom derivative rule running for that
    trace (with its parent current) met a value the custom function closes over. The
    caller catches it and takes the general path."""


class Trace:
    """Base of every interpreter's trace. Subclasses implement ``lift`` and
    ``process_primitive``; ``name`` says which transformation it is (for messages).

    ``Trace()`` takes the current trace as its parent. ``process_primitive(prim, tracers,
    params)`` receives this trace's tracers (``to_tracer``, JAX's full_raise, has lifted
    the other operands) and returns a list of results; work on the parent's values runs
    under ``with self.in_parent():`` so that its primitives go one level out.

    Example:
        >>> class PrintTrace(Trace):
        ...     def lift(self, x): return PrintTracer(self, x)
        ...     def process_primitive(self, prim, tracers, params):
        ...         print(prim)
        ...         with self.in_parent():
        ...             outs = bind(prim, *[t.val for t in tracers], **params)
        ...         return [PrintTracer(self, o) for o in outs]
    """

    name = "trace"
    suspended = False  # True while a custom rule runs for it (see check_alive)

    def __init__(self, parent: Trace | None | object = _CURRENT):
        self.parent = _state.trace if parent is _CURRENT else parent
        self.alive = True

    def lift(self, val) -> Tracer:
        raise NotImplementedError

    def process_primitive(self, prim: Primitive, tracers: list, params: dict) -> list:
        raise NotImplementedError

    def process(self, prim: Primitive, args, params: dict) -> list:
        return self.process_primitive(prim, [self.to_tracer(x) for x in args], params)

    def to_tracer(self, x):
        if isinstance(x, Tracer):
            if x._trace is self:
                return x
            check_alive(x)
        return self.lift(x)

    def in_parent(self) -> _InParent:
        """Run rules with this trace's parent as the current trace (``with``)."""
        return _InParent(self.parent)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name})"


class _InParent:
    """``Trace.in_parent``'s context manager: a plain class, not a generator, because every
    rule of every transformation runs inside one (a generator context costs ~3x more)."""

    __slots__ = ("parent", "prev")

    def __init__(self, parent):
        self.parent = parent

    def __enter__(self) -> None:
        self.prev, _state.trace = _state.trace, self.parent

    def __exit__(self, *exc) -> bool:
        _state.trace = self.prev
        return False


def check_alive(x: Tracer) -> None:
    if x._trace.suspended:
        raise SuspendedTraceError(x)
    if not x._trace.alive:
        trace = x._trace
        of = f" of {trace.label}" if getattr(trace, "label", "") else ""
        raise UnexpectedTracerError(
            f"[{trace.name}] a tracer {x.aval.str_short()} escaped its {trace.name} "
            f"transformation{of} and was used after it ended (a leaked tracer). It was probably "
            "stored in a global, a closure or an object attribute inside the transformed "
            "function; return it as an output instead.")


@contextlib.contextmanager
def new_trace(trace: Trace):
    """Make ``trace`` current for the body; it dies on exit (later use is a leak).

    Example:
        >>> with new_trace(PrintTrace()) as trace:
        ...     outs = [trace.to_tracer(x) for x in f(*map(trace.lift, args))]
    """
    prev, _state.trace = _state.trace, trace
    try:
        yield trace
    finally:
        _state.trace = prev
        trace.alive = False


def user_frame() -> str:
    """``file:line (function)`` of the innermost frame outside functrans."""
    pkg = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for frame in reversed(traceback.extract_stack()):
        if not os.path.abspath(frame.filename).startswith(pkg + os.sep):
            return f"{frame.filename}:{frame.lineno} ({frame.name})"
    return "<unknown>"


class Tracer:
    """A value under a transformation. Operators and array methods are attached by
    ``functrans._array_methods`` so that Tracers and Arrays behave alike.

    Subclasses call ``super().__init__(trace)``, define the ``aval`` property and hold
    whatever their interpreter carries.

    Example:
        >>> class PrintTracer(Tracer):
        ...     def __init__(self, trace, val):
        ...         super().__init__(trace)
        ...         self.val = val
        ...     aval = property(lambda self: get_aval(self.val))
    """

    __slots__ = ("_trace",)
    __array_priority__ = 1000

    def __init__(self, trace: Trace):
        self._trace = trace  # subclasses may set it themselves

    @property
    def aval(self) -> ShapedArray:
        raise NotImplementedError

    shape = property(lambda self: self.aval.shape)
    dtype = property(lambda self: self.aval.dtype)
    ndim = property(lambda self: self.aval.ndim)
    size = property(lambda self: self.aval.size)
    weak_type = property(lambda self: self.aval.weak_type)

    def concrete_value(self) -> Any | None:
        """A NumPy value if this tracer is concrete (e.g. a jvp primal), else None."""
        return None

    def _concrete(self, what: str, error: type = ConcretizationTypeError):
        val = self.concrete_value()
        if val is None:
            raise error(
                f"[{self._trace.name}] {what} needs a concrete value, but got a traced value "
                f"{self.aval.str_short()} at {user_frame()}. Python control flow and "
                "conversions cannot depend on traced values: use lax.cond / lax.select / "
                "fnp.where for branches, lax.while_loop / lax.fori_loop for loops, or mark "
                "the argument static (static_argnums).")
        return val

    def __bool__(self):
        return bool(self._concrete("bool(x) (e.g. `if x:` or `while x:`)",
                                   TracerBoolConversionError))

    def __int__(self):
        return int(self._concrete("int(x)", TracerIntegerConversionError))

    def __float__(self):
        return float(self._concrete("float(x)"))

    def __complex__(self):
        return complex(self._concrete("complex(x)"))

    def __index__(self):
        return int(self._concrete("x.__index__() (using it as an index or size)",
                                  TracerIntegerConversionError))

    def __array__(self, dtype=None, copy=None):
        import numpy as np
        return np.asarray(self._concrete("np.asarray(x)", TracerArrayConversionError),
                          dtype=dtype)

    def __len__(self):
        if not self.aval.shape:
            raise TypeError("len() of unsized object (a 0-d array)")
        return self.aval.shape[0]

    def __iter__(self):
        if not self.aval.shape:
            raise TypeError("iteration over a 0-d array")
        return (self[i] for i in range(self.aval.shape[0]))

    def __hash__(self):
        raise TypeError(f"unhashable type: traced array {self.aval.str_short()}")

    def __repr__(self) -> str:
        aval = self.aval  # JAX's style: Traced<float32[5]>with<JVPTrace>
        weak = ", weak_type=True" if aval.weak_type else ""
        shape = ",".join(map(str, aval.shape))
        trace = type(self._trace).__name__
        return f"Traced<{aval.dtype.name}[{shape}]{weak}>with<{trace}>"
