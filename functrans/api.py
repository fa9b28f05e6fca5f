"""Public transformations: jit, make_jaxpr, eval_shape, devices and transfers.

(grad/jvp/vjp/linearize live in ``_autodiff_api``, vmap in ``_vmap_api``; all
are re-exported from ``functrans``.)
"""

from __future__ import annotations

import functools
import inspect
import logging
import weakref
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from . import xla_lowering
from ._jit_keys import NotFast as _NotFast
from ._jit_keys import flat_key_function, is_flat
from ._jit_keys import signature as _signature
from .core import dtypes
from .core.array import Array, aval_of, is_array_like
from .core.config import _values as _config_values
from .core.config import config
from .core.ir import ClosedJaxpr, ShapedArray
from .core.trace import Tracer, _state, bind, current_trace
from .core.typecheck import check_jaxpr
from .higher_order.call import jit_p
from .interpreters.eval import bad_value_kind, eval_trace, floating_point_error
from .interpreters.staging import eval_closed, stage
from .tree_util import keystr, tree_flatten, tree_flatten_with_path, tree_map, tree_unflatten
from .xla_lowering import runtime
from .xla_lowering.lower import lower_to_module


class ShapeDtypeStruct:
    """A shape and dtype standing for an array (``jax.ShapeDtypeStruct``)."""

    __slots__ = ("shape", "dtype", "weak_type")

    def __init__(self, shape, dtype, weak_type: bool = False):
        self.shape = tuple(shape)
        self.dtype = np.dtype(dtype)
        self.weak_type = weak_type

    def __eq__(self, other):
        return (isinstance(other, ShapeDtypeStruct) and self.shape == other.shape
                and self.dtype == other.dtype)

    def __hash__(self):
        return hash((self.shape, self.dtype))

    def __repr__(self):
        return f"ShapeDtypeStruct(shape={self.shape}, dtype={self.dtype.name})"


def abstractify(x, api: str) -> ShapedArray:
    """The aval of a jit argument, with a clear error for non-array values."""
    if isinstance(x, Tracer):
        return x.aval
    if isinstance(x, ShapeDtypeStruct):
        return ShapedArray(x.shape, dtypes.check_supported(x.dtype, api), x.weak_type)
    return aval_of(x, api)


# ---- tracing a pytree function ---------------------------------------------------------

def flatten_fun(fun: Callable, in_tree, out_store: list, api: str) -> Callable:
    """``fun`` over pytrees as a function of flat leaves; the output tree goes to
    ``out_store``."""
    def flat_fun(*leaves):
        args, kwargs = tree_unflatten(in_tree, leaves)
        out = fun(*args, **kwargs)
        out_leaves, out_tree = tree_flatten(out)
        for leaf in out_leaves:
            if not isinstance(leaf, Tracer):
                if not is_array_like(leaf):
                    raise _invalid_output_error(fun, out, api)
                abstractify(leaf, f"{api}: output of {_fun_name(fun)}")
        out_store.append(out_tree)
        return out_leaves
    return flat_fun


def _invalid_output_error(fun, out, api: str) -> TypeError:
    """JAX's error for a non-array output, naming its type and where it is."""
    for path, leaf in tree_flatten_with_path(out)[0]:
        if not isinstance(leaf, Tracer) and not is_array_like(leaf):
            where = f" at output component {keystr(path)}" if path else ""
            return TypeError(f"[{api}] function {_fun_name(fun)} traced for {api} returned a "
                             f"value of type {type(leaf)}{where}, which is not a valid array "
                             "type: return arrays, Python scalars or pytrees of them")
    return TypeError(f"[{api}] function {_fun_name(fun)} returned an invalid value")


def _fun_name(fun) -> str:
    return getattr(fun, "__name__", type(fun).__name__)


