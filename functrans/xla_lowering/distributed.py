"""Multi-process runs on XLA's own distributed runtime (what jaxlib provides).

``initialize`` starts the coordination service (process 0), connects this
process's client to it, and replaces the runtime's PJRT client by one that knows
every process's devices (its global topology comes from the coordination
service); on the CPU, cross-process collectives go through gloo over TCP. After
it, ``runtime.global_devices()`` lists the devices of all processes, and a pmap
spans them all, each process feeding the replicas on its own devices.
"""

from __future__ import annotations

import jaxlib._jax as _xc

from . import runtime

_state: dict = {"service": None, "client": None, "process_id": 0, "num_processes": 1}


def _check_args(coordinator_address, num_processes, process_id) -> None:
    if not isinstance(coordinator_address, str) or ":" not in coordinator_address:
        raise ValueError("[distributed.initialize] coordinator_address must be 'host:port', "
                         f"got {coordinator_address!r}")
    if not isinstance(num_processes, int) or num_processes < 1:
        raise ValueError("[distributed.initialize] num_processes must be a positive int, got "
                         f"{num_processes!r}")
    if not isinstance(process_id, int) or not 0 <= process_id < num_processes:
        raise ValueError(f"[distributed.initialize] process_id={process_id!r} must be an int in "
                         f"[0, {num_processes})")


def _devices_in_use() -> bool:
    client = runtime._client
    return runtime.devices_used or (client is not None and bool(client.live_arrays()))


def _check_port_free(port: str) -> None:
    """The coordination service aborts the process if it cannot bind: check first."""
    import socket
    with socket.socket(socket.AF_INET6 if socket.has_ipv6 else socket.AF_INET) as s:
        try:
            s.bind(("::" if socket.has_ipv6 else "", int(port)))
        except OSError as e:
            raise RuntimeError(f"[distributed.initialize] process 0 cannot listen on port "
                               f"{port} ({e}); pick a free port in coordinator_address") from None


def initialize(coordinator_address: str, num_processes: int, process_id: int,
               local_device_ids=None, *, timeout_s: int = 60) -> None:
    if _state["client"] is not None:
        raise RuntimeError("[distributed.initialize] was already called in this process; call "
                           "it once, before any computation")
    if _devices_in_use():
        raise RuntimeError("[distributed.initialize] must be called before devices are used "
                           "(arrays were already placed or programs compiled on the local "
                           "devices); call it at the start of the program")
    _check_args(coordinator_address, num_processes, process_id)
    if local_device_ids is not None:
        raise NotImplementedError("[distributed.initialize] local_device_ids is not supported "
                                  "on the CPU; set the device count with XLA_FLAGS="
                                  "--xla_force_host_platform_device_count=N")
    port = coordinator_address.rsplit(":", 1)[1]
    if process_id == 0:
        _check_port_free(port)
        _state["service"] = _xc.get_distributed_runtime_service(
            f"[::]:{port}", num_processes, shutdown_timeout=timeout_s)
    client = _xc.get_distributed_runtime_client(coordinator_address, process_id,
                                                init_timeout=timeout_s,
                                                shutdown_timeout=timeout_s)
    client.connect()
    _state.update(client=client, process_id=process_id, num_processes=num_processes)
    if runtime.platform() != "cpu":
        raise NotImplementedError("[distributed.initialize] only the CPU backend is wired here")
    collectives = _xc.make_gloo_tcp_collectives(distributed_client=client)
    runtime.set_client(_xc.get_tfrt_cpu_client(
        asynchronous=True, distributed_client=client, node_id=process_id,
        num_nodes=num_processes, collectives=collectives))


def shutdown() -> None:
    """Disconnect from the coordination service (and stop it, on process 0)."""
    if _state["client"] is not None:
        _state["client"].shutdown()
    if _state["service"] is not None:
        _state["service"].shutdown()
    _state.update(client=None, service=None)


def is_initialized() -> bool:
    return _state["client"] is not None
