"""``pmap``: SPMD over devices with XLA collectives (``jax.pmap``).

The function is traced once per (pytree structure, avals, mapped axes, static
arguments) into its per-device jaxpr, with ``axis_name`` bound in the axis env;
a call outside any transformation runs the cached SPMD executable
(``xla_lowering/pmap.py``), inside one it binds the ``xla_pmap`` call primitive
(``higher_order/pmap.py``), whose rules transform the per-device jaxpr.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from .api import _fun_name, _Static, flatten_fun
from .core.array import Array
from .core.trace import _state, bind
from .higher_order.pmap import out_axes_none_error, pmap_p, unmapped_aval
from .interpreters.eval import eval_trace
from .interpreters.staging import stage
from .interpreters.vmap import AxisData, batch_jaxpr
from .primitives.collectives import extend_axis_env
from .tree_util import tree_flatten, tree_unflatten
from .xla_lowering import runtime
from .xla_lowering.pmap import device_count_error, executable


class _Entry:
    __slots__ = ("params", "out_tree", "exe", "donated")

    def __init__(self, params, out_tree, donated):
        self.params, self.out_tree, self.exe, self.donated = params, out_tree, None, donated


class Pmapped:
    """A pmapped function: traced once per signature, compiled once, cached dispatch."""

    def __init__(self, fun, axis_name, in_axes, out_axes, static_argnums, devices, backend,
                 axis_size, donate_argnums=()):
        functools.update_wrapper(self, fun)
        from ._vmap_api import _flat_in_axes, _flat_out_axes
        self._flat_in_axes, self._flat_out_axes = _flat_in_axes, _flat_out_axes
        self.fun, self.axis_name, self.in_axes, self.out_axes = fun, axis_name, in_axes, out_axes
        self.static = _Static(fun, static_argnums, (), "pmap")
        if devices is None and backend is not None:
            devices = runtime.devices(backend)
        self.devices = tuple(devices) if devices is not None else None
        self.axis_size = axis_size
        self.cache: dict = {}
        self.fast_cache: dict = {}
        donate = (donate_argnums,) if isinstance(donate_argnums, int) else donate_argnums
        self.donate_argnums = frozenset(donate)
        self.simple = not self.static.nums

    def _dyn_in_axes(self, args):
        if not isinstance(self.in_axes, tuple) or not self.static.nums:
            return self.in_axes
        if len(self.in_axes) != len(args):
            raise ValueError(f"[pmap] in_axes has {len(self.in_axes)} entries but the function "
                             f"was called with {len(args)} positional arguments")
        return tuple(ax for i, ax in enumerate(self.in_axes) if i not in self.static.nums)

    def _entry(self, args, kwargs):
        in_axes = self._dyn_in_axes(args)
        dyn_args, dyn_kwargs, skey = self.static.split(args, kwargs)
        leaves, in_tree, axes = self._flat_in_axes(in_axes, dyn_args, dyn_kwargs, "pmap")
        from ._vmap_api import _batch_size
        size = _batch_size(leaves, axes, self.axis_size, dyn_args, dyn_kwargs, "pmap")
        avals = tuple(x.aval if isinstance(x, Array) or hasattr(x, "aval") else
                      _aval(x) for x in leaves)
        key = (in_tree, avals, tuple(axes), skey)
        entry = self.cache.get(key)
        if entry is not None:
            return entry, leaves, []
        entry, tracer_consts = self._trace(leaves, in_tree, avals, axes, size, skey)
        entry.donated = self._donated(args, len(tracer_consts), len(leaves))
        if not tracer_consts:
            self.cache[key] = entry
        return entry, leaves, tracer_consts

    def _trace(self, leaves, in_tree, avals, axes, size, skey):
        n_global = size * runtime.process_count() if self.devices is None else size
        have = len(self.devices) if self.devices is not None else len(runtime.global_devices())
        if n_global > have:
            raise ValueError(device_count_error(n_global, have, self.devices is not None))
        inner_avals = [unmapped_aval(a, ax) for a, ax in zip(avals, axes, strict=True)]
        out_store: list = []
        flat = flatten_fun(self.static.merge(self.fun, skey), in_tree, out_store, "pmap")
        with extend_axis_env(self.axis_name, n_global):
            closed, tracer_consts = stage(flat, inner_avals, "pmap", _fun_name(self.fun))
        out_tree = out_store[0]
        in_axes = (None,) * len(tracer_consts) + tuple(axes)
        out_axes = self._normalized_out_axes(out_tree, closed)
        if None in out_axes:
            self._check_replicated(closed, in_axes, out_axes, n_global)
        params = dict(jaxpr=closed, axis_name=self.axis_name, axis_size=size,
                      global_axis_size=n_global, in_axes=in_axes, out_axes=out_axes,
                      devices=self.devices, name=_fun_name(self.fun))
        return _Entry(params, out_tree, ()), tracer_consts

    def _donated(self, args, n_consts: int, n_leaves: int) -> tuple[bool, ...]:
        """One flag per flat input (leading tracer consts never donated)."""
        if not self.donate_argnums:
            return ()
        flags = [False] * n_consts
        for i, a in enumerate(args):
            if i not in self.static.nums:
                flags += [i in self.donate_argnums] * len(tree_flatten(a)[0])
        return tuple(flags + [False] * (n_consts + n_leaves - len(flags)))

    def _normalized_out_axes(self, out_tree, closed) -> tuple:
        dummy = tree_unflatten(out_tree, [0] * out_tree.num_leaves)
        flat = self._flat_out_axes(self.out_axes, dummy, out_tree, "pmap")
        result = []
        for i, (ax, a) in enumerate(zip(flat, closed.out_avals, strict=True)):
            if ax is not None and not -a.ndim - 1 <= ax <= a.ndim:
                raise ValueError(f"[pmap] out_axes={ax} is out of range for output {i} of "
                                 f"rank {a.ndim + 1} (with its mapped axis)")
            result.append(None if ax is None else ax % (a.ndim + 1))
        return tuple(result)

    def _check_replicated(self, closed, in_axes, out_axes, n_global):
        """out_axes=None needs a value the same on every device (as JAX checks): vmap's
        batch analysis tells which outputs depend on the mapped axis."""
        _, out_bdims = batch_jaxpr(closed, AxisData(self.axis_name, n_global), list(in_axes))
        for i, (ax, b) in enumerate(zip(out_axes, out_bdims, strict=True)):
            if ax is None and b is not None:
                raise ValueError(out_axes_none_error(i))

    def __call__(self, *args, **kwargs):
        entry, leaves, tracer_consts = self._entry(args, kwargs)
        if _state.trace is eval_trace:
            if entry.exe is None:
                entry.exe = executable(**entry.params, donated=entry.donated)
            outs = entry.exe(leaves)
            if self.simple and not kwargs and len(leaves) == len(args) and all(
                    isinstance(a, Array) for a in args):
                self.fast_cache[tuple([a.aval for a in args])] = entry
        else:
            outs = bind(pmap_p, *tracer_consts, *leaves, **entry.params)
        return tree_unflatten(entry.out_tree, outs)


def _aval(x):
    from .api import abstractify
    return abstractify(x, "pmap")


def pmap(fun: Callable | None = None, axis_name: Any = None, *, in_axes: Any = 0,
         out_axes: Any = 0, static_broadcasted_argnums: int | Sequence[int] = (),
         devices: Sequence | None = None, backend: str | None = None,
         axis_size: int | None = None, donate_argnums: int | Sequence[int] = ()) -> Callable:
    """Run ``fun`` on several devices at once, one block of the mapped axis per device
    (``jax.pmap``): one XLA program for all of them (SPMD), collectives over
    ``axis_name`` (``lax.psum`` ...) as XLA cross-device collectives.

    Args:
      fun: a function of arrays (and pytrees of arrays), as seen by one device.
      axis_name: the name collectives use for the mapped axis.
      in_axes: the mapped axis of each positional argument (int, None for "the same on
        every device", or a tuple / pytree prefix, as for ``vmap``); keyword arguments are
        mapped along axis 0.
      out_axes: where the mapped axis goes in each output; None for outputs that are the
        same on every device (checked).
      static_broadcasted_argnums: positional arguments that are Python values baked into
        the trace (hashable), the same on every device.
      devices: the devices to run on (default: the first ``n`` of ``devices()`` over all
        processes).
      backend: the platform whose devices to use when ``devices`` is None.
      axis_size: the size of the mapped axis when no argument is mapped.
      donate_argnums: positional arguments whose device buffers the computation may reuse
        for its outputs: a pmap result passed there is deleted by the call (host values
        are copied to the devices, so they stay valid).

    Returns:
      The pmapped function. Its array results are ``Array`` s that keep one buffer per
      device (``.addressable_shards``); the next pmap over the same devices uses them in
      place, and host use gathers them once.

    Example:
        >>> f = pmap(lambda x: x / lax.psum(x, 'i'), axis_name='i')
        >>> f(fnp.arange(1., 5.))
        Array([0.1, 0.2, 0.3, 0.4], dtype=float32)
    """
    if fun is None:
        return functools.partial(pmap, axis_name=axis_name, in_axes=in_axes, out_axes=out_axes,
                                 static_broadcasted_argnums=static_broadcasted_argnums,
                                 devices=devices, backend=backend, axis_size=axis_size,
                                 donate_argnums=donate_argnums)
    if not callable(fun):
        raise TypeError(f"[pmap] expected a function, got {type(fun).__name__}")
    if isinstance(in_axes, list):
        raise TypeError("[pmap] in_axes must be an int, None or a tuple with one entry per "
                        f"positional argument, got the list {in_axes!r}; use a tuple")
    impl = Pmapped(fun, axis_name, in_axes, out_axes, static_broadcasted_argnums, devices,
                   backend, axis_size, donate_argnums)
    fast_cache, slow_call = impl.fast_cache, impl.__call__

    @functools.wraps(fun)
    def pmapped(*args, **kwargs):
        if _state.trace is eval_trace and not kwargs:
            try:  # the hot path: array arguments of a signature seen before
                entry = fast_cache[tuple([a.aval for a in args])]
                outs = entry.exe(args)
                return tree_unflatten(entry.out_tree, outs)
            except (KeyError, AttributeError):
                pass
        return slow_call(*args, **kwargs)

    pmapped._impl = impl
    return pmapped


__all__ = ["pmap"]