class _Static:
    """Which arguments are static, and how to split a call into (dynamic, static key)."""

    def __init__(self, fun, static_argnums, static_argnames, api):
        nums = (static_argnums,) if isinstance(static_argnums, int) else tuple(static_argnums or ())
        names = (static_argnames,) if isinstance(static_argnames, str) else tuple(
            static_argnames or ())
        try:
            params = list(inspect.signature(fun).parameters)
        except (TypeError, ValueError):
            params = []
        names = set(names) | {params[i] for i in nums if 0 <= i < len(params)}
        nums = set(nums) | {params.index(n) for n in names if n in params}
        self.nums, self.names, self.api = frozenset(nums), frozenset(names), api

    def split(self, args, kwargs):
        if not self.nums and not self.names:
            return args, kwargs, ((), ())
        nargs = len(args)
        nums = {n % nargs if n < 0 else n for n in self.nums if -nargs <= n < nargs}
        dyn_args = tuple(a for i, a in enumerate(args) if i not in nums)
        dyn_kwargs = {k: v for k, v in kwargs.items() if k not in self.names}
        static = (tuple((i, args[i]) for i in sorted(nums)),
                  tuple(sorted((k, v) for k, v in kwargs.items() if k in self.names)))
        try:
            hash(static)
        except TypeError as e:
            raise TypeError(f"[{self.api}] static arguments must be hashable: {e}; pass "
                            "arrays as dynamic arguments, or tuples instead of lists") from e
        return dyn_args, dyn_kwargs, static

    def merge(self, fun, static):
        pos, kw = static

        def merged(*dyn_args, **dyn_kwargs):
            args = list(dyn_args)
            for i, v in pos:
                args.insert(i, v)
            return fun(*args, **dyn_kwargs, **dict(kw))
        merged.__name__ = _fun_name(fun)
        return merged


def _trace_flat(fun, static: _Static, args, kwargs, api: str):
    dyn_args, dyn_kwargs, skey = static.split(args, kwargs)
    return (*_flat_avals((dyn_args, dyn_kwargs), api), skey)


def _flat_avals(tree, api: str) -> tuple:
    """``(leaves, treedef, avals)`` of the dynamic arguments ``tree``."""
    leaves, in_tree = tree_flatten(tree)
    avals = tuple([x.aval if type(x) is Array else _leaf_aval(x, api, i)
                   for i, x in enumerate(leaves)])
    return leaves, in_tree, avals


def _before_trace(jitted, avals) -> None:
    """The debugging options that act when a jitted function is about to be traced."""
    name = _fun_name(jitted.fun)
    if _config_values["jax_no_tracing"]:
        raise RuntimeError(f"[jit] jax_no_tracing is on, but {name} needs tracing for "
                           f"arguments {[a.str_short() for a in avals]}")
    if _config_values["jax_explain_cache_misses"]:
        seen = [[a.str_short() for a in k[1]] for k in jitted.cache]
        why = (f"new argument signature {[a.str_short() for a in avals]}; traced before for "
               f"{seen}" if seen else "first call")
        logging.getLogger("functrans").warning("TRACING CACHE MISS at %s: %s", name, why)


def _leaf_aval(x, api, i):
    try:
        return abstractify(x, api)
    except TypeError as e:
        raise TypeError(f"{e} (flat argument {i}: {type(x).__name__}; mark non-array "
                        "arguments static with static_argnums/static_argnames)") from None


# ---- make_jaxpr / eval_shape -----------------------------------------------------------

def make_jaxpr(fun: Callable, static_argnums: int | Sequence[int] = (),
               static_argnames=()) -> Callable[..., ClosedJaxpr]:
    """Trace ``fun`` and return its ClosedJaxpr (printable, evaluable).

    Example:
        >>> print(make_jaxpr(lambda x: lax.sin(x) * 2.0)(1.0))
        { lambda ; a:f32[]. let b:f32[] = sin a; c:f32[] = mul b 2.0:f32[] in (c,) }
    """
    static = _Static(fun, static_argnums, static_argnames, "make_jaxpr")

    @functools.wraps(fun)
    def jaxpr_maker(*args, **kwargs) -> ClosedJaxpr:
        leaves, in_tree, avals, skey = _trace_flat(fun, static, args, kwargs, "make_jaxpr")
        out_store: list = []
        flat = flatten_fun(static.merge(fun, skey), in_tree, out_store, "make_jaxpr")
        closed, tracer_consts = stage(flat, avals, "make_jaxpr", _fun_name(fun))
        if tracer_consts:  # closes over outer tracers: show them as ordinary consts
            closed = ClosedJaxpr(closed.jaxpr, closed.consts)
        return closed
    return jaxpr_maker


