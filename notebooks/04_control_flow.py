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
# # 04 — Control flow: `scan` RNNs, `while_loop` solvers and their gradients
#
# Under `jit`, a Python `for` loop is *unrolled*: the traced program contains one copy of
# the loop body per iteration, and a Python `if` on a traced value is an error (the value
# is not known while tracing). The structured control-flow primitives of `functrans.lax`
# stage a loop or a branch *once*, as one operation that XLA runs as a loop:
#
# | primitive | meaning | reverse-mode `grad` |
# |---|---|---|
# | `lax.cond`, `lax.switch` | pick a branch | yes |
# | `lax.scan` | loop of known length with a carry, stacking outputs | yes |
# | `lax.fori_loop` | loop with static bounds (a scan) | yes |
# | `lax.while_loop` | loop until a condition fails | forward mode; reverse with `max_steps=` |
#
# This notebook builds an RNN with `scan`, then a Newton solver with `while_loop` and
# differentiates through it.

# %%
import time

import matplotlib.pyplot as plt
import numpy as np

import functrans as ft
import functrans.numpy as fnp
import functrans.random as random
from functrans import lax

plt.rcParams["figure.dpi"] = 80
tree_map = ft.tree_util.tree_map

# %% [markdown]
# ## `lax.scan`: an RNN
#
# `lax.scan(step, carry, xs)` calls `step(carry, x)` for each slice `x` of `xs` along the
# leading axis, threads the carry through, and stacks the per-step outputs. An Elman RNN
# is exactly that, with the hidden state as the carry:

# %%
def rnn_cell(params, h, x):
    return fnp.tanh(h @ params["W_hh"] + x @ params["W_xh"] + params["b"])


def rnn(params, xs, h0):
    def step(h, x):
        h = rnn_cell(params, h, x)
        return h, h @ params["W_out"]  # (new carry, output of this step)

    h_final, ys = lax.scan(step, h0, xs)
    return ys


def init_rnn(key, n_in=1, n_hidden=16, n_out=1):
    k1, k2, k3 = random.split(key, 3)
    return {"W_xh": random.normal(k1, (n_in, n_hidden)) * 0.5,
            "W_hh": random.normal(k2, (n_hidden, n_hidden)) / np.sqrt(n_hidden),
            "b": fnp.zeros(n_hidden),
            "W_out": random.normal(k3, (n_hidden, n_out)) / np.sqrt(n_hidden)}


params = init_rnn(random.key(0))
xs = fnp.ones((5, 1))
print(ft.make_jaxpr(lambda p, xs: rnn(p, xs, fnp.zeros(16)))(params, xs))

# %% [markdown]
# The whole loop is one `scan` equation carrying the body's jaxpr. The same RNN written as
# a Python loop traces to a program whose size grows with the sequence length, and XLA
# compiles all of it; the `scan` program's size is independent of the length:

# %%
def rnn_unrolled(params, xs, h0):
    h, ys = h0, []
    for t in range(xs.shape[0]):
        h = rnn_cell(params, h, xs[t])
        ys.append(h @ params["W_out"])
    return fnp.stack(ys)


def loss_of(model):
    def loss(params, xs, targets):
        return fnp.mean((model(params, xs, fnp.zeros(16)) - targets) ** 2)
    return loss


for T in (10, 20, 40):
    xs_T, ys_T = fnp.ones((T, 1)), fnp.zeros((T, 1))
    counts = [len(ft.make_jaxpr(ft.grad(loss_of(model)))(params, xs_T, ys_T).eqns)
              for model in (rnn, rnn_unrolled)]
    print(f"T={T:3d}: grad program has {counts[0]:5d} equations with scan, "
          f"{counts[1]:5d} with a Python loop")

T = 10
xs_T, ys_T = fnp.ones((T, 1)), fnp.zeros((T, 1))
for name, model in (("scan", rnn), ("python loop", rnn_unrolled)):
    grad_fn = ft.jit(ft.grad(loss_of(model)))
    t0 = time.perf_counter()
    grad_fn(params, xs_T, ys_T)["b"].block_until_ready()
    print(f"T={T}, {name:>11}: first call of jit(grad) (trace + compile) "
          f"{time.perf_counter() - t0:5.2f} s")

# %% [markdown]
# ### Training the RNN
#
# A toy task: read a noisy sine wave and predict its next value. `grad` of the scan runs
# a reverse scan (backpropagation through time); everything is one compiled step.

# %%
T, BATCH = 60, 32
rng = np.random.default_rng(0)


def make_batch():
    phase = rng.uniform(0, 2 * np.pi, (BATCH, 1))
    freq = rng.uniform(0.1, 0.3, (BATCH, 1))
    t = np.arange(T + 1)[None, :]
    wave = np.sin(freq * t + phase) + 0.05 * rng.standard_normal((BATCH, T + 1))
    seq = fnp.asarray(wave[:, :, None], dtype=fnp.float32)  # (batch, time, 1)
    return seq[:, :-1], seq[:, 1:]


def seq_loss(params, xs, targets):
    preds = ft.vmap(rnn, in_axes=(None, 0, None))(params, xs, fnp.zeros(16))
    return fnp.mean((preds - targets) ** 2)


@ft.jit
def train_step(params, xs, targets, lr=0.1):
    loss, grads = ft.value_and_grad(seq_loss)(params, xs, targets)
    return tree_map(lambda p, g: p - lr * g, params, grads), loss


params = init_rnn(random.key(0))
losses = []
for _ in range(100):
    params, loss = train_step(params, *make_batch())
    losses.append(float(loss))
print(f"loss: first {losses[0]:.4f}, last {losses[-1]:.4f}")

xs_test, ys_test = make_batch()
pred = ft.vmap(rnn, in_axes=(None, 0, None))(params, xs_test, fnp.zeros(16))

