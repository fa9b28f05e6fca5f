"""pmap on devices: one SPMD program, XLA replicas, one buffer per device.

A pmap compiles its per-device jaxpr once into a StableHLO module run as
``num_replicas`` XLA replicas (one per device; ``mhlo``'s cross-replica
collectives over replica groups, see ``collectives.py``). Replicas rather than
SPMD partitions: the program is already per-device (the jaxpr pmap carries), so
no partitioner is needed, collectives name replica ids directly, and the layout
matches the vmap meaning of the named axes one to one.

A nested pmap (``pmap(pmap(f, 'j'), 'i')``) is part of the same program: the
outer pmap asks for ``size_i * size_j`` replicas, the inner one is lowered in
place: each replica slices its block of the inner mapped inputs (by its
``axis_index``) and all-gathers the inner outputs. Outer shards are fed to the
``size_j`` replicas of their group.

A jit whose jaxpr holds a pmap (``jit(pmap(f))``) cannot be one single-replica
program: its lowering raises ``SplitExecution``, and the runtime then runs that
jaxpr equation by equation, each pmap as its own SPMD program (as JAX does for
jit-of-pmap).
"""

from __future__ import annotations

import weakref

import numpy as np
from jaxlib.mlir import ir
from jaxlib.mlir.dialects import stablehlo as hlo

from ..core.array import Array, ShardedArray
from ..core.registry import device_impl_rules, lowering_rules
from ..higher_order.pmap import jaxpr_replicas, mapped_aval, pmap_p
from . import runtime
from .collectives import all_gather_value, axis_index_value
from .lower import ir_type, lower_closed, lower_to_module


class SplitExecution(Exception):
    """A pmap met outside any pmap program: run the enclosing jaxpr op by op."""


# ---- lowering a pmap nested in a pmap program -------------------------------------------

def _pmap_lowering(ctx, *args, jaxpr, axis_name, global_axis_size, in_axes, out_axes,
                   **params):
    mctx = ctx.module
    if not mctx.axis_env:
        raise SplitExecution
    mctx.axis_env.append((axis_name, global_axis_size))
    try:
        idx = axis_index_value(mctx, axis_name)
        inner_args = []
        for x, aval, ax, want in zip(args, ctx.avals_in, in_axes, jaxpr.in_avals, strict=True):
            if ax is None:
                inner_args.append(x)
                continue
            zero = hlo.constant(ir.DenseElementsAttr.get(np.zeros((), np.int32)))
            starts = [idx if d == ax else zero for d in range(aval.ndim)]
            sizes = [1 if d == ax else n for d, n in enumerate(aval.shape)]
            block = hlo.dynamic_slice(x, starts, sizes)
            inner_args.append(hlo.reshape(ir_type(want), block))
        outs = lower_closed(mctx, jaxpr, inner_args)
        return [o if ax is None else all_gather_value(mctx, o, a, mapped_aval(a, ax, n), axis_name,
                                                      ax, False)
                for o, a, ax, n in zip(outs, jaxpr.out_avals, out_axes,
                                       [global_axis_size] * len(outs), strict=True)]
    finally:
        mctx.axis_env.pop()

lowering_rules[pmap_p] = _pmap_lowering


# ---- the executable ----------------------------------------------------------------------