def eval_shape(fun: Callable, *args, **kwargs):
    """The output shapes/dtypes of ``fun(*args)`` as ShapeDtypeStructs; nothing runs."""
    leaves, in_tree = tree_flatten((args, kwargs))
    avals = [abstractify(x, "eval_shape") for x in leaves]
    out_store: list = []
    closed, _ = stage(flatten_fun(fun, in_tree, out_store, "eval_shape"), avals, "eval_shape",
                      _fun_name(fun))
    outs = [ShapeDtypeStruct(a.shape, a.dtype, a.weak_type) for a in closed.out_avals]
    return tree_unflatten(out_store[0], outs)


# ---- jit -----------------------------------------------------------------------------

class _Entry:
    __slots__ = ("closed", "out_tree", "donated", "name", "exe", "single_out")

    def __init__(self, closed, out_tree, donated, name):
        self.closed, self.out_tree, self.donated, self.name = closed, out_tree, donated, name
        self.exe = None  # the executable on the default device, once compiled
        self.single_out = out_tree.num_leaves == 1 and out_tree == tree_flatten(0)[1]


_MAX_LAYOUTS = 32  # flat key functions per jitted function (one per call layout)


class Jitted:
    """A jit-compiled function: traced once per (pytree structure, avals, static args),
    compiled once per device, dispatched from a cache afterwards."""

    instances: weakref.WeakSet = weakref.WeakSet()  # for clear_caches

    def __init__(self, fun, static_argnums=(), static_argnames=(), donate_argnums=()):
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.static = _Static(fun, static_argnums, static_argnames, "jit")
        donate = (donate_argnums,) if isinstance(donate_argnums, int) else tuple(donate_argnums)
        self.donate_argnums = frozenset(donate)
        self.cache: dict = {}
        # Fast path: positional Array arguments only, nothing static or donated; keyed by
        # the argument avals alone (the pytree structure is then implied).
        self.fast_cache: dict = {}
        self.simple = not (self.static.nums or self.static.names or self.donate_argnums)
        # Second fast path: pytrees of Arrays, keyword and static arguments; keyed by the
        # call's signature (``_signature``). Not with donation or negative static_argnums.
        self.tree_cache: dict = {}
        self.layouts: dict = {}  # call layout -> its flat key function (_jit_keys)
        self.tree_ok = not self.donate_argnums and all(n >= 0 for n in self.static.nums)
        self.fast_epoch = config.epoch  # fast caches hold entries made under this config
        Jitted.instances.add(self)

    def _entry(self, args, kwargs):
        leaves, in_tree, avals, skey = _trace_flat(self.fun, self.static, args, kwargs, "jit")
        key = (in_tree, avals, skey, config.trace_key())
        entry = self.cache.get(key)
        if entry is not None:
            return entry, leaves, []
        _before_trace(self, avals)
        out_store: list = []
        flat = flatten_fun(self.static.merge(self.fun, skey), in_tree, out_store, "jit")
        closed, tracer_consts = stage(flat, avals, "jit", _fun_name(self.fun))
        if _config_values["jax_enable_checks"]:
            check_jaxpr(closed)
        entry = _Entry(closed, out_store[0], self._donated(args, kwargs, len(leaves)),
                       _fun_name(self.fun))
        if not tracer_consts:
            self.cache[key] = entry
        return entry, leaves, tracer_consts

    def _donated(self, args, kwargs, n_leaves) -> tuple[bool, ...]:
        if not self.donate_argnums:
            return ()
        flags = []
        for i, a in enumerate(args):
            if i in self.static.nums:
                continue
            flags += [i in self.donate_argnums] * len(tree_flatten(a)[0])
        return tuple(flags + [False] * (n_leaves - len(flags)))

    def __call__(self, *args, **kwargs):
        if _config_values["jax_disable_jit"]:
            return self.fun(*args, **kwargs)
        entry, leaves, tracer_consts = self._entry(args, kwargs)
        if current_trace() is eval_trace:
            outs = self._execute(entry, leaves)
            if _config_values["jax_debug_nans"] or _config_values["jax_debug_infs"]:
                _check_outputs(entry, leaves, outs)
            else:
                self._remember_fast(args, kwargs, leaves, entry)
        else:
            outs = bind(jit_p, *tracer_consts, *leaves, jaxpr=entry.closed, name=entry.name)
        return tree_unflatten(entry.out_tree, outs)

    def _remember_fast(self, args, kwargs, leaves, entry):
        """After a slow call: let the hot paths find ``entry`` for calls like this one."""
        if self.fast_epoch != config.epoch:  # an option changed: older entries may be stale
            self.fast_cache.clear()
            self.tree_cache.clear()
            self.fast_epoch = config.epoch
        if entry.exe is None:
            return
        if self.simple and not kwargs and len(leaves) == len(args) and \
                all(type(a) is Array for a in args):
            key = args[0].aval if len(args) == 1 else tuple([a.aval for a in args])
            self.fast_cache[key] = entry
        elif self.tree_ok:
            bufs: list = []
            try:
                sig = _signature(args, kwargs, self.static.nums, self.static.names, bufs)
                hash(sig)
            except (_NotFast, TypeError):
                return
            if len(bufs) == len(leaves):
                self.tree_cache[sig] = entry
                self._remember_flat(args, kwargs, entry)

    def _remember_flat(self, args, kwargs, entry) -> None:
        """Also key ``entry`` by the flat key of the call's layout, if it has one."""
        nums, names = self.static.nums, self.static.names
        if not is_flat(args, kwargs, nums, names):
            return
        layout = (len(args), tuple(kwargs))
        key_fn = self.layouts.get(layout)
        if key_fn is None:
            if len(self.layouts) >= _MAX_LAYOUTS:
                return
            key_fn = self.layouts[layout] = flat_key_function(args, kwargs, nums, names)
        key, _ = key_fn(args, kwargs)
        if key is not None:
            self.tree_cache[key] = entry

    def _execute(self, entry, leaves):
        device = _device_of_args(leaves)
        if entry.exe is not None and device is entry.exe.device:
            exe = entry.exe
        else:
            exe = runtime.compiled(entry.closed, device, entry.name, entry.donated)
            if device is runtime.default_device() and not entry.donated:
                entry.exe = exe
        outs = exe(*leaves)
        for leaf, donated in zip(leaves, entry.donated, strict=False):
            if donated and type(leaf) is Array:
                leaf._buf = leaf._np = None
        return outs

    def lower(self, *args, **kwargs) -> Lowered:
        """``self.trace(*args, **kwargs).lower()``: StableHLO for the default backend."""
        return self.trace(*args, **kwargs).lower()

    def trace(self, *args, **kwargs) -> Traced:
        """The traced program for these arguments (a ClosedJaxpr that can be lowered)."""
        entry, _, tracer_consts = self._entry(args, kwargs)
        return Traced(entry, self, _arg_types(self, args, kwargs), bool(tracer_consts))


