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
# # 01 — Quickstart: `jit`, `grad`, `vmap`, jaxprs, StableHLO and pytrees
#
# functrans is a JAX-style function-transformation framework. You write ordinary Python
# functions over arrays with `functrans.numpy` (a NumPy-compatible API) and transform them:
#
# * `ft.grad(f)` — the gradient of a scalar function,
# * `ft.vmap(f)` — `f` mapped over a batch axis, without a Python loop,
# * `ft.jit(f)` — `f` traced once and compiled by XLA.
#
# The transformations compose in any order. Under the hood, each one works on a small
# intermediate representation, the *jaxpr*, which `jit` lowers to StableHLO for XLA.
#
# The imports mirror JAX's: a JAX program ports by changing them.

# %%
import time

import numpy as np

import functrans as ft
import functrans.numpy as fnp
from functrans import lax

print(ft.devices())

# %% [markdown]
# ## Arrays and eager execution
#
# `functrans.numpy` functions take and return `ft.Array`s (NumPy arrays and Python scalars
# are accepted wherever arrays are). Without `jit`, every operation runs right away
# ("eagerly"); on a CPU the eager operations are NumPy implementations, so there is no
# compilation and small operations are fast.

# %%
x = fnp.linspace(0.0, 1.0, 5)
y = fnp.sin(x) * 2.0 + x**2
print(type(y).__name__, y.dtype, y.shape)
print(y)

# %% [markdown]
# As in JAX, float32 is the default float and Python scalars are *weakly typed*: `x * 2.0`
# keeps `x`'s dtype. Arrays are immutable; functional updates use `.at[]`:

# %%
z = x.at[0].set(10.0)
print(x)
print(z)

# %% [markdown]
# ## `grad`
#
# `ft.grad(f)` returns a function computing the gradient of `f` with respect to its first
# argument (`argnums=` picks others). Here is the gradient of a small least-squares loss,
# checked against the formula we derive by hand, $\nabla_w \tfrac12\|Xw - y\|^2 =
# X^\top (Xw - y)$:

# %%
rng = np.random.default_rng(0)
X = fnp.asarray(rng.standard_normal((6, 3)), dtype=fnp.float32)
y_true = fnp.asarray(rng.standard_normal(6), dtype=fnp.float32)
w = fnp.zeros(3)


def loss(w, X, y):
    r = X @ w - y
    return 0.5 * fnp.sum(r**2)


g = ft.grad(loss)(w, X, y_true)
print("grad(loss)     :", g)
print("X.T @ (Xw - y) :", X.T @ (X @ w - y_true))

# %% [markdown]
# `value_and_grad` returns both, and higher derivatives are just nested `grad`s:

# %%
value, g = ft.value_and_grad(loss)(w, X, y_true)
print("loss", float(value))

d3_tanh = ft.grad(ft.grad(ft.grad(fnp.tanh)))
print("third derivative of tanh at 0.5:", float(d3_tanh(0.5)))

# %% [markdown]
# ## `vmap`
#
# `ft.vmap(f, in_axes=...)` maps `f` over an axis of its inputs. `in_axes=(None, 0, 0)`
# below means: share `w`, map over the leading axis of `X` and `y`. The result is one loss
# per batch element, computed as batched array operations rather than a Python loop.

# %%
Xs = fnp.asarray(rng.standard_normal((4, 6, 3)), dtype=fnp.float32)
ys = fnp.asarray(rng.standard_normal((4, 6)), dtype=fnp.float32)

batched_loss = ft.vmap(loss, in_axes=(None, 0, 0))
print(batched_loss(w, Xs, ys))
print([float(loss(w, Xs[i], ys[i])) for i in range(4)])

# %% [markdown]
# ## The jaxpr: what the transformations see
#
# `ft.make_jaxpr(f)(*args)` traces `f` with abstract values (shapes and dtypes only) and
# shows the recorded program. Each line is one primitive operation.

# %%
print(ft.make_jaxpr(loss)(w, X, y_true))

# %% [markdown]
# Transformations produce new jaxprs. The gradient program has the forward computation
# followed by the transposed (reverse-mode) part:

# %%
print(ft.make_jaxpr(ft.grad(loss))(w, X, y_true))

