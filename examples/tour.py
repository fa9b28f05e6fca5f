"""A tour of functrans: trace, print, lower, run eagerly and compiled, and time it
against NumPy and JAX; then autodiff, vmap and pmap.

Run: make demo   (or .venv/bin/python examples/tour.py)
"""

from __future__ import annotations

import os
import time

os.environ.setdefault("JAX_PLATFORMS", "cpu")
# Four simulated CPU devices, for the pmap section (real accelerators need no flag).
os.environ.setdefault("XLA_FLAGS", "--xla_force_host_platform_device_count=4")

import numpy as np  # noqa: E402

import functrans as ft  # noqa: E402
import functrans.numpy as fnp  # noqa: E402
from functrans import lax  # noqa: E402


def timed(fn, number=200):
    fn()
    t0 = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - t0) / number


def section(title):
    print(f"\n=== {title} " + "=" * max(0, 60 - len(title)))


def make_loss(np_):
    """Softmax cross-entropy of a tanh MLP, written once over a NumPy-like namespace
    (``functrans.numpy``, ``numpy`` or ``jax.numpy``)."""
    def loss(params, x, y):
        for w, b in params[:-1]:
            x = np_.tanh(x @ w + b)
        logits = x @ params[-1][0] + params[-1][1]
        logits = logits - np_.max(logits, axis=1, keepdims=True)
        log_probs = logits - np_.log(np_.sum(np_.exp(logits), axis=1, keepdims=True))
        return -np_.mean(np_.sum(log_probs * y, axis=1))
    return loss


loss = make_loss(fnp)


def init(sizes, seed=0):
    rng = np.random.default_rng(seed)
    return [(fnp.asarray(rng.standard_normal((a, b)).astype(np.float32) / np.sqrt(a)),
             fnp.zeros(b)) for a, b in zip(sizes, sizes[1:], strict=False)]


def main():
    section("1. tracing to a jaxpr")
    f = lambda x: lax.sin(x) * 2.0 + fnp.sum(x)  # noqa: E731
    print(ft.make_jaxpr(f)(np.ones(3, np.float32)))

    section("2. lowering to StableHLO")
    print(ft.jit(f).lower(np.ones(3, np.float32)).as_text())

    section("3. eager (NumPy impls) and jit (XLA) agree")
    params = init([784, 512, 512, 10])
    rng = np.random.default_rng(1)
    x = rng.standard_normal((128, 784)).astype(np.float32)
    y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, 128)]
    eager = loss(params, x, y)
    jit_loss = ft.jit(loss)
    compiled = jit_loss(params, x, y)
    print(f"loss eager {float(eager):.6f}   jit {float(compiled):.6f}")

    section("4. timings: MLP loss, batch 128")
    xd, yd = ft.device_put(x), ft.device_put(y)
    t_eager = timed(lambda: loss(params, x, y), 20)
    t_jit = timed(lambda: jit_loss(params, xd, yd).block_until_ready())
    np_params = [(np.asarray(w), np.asarray(b)) for w, b in params]

    np_loss = make_loss(np)
    t_np = timed(lambda: np_loss(np_params, x, y), 20)
    line = f"functrans eager {t_eager * 1e3:7.2f} ms   jit {t_jit * 1e3:7.2f} ms   " \
           f"numpy {t_np * 1e3:7.2f} ms"
    try:
        import jax
        import jax.numpy as jnp

        jp = jax.device_put(np_params)
        jl = jax.jit(make_loss(jnp))
        t_jax = timed(lambda: jl(jp, x, y).block_until_ready())
        line += f"   jax jit {t_jax * 1e3:7.2f} ms"
    except ImportError:
        pass
    print(line)

    for extra in (_autodiff_tour, _vmap_tour, _control_flow_tour, _pmap_tour,
                  _random_cnn_tour):
        extra(params, x, y)


def _autodiff_tour(params, x, y):
    if not hasattr(ft, "grad"):
        return
    section("5. autodiff: grad, jvp, and an HVP vs the materialized Hessian")
    g = ft.jit(ft.grad(loss))(params, x, y)
    print("grad norms per layer:",
          [round(float(fnp.sqrt(fnp.sum(w * w))), 4) for w, _ in g])
    f = lambda v: fnp.sum(fnp.sin(v) * v ** 2)  # noqa: E731
    v = fnp.asarray(np.linspace(-1, 1, 5, dtype=np.float32))
    t = fnp.ones(5)
    _, tangent = ft.jvp(f, (v,), (t,))
    print(f"jvp of sum(sin(v) v^2) along ones: {float(tangent):.6f}")
    if hasattr(ft, "hvp") and hasattr(ft, "hessian"):
        hv = ft.hvp(f, (v,), (t,))  # forward-over-reverse, no Hessian built
        dense = ft.hessian(f)(v) @ t
        print("hvp      :", np.round(np.asarray(hv), 5))
        print("H @ t    :", np.round(np.asarray(dense), 5))


def _vmap_tour(params, x, y):
    if not (hasattr(ft, "vmap") and hasattr(ft, "grad")):
        return
    section("6. vmap: per-example gradients")

    def example_loss(p, xi, yi):
        return loss(p, xi[None], yi[None])
    per_ex = ft.jit(ft.vmap(ft.grad(example_loss), in_axes=(None, 0, 0)))(params, x[:8], y[:8])
    print("per-example grad shapes:", [tuple(w.shape) for w, _ in per_ex][:3])
    mean_grad = [fnp.mean(w, axis=0) for w, _ in per_ex]
    full = ft.grad(loss)(params, x[:8], y[:8])
    err = max(float(fnp.max(fnp.abs(a - b[0]))) for a, b in zip(mean_grad, full, strict=True))
    print(f"mean of per-example grads == batch grad: max abs diff {err:.2e}")