def _clear_hot_caches() -> None:
    """Any configuration change may make the hot paths' entries stale (the slow path's
    trace cache is keyed by the configuration): empty them, so the hot paths need not
    check the configuration on every call."""
    for jitted in list(Jitted.instances):
        jitted.fast_cache.clear()
        jitted.tree_cache.clear()


config.on_change(_clear_hot_caches)


def _check_outputs(entry, leaves, outs) -> None:
    """debug_nans/debug_infs on a jit call's outputs: on a hit, re-run the function op by
    op (eagerly, every primitive checked) to name the primitive that produced it."""
    bad = bad_value_kind(outs)
    if bad is not None:
        eval_closed(entry.closed, *leaves)
        raise floating_point_error(bad, f"jit({entry.name})", deoptimized=True)


_DEFAULT: list = [None]  # the default device, filled on first use


def _on_default(args) -> bool:
    dev = _DEFAULT[0]
    return all(a._dev is dev for a in args)


def _on_default_bufs(bufs) -> bool:
    dev = _DEFAULT[0]
    return all(b is not None and runtime.device_of(b) == dev for b in bufs)


def _has_none(bufs) -> bool:
    """Whether a hot path's buffer list holds a host-only Array's missing buffer."""
    return any(b is None for b in bufs)


def _device_of_args(leaves):
    _DEFAULT[0] = runtime.default_device()
    for x in leaves:
        if type(x) is Array and x._buf is not None:
            return x._dev
    return runtime.default_device()