# %% [markdown]
# ## `jit` and StableHLO
#
# `ft.jit(f)` traces `f` once per input signature (pytree structure, shapes, dtypes),
# lowers the jaxpr to StableHLO, compiles it with XLA and caches the executable. The
# lowered module can be inspected before it is compiled:

# %%
fast_grad = ft.jit(ft.grad(loss))
print(fast_grad.lower(w, X, y_true).as_text())

# %% [markdown]
# The first call pays for tracing and compilation; later calls with the same shapes
# reuse the executable. Timing on this machine (a measurement, not a claim about any other):

# %%
def timed(fn, number=200):
    t0 = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - t0) / number


W = fnp.asarray(rng.standard_normal((256, 256)) / 16, dtype=fnp.float32)
h0 = fnp.asarray(rng.standard_normal(256), dtype=fnp.float32)


def mlp(W, h):
    for _ in range(8):
        h = fnp.tanh(W @ h)
    return fnp.sum(h)


jit_mlp = ft.jit(mlp)
t0 = time.perf_counter()
jit_mlp(W, h0).block_until_ready()
print(f"first jit call (trace + compile): {1e3 * (time.perf_counter() - t0):8.2f} ms")
t_jit = timed(lambda: jit_mlp(W, h0).block_until_ready())
t_eager = timed(lambda: mlp(W, h0), number=50)
print(f"cached jit call                 : {1e6 * t_jit:8.1f} us")
print(f"eager (op by op)                : {1e6 * t_eager:8.1f} us")
print("same result:", np.allclose(np.asarray(jit_mlp(W, h0)), np.asarray(mlp(W, h0)),
                                  rtol=1e-5))

# %% [markdown]
# Inside `jit`, values are *tracers* carrying only shapes and dtypes, so Python control
# flow on them is an error with a hint. Use `lax.cond` / `lax.while_loop` / `lax.scan`
# (notebook 04) or mark the argument static:

# %%
def relu_python(x):
    return x if x > 0 else 0.0 * x


try:
    ft.jit(relu_python)(1.5)
except Exception as e:  # the error names the value, where it was used, and the fix
    print(f"{type(e).__name__}: {e}")

print(ft.jit(lambda x: lax.cond(x > 0, lambda v: v, lambda v: 0.0 * v, x))(1.5))
print(ft.jit(relu_python, static_argnums=0)(1.5))

# %% [markdown]
# ## Pytrees
#
# Arguments and results may be nested tuples, lists, dicts, `None`s, namedtuples or
# registered classes ("pytrees"). Every transformation flattens them to arrays and
# rebuilds the structure, so a gradient has the same structure as the parameters:

# %%
params = {"layer1": {"w": fnp.ones((3, 4)) * 0.1, "b": fnp.zeros(4)},
          "out": (fnp.ones(4) * 0.1, fnp.asarray(0.0))}


def net(params, x):
    h = fnp.tanh(x @ params["layer1"]["w"] + params["layer1"]["b"])
    v, c = params["out"]
    return h @ v + c


def mse(params, X, y):
    return fnp.mean((ft.vmap(net, in_axes=(None, 0))(params, X) - y) ** 2)


grads = ft.jit(ft.grad(mse))(params, X, y_true)
print(ft.tree_util.tree_map(lambda a: a.shape, grads))

leaves, treedef = ft.tree_util.tree_flatten(params)
print(len(leaves), "leaves;", treedef)

# %% [markdown]
# A plain gradient-descent step is one `tree_map` over parameters and gradients; a few
# steps, compiled:

# %%
@ft.jit
def sgd_step(params, X, y):
    l, grads = ft.value_and_grad(mse)(params, X, y)
    return ft.tree_util.tree_map(lambda p, g: p - 0.5 * g, params, grads), l


for step in range(5):
    params, l = sgd_step(params, X, y_true)
    print(f"step {step}: loss {float(l):.4f}")

# %% [markdown]
# ## What's next
#
# * 02 — forward and reverse mode, Jacobians, Hessian-vector products (timed).
# * 03 — per-example gradients with `vmap(grad)` and DP-SGD.
# * 04 — `scan`, `while_loop` and their derivatives.
# * 05 — data-parallel training with `pmap`.
# * 07 — `functrans.random` and a small model.
