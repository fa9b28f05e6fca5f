"""Top-level environment functions (``jax.local_devices``, ``jax.process_index``, ...),
``named_scope``, ``print_environment_info``, ``live_arrays``, ``fwd_and_bwd`` and
``copy_to_host_async``."""

from __future__ import annotations

import contextlib
import gc
import platform as _platform
import sys
from collections.abc import Callable, Iterator, Sequence

import numpy as np

from ._autodiff_api import vjp
from .api import jit
from .core.array import Array
from .tree_util import tree_leaves
from .xla_lowering import runtime

__all__ = ["local_devices", "process_count", "process_index", "process_indices",
           "host_count", "host_id", "host_ids", "named_scope", "print_environment_info",
           "live_arrays", "fwd_and_bwd", "copy_to_host_async"]


def process_index(backend=None) -> int:
    """This process's index among the processes of a distributed run (0 alone)."""
    return runtime.process_index()


def process_count(backend=None) -> int:
    """The number of processes (1 unless ``functrans.distributed.initialize`` ran)."""
    return runtime.process_count()


def process_indices(backend=None) -> list[int]:
    """``list(range(process_count()))``."""
    return list(range(process_count()))


def local_devices(process_index: int | None = None, backend=None, host_id=None) -> list:
    """The devices of one process (default: this one), as ``jax.local_devices``."""
    index = process_index if process_index is not None else host_id
    if index is None or index == runtime.process_index():
        return runtime.devices(backend)
    return [d for d in runtime.global_devices() if d.process_index == index]


host_id, host_count, host_ids = process_index, process_count, process_indices


@contextlib.contextmanager
def named_scope(name: str) -> Iterator[None]:
    """A named region of a traced program (``jax.named_scope``). Accepted for
    compatibility; functrans jaxprs and StableHLO carry no name stack.

    Example:
        >>> with named_scope("layer1"):
        ...     y = fnp.tanh(x @ w)
    """
    if not isinstance(name, str):
        raise TypeError(f"[named_scope] name must be a string, got {type(name).__name__}")
    yield


def print_environment_info(return_string: bool = False) -> str | None:
    """Versions and devices (``jax.print_environment_info``)."""
    devices = runtime.devices()
    lines = [f"functrans:    {_version()}",
             f"jaxlib:       {runtime.jaxlib_version()} (XLA compiler and runtime)",
             f"numpy:        {np.__version__}",
             f"python:       {sys.version.splitlines()[0]}",
             f"platform:     {_platform.platform()}",
             f"backend:      {runtime.platform()}, {len(devices)} local device(s): "
             f"{', '.join(str(d) for d in devices)}",
             f"processes:    {runtime.process_count()} (this is {runtime.process_index()})"]
    text = "\n".join(lines)
    if return_string:
        return text
    print(text)
    return None


def _version() -> str:
    try:
        from importlib.metadata import version
        return version("functrans")
    except Exception:  # not installed as a distribution (a source checkout)
        return "(source checkout)"


def live_arrays(platform: str | None = None) -> list[Array]:
    """The functrans Arrays alive now (``jax.live_arrays``), optionally only those with
    a buffer on ``platform``'s devices. A debugging aid: it walks the garbage
    collector's objects, so it is slow."""
    arrays = [o for o in gc.get_objects() if isinstance(o, Array) and not o.is_deleted()]
    if platform is None:
        return arrays
    return [a for a in arrays if a._dev is not None and a._dev.platform == platform]


def fwd_and_bwd(fun: Callable, argnums: int | Sequence[int], has_aux: bool = False,
                jitted: bool = True) -> tuple[Callable, Callable]:
    """Separate forward and backward functions for ``fun`` (``jax.fwd_and_bwd``).

    Args:
      fun: the function.
      argnums: the positional arguments to differentiate.
      has_aux: ``fun`` returns ``(out, aux)``.
      jitted: compile ``fun`` (so both passes run as XLA programs).

    Returns:
      ``fwd(*args) -> (out, residuals[, aux])`` and ``bwd(residuals, ct) -> cotangents``
      (one per ``argnums``, unwrapped for an int).

    Example:
        >>> fwd, bwd = fwd_and_bwd(lambda w, x: fnp.sum(w * x), argnums=0)
        >>> out, res = fwd(w, x); dw = bwd(res, 1.0)
    """
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    inner = jit(fun) if jitted else fun

    def fwd(*args):
        def partial(*dyn):
            full = list(args)
            for i, d in zip(nums, dyn, strict=True):
                full[i] = d
            return inner(*full)
        return vjp(partial, *[args[i] for i in nums], has_aux=has_aux)

    def bwd(residuals, ct):
        grads = residuals(ct)
        return grads[0] if isinstance(argnums, int) else grads
    return fwd, bwd


def copy_to_host_async(x):
    """Start the host copies of the Arrays in pytree ``x``; returns ``x``."""
    for leaf in tree_leaves(x):
        copy = getattr(leaf, "copy_to_host_async", None)
        if copy is not None:
            copy()
    return x
