"""The XLA runtime: PJRT client, devices, transfers, compile cache, execution.

Compiled executables are cached per (ClosedJaxpr object, device, donation, the
configuration's trace key — e.g. the default matmul precision, read at lowering);
the jaxpr objects themselves are cached by the jit trace cache and by the
transformation caches, so a repeated call never re-lowers.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Sequence

# The client comes from jax._src.xla_bridge, where jax.extend.backend's get_backend is
# defined: importing jax.extend would run its __init__, which loads all of jax.extend
# (pallas, checkify, shard_map, ...: ~1 MiB of memory that functrans never uses).
import jax._src.xla_bridge as _xla_bridge
import jax.core as _jax_core
import jaxlib._jax as _xc
import numpy as np
from jax import enable_x64 as _jax_enable_x64
from jax.sharding import SingleDeviceSharding

from ..core.array import Array, backend
from ..core.config import _values as _config_values
from ..core.config import config
from ..core.ir import ClosedJaxpr, ShapedArray
from .lower import lower_to_module

_log = logging.getLogger("functrans")
JaxRuntimeError = _xc.JaxRuntimeError  # what a failing XLA execution raises
LoadedExecutable = _xc.LoadedExecutable  # what compiling a module gives
Device = _xc.Device  # the class of functrans.devices()'s entries


def jaxlib_version() -> str:
    """The version of jaxlib, which provides the XLA compiler and runtime."""
    import jaxlib
    return jaxlib.__version__

_client = None


def client():
    global _client
    if _client is None:
        _client = _xla_bridge.get_backend()
    return _client


def set_client(new_client) -> None:
    """Use ``new_client`` from now on (distributed.initialize's multi-process client)."""
    global _client
    _client = new_client
    _shardings.clear()
    _replica_shardings.clear()


def devices(platform: str | None = None) -> list:
    if platform is None:
        return list(client().local_devices())
    return list(_xla_bridge.get_backend(platform).local_devices())


def global_devices() -> list:
    """Every device of every process (``jax.devices()`` after distributed init)."""
    return list(client().devices())


def process_index() -> int:
    return client().process_index()


def process_count() -> int:
    return max(d.process_index for d in client().devices()) + 1


def default_device():
    """The first local device, or the one ``jax_default_device`` names."""
    chosen = _config_values["jax_default_device"]
    if chosen is None:
        return client().local_devices()[0]
    if isinstance(chosen, str):
        platform_ = {"cuda": "gpu", "rocm": "gpu"}.get(chosen, chosen)
        return devices(platform_)[0]
    return chosen


def platform() -> str:
    return client().platform


def lowering_platform(device=None) -> str:
    """The platform name programs for ``device`` (default: the default backend) are
    lowered for: 'cpu', 'cuda', 'rocm' or 'tpu' (a GPU client calls itself 'gpu')."""
    name = device.platform if device is not None else client().platform
    if name == "gpu":
        version = (device.client if device is not None else client()).platform_version
        return "rocm" if "rocm" in version.lower() else "cuda"
    return name


_shardings: dict = {}
_jax_avals: dict = {}


def _sharding(device):
    s = _shardings.get(device)
    if s is None:
        s = _shardings[device] = SingleDeviceSharding(device)
    return s


def _jax_aval(shape, dtype):
    key = (shape, dtype)
    a = _jax_avals.get(key)
    if a is None:
        a = _jax_avals[key] = _jax_core.ShapedArray(shape, dtype)
    return a


_WIDE = frozenset(np.dtype(t) for t in (np.float64, np.int64, np.uint64, np.complex128))
placed_off_default = False  # becomes True once any buffer lives off the default device
devices_used = False  # becomes True at the first transfer or compile (distributed checks)


def to_device(value: np.ndarray, device=None):
    """``(buffer, device)``: a device buffer holding ``value`` (zero-copy on the CPU
    where possible)."""
    global placed_off_default, devices_used
    devices_used = True
    if device is None:
        device = default_device()
    elif device != default_device():
        placed_off_default = True
    aval = _jax_aval(value.shape, value.dtype)
    if value.dtype in _WIDE:  # jaxlib narrows 64-bit values unless JAX's own x64 is on
        with _jax_enable_x64(True):
            buf = _xc.batched_device_put(aval, _sharding(device), [value], [device], True)
    else:
        buf = _xc.batched_device_put(aval, _sharding(device), [value], [device], True)
    return buf, device


def device_of(buf):
    return next(iter(buf.devices()))


def _block(buf):
    buf.block_until_ready()


backend.to_device = to_device
backend.device_of = device_of
backend.block = _block


class Executable:
    """A compiled program: call it with device buffers, get device buffers back."""

    __slots__ = ("loaded", "out_avals", "device", "_source", "handlers", "host_callbacks",
                 "run", "out_aval")

    def __init__(self, loaded, out_avals: Sequence[ShapedArray], device, source):
        self.loaded = loaded
        self.run = loaded.execute_sharded
        self.out_avals = list(out_avals)
        self.out_aval = self.out_avals[0] if self.out_avals else None
        self.device = device
        self._source = source  # the StableHLO module (or its text)
        self.host_callbacks: list = []  # kept alive as long as the executable
        sharding = _sharding(device)
        self.handlers = [_xc.array_result_handler(_jax_aval(a.shape, a.dtype), sharding,
                                                  committed=True, _skip_checks=True)
                         for a in self.out_avals]

    @property
    def text(self) -> str:
        """The StableHLO text, printed on first use (printing a large module costs ~2% of
        a first call, so it is not done eagerly)."""
        if not isinstance(self._source, str):
            self._source = str(self._source)
        return self._source

    def execute(self, buffers: list) -> list:
        """Device buffers in, device buffers (runtime arrays) out."""
        return self.run(buffers).consume_with_handlers(self.handlers)

    def call_on_buffers(self, bufs: list) -> list[Array]:
        """The hot path of a cached jit call: buffers already on ``self.device``."""
        outs = self.execute(bufs)
        dev = self.device
        return [Array(None, a, b, dev) for a, b in zip(self.out_avals, outs)]  # noqa: B905

    def call_one(self, bufs: list) -> Array:
        """``call_on_buffers`` of a program with one output: that output (the jit hot
        path's call, so written out in full).

        (jaxlib records a traceback per execution, which costs ~0.15 us and leaks ~75
        bytes a call through ``execute_sharded``; switching tracebacks off around the
        execution avoids both but leaves the outputs without the runtime's "user
        context", and copying such an array to the host (bfloat16) then fails. See
        benchmarks/bench_dispatch_floor.py.)"""
        out = self.run(bufs).consume_with_handlers(self.handlers)[0]
        return Array(None, self.out_aval, out, self.device)

    def __call__(self, *args) -> list[Array]:
        device = self.device
        bufs = self.execute([input_buffer(a, device) for a in args])
        return [Array(None, a, b, device) for a, b in zip(self.out_avals, bufs, strict=True)]


def input_buffer(x, device):
    """A device buffer on ``device`` for any accepted array value."""
    if type(x) is Array:
        if x._dev is device and x._buf is not None:
            return x._buf
        return x.device_buffer(device)
    if isinstance(x, Array):  # a ShardedArray (pmap result): gathered once
        return x.device_buffer(device)
    if isinstance(x, _xc.ArrayImpl):
        return x if device_of(x) == device else to_device(np.asarray(x), device)[0]
    from ..core.array import as_numpy
    return to_device(as_numpy(x, "jit"), device)[0]


def compile_module(module, device, num_replicas: int = 1, devices_=None, host_callbacks=()):
    global devices_used
    devices_used = True
    options = _xc.CompileOptions()
    options.num_replicas = num_replicas
    devs = devices_ or [device]
    options.device_assignment = _xc.DeviceAssignment.create(
        np.asarray([[d.id] for d in devs], dtype=np.int32))
    # devices of another platform than the default (the CPU beside a GPU) have their own
    owner = client() if devs[0].platform == client().platform else devs[0].client
    if host_callbacks:
        return owner.compile_and_load(module, _xc.DeviceList(tuple(devs)), options,
                                      host_callbacks=list(host_callbacks))
    return owner.compile_and_load(module, _xc.DeviceList(tuple(devs)), options)


_replica_shardings: dict = {}


def replica_sharding(devs: Sequence):
    """The sharding under which per-replica buffers enter a multi-replica program: each
    replica's buffer is its whole parameter (the program itself is per device)."""
    key = tuple(devs)
    s = _replica_shardings.get(key)
    if s is None:
        from jax.sharding import Mesh, NamedSharding, PartitionSpec
        s = _replica_shardings[key] = NamedSharding(
            Mesh(np.asarray(devs, dtype=object), ("replicas",)), PartitionSpec())
    return s


def replicated_array(bufs: list, aval: ShapedArray, sharding):
    """One argument of a multi-replica program from its per-replica buffers."""
    return _xc.ArrayImpl(_jax_aval(aval.shape, aval.dtype), sharding, bufs, committed=True,
                         _skip_checks=True)


def result_handler(aval: ShapedArray, sharding):
    """Turns a multi-replica program's per-replica results into one runtime array."""
    return _xc.array_result_handler(_jax_aval(aval.shape, aval.dtype), sharding, committed=True,
                                    _skip_checks=True)


def block_all(bufs: list, aval: ShapedArray, sharding) -> None:
    """Wait for buffers on several devices with one call."""
    replicated_array(bufs, aval, sharding).block_until_ready()


def _block_many(bufs: list, devs: list) -> None:
    a = bufs[0]
    block_all(bufs, ShapedArray(a.shape, np.dtype(a.dtype)), replica_sharding(devs))


backend.block_many = _block_many
backend.split_group = lambda group: list(group._arrays)


# Set by xla_lowering.pmap: (the exception a pmap's lowering raises outside any pmap
# program, the executable that then runs the jaxpr equation by equation).
split_execution: tuple = ()

_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def compiled(closed: ClosedJaxpr, device=None, name: str = "main",
             donated: tuple[bool, ...] = ()) -> Executable:
    """The executable for ``closed`` on ``device``, compiled once and cached."""
    device = device or default_device()
    per_jaxpr = _cache.setdefault(closed, {})
    key = (device, donated, config.trace_key())
    exe = per_jaxpr.get(key)
    if exe is None:
        callbacks: list = []
        try:
            module = lower_to_module(closed, name, donated=donated, host_callbacks=callbacks,
                                     platform=lowering_platform(device))
        except split_execution[:1]:  # a jit of a pmap: no single program
            exe = per_jaxpr[key] = split_execution[1](closed, device)
            return exe
        if _config_values["jax_log_compiles"]:
            _log.warning("Compiling %s for %s (%s)", name, device,
                         ", ".join(a.str_short() for a in closed.in_avals))
        cls = _CallbackExecutable if callbacks else Executable
        exe = cls(compile_module(module, device, host_callbacks=callbacks),
                  closed.out_avals, device, module)
        exe.host_callbacks = callbacks
        per_jaxpr[key] = exe
    return exe


_in_flight: list = []  # outputs of recent runs of programs with host callbacks


class _CallbackExecutable(Executable):
    """A program that calls back into Python: each run keeps a completion token until
    ``effects_barrier`` waits for it (plain executables pay nothing for this)."""

    __slots__ = ()

    def execute(self, buffers: list) -> list:
        results = self.run(buffers, with_tokens=True)
        _in_flight[:] = [*_in_flight[-15:], results.consume_token()]
        return results.consume_with_handlers(self.handlers)

    def call_one(self, bufs: list) -> Array:
        return self.call_on_buffers(bufs)[0]


def effects_barrier() -> None:
    """Wait until every program run so far that calls host callbacks has finished (so
    their prints and side effects have happened)."""
    tokens, _in_flight[:] = list(_in_flight), []
    for token in tokens:
        token.block_until_ready()