class PmapExecutable:
    """One compiled pmap: feeds each local replica its block, returns ShardedArrays."""

    def __init__(self, jaxpr, axis_name, axis_size, global_axis_size, in_axes, out_axes,
                 devices, name, donated=()):
        self.in_axes, self.out_axes, self.donated = in_axes, out_axes, donated
        self.in_avals, self.out_avals = jaxpr.in_avals, jaxpr.out_avals
        inner = jaxpr_replicas(jaxpr)
        n_rep = global_axis_size * inner
        devs = list(devices) if devices is not None else runtime.global_devices()
        if len(devs) < n_rep:
            raise ValueError(device_count_error(n_rep, len(devs), devices is not None))
        devs = devs[:n_rep]
        callbacks: list = []  # host callbacks (debug.print, ...) called by the program
        module = lower_to_module(jaxpr, f"pmap_{name}", num_replicas=n_rep,
                                 axis_env=[(axis_name, global_axis_size)], donated=donated,
                                 host_callbacks=callbacks,
                                 platform=runtime.lowering_platform(devs[0]))
        self.text = str(module)
        self.loaded = runtime.compile_module(module, None, n_rep, devs,
                                             host_callbacks=callbacks)
        self.host_callbacks = callbacks
        me = runtime.process_index()
        self.replicas = [r for r in range(n_rep) if devs[r].process_index == me]
        self.devices = [devs[r] for r in self.replicas]
        blocks = sorted({r // inner for r in self.replicas})
        if len(blocks) != axis_size:
            raise ValueError(f"[pmap] this process drives {len(blocks)} of the "
                             f"{global_axis_size} devices but its mapped arguments have size "
                             f"{axis_size}; pass one block per local device")
        pos = {b: k for k, b in enumerate(blocks)}
        self.block_of = [pos[r // inner] for r in self.replicas]  # per local replica
        self.out_slots = [i for i, r in enumerate(self.replicas) if r % inner == 0]
        self.block_devices = [self.devices[i] for i in self.out_slots]  # block k lives here
        self.one_block_each = inner == 1
        self.in_shapes = [mapped_aval(a, ax, axis_size).shape
                          for a, ax in zip(self.in_avals, in_axes, strict=True)]
        self.out_global = [mapped_aval(a, ax, axis_size)
                           for a, ax in zip(self.out_avals, out_axes, strict=True)]
        self.sharding = runtime.replica_sharding(devs)
        self.handlers = [runtime.result_handler(a, self.sharding) for a in self.out_avals]
        # XLA:CPU may deadlock when a program with collectives overlaps the next one (its
        # replicas wait for each other on a small thread pool): wait for those to finish.
        self.sync = runtime.platform() == "cpu" and any(
            op in self.text for op in _COLLECTIVE_OPS) and bool(self.out_avals)

    def __call__(self, args) -> list:
        arrays = [self._argument(x, ax, shape, aval)
                  for x, ax, shape, aval in zip(args, self.in_axes, self.in_shapes,
                                                self.in_avals, strict=True)]
        results = self.loaded.execute_sharded(arrays)
        if self.donated:
            _forget_donated(args, self.donated)
        if self.one_block_each:  # one runtime array per output, holding every device's
            groups = results.consume_with_handlers(self.handlers)
            if self.sync:  # one wait for every replica (a program's outputs are ready together)
                groups[0].block_until_ready()
            return [ShardedArray(a, None, ax, self.devices, g)
                    for g, ax, a in zip(groups, self.out_axes, self.out_global, strict=True)]
        per_out = results.disassemble_into_single_device_arrays()
        if self.sync:
            runtime.block_all(per_out[0], self.out_avals[0], self.sharding)
        return [self._result(bufs, ax, aval)
                for bufs, ax, aval in zip(per_out, self.out_axes, self.out_global, strict=True)]

    def _argument(self, x, ax, shape, aval):
        if type(x) is ShardedArray and x._shard_axis == ax and x.aval.shape == shape:
            if (x._group is not None and self.one_block_each
                    and (x._shard_devices is self.devices or x._shard_devices == self.devices)):
                return x._group  # already one runtime array over these devices
            reused = self._reuse(x, ax)
            if reused is not None:
                return runtime.replicated_array(reused, aval, self.sharding)
        return runtime.replicated_array(self._buffers(x, ax), aval, self.sharding)

    def _buffers(self, x, ax) -> list:
        if isinstance(x, Array):
            value = x.numpy()
        else:
            from ..core.array import as_numpy
            value = as_numpy(x, "pmap")
        if ax is None:
            return [runtime.to_device(value, d)[0] for d in self.devices]
        blocks = np.moveaxis(value, ax, 0)
        return [runtime.to_device(np.ascontiguousarray(blocks[k]), d)[0]
                for k, d in zip(self.block_of, self.devices, strict=True)]

    def _reuse(self, x, ax) -> list | None:
        """``x``'s own buffers, when they already sit where the replicas need them."""
        devs, shards = x._shard_devices, x.shard_buffers()
        if shards is None:
            return None
        if ax is None:
            if devs is self.devices or devs == self.devices:
                return shards
            return None
        if self.one_block_each and (devs is self.block_devices or devs == self.block_devices):
            return shards
        return None  # (under a nested pmap each block goes to several devices: via the host)

    def _result(self, bufs, ax, aval) -> ShardedArray:
        if ax is None:
            return ShardedArray(aval, bufs, None, self.devices)
        return ShardedArray(aval, [bufs[i] for i in self.out_slots], ax, self.block_devices)


def _forget_donated(args, donated) -> None:
    """Donated device buffers now belong to the outputs: their Arrays are deleted (host
    values passed in were copied to the devices, and stay valid)."""
    for x, d in zip(args, donated, strict=False):
        if d and type(x) is ShardedArray:
            x._group = x._shards = x._np = None


_COLLECTIVE_OPS = ("stablehlo.all_reduce", "stablehlo.all_gather", "stablehlo.reduce_scatter",
                   "stablehlo.all_to_all", "stablehlo.collective_permute")


def device_count_error(needed: int, have: int, given: bool) -> str:
    where = "the devices= given" if given else f"the {have} available devices"
    return (f"[pmap] needs {needed} devices (the size of the mapped axis, times that of nested "
            f"pmaps) but {where} are {have}; map a smaller axis, or on the CPU simulate more "
            f"devices with XLA_FLAGS=--xla_force_host_platform_device_count={needed} (set "
            "before the first use of functrans or jax)")


_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def executable(jaxpr, **params) -> PmapExecutable:
    """The compiled pmap for ``jaxpr`` and its params (cached per jaxpr object)."""
    per = _cache.setdefault(jaxpr, {})
    key = tuple(sorted(params.items(), key=lambda kv: kv[0]))
    exe = per.get(key)
    if exe is None:
        exe = per[key] = PmapExecutable(jaxpr, **params)
    return exe


def _pmap_device_impl(*args, jaxpr, **params):
    return executable(jaxpr, **params)(args)


device_impl_rules[pmap_p] = _pmap_device_impl


# ---- jit of a jaxpr holding a pmap ---------------------------------------------------------

class InterpretedExecutable:
    """A jit whose jaxpr holds a pmap: its equations run one by one (each pmap as its
    own SPMD program, the rest eagerly)."""

    def __init__(self, closed, device):
        self.closed, self.device, self.text = closed, device, "<split execution>"
        self.out_avals = closed.out_avals

    def __call__(self, *args) -> list:
        from ..interpreters.staging import eval_closed
        return eval_closed(self.closed, *args)

    def call_on_buffers(self, bufs: list) -> list:
        return self(*[Array(None, a, b, runtime.device_of(b))
                      for a, b in zip(self.closed.in_avals, bufs, strict=True)])

    def call_one(self, bufs: list):
        return self.call_on_buffers(bufs)[0]


runtime.split_execution = (SplitExecution, InterpretedExecutable)
