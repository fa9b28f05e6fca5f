"""Training step: ``jit(value_and_grad(loss))`` of a 784-512-512-10 tanh MLP with softmax
cross-entropy, batch 128, functrans vs JAX (ratio), plus the first-call latency (trace +
compile) of ``jit(grad)`` for 10- and 50-layer MLPs.

Run: .venv/bin/python benchmarks/bench_train_step.py
Target (issue 14): first call of a freshly jitted grad (50 layers) <= 0.7x JAX's.
"""

from __future__ import annotations

import os
import statistics
import sys

os.environ.setdefault("JAX_PLATFORMS", "cpu")
sys.path.insert(0, os.path.dirname(__file__))

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
from _timing import once, paired_median, per_call, print_results, result  # noqa: E402

import functrans as ft  # noqa: E402
import functrans.numpy as fnp  # noqa: E402


def make_loss(np_):
    def log_softmax(z):
        z = z - np_.max(z, axis=-1, keepdims=True)
        return z - np_.log(np_.sum(np_.exp(z), axis=-1, keepdims=True))

    def loss(params, x, labels_onehot):
        h = x
        for w, b in params[:-1]:
            h = np_.tanh(h @ w + b)
        w, b = params[-1]
        return -np_.mean(np_.sum(log_softmax(h @ w + b) * labels_onehot, axis=-1))
    return loss


def init(rng, sizes):
    return [((rng.standard_normal((a, b)) / np.sqrt(a)).astype(np.float32),
             np.zeros(b, np.float32)) for a, b in zip(sizes[:-1], sizes[1:], strict=True)]


def torch_step_timer(params, x, onehot):
    """PyTorch eager forward+backward of the same MLP (optional peer, if installed)."""
    try:
        import torch
    except ImportError:
        return None
    ps = [(torch.tensor(w, requires_grad=True), torch.tensor(b, requires_grad=True))
          for w, b in params]
    tx, ty = torch.tensor(x), torch.tensor(onehot)

    def step():
        h = tx
        for w, b in ps[:-1]:
            h = torch.tanh(h @ w + b)
        logits = h @ ps[-1][0] + ps[-1][1]
        loss = -(torch.log_softmax(logits, -1) * ty).sum(-1).mean()
        return torch.autograd.grad(loss, [t for p in ps for t in p])
    return per_call(step, number=20, repeat=5)


def _first_calls(depth: int, rng, rounds: int = 3) -> tuple[float, float, str]:
    """Median first-call seconds (trace + lower + compile + run) of a freshly jitted
    ``grad`` of a ``depth``-layer MLP, functrans and JAX in interleaved rounds."""
    p = init(rng, [64] * depth + [10])
    xs = rng.standard_normal((32, 64)).astype(np.float32)
    oh = np.eye(10, dtype=np.float32)[rng.integers(0, 10, 32)]
    ours, theirs = [], []
    for _ in range(rounds):
        ours.append(once(lambda: ft.block_until_ready(
            ft.jit(ft.grad(make_loss(fnp)))(p, xs, oh))))
        theirs.append(once(lambda: jax.block_until_ready(
            jax.jit(jax.grad(make_loss(jnp)))(p, xs, oh))))
    ratios = sorted(a / b for a, b in zip(ours, theirs, strict=True))
    spread = 50 * (ratios[-1] - ratios[0]) / ratios[len(ratios) // 2]
    return statistics.median(ours), statistics.median(theirs), f"±{spread:.0f}%"


def results(torch_peer: bool = False) -> list[dict]:
    """Every workload of this script (the shared ``results()`` interface)."""
    rng = np.random.default_rng(0)
    params = init(rng, [784, 512, 512, 10])
    x = rng.standard_normal((128, 784)).astype(np.float32)
    onehot = np.eye(10, dtype=np.float32)[rng.integers(0, 10, 128)]
    ft_step = ft.jit(ft.value_and_grad(make_loss(fnp)))
    jx_step = jax.jit(jax.value_and_grad(make_loss(jnp)))
    (l1, g1), (l2, g2) = ft_step(params, x, onehot), jx_step(params, x, onehot)
    np.testing.assert_allclose(np.asarray(l1), np.asarray(l2), rtol=1e-4)
    np.testing.assert_allclose(np.asarray(g1[0][0]), np.asarray(g2[0][0]), rtol=1e-3,
                               atol=1e-5)
    fp, fx, fy = ft.device_put((params, x, onehot))
    jp, jx, jy = jax.device_put((params, x, onehot))
    ours, theirs, spread = paired_median(
        lambda: ft.block_until_ready(ft_step(fp, fx, fy)),
        lambda: jax.block_until_ready(jx_step(jp, jx, jy)), 10, 9)
    torch_t = torch_step_timer(params, x, onehot) if torch_peer else None
    out = [result("jit(value_and_grad) MLP 784-512-512-10, b=128", ours, theirs, spread, None,
                  f"torch eager {torch_t * 1e3:.2f} ms" if torch_t else "")]
    for depth in (10, 50):
        ours, theirs, spread = _first_calls(depth, rng)
        out.append(result(f"first call jit(grad), {depth}-layer MLP (trace+compile)", ours,
                          theirs, spread, 0.7 if depth == 50 else None))
    return out


def main():
    print_results(results(torch_peer=True))


if __name__ == "__main__":
    main()