fig, axes = plt.subplots(1, 2, figsize=(9, 3))
axes[0].semilogy(losses)
axes[0].set_xlabel("step")
axes[0].set_ylabel("training loss (MSE)")
axes[1].plot(np.asarray(ys_test[0, :, 0]), label="target (next value)")
axes[1].plot(np.asarray(pred[0, :, 0]), "--", label="RNN prediction")
axes[1].set_xlabel("time step")
axes[1].legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# ## `lax.while_loop`: a Newton solver
#
# Newton's method for a root of $g(x) = 0$ repeats $x \leftarrow x - g(x)/g'(x)$ until
# $|g(x)|$ is small — a loop whose trip count depends on the data, hence a `while_loop`.
# Here we solve $g(x; a) = x^3 + a\,x - 1 = 0$ for $x$, for a parameter $a > 0$, with
# $g'$ given by `grad`:

# %%
def g(x, a):
    return x**3 + a * x - 1.0


def newton_solve(a, x0=1.0, tol=1e-6, max_steps=None):
    dg = ft.grad(g)

    def cond(state):
        x, i = state
        return (fnp.abs(g(x, a)) > tol) & (i < 50)

    def body(state):
        x, i = state
        return x - g(x, a) / dg(x, a), i + 1

    x, iters = lax.while_loop(cond, body, (fnp.asarray(x0), 0), max_steps=max_steps)
    return x, iters


a = fnp.asarray(2.0)
x_root, iters = ft.jit(newton_solve)(a)
print(f"root x(a=2) = {float(x_root):.7f} after {int(iters)} Newton steps; "
      f"g(x) = {float(g(x_root, a)):.1e}")

# %% [markdown]
# `vmap` batches the solver: each element runs until *its* condition fails (finished
# elements are frozen while others continue):

# %%
a_values = fnp.linspace(0.1, 5.0, 6)
roots, iters = ft.vmap(newton_solve)(a_values)
print("a     :", np.round(np.asarray(a_values), 3))
print("x(a)  :", np.round(np.asarray(roots), 6))
print("steps :", np.asarray(iters))

# %% [markdown]
# ### Differentiating through the loop
#
# How does the root move with $a$? The implicit function theorem gives the exact answer:
# differentiating $g(x(a), a) = 0$, $\;x'(a) = -\partial_a g / \partial_x g =
# -x / (3x^2 + a)$.
#
# **Forward mode** works through any `while_loop`: the tangent is carried along with the
# loop state.

# %%
def root(a, max_steps=None):
    return newton_solve(a, max_steps=max_steps)[0]


x = float(root(a))
exact = -x / (3 * x**2 + 2.0)
_, dx_da_fwd = ft.jvp(root, (a,), (fnp.asarray(1.0),))
print(f"implicit function theorem : {exact:.7f}")
print(f"jvp through while_loop    : {float(dx_da_fwd):.7f}")

# %% [markdown]
# **Reverse mode** needs the intermediate states of every iteration, and a `while_loop`
# does not know in advance how many there will be, so `grad` of an unbounded loop is an
# error that says what to do:

# %%
try:
    ft.grad(root)(a)
except Exception as e:
    print(type(e).__name__, ":", str(e)[:400])

# %% [markdown]
# The fix (a functrans extension beyond JAX): `while_loop(..., max_steps=N)` bounds the
# loop. It runs as a scan of at most `N` steps with a "done" flag (steps after the
# condition fails change nothing), so reverse mode can store the residuals of `N` steps
# and backpropagate through them. The results equal the unbounded loop's whenever it stops
# within `N` steps (if it would need more: a `RuntimeError` eagerly, NaN results under
# `jit`).

# %%
grad_root = ft.jit(ft.grad(lambda a: root(a, max_steps=20)))
print(f"grad through bounded while_loop : {float(grad_root(a)):.7f}")
print(f"implicit function theorem       : {exact:.7f}")

# derivative over a range of a, against the closed form
a_grid = fnp.linspace(0.1, 5.0, 50)
d_loop = ft.vmap(grad_root)(a_grid)
x_grid = ft.vmap(lambda a: root(a, max_steps=20))(a_grid)
d_exact = -x_grid / (3 * x_grid**2 + a_grid)
print(f"max |grad - exact| over 50 values of a: "
      f"{float(fnp.max(fnp.abs(d_loop - d_exact))):.1e}")

fig, ax = plt.subplots(figsize=(5, 3))
ax.plot(np.asarray(a_grid), np.asarray(x_grid), label="x(a)")
ax.plot(np.asarray(a_grid), np.asarray(d_loop), label="dx/da (grad through loop)")
ax.plot(np.asarray(a_grid), np.asarray(d_exact), "k:", label="dx/da (implicit function)")
ax.set_xlabel("a")
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# Differentiating *through* the iterations, as here, stores every step. For solvers that
# run many iterations, an alternative is to differentiate the *solution* implicitly (the
# formula above, wrapped in `ft.custom_jvp`/`ft.custom_vjp`), which needs no stored steps.
#
# ## `lax.cond`
#
# A branch on a traced value: both branches are traced (they must return the same
# shapes), one is executed. `grad` flows through the branch taken.

# %%
def soft_threshold(x, lam=0.5):
    return lax.cond(fnp.abs(x) > lam, lambda x: x - lam * fnp.sign(x),
                    lambda x: 0.0 * x, x)


xs = fnp.linspace(-1.5, 1.5, 7)
print("x      :", np.asarray(xs))
print("f(x)   :", np.asarray(ft.vmap(soft_threshold)(xs)))
print("f'(x)  :", np.asarray(ft.vmap(ft.grad(soft_threshold))(xs)))
