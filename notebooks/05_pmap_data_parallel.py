# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 05 — Data-parallel training with `pmap` and `psum`
#
# `ft.pmap(f, axis_name)` runs `f` on several devices at once — one block of the mapped
# axis per device — as a single XLA program (SPMD). Inside `f`, *collectives* such as
# `lax.psum` / `lax.pmean` combine values across the devices over the named axis.
#
# Data parallelism is the classic use: every device holds a copy of the parameters and a
# slice of the batch, computes its gradient, and the gradients are averaged with `pmean`
# so that all copies take the same step.
#
# This machine has one CPU, so we ask XLA to present it as **4 simulated devices**. The
# flag must be set before functrans (which loads XLA) is imported. On real accelerators
# no flag is needed. (Simulated devices share the same cores, so expect no speed-up here:
# this notebook is about the program, not the timing.)

# %%
import os

os.environ["XLA_FLAGS"] = "--xla_force_host_platform_device_count=4"
os.environ.setdefault("JAX_PLATFORMS", "cpu")

import inspect
import json
import socket
import subprocess
import sys
import tempfile
import textwrap
import time

import matplotlib.pyplot as plt
import numpy as np

import functrans as ft
import functrans.numpy as fnp
import functrans.random as random
from functrans import lax

plt.rcParams["figure.dpi"] = 80
tree_map = ft.tree_util.tree_map
print(ft.devices())

# %% [markdown]
# ## `pmap` basics
#
# The leading axis of the input is split across the devices (its size must be the number
# of devices used); each device sees one slice:

# %%
x = fnp.arange(8.0).reshape(4, 2)
y = ft.pmap(lambda row: row * 10 + lax.axis_index("i"), axis_name="i")(x)
print(y)
print("one buffer per device:", [shard.device for shard in y.addressable_shards])

# %% [markdown]
# Collectives see the whole axis: `psum` sums over the devices, `pmean` averages, and
# `all_gather` collects every device's value. `pmap` means exactly what `vmap` with the
# same `axis_name` means — it just runs on devices:

# %%
def normalize(row):
    return row / lax.psum(fnp.sum(row), "i")


print(ft.pmap(normalize, axis_name="i")(x))
print(ft.vmap(normalize, axis_name="i")(x))

# %% [markdown]
# ## A data-parallel training step
#
# A small MLP regression. The per-device step computes the gradient on the device's block
# of the batch and averages it over the devices with `lax.pmean`; every copy of the
# parameters then takes the same step.

# %%
def make_data(n=1024, d=8, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d)).astype(np.float32)
    w_true = (rng.standard_normal(d) / np.sqrt(d)).astype(np.float32)
    y = np.sin(X @ w_true) + 0.1 * rng.standard_normal(n).astype(np.float32)
    return X, y[:, None]


def init_params(seed=0, sizes=(8, 32, 32, 1)):
    keys = random.split(random.key(seed), len(sizes) - 1)
    return [{"w": random.normal(k, (a, b)) / np.sqrt(a), "b": fnp.zeros(b)}
            for k, a, b in zip(keys, sizes[:-1], sizes[1:], strict=True)]


def loss(params, x, y):
    for layer in params[:-1]:
        x = fnp.tanh(x @ layer["w"] + layer["b"])
    pred = x @ params[-1]["w"] + params[-1]["b"]
    return fnp.mean((pred - y) ** 2)


def train_step(params, x, y, lr):
    """One SGD step, as seen by ONE device: x, y are this device's block of the batch."""
    value, grads = ft.value_and_grad(loss)(params, x, y)
    grads = lax.pmean(grads, "batch")  # average over all devices (of all processes)
    value = lax.pmean(value, "batch")
    return tree_map(lambda p, g: p - lr * g, params, grads), value


def replicate(tree, n):
    """n copies of every leaf, stacked: one per device."""
    return tree_map(lambda a: fnp.broadcast_to(a, (n, *a.shape)), tree)


def train(params, x_blocks, y_blocks, steps=80, lr=0.3):
    """Full-batch gradient descent; x_blocks[i] lives on local device i."""
    step = ft.pmap(train_step, axis_name="batch", in_axes=(0, 0, 0, None))
    params = replicate(params, x_blocks.shape[0])
    losses = []
    for _ in range(steps):
        params, value = step(params, x_blocks, y_blocks, lr)
        losses.append(float(value[0]))
    return tree_map(lambda a: a[0], params), losses


# %% [markdown]
# Split the batch into one block per device and train:

# %%
X, Y = make_data()
n_dev = ft.device_count()
x_blocks = X.reshape(n_dev, -1, X.shape[1])  # (4, 256, 8): 256 examples per device
y_blocks = Y.reshape(n_dev, -1, 1)

t0 = time.perf_counter()
params_dp, losses_dp = train(init_params(), x_blocks, y_blocks)
print(f"{len(losses_dp)} data-parallel steps on {n_dev} devices in "
      f"{time.perf_counter() - t0:.2f} s; loss {losses_dp[0]:.4f} -> {losses_dp[-1]:.4f}")

# %% [markdown]
# Since every block has the same size, the mean of the per-device mean gradients *is* the
# gradient of the mean loss over the whole batch. So the data-parallel run must follow the
# same trajectory as plain gradient descent on one device — a good check:

