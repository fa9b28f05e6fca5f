"""Memory: no growth of resident memory over many calls, and the peak of a train step.

* 10^5 calls of a cached ``jit`` function and 10^4 eager calls (a mix of elementwise ops,
  reductions, indexing and ``.at[]`` updates): resident memory (``VmRSS``) after a warm-up
  and after the calls; growth of at most 2 MiB counts as none. JAX's growth on the same
  program is in the note.
* Peak resident memory (``VmHWM``) of a process that runs 20 SGD steps of
  ``jit(value_and_grad)`` of a 784-512-512-10 tanh MLP (batch 128): functrans vs JAX
  (target <= 1.0x), each in a fresh subprocess that imports only its own library.

Every figure is measured in its own fresh interpreter; memory is read from
``/proc/self/status`` (Linux).

    python benchmarks/bench_memory.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from _timing import print_results, result  # noqa: E402

GROWTH_LIMIT_MIB = 2.0

# Child programs: {lib} is "functrans" or "jax"; each prints one JSON line.
PRELUDE = """
import json, os, sys
os.environ.setdefault("JAX_PLATFORMS", "cpu")
sys.path.insert(0, {root!r})

def status(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024.0  # kB -> MiB
    raise RuntimeError(field + " not in /proc/self/status")

if {lib!r} == "functrans":
    import functrans as lib, functrans.numpy as m
    block = lib.block_until_ready
else:
    import jax as lib, jax.numpy as m
    block = lib.block_until_ready
import numpy as np
"""

JIT_CALLS = """
f = lib.jit(lambda x, y: m.tanh(x * y + 1.0).sum())
x = lib.device_put(np.ones(64, np.float32))
y = lib.device_put(np.full(64, 0.5, np.float32))
for _ in range(2000):
    block(f(x, y))
before = status("VmRSS")
for _ in range(10**5):
    out = f(x, y)
block(out)
print(json.dumps({{"before": before, "after": status("VmRSS")}}))
"""

EAGER_CALLS = """
x = m.asarray(np.linspace(-1, 1, 100, dtype=np.float32))
y = m.asarray(np.linspace(0, 2, 100, dtype=np.float32).reshape(10, 10))

def step(i):
    a = m.sin(x) * 2.0 + x
    b = a.sum() + y.sum(axis=0)
    c = x.at[i % 100].set(1.0)
    d = m.concatenate([x[1:3], c[i % 100:i % 100 + 1]])
    return block(b), block(d)

for i in range(1000):
    step(i)
before = status("VmRSS")
for i in range(10**4):
    step(i)
print(json.dumps({{"before": before, "after": status("VmRSS")}}))
"""

TRAIN_STEP = """
def loss(params, x, onehot):
    h = x
    for w, b in params[:-1]:
        h = m.tanh(h @ w + b)
    w, b = params[-1]
    z = h @ w + b
    z = z - m.max(z, axis=-1, keepdims=True)
    logp = z - m.log(m.sum(m.exp(z), axis=-1, keepdims=True))
    return -m.mean(m.sum(logp * onehot, axis=-1))

@lib.jit
def step(params, x, onehot):
    value, grads = lib.value_and_grad(loss)(params, x, onehot)
    new = lib.tree_util.tree_map(lambda p, g: p - 0.1 * g, params, grads)
    return new, value

rng = np.random.default_rng(0)
sizes = [784, 512, 512, 10]
params = [((rng.standard_normal((a, b)) / np.sqrt(a)).astype(np.float32),
           np.zeros(b, np.float32)) for a, b in zip(sizes[:-1], sizes[1:])]
x = rng.standard_normal((128, 784)).astype(np.float32)
onehot = np.eye(10, dtype=np.float32)[rng.integers(0, 10, 128)]
base = status("VmRSS")
params, x, onehot = lib.device_put((params, x, onehot))
for _ in range(20):
    params, value = step(params, x, onehot)
block(value)
print(json.dumps({{"base": base, "peak": status("VmHWM"), "loss": float(value)}}))
"""


def run_child(program: str, lib: str) -> dict:
    """Run ``program`` for ``lib`` in a fresh interpreter; its JSON result."""
    code = PRELUDE.format(root=os.path.dirname(HERE), lib=lib) + program.format()
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=1800)
    if proc.returncode != 0:
        raise RuntimeError(f"[bench_memory] {lib} child failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def growth_row(name: str, program: str) -> dict:
    ours, theirs = run_child(program, "functrans"), run_child(program, "jax")
    grow, jgrow = ours["after"] - ours["before"], theirs["after"] - theirs["before"]
    return result(name, grow, None, "", None, unit="MiB", met=grow <= GROWTH_LIMIT_MIB,
                  note=f"RSS {ours['before']:.0f} -> {ours['after']:.0f} MiB (growth <= "
                       f"{GROWTH_LIMIT_MIB:.0f} MiB counts as none); JAX {jgrow:+.1f} MiB")


def peak_row() -> dict:
    ours, theirs = run_child(TRAIN_STEP, "functrans"), run_child(TRAIN_STEP, "jax")
    return result("peak RSS (VmHWM), 20 SGD steps jit MLP 784-512-512-10 b=128",
                  ours["peak"], theirs["peak"], "", 1.0, unit="MiB",
                  note=f"after imports: functrans {ours['base']:.0f} MiB, JAX "
                       f"{theirs['base']:.0f} MiB; loss {ours['loss']:.4f} vs "
                       f"{theirs['loss']:.4f}")


def results() -> list[dict]:
    return [growth_row("RSS growth over 10^5 cached jit calls", JIT_CALLS),
            growth_row("RSS growth over 10^4 eager calls (10 ops each)", EAGER_CALLS),
            peak_row()]


def main():
    print_results(results())


if __name__ == "__main__":
    main()
