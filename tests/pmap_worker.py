"""One process of the two-process pmap test (tests/test_pmap_distributed.py): joins the
run, takes one data-parallel SGD step over all devices of both processes, prints the
parameters as JSON. Usage: python pmap_worker.py ADDRESS NUM_PROCESSES PROCESS_ID"""

from __future__ import annotations

import json
import sys

import numpy as np


def sgd_step(ft, m_np):
    def loss(w, x, y):
        return m_np.mean((m_np.tanh(x @ w["a"]) @ w["b"] - y) ** 2)

    def step(w, x, y):
        g = ft.grad(loss)(w, x, y)
        g = ft.lax.psum(g, "batch")
        return ft.tree_util.tree_map(lambda p, d: p - 0.5 * d, w, g)
    return ft.pmap(step, "batch", in_axes=(None, 0, 0))


def data(n_devices: int):
    r = np.random.default_rng(0)
    w = {"a": r.standard_normal((3, 4)).astype(np.float32),
         "b": r.standard_normal((4, 2)).astype(np.float32)}
    x = r.standard_normal((n_devices, 5, 3)).astype(np.float32)
    y = r.standard_normal((n_devices, 5, 2)).astype(np.float32)
    return w, x, y


def main(address: str, num_processes: int, process_id: int) -> None:
    import functrans as ft
    import functrans.numpy as fnp
    ft.distributed.initialize(address, num_processes, process_id)
    try:
        ft.distributed.initialize(address, num_processes, process_id)
        second_init_error = ""
    except RuntimeError as e:
        second_init_error = str(e)
    n_local = ft.distributed.local_device_count()
    total = ft.distributed.device_count()
    w, x, y = data(total)
    block = slice(process_id * n_local, (process_id + 1) * n_local)
    new_w = sgd_step(ft, fnp)(w, x[block], y[block])
    out = {k: np.asarray(v).tolist() for k, v in new_w.items()}
    print(json.dumps({"process_index": ft.distributed.process_index(),
                      "process_count": ft.distributed.process_count(),
                      "device_count": total, "local_device_count": n_local,
                      "second_init_error": second_init_error, "params": out}), flush=True)
    ft.distributed.shutdown()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
