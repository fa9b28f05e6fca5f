"""The floor under a cached jit call: what jaxlib's execution API costs by itself.

For the positional f32[8] workload of ``bench_dispatch.py`` (``sin(x) * 2 + 1``), times
each call sequence jaxlib 0.10 offers for running our compiled executable and getting
its output back as a runtime array, against JAX's whole cached call of the same program
(paired, interleaved, same process). ``LoadedExecutable`` has no ``execute`` in this
jaxlib; the alternatives are ``execute_sharded`` (with or without tokens) followed by
``consume_with_handlers`` (a result handler per output, or ``strict=False``),
``disassemble_into_single_device_arrays`` or
``disassemble_prefix_into_single_device_arrays``. Also the memory growth of each
sequence over many calls (``VmRSS``, fresh interpreter per sequence, ``--memory``).
jaxlib records a Python traceback per execution unless ``set_tracebacks_enabled(False)``;
without it execution is cheaper and does not leak, but its outputs then lack the runtime's
"user context" and cannot be copied to the host when that needs a copy (bfloat16), so the
runtime cannot use it: that row is a measurement only.

Run: .venv/bin/python benchmarks/bench_dispatch_floor.py [--memory]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

os.environ.setdefault("JAX_PLATFORMS", "cpu")
sys.path.insert(0, os.path.dirname(__file__))

import jax  # noqa: E402
import jaxlib._jax as jaxlib_ext  # noqa: E402
import numpy as np  # noqa: E402
from _timing import paired_median, print_results, result  # noqa: E402

import functrans as ft  # noqa: E402
from functrans import lax  # noqa: E402

NUMBER, ROUNDS = 2000, 9


def _setup():
    x_np = np.linspace(-1, 1, 8, dtype=np.float32)
    x, jx = ft.device_put(x_np), jax.device_put(x_np)
    f = ft.jit(lambda x: lax.sin(x) * 2.0 + 1.0)
    jf = jax.jit(lambda x: jax.lax.sin(x) * 2.0 + 1.0)
    f(x), f(x), jf(jx)
    exe = f._impl.fast_cache[x.aval].exe
    return f, jf, x, jx, exe


def sequences(f, x, exe) -> dict:
    """Each candidate call sequence as a zero-argument function returning the output."""
    loaded, handlers, buf = exe.loaded, exe.handlers, x._buf
    run = loaded.execute_sharded
    bufs = [buf]
    switch = jaxlib_ext.set_tracebacks_enabled

    def tracebacks_off():
        switch(False)
        try:
            return run(bufs).consume_with_handlers(handlers)[0]
        finally:
            switch(True)
    return {
        "execute_sharded + consume, tracebacks off (unusable)": tracebacks_off,
        "execute_sharded + consume_with_handlers": lambda: run(bufs).consume_with_handlers(
            handlers)[0],
        "execute_sharded(with_tokens=False) + consume": lambda: run(
            bufs, with_tokens=False).consume_with_handlers(handlers)[0],
        "execute_sharded + consume(strict=False)": lambda: run(bufs).consume_with_handlers(
            handlers, False)[0],
        "execute_sharded + disassemble_into_single_device_arrays": lambda: run(
            bufs).disassemble_into_single_device_arrays()[0][0],
        "execute_sharded + disassemble_prefix(1)": lambda: run(
            bufs).disassemble_prefix_into_single_device_arrays(1)[0][0],
        "execute_sharded(tuple) + consume": lambda: run((buf,)).consume_with_handlers(
            handlers)[0],
        "execute_sharded only (results dropped)": lambda: run(bufs),
        "Executable.call_one (ours: + Array)": lambda: exe.call_one(bufs),
        "ft.jit whole call": lambda: f(x),
    }


def results() -> list[dict]:
    f, jf, x, jx, exe = _setup()
    out = []
    for name, fn in sequences(f, x, exe).items():
        a, b, spread = paired_median(fn, lambda: jf(jx), NUMBER, ROUNDS)
        out.append(result(name, a, b, spread, None, "vs JAX's whole cached call"))
    return out


CHILD = """
import os, sys, json
sys.path.insert(0, {here!r})
import bench_dispatch_floor as b
def rss():
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
f, jf, x, jx, exe = b._setup()
fn = (lambda: jf(jx)) if {name!r} == "jax" else b.sequences(f, x, exe)[{name!r}]
for _ in range(5000):
    fn()
before = rss()
for _ in range(200000):
    fn()
print(json.dumps(rss() - before))
"""


def memory() -> None:
    """RSS growth over 2e5 calls of each sequence (and of JAX's call), fresh processes."""
    here = os.path.dirname(os.path.abspath(__file__))
    f, _, x, _, exe = _setup()
    for name in [*sequences(f, x, exe), "jax"]:
        code = CHILD.format(here=here, name=name)
        got = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True).stdout.strip().splitlines()[-1]
        grow = json.loads(got)
        print(f"{name:<58} RSS +{grow:6.2f} MiB over 2e5 calls "
              f"({grow * 2**20 / 2e5:5.1f} B/call)")


if __name__ == "__main__":
    if "--memory" in sys.argv:
        memory()
    else:
        print_results(results())
