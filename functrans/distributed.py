"""Running across processes (``jax.distributed``): ``initialize`` joins this process to
a multi-process run; ``pmap`` then spans the devices of every process.

The machinery is in ``xla_lowering/distributed.py`` (XLA's coordination service
and distributed PJRT client; gloo for CPU collectives).
"""

from __future__ import annotations

from .xla_lowering import distributed as _dist
from .xla_lowering import runtime as _runtime


def initialize(coordinator_address: str, num_processes: int, process_id: int,
               local_device_ids=None) -> None:
    """Join a multi-process run (call once per process, before any computation).

    Args:
      coordinator_address: ``'host:port'`` of process 0, which starts the coordination
        service there; every process passes the same address.
      num_processes: how many processes take part.
      process_id: this process's index, in ``[0, num_processes)``.
      local_device_ids: not supported on the CPU (use XLA_FLAGS to set the device count).

    Returns:
      None. Afterwards ``devices()`` lists every process's devices and ``pmap`` spans
      them; each process passes the blocks for its ``local_devices()``.

    Example:
        >>> # on each of 2 machines (process_id 0 and 1):
        >>> functrans.distributed.initialize("10.0.0.1:1234", 2, process_id)
        >>> functrans.pmap(step, "batch")(params, local_batch)
    """
    _dist.initialize(coordinator_address, num_processes, process_id, local_device_ids)


def shutdown() -> None:
    """Leave the multi-process run."""
    _dist.shutdown()


def process_index() -> int:
    """This process's index (0 in a single-process run)."""
    return _runtime.process_index()


def process_count() -> int:
    """The number of processes."""
    return _runtime.process_count()


def devices() -> list:
    """Every device of every process."""
    return _runtime.global_devices()


def local_devices() -> list:
    """The devices this process drives."""
    return _runtime.devices()


def device_count() -> int:
    """The number of devices over all processes."""
    return len(_runtime.global_devices())


def local_device_count() -> int:
    """The number of devices this process drives."""
    return len(_runtime.devices())


__all__ = ["initialize", "shutdown", "process_index", "process_count", "devices",
           "local_devices", "device_count", "local_device_count"]