def _control_flow_tour(params, x, y):
    section("7. control flow: scan, cond, while_loop under grad, vmap and jit")

    def rnn_loss(w, xs):  # an Elman RNN over time with lax.scan: one compiled loop
        def step(h, x_t):
            h = fnp.tanh(h @ w + x_t)
            return h, fnp.sum(h)
        _, ys = lax.scan(step, fnp.zeros(xs.shape[1]), xs)
        return fnp.sum(ys ** 2)

    w = fnp.asarray(np.eye(4, dtype=np.float32) * 0.5)
    xs = fnp.asarray(np.linspace(-1, 1, 40, dtype=np.float32).reshape(10, 4))
    print(ft.make_jaxpr(lambda x: lax.cond(x > 0, fnp.sin, fnp.cos, x))(1.0))
    g = ft.jit(ft.grad(rnn_loss))(w, xs)
    print("grad of an RNN written with scan, |dW| =", round(float(fnp.sqrt(fnp.sum(g * g))), 5))
    for n in (10, 10_000):
        t0 = time.perf_counter()
        ft.jit(rnn_loss)(w, fnp.ones((n, 4))).block_until_ready()
        print(f"first call of jit(scan) over {n:>6} steps: {time.perf_counter() - t0:.3f} s")

    def newton_sqrt(a):  # stops when converged; vmap runs until every element is done
        return lax.while_loop(lambda c: fnp.abs(c * c - a) > 1e-5 * a,
                              lambda c: 0.5 * (c + a / c), a + 1.0)
    a = fnp.asarray(np.array([2.0, 9.0, 100.0], np.float32))
    print("vmap(while_loop) Newton sqrt:", np.asarray(ft.vmap(newton_sqrt)(a)))
    bounded = lambda a: lax.while_loop(  # noqa: E731
        lambda c: fnp.abs(c * c - a) > 1e-5 * a, lambda c: 0.5 * (c + a / c), a + 1.0,
        max_steps=20)
    print("grad of a bounded while_loop (max_steps=20) at 9:",
          round(float(ft.grad(bounded)(9.0)), 6), "(1 / (2 sqrt 9) = 0.166667)")


def _pmap_tour(params, x, y):
    section("8. pmap: data-parallel SGD over the devices")
    n = len(ft.devices())

    def step(p, xb, yb):  # on each device: its block of the batch, gradients averaged
        g = ft.grad(loss)(p, xb, yb)
        g = lax.pmean(g, "batch")
        return ft.tree_util.tree_map(lambda w, d: w - 0.1 * d, p, g)
    xs, ys = x[:n * 16].reshape(n, 16, -1), y[:n * 16].reshape(n, 16, -1)
    new = ft.pmap(step, "batch", in_axes=(None, 0, 0))(params, xs, ys)
    w0 = new[0][0]
    print(f"{n} devices; a result keeps one buffer per device:",
          [str(s.device) for s in w0.addressable_shards])
    whole = ft.tree_util.tree_map(lambda w, d: w - 0.1 * d, params,
                                  ft.grad(loss)(params, x[:n * 16], y[:n * 16]))
    err = float(fnp.max(fnp.abs(w0[0] - whole[0][0])))
    print(f"the same step on one device over the whole batch: max abs diff {err:.2e}")


def _random_cnn_tour(params, x, y):
    if not hasattr(ft, "random"):
        return
    import functrans.random as random
    section("9. random numbers and a small CNN")
    key = random.key(0)
    k_init, k_data = random.split(key)
    print("normal(k_data, (4,)) :", np.round(np.asarray(random.normal(k_data, (4,))), 6))
    try:
        import jax
        same = np.array_equal(np.asarray(random.normal(k_data, (4,))),
                              np.asarray(jax.random.normal(jax.random.split(
                                  jax.random.key(0))[1], (4,))))
        print("bit-identical to jax.random.normal:", same)
    except ImportError:
        pass
    kw1, kw2, kd = random.split(k_init, 3)
    cnn = {"w1": random.normal(kw1, (3, 3, 1, 8)) * 0.3,
           "w2": random.normal(kw2, (3, 3, 8, 16)) * 0.1,
           "wd": random.normal(kd, (4 * 4 * 16, 10)) * 0.05}
    images = random.uniform(k_data, (16, 16, 16, 1))
    labels = fnp.eye(10)[random.randint(k_data, (16,), 0, 10)]

    def cnn_loss(p, xb, yb):
        dn = ("NHWC", "HWIO", "NHWC")
        h = lax.conv_general_dilated(xb, p["w1"], (1, 1), "SAME", dimension_numbers=dn)
        h = lax.reduce_window(fnp.maximum(h, 0.0), -fnp.inf, lax.max, (1, 2, 2, 1),
                              (1, 2, 2, 1), "VALID")
        h = lax.conv_general_dilated(h, p["w2"], (1, 1), "SAME", dimension_numbers=dn)
        h = lax.reduce_window(fnp.tanh(h), -fnp.inf, lax.max, (1, 2, 2, 1), (1, 2, 2, 1),
                              "VALID")
        logits = h.reshape(h.shape[0], -1) @ p["wd"]
        logits = logits - fnp.max(logits, axis=1, keepdims=True)
        return -fnp.mean(fnp.sum((logits - fnp.log(fnp.sum(fnp.exp(logits), axis=1,
                                                             keepdims=True))) * yb, axis=1))

    step = ft.jit(ft.value_and_grad(cnn_loss))
    for i in range(3):
        value, grads = step(cnn, images, labels)
        cnn = {k: cnn[k] - 0.2 * grads[k] for k in cnn}
        print(f"CNN SGD step {i}: loss {float(value):.4f}")


if __name__ == "__main__":
    main()
