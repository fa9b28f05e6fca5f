"""Hessian-vector products by forward-over-reverse: ``ft.hvp`` vs JAX's
``jvp(grad(f))`` for n = 1e3 .. 1e6 parameters, the cost ratio time(hvp)/time(grad), the
grad and HVP of an MLP whose data is closed over (n = 1e5 and 1e6 parameters), and
(n <= 1e3) versus materializing the Hessian and multiplying; PyTorch's double backward
is an optional peer, printed when torch is installed.

Run: .venv/bin/python benchmarks/bench_hvp.py
Targets (issue 14): closed-over MLP grad and HVP <= 1.0x JAX; hvp/grad <= 1.5 at n=1e6.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("JAX_PLATFORMS", "cpu")
sys.path.insert(0, os.path.dirname(__file__))

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
from _timing import fmt, paired_median, per_call, print_results, result  # noqa: E402

import functrans as ft  # noqa: E402
import functrans.numpy as fnp  # noqa: E402

_NUMBER = {10**3: 50, 10**4: 20, 10**5: 5, 10**6: 2}


def make_f(np_):
    def f(x):
        return np_.sum(np_.tanh(x) ** 2 * np_.sin(x)) + np_.sum(x[1:] * x[:-1])
    return f


def make_mlp_loss(np_, x, y, hidden):
    """The mean squared error of a d-hidden-k tanh MLP whose parameters are one flat vector
    ``theta``; the data ``x``, ``y`` are closed over (constants of the compiled program)."""
    d, k = x.shape[1], y.shape[1]
    cuts = np.cumsum([d * hidden, hidden, hidden * k])

    def loss(theta):
        w1 = theta[:cuts[0]].reshape(d, hidden)
        b1 = theta[cuts[0]:cuts[1]]
        w2 = theta[cuts[1]:cuts[2]].reshape(hidden, k)
        out = np_.tanh(x @ w1 + b1) @ w2 + theta[cuts[2]:]
        return np_.mean((out - y) ** 2)
    return loss, int(cuts[2]) + k


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


def _block(fn):
    return lambda: fn().block_until_ready()


def elementwise_results(sizes=(10**3, 10**4, 10**5, 10**6), extras: bool = False):
    """hvp of ``make_f`` vs JAX per size, and functrans' own hvp/grad cost at the largest."""
    f_ft, f_jx = make_f(fnp), make_f(jnp)
    ft_hvp = ft.jit(lambda x, v: ft.hvp(f_ft, (x,), (v,)))
    jx_hvp = jax.jit(lambda x, v: jax.jvp(jax.grad(f_jx), (x,), (v,))[1])
    ft_grad = ft.jit(ft.grad(f_ft))
    out = []
    for n in sizes:
        rng = np.random.default_rng(n)
        x_np = rng.standard_normal(n).astype(np.float32)
        v_np = rng.standard_normal(n).astype(np.float32)
        x, v = ft.device_put(x_np), ft.device_put(v_np)
        xj, vj = jax.device_put(x_np), jax.device_put(v_np)
        np.testing.assert_allclose(np.asarray(ft_hvp(x, v)), np.asarray(jx_hvp(xj, vj)),
                                   rtol=1e-3, atol=1e-3)
        ours, theirs, spread = paired_median(_block(lambda: ft_hvp(x, v)),  # noqa: B023
                                             _block(lambda: jx_hvp(xj, vj)),  # noqa: B023
                                             _NUMBER[n], 7)
        out.append(result(f"hvp of sum(tanh(x)^2 sin(x)) + ..., n={n:.0e}", ours, theirs,
                          spread, None))
        if n == 10**6:
            h, g, spread = paired_median(_block(lambda: ft_hvp(x, v)),  # noqa: B023
                                         _block(lambda: ft_grad(x)), _NUMBER[n], 7)  # noqa: B023
            out.append(result(f"functrans hvp time / grad time, n={n:.0e}", h, g, spread, 1.5,
                              "both columns are functrans: hvp | grad (not JAX)"))
        if extras:
            _print_extras(n, x_np, v_np, x, v, out[-1]["ours"], f_ft)
    return out


def _print_extras(n, x_np, v_np, x, v, ours, f_ft):
    torch_t = torch_hvp_timer(x_np, v_np, _NUMBER[n])
    if torch_t:
        print(f"  hvp n={n:.0e}: torch double-backward {fmt(torch_t)} ({ours / torch_t:.2f}x)")
    if n <= 10**3:
        hess = ft.jit(ft.hessian(f_ft))
        full = per_call(lambda: ft.block_until_ready(hess(x) @ v), number=2, repeat=2)
        print(f"  n={n:.0e}: materialized Hessian then H@v: {fmt(full)} "
              f"({full / ours:.0f}x the hvp)")


def closed_mlp_results(sizes=(10**5, 10**6)):
    """grad and HVP of an MLP (data closed over) whose parameter count is about n."""
    out = []
    rng = np.random.default_rng(0)
    x = rng.standard_normal((128, 256)).astype(np.float32)
    y = rng.standard_normal((128, 10)).astype(np.float32)
    for n in sizes:
        hidden = n // (256 + 1 + 10)
        ft_loss, n_params = make_mlp_loss(fnp, ft.device_put(x), ft.device_put(y), hidden)
        jx_loss, _ = make_mlp_loss(jnp, jax.device_put(x), jax.device_put(y), hidden)
        theta = (rng.standard_normal(n_params) * 0.05).astype(np.float32)
        v = rng.standard_normal(n_params).astype(np.float32)
        ft_t, ft_v, jx_t, jx_v = ft.device_put((theta, v)) + jax.device_put((theta, v))
        ft_grad, jx_grad = ft.jit(ft.grad(ft_loss)), jax.jit(jax.grad(jx_loss))
        ft_hvp = ft.jit(lambda t, u, loss=ft_loss: ft.hvp(loss, (t,), (u,)))
        jx_hvp = jax.jit(lambda t, u, loss=jx_loss: jax.jvp(jax.grad(loss), (t,), (u,))[1])
        np.testing.assert_allclose(np.asarray(ft_hvp(ft_t, ft_v)),
                                   np.asarray(jx_hvp(jx_t, jx_v)), rtol=2e-3, atol=1e-5)
        number = 10 if n <= 10**5 else 3
        for name, ours_fn, jax_fn in (
                ("grad", lambda: ft_grad(ft_t), lambda: jx_grad(jx_t)),  # noqa: B023
                ("hvp", lambda: ft_hvp(ft_t, ft_v), lambda: jx_hvp(jx_t, jx_v))):  # noqa: B023
            ours, theirs, spread = paired_median(_block(ours_fn), _block(jax_fn), number, 9)
            out.append(result(f"{name} of MLP with closed-over data, n={n_params:.1e}", ours,
                              theirs, spread, 1.0))
    return out


def results() -> list[dict]:
    """Every workload of this script (the shared ``results()`` interface)."""
    return elementwise_results() + closed_mlp_results()


def main():
    print_results(elementwise_results(extras=True) + closed_mlp_results())


if __name__ == "__main__":
    main()