class Traced(ClosedJaxpr):
    """``jit(f).trace(*args)`` (``jax.stages.Traced``): the traced ClosedJaxpr, which
    ``lower`` turns into StableHLO, also for another platform than this machine's.

    Example:
        >>> t = jit(lambda x: x * 2.0).trace(fnp.ones(3))
        >>> t.lower(lowering_platforms=("cuda",)).as_text()  # no GPU needed
    """

    __slots__ = ("_jitted", "_entry", "_arg_types", "_closes_over_tracers")

    def __init__(self, entry: _Entry, jitted: Jitted, arg_types: tuple,
                 closes_over_tracers: bool = False):
        super().__init__(entry.closed.jaxpr, entry.closed.consts)
        self._entry, self._jitted, self._arg_types = entry, jitted, arg_types
        self._closes_over_tracers = closes_over_tracers

    def lower(self, *, lowering_platforms: Sequence[str] | None = None) -> Lowered:
        """Lower to StableHLO (a ``Lowered``).

        Args:
          lowering_platforms: ``None`` (the default backend) or a one-element tuple
            naming the platform to lower for: ``("cpu",)``, ``("cuda",)``, ``("rocm",)``
            or ``("tpu",)``. A module lowered for another platform can be inspected
            (``as_text``) but not compiled here.

        Returns:
          The ``Lowered`` program.

        Example:
            >>> jit(fnp.linalg.qr).trace(a).lower(lowering_platforms=("cuda",)).as_text()
        """
        if self._closes_over_tracers:
            raise TypeError("[jit] lower() of a function that closes over traced values")
        platform = _one_platform(lowering_platforms)
        entry = self._entry
        module = lower_to_module(entry.closed, entry.name, donated=entry.donated,
                                 platform=platform)
        return Lowered(module, self._jitted, entry, self._arg_types, platform)


def _one_platform(lowering_platforms) -> str | None:
    if lowering_platforms is None:
        return None
    if isinstance(lowering_platforms, str):
        lowering_platforms = (lowering_platforms,)
    platforms = tuple(lowering_platforms)
    if len(platforms) != 1:
        raise NotImplementedError(
            f"[jit] lowering_platforms={platforms}: one module for several platforms is "
            f"not supported; lower once per platform, e.g. lowering_platforms=('cuda',)")
    return platforms[0]


def _arg_types(jitted: Jitted, args, kwargs) -> tuple:
    """What a ``Compiled`` checks its (dynamic) arguments against: their pytree structure
    and each leaf's shape and dtype (weak types aside)."""
    _, in_tree, avals, _ = _trace_flat(jitted.fun, jitted.static, args, kwargs, "jit")
    return in_tree, tuple((a.shape, a.dtype) for a in avals)


