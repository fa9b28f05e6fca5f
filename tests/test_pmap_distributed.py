"""pmap across processes: two processes with two CPU devices each (XLA's coordination
service, gloo collectives) take the same data-parallel SGD step as this process does
with its four devices. Bounded by timeouts: a stuck process is killed, never waited on."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from oracle import assert_close
from pmap_worker import data, sgd_step

import functrans as ft
import functrans.numpy as fnp

WORKER = Path(__file__).with_name("pmap_worker.py")
TIMEOUT_S = 120


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("localhost", 0))
        return s.getsockname()[1]


def _run_two_processes() -> list[dict]:
    address = f"localhost:{_free_port()}"
    env = dict(os.environ, XLA_FLAGS="--xla_force_host_platform_device_count=2",
               JAX_PLATFORMS="cpu")
    procs = [subprocess.Popen([sys.executable, str(WORKER), address, "2", str(i)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i in range(2)]
    results = []
    try:
        for p in procs:
            out, err = p.communicate(timeout=TIMEOUT_S)
            assert p.returncode == 0, f"worker failed ({p.returncode}):\n{err[-3000:]}"
            results.append(json.loads(out.strip().splitlines()[-1]))
    except subprocess.TimeoutExpired:
        pytest.fail(f"a worker did not finish within {TIMEOUT_S} s")
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    return results


def test_two_processes_match_one_process_with_four_devices():
    results = _run_two_processes()
    w, x, y = data(4)
    want = sgd_step(ft, fnp)(w, x, y)  # one process, 4 devices
    for i, r in enumerate(results):
        assert (r["process_index"], r["process_count"]) == (i, 2)
        assert (r["device_count"], r["local_device_count"]) == (4, 2)
        assert "[distributed.initialize] was already called" in r["second_init_error"]
        for k in ("a", "b"):
            got = np.asarray(r["params"][k], np.float32)
            assert got.shape == (2,) + w[k].shape  # this process's two devices
            assert_close(got, np.asarray(want[k])[2 * i:2 * i + 2], rtol=1e-5, atol=1e-5)
    assert not np.allclose(np.asarray(want["a"])[0], w["a"])  # the step moved the params


def test_single_process_queries():
    assert ft.distributed.process_index() == 0 and ft.distributed.process_count() == 1
    assert ft.distributed.device_count() == ft.distributed.local_device_count() == 4
    assert ft.distributed.devices() == ft.distributed.local_devices() == ft.devices()


def test_initialize_after_devices_were_used_errors():
    """(Called twice is checked before this; both leave the process as it was.)"""
    ft.jit(lambda a: a + 1.0)(np.ones(2, np.float32)).block_until_ready()
    with pytest.raises(RuntimeError, match=r"\[distributed.initialize\] must be called "
                                           "before devices are used"):
        ft.distributed.initialize("localhost:1", 2, 0)
    with pytest.raises(ValueError, match=r"process_id=2 must be an int in \[0, 2\)"):
        from functrans.xla_lowering.distributed import _check_args
        _check_args("localhost:1", 2, 2)