# %%
@ft.jit
def single_device_step(params, x, y, lr=0.3):
    value, grads = ft.value_and_grad(loss)(params, x, y)
    return tree_map(lambda p, g: p - lr * g, params, grads), value


params_1 = init_params()
losses_1 = []
for _ in range(len(losses_dp)):
    params_1, value = single_device_step(params_1, X, Y)
    losses_1.append(float(value))

diff = max(float(fnp.max(fnp.abs(a - b))) for a, b in
           zip(ft.tree_util.tree_leaves(params_dp), ft.tree_util.tree_leaves(params_1),
               strict=True))
print(f"max |params(4 devices) - params(1 device)| after {len(losses_1)} steps: {diff:.1e}")

fig, ax = plt.subplots(figsize=(5, 3))
ax.semilogy(losses_dp, label=f"pmap, {n_dev} devices")
ax.semilogy(losses_1, "--", label="jit, 1 device, whole batch")
ax.set_xlabel("step")
ax.set_ylabel("training loss (MSE)")
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# The two curves coincide: differences are floating-point rounding from summing in a
# different order.
#
# ## The same code on several processes (or machines)
#
# To span several hosts, start the *same program* once per process and make
# `ft.distributed.initialize(coordinator_address, num_processes, process_id)` its first
# functrans call. Process 0 runs XLA's coordination service at `coordinator_address`; the
# others connect to it. Afterwards:
#
# * `ft.devices()` / `ft.device_count()` list the devices of **all** processes,
#   `ft.local_device_count()` those of this process;
# * a `pmap` spans every device of every process, and collectives (`pmean` above) run
#   across processes (on CPUs, over TCP with gloo);
# * each process passes in, and gets back, only the blocks of **its own** devices: the
#   leading axis of its arguments is its local device count.
#
# Below we do exactly that on this machine: two processes with two simulated devices each
# (4 devices in all), joined over `localhost`. The program each process runs is assembled
# from the *very functions defined above* (`inspect.getsource`), plus the `initialize`
# line and the choice of its data blocks:

# %%
SHARED = [make_data, init_params, loss, train_step, replicate, train]
WORKER = textwrap.dedent('''
    import json, sys
    import numpy as np
    import functrans as ft
    import functrans.numpy as fnp
    import functrans.random as random
    from functrans import lax

    address, process_id = sys.argv[1], int(sys.argv[2])
    ft.distributed.initialize(address, num_processes=2, process_id=process_id)
    tree_map = ft.tree_util.tree_map
''') + "\n\n".join(inspect.getsource(f) for f in SHARED) + textwrap.dedent('''

    X, Y = make_data()
    n_global, n_local = ft.device_count(), ft.local_device_count()
    mine = slice(process_id * n_local, (process_id + 1) * n_local)  # my devices' blocks
    x_blocks = X.reshape(n_global, -1, X.shape[1])[mine]
    y_blocks = Y.reshape(n_global, -1, 1)[mine]
    params, losses = train(init_params(), x_blocks, y_blocks)
    print(json.dumps({"process": process_id, "devices": n_global, "local_devices": n_local,
                      "losses": losses,
                      "params": [{k: np.asarray(v).tolist() for k, v in layer.items()}
                                 for layer in params]}))
    ft.distributed.shutdown()
''')
print(WORKER[:WORKER.index("def make_data")] + "...  (the functions above)  ...\n"
      + WORKER[WORKER.index("X, Y = make_data()"):])

# %% [markdown]
# Launch the two processes (on separate machines, `localhost` would be process 0's
# address, and each machine would run its own process):

# %%
def free_port():
    with socket.socket() as s:
        s.bind(("localhost", 0))
        return s.getsockname()[1]


with tempfile.TemporaryDirectory() as tmp:
    script = os.path.join(tmp, "dp_worker.py")
    with open(script, "w") as f:
        f.write(WORKER)
    address = f"localhost:{free_port()}"
    env = dict(os.environ, XLA_FLAGS="--xla_force_host_platform_device_count=2",
               JAX_PLATFORMS="cpu")
    t0 = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, script, address, str(i)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i in range(2)]
    results = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        if p.returncode != 0:
            raise RuntimeError(f"worker failed:\n{err[-2000:]}")
        results.append(json.loads(out.strip().splitlines()[-1]))
    print(f"2 processes finished in {time.perf_counter() - t0:.1f} s (including startup)")

for r in results:
    final = r["params"]
    diff = max(float(np.max(np.abs(np.asarray(final[i][k]) - np.asarray(params_dp[i][k]))))
               for i in range(len(final)) for k in ("w", "b"))
    print(f"process {r['process']}: {r['local_devices']} of {r['devices']} devices, "
          f"loss {r['losses'][0]:.4f} -> {r['losses'][-1]:.4f}, "
          f"max |params - single-process 4-device run| = {diff:.1e}")

# %% [markdown]
# Both processes end with the same parameters as the single-process run on 4 devices:
# the program did not change, only where its devices live. On a cluster, each machine
# runs the same script with its own `process_id` and the coordinator's address (and, with
# GPUs, no `XLA_FLAGS` at all).