class Lowered:
    """The StableHLO of a jitted function for given arguments (``jax.stages.Lowered``)."""

    def __init__(self, module, jitted: Jitted | None = None, entry: _Entry | None = None,
                 arg_types: tuple = (), platform: str | None = None):
        self.module = module
        self._jitted, self._entry, self._arg_types = jitted, entry, arg_types
        self.platform = platform  # what lowering_platforms named (None: the default)

    def as_text(self, dialect: str | None = None) -> str:
        """The StableHLO module as text."""
        return str(self.module)

    def compiler_ir(self, dialect: str | None = None):
        """The MLIR module (StableHLO)."""
        return self.module

    def compile(self) -> Compiled:
        """The XLA executable, callable on arguments like the ones lowered for."""
        here = runtime.lowering_platform(runtime.default_device())
        if self.platform not in (None, here):
            raise RuntimeError(f"[jit] this program was lowered for {self.platform!r} and "
                               f"cannot be compiled for the {here!r} backend of this process; "
                               f"lower it without lowering_platforms to run it here")
        entry = self._entry
        if entry is None:
            return Compiled(runtime.compile_module(self.module, runtime.default_device()))
        exe = runtime.compiled(entry.closed, runtime.default_device(), entry.name,
                               entry.donated)
        return Compiled(exe.loaded, exe, self._jitted, entry, self._arg_types)


class Compiled:
    """``jit(f).lower(*args).compile()`` (``jax.stages.Compiled``): call it with the dynamic
    arguments only (static ones are baked in, as in JAX), of the same pytree structure,
    shapes and dtypes as the lowered ones.

    Example:
        >>> c = jit(lambda x: x * 2.0).lower(fnp.ones(3)).compile()
        >>> c(fnp.arange(3.0))
        Array([0., 2., 4.], dtype=float32)
    """

    def __init__(self, loaded, exe=None, jitted: Jitted | None = None,
                 entry: _Entry | None = None, arg_types: tuple = ()):
        self.loaded = loaded
        self._exe, self._jitted, self._entry, self._arg_types = exe, jitted, entry, arg_types

    def __call__(self, *args, **kwargs):
        if self._exe is None:
            raise TypeError("[jit] this executable was compiled from a bare module; call "
                            "jit(f) or jit(f).lower(*args).compile() instead")
        leaves, in_tree, avals = _flat_avals((args, kwargs), "jit")
        got = (in_tree, tuple((a.shape, a.dtype) for a in avals))
        if got != self._arg_types:
            want = ", ".join(f"{np.dtype(d).name}{list(s)}" for s, d in self._arg_types[1])
            have = ", ".join(f"{np.dtype(d).name}{list(s)}" for s, d in got[1])
            raise TypeError(f"[jit] Compiled called with argument types ({have}) or a pytree "
                            f"structure that differ from the ones it was compiled for "
                            f"({want}; static arguments are not passed again); lower and "
                            f"compile again for these arguments, or call the jitted "
                            f"function itself")
        return tree_unflatten(self._entry.out_tree, self._exe(*leaves))

    def as_text(self) -> str:
        """The optimized HLO text of the executable."""
        return self.loaded.hlo_modules()[0].to_string()

    def cost_analysis(self):
        """XLA's cost estimate (flops, bytes accessed, ...)."""
        return self.loaded.cost_analysis()

    def memory_analysis(self):
        """XLA's memory statistics of the compiled program."""
        return self.loaded.get_compiled_memory_stats()

    def runtime_executable(self):
        """The jaxlib loaded executable underneath."""
        return self.loaded


