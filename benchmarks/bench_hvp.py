"""Hessian-vector products by forward-over-reverse: ``ft.hvp`` vs JAX's
``jvp(grad(f))`` for n = 1e3 .. 1e6 parameters, the cost ratio time(hvp)/time(grad), and
(n <= 1e3) versus materializing the Hessian and multiplying; PyTorch's double backward
is an optional peer, timed when torch is installed.

Run: /tmp/jaxprobe/bin/python benchmarks/bench_hvp.py
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("JAX_PLATFORMS", "cpu")
sys.path.insert(0, os.path.dirname(__file__))

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
from _timing import fmt, per_call, row  # noqa: E402

import functrans as ft  # noqa: E402
import functrans.numpy as fnp  # noqa: E402


def make_f(np_):
    def f(x):
        return np_.sum(np_.tanh(x) ** 2 * np_.sin(x)) + np_.sum(x[1:] * x[:-1])
    return f


def torch_hvp_timer(x_np, v_np, number):
    """PyTorch's double-backward HVP (an optional peer: used when torch is installed)."""
    try:
        import torch
    except ImportError:
        return None
    x = torch.tensor(x_np, requires_grad=True)
    v = torch.tensor(v_np)

    def hvp():
        y = torch.sum(torch.tanh(x) ** 2 * torch.sin(x)) + torch.sum(x[1:] * x[:-1])
        (g,) = torch.autograd.grad(y, x, create_graph=True)
        (hv,) = torch.autograd.grad(g, x, v)
        return hv
    return per_call(hvp, number=number, repeat=3)


def main():
    f_ft, f_jx = make_f(fnp), make_f(jnp)
    ft_hvp = ft.jit(lambda x, v: ft.hvp(f_ft, (x,), (v,)))
    jx_hvp = jax.jit(lambda x, v: jax.jvp(jax.grad(f_jx), (x,), (v,))[1])
    ft_grad, _jx_grad = ft.jit(ft.grad(f_ft)), jax.jit(jax.grad(f_jx))
    for n in (10**3, 10**4, 10**5, 10**6):
        rng = np.random.default_rng(n)
        x_np = rng.standard_normal(n).astype(np.float32)
        v_np = rng.standard_normal(n).astype(np.float32)
        x, v = ft.device_put(x_np), ft.device_put(v_np)
        xj, vj = jax.device_put(x_np), jax.device_put(v_np)
        np.testing.assert_allclose(np.asarray(ft_hvp(x, v)), np.asarray(jx_hvp(xj, vj)),
                                   rtol=1e-3, atol=1e-3)
        number = {10**3: 50, 10**4: 20, 10**5: 5, 10**6: 2}[n]
        ours = per_call(lambda: ft.block_until_ready(ft_hvp(x, v)), number=number, repeat=3)
        theirs = per_call(lambda: jax.block_until_ready(jx_hvp(xj, vj)), number=number,
                          repeat=3)
        g_ours = per_call(lambda: ft.block_until_ready(ft_grad(x)), number=number, repeat=3)
        torch_t = torch_hvp_timer(x_np, v_np, number)
        print(row(f"hvp n={n:.0e}", ours, theirs)
              + f"   hvp/grad {ours / g_ours:4.2f}"
              + (f"   torch double-backward {fmt(torch_t)} ({ours / torch_t:.2f}x)"
                 if torch_t else ""))
        if n <= 10**3:
            hess = ft.jit(ft.hessian(f_ft))
            full = per_call(lambda: ft.block_until_ready(hess(x) @ v), number=2, repeat=2)
            print(f"{'':44} materialized Hessian then H@v: {fmt(full)} "
                  f"({full / ours:.0f}x the hvp)")


if __name__ == "__main__":
    main()