def jit(fun: Callable | None = None, *, static_argnums=(), static_argnames=(),
        donate_argnums=()):
    """Compile ``fun`` with XLA (``jax.jit``).

    Args:
      fun: a function of arrays (and pytrees of arrays).
      static_argnums / static_argnames: arguments that are Python values baked into the
        trace (hashable); a new value retraces.
      donate_argnums: arguments whose buffers XLA may reuse; they are deleted after the call.

    Returns:
      A function with the same signature that runs compiled.

    Example:
        >>> f = jit(lambda x: x * 2.0)
        >>> f(fnp.ones(3))
        Array([2., 2., 2.], dtype=float32)
    """
    if fun is None:
        return functools.partial(jit, static_argnums=static_argnums,
                                 static_argnames=static_argnames, donate_argnums=donate_argnums)
    if not callable(fun):
        raise TypeError(f"[jit] expected a function, got {type(fun).__name__}")
    impl = Jitted(fun, static_argnums, static_argnames, donate_argnums)
    fast_cache, slow_call = impl.fast_cache, impl.__call__
    tree_cache, tree_ok, layouts = impl.tree_cache, impl.tree_ok, impl.layouts
    static_nums, static_names = impl.static.nums, impl.static.names

    @functools.wraps(fun)
    def jitted(*args, **kwargs):
        if _state.trace is not eval_trace:  # (a config change empties the hot caches)
            return slow_call(*args, **kwargs)
        if fast_cache and not kwargs:  # (only filled when nothing is static or donated)
            # The hot path: positional Arrays on the default device, seen before; keyed by
            # their interned avals (a lone argument by its aval itself), so the lookup
            # hashes and compares by identity. No exception on a miss: a pytree argument
            # goes on to the signature path at once.
            if len(args) == 1:
                a = args[0]
                if type(a) is Array:
                    entry = fast_cache.get(a.aval)
                    bufs = [a._buf]
                else:
                    entry = None
            else:
                entry = fast_cache.get(tuple([a.aval if type(a) is Array else None
                                              for a in args]))
                bufs = [a._buf for a in args] if entry is not None else None
            if entry is not None and (not runtime.placed_off_default or _on_default(args)):
                try:
                    if entry.single_out:
                        return entry.exe.call_one(bufs)
                    return tree_unflatten(entry.out_tree, entry.exe.call_on_buffers(bufs))
                except TypeError:  # a host-only Array (no buffer): the slow path moves it
                    if not _has_none(bufs):
                        raise
        if tree_cache and tree_ok:
            # Pytrees, keyword and static arguments: keyed by the layout's flat key, else
            # by the call's signature (_jit_keys).
            entry = None
            try:
                if layouts:
                    key_fn = layouts.get((len(args), tuple(kwargs)))
                    if key_fn is not None:
                        key, bufs = key_fn(args, kwargs)
                        if key is not None:
                            entry = tree_cache.get(key)
                if entry is None:
                    bufs = []
                    entry = tree_cache.get(_signature(args, kwargs, static_nums, static_names,
                                                      bufs))
            except (_NotFast, TypeError):  # (unhashable static values: the slow path says so)
                entry = None
            if entry is not None and (not runtime.placed_off_default or
                                      _on_default_bufs(bufs)):
                try:
                    if entry.single_out:
                        return entry.exe.call_one(bufs)
                    return tree_unflatten(entry.out_tree, entry.exe.call_on_buffers(bufs))
                except TypeError:
                    if not _has_none(bufs):
                        raise
        return slow_call(*args, **kwargs)

    jitted.lower, jitted.trace, jitted._impl = impl.lower, impl.trace, impl
    return jitted


# ---- devices and transfers ---------------------------------------------------------------

def devices(backend: str | None = None) -> list:
    """The local XLA devices (``jax.devices``)."""
    return runtime.devices(backend)


def default_backend() -> str:
    return runtime.platform()


def device_put(x: Any, device=None):
    """Move a pytree of arrays to ``device`` (default: the first device)."""
    device = device or runtime.default_device()

    def put(leaf):
        if isinstance(leaf, Array):
            return Array(None, leaf.aval, leaf.device_buffer(device), device)
        from .core.array import as_numpy
        value = as_numpy(leaf, "device_put")
        return Array(None, aval_of(leaf, "device_put"), runtime.to_device(value, device)[0],
                     device)
    return tree_map(put, x)


def device_get(x: Any):
    """A pytree of arrays as NumPy arrays on the host."""
    return tree_map(lambda leaf: leaf.numpy() if isinstance(leaf, Array) else leaf, x)


def block_until_ready(x: Any):
    tree_map(lambda leaf: leaf.block_until_ready() if isinstance(leaf, Array) else leaf, x)
    return x


del xla_lowering  # imported for its registrations
