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
# # 07 — `functrans.random` and a small CNN
#
# Random numbers in functrans work as in JAX: there is no hidden global state. A **key**
# is an explicit value; you `split` it into new keys and pass one to each random function.
# The same key always gives the same numbers, in eager code, under `jit`, `vmap` or
# `grad`, on any device — which makes programs reproducible and parallelizable.
# (functrans implements JAX's counter-based threefry generator, so a key gives the same
# bits as `jax.random` with the same key; the test suite checks this.)
#
# The second half trains a small convolutional network on synthetic images, with random
# initialization, random mini-batches and dropout all driven by keys.

# %%
import time

import matplotlib.pyplot as plt
import numpy as np

import functrans as ft
import functrans.numpy as fnp
import functrans.random as random
from functrans import lax, nn

plt.rcParams["figure.dpi"] = 80
tree_map = ft.tree_util.tree_map

# %% [markdown]
# ## Keys
#
# `random.key(seed)` makes a key. Calling a sampler twice with the same key gives the same
# values; to get new values, split:

# %%
key = random.key(42)
print(random.normal(key, (3,)))
print(random.normal(key, (3,)), "<- same key, same numbers")

key, sub = random.split(key)
print(random.normal(sub, (3,)), "<- a new key from split")

k1, k2, k3 = random.split(key, 3)
print(random.uniform(k1, (3,)), random.randint(k2, (3,), 0, 10),
      random.bernoulli(k3, 0.5, (3,)))

# %% [markdown]
# `fold_in(key, i)` derives a key from an integer — handy for "one key per step" without
# threading keys through a loop:

# %%
base = random.key(0)
print([float(random.uniform(random.fold_in(base, step))) for step in range(4)])

# %% [markdown]
# Keys are arrays, so `vmap` maps over them: a batch of keys gives a batch of independent
# samples.

# %%
keys = random.split(random.key(1), 5)
print(ft.vmap(lambda k: random.normal(k, (2,)))(keys))

# %% [markdown]
# ## Distributions
#
# The usual samplers are there (`normal`, `uniform`, `bernoulli`, `categorical`,
# `gamma`, `beta`, `exponential`, `permutation`, `choice`, `multivariate_normal`, ...).
# A quick visual check of three of them against their densities or probabilities:

# %%
k_norm, k_lap, k_cat = random.split(random.key(7), 3)
probs = np.array([0.1, 0.2, 0.3, 0.4])
samples = {
    "normal": (random.normal(k_norm, (20_000,)),
               lambda x: np.exp(-x**2 / 2) / np.sqrt(2 * np.pi)),
    "laplace": (random.laplace(k_lap, (20_000,)), lambda x: np.exp(-np.abs(x)) / 2),
}
cat = np.asarray(random.categorical(k_cat, fnp.log(probs), shape=(20_000,)))
fig, axes = plt.subplots(1, 3, figsize=(10, 2.6))
for ax, (name, (s, pdf)) in zip(axes, samples.items(), strict=False):
    s = np.asarray(s)
    ax.hist(s, bins=60, density=True, alpha=0.6)
    grid = np.linspace(s.min(), s.max(), 200)
    ax.plot(grid, pdf(grid), "k")
    ax.set_title(f"{name}: mean {s.mean():.3f}, var {s.var():.3f}", fontsize=9)
freq = np.bincount(cat, minlength=len(probs)) / cat.size
axes[2].bar(np.arange(4), freq, alpha=0.6, label="sampled")
axes[2].plot(np.arange(4), probs, "ko", label="probabilities")
axes[2].set_title(f"categorical: frequencies {np.round(freq, 3)}", fontsize=9)
axes[2].legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# (Exact moments: normal 0 and 1; laplace 0 and 2.)
#
# ## A small CNN on synthetic images
#
# The data: 16×16 grayscale images of one of three shapes — a horizontal bar, a vertical
# bar or a square outline — at a random position, with noise. It is generated with
# `functrans.random`, so the notebook needs no download.

# %%
SIZE, N_CLASSES = 16, 3
CLASS_NAMES = ["horizontal bar", "vertical bar", "square"]


def make_images(key, n):
    k_cls, k_pos, k_noise = random.split(key, 3)
    labels = random.randint(k_cls, (n,), 0, N_CLASSES)
    pos = random.randint(k_pos, (n, 2), 2, SIZE - 8)
    rows = fnp.arange(SIZE)[:, None]
    cols = fnp.arange(SIZE)[None, :]

    def draw(label, p):
        r, c = rows - p[0], cols - p[1]
        inside = (r >= 0) & (r < 6) & (c >= 0) & (c < 6)
        hbar = inside & (r >= 2) & (r < 4)
        vbar = inside & (c >= 2) & (c < 4)
        square = inside & ((r == 0) | (r == 5) | (c == 0) | (c == 5))
        return fnp.select([label == 0, label == 1], [hbar, vbar], square).astype(
            fnp.float32)

    images = ft.vmap(draw)(labels, pos) + 0.3 * random.normal(k_noise, (n, SIZE, SIZE))
    return images[..., None], labels  # NHWC: (n, 16, 16, 1)


x_train, y_train = make_images(random.key(0), 2048)
x_test, y_test = make_images(random.key(1), 512)

fig, axes = plt.subplots(1, 6, figsize=(9, 1.8))
for i, ax in enumerate(axes):
    ax.imshow(np.asarray(x_train[i, :, :, 0]), cmap="gray")
    ax.set_title(CLASS_NAMES[int(y_train[i])], fontsize=8)
    ax.axis("off")
plt.show()

# %% [markdown]
# The network: two 3×3 convolutions (8 and 16 channels) with ReLU and 2×2 max-pooling,
# dropout, and a dense layer to 3 logits. Convolution and pooling are `lax` primitives
# (`conv_general_dilated`, `reduce_window`), weights come from `nn.initializers`.

# %%
def conv(x, w, b):
    y = lax.conv_general_dilated(x, w, window_strides=(1, 1), padding="SAME",
                                 dimension_numbers=("NHWC", "HWIO", "NHWC"))
    return y + b


def max_pool(x):
    return lax.reduce_window(x, -fnp.inf, lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")


def init_cnn(key):
    k1, k2, k3 = random.split(key, 3)
    he = nn.initializers.he_normal()
    return {"conv1": {"w": he(k1, (3, 3, 1, 8)), "b": fnp.zeros(8)},
            "conv2": {"w": he(k2, (3, 3, 8, 16)), "b": fnp.zeros(16)},
            "dense": {"w": nn.initializers.glorot_normal()(k3, (4 * 4 * 16, N_CLASSES)),
                      "b": fnp.zeros(N_CLASSES)}}


def cnn(params, x, dropout_key=None, rate=0.3):
    x = max_pool(nn.relu(conv(x, **params["conv1"])))  # (n, 8, 8, 8)
    x = max_pool(nn.relu(conv(x, **params["conv2"])))  # (n, 4, 4, 16)
    x = x.reshape(x.shape[0], -1)
    if dropout_key is not None:  # training: drop units at random, rescale the rest
        keep = random.bernoulli(dropout_key, 1.0 - rate, x.shape)
        x = fnp.where(keep, x / (1.0 - rate), 0.0)
    return x @ params["dense"]["w"] + params["dense"]["b"]


def cross_entropy(params, x, y, dropout_key=None):
    logits = cnn(params, x, dropout_key)
    return -fnp.mean(fnp.take_along_axis(nn.log_softmax(logits), y[:, None], axis=1))


params = init_cnn(random.key(2))
n_params = sum(a.size for a in ft.tree_util.tree_leaves(params))
print(f"{n_params} parameters;", tree_map(lambda a: a.shape, params))

# %% [markdown]
# Training with Adam (written out with `tree_map`; a few lines). Each step draws its
# mini-batch indices and its dropout mask from keys derived with `fold_in(key, step)`, so
# the whole step — sampling included — is one compiled function of `(params, state,
# step)`, and a rerun reproduces it exactly.

# %%
BATCH, LR, STEPS = 64, 3e-3, 100
data_key = random.key(3)


def adam_init(params):
    zeros = tree_map(fnp.zeros_like, params)
    return {"m": zeros, "v": zeros}


@ft.jit
def train_step(params, opt, step):
    k_batch, k_drop = random.split(random.fold_in(data_key, step))
    idx = random.choice(k_batch, x_train.shape[0], (BATCH,), replace=False)
    loss, g = ft.value_and_grad(cross_entropy)(params, x_train[idx], y_train[idx], k_drop)
    b1, b2, t = 0.9, 0.999, step + 1
    m = tree_map(lambda m, g: b1 * m + (1 - b1) * g, opt["m"], g)
    v = tree_map(lambda v, g: b2 * v + (1 - b2) * g**2, opt["v"], g)
    scale = LR * fnp.sqrt(1 - b2**t) / (1 - b1**t)
    params = tree_map(lambda p, m, v: p - scale * m / (fnp.sqrt(v) + 1e-8), params, m, v)
    return params, {"m": m, "v": v}, loss


@ft.jit
def accuracy(params, x, y):
    return fnp.mean(fnp.argmax(cnn(params, x), axis=-1) == y)


opt = adam_init(params)
losses, test_acc = [], []
t0 = time.perf_counter()
for step in range(STEPS):
    params, opt, loss = train_step(params, opt, step)
    losses.append(float(loss))
    if step % 10 == 9:
        test_acc.append((step + 1, float(accuracy(params, x_test, y_test))))
print(f"{STEPS} steps in {time.perf_counter() - t0:.1f} s (first step includes compilation)")
print(f"training loss {losses[0]:.3f} -> {np.mean(losses[-10:]):.3f} (mean of last 10)")
print(f"test accuracy {test_acc[-1][1]:.3f} (chance: {1 / N_CLASSES:.3f})")

# %%
fig, axes = plt.subplots(1, 2, figsize=(9, 3))
axes[0].plot(losses)
axes[0].set_xlabel("step")
axes[0].set_ylabel("training loss (with dropout)")
steps_acc, accs = zip(*test_acc, strict=True)
axes[1].plot(steps_acc, accs, "o-")
axes[1].set_xlabel("step")
axes[1].set_ylabel("test accuracy")
axes[1].set_ylim(0, 1.05)
fig.tight_layout()
plt.show()

# %% [markdown]
# Some test images with the trained network's predictions:

# %%
pred = np.asarray(fnp.argmax(cnn(params, x_test[:8]), axis=-1))
fig, axes = plt.subplots(1, 8, figsize=(10, 1.8))
for i, ax in enumerate(axes):
    ax.imshow(np.asarray(x_test[i, :, :, 0]), cmap="gray")
    ok = pred[i] == int(y_test[i])
    ax.set_title(CLASS_NAMES[pred[i]], fontsize=7, color="green" if ok else "red")
    ax.axis("off")
plt.show()

# %% [markdown]
# Reproducibility is by construction: the same keys give the same initialization, the
# same batches and the same dropout masks. Re-running the first two steps from the same
# starting point gives bit-identical parameters:

# %%
def run(n_steps):
    p, o = init_cnn(random.key(2)), adam_init(init_cnn(random.key(2)))
    for s in range(n_steps):
        p, o, _ = train_step(p, o, s)
    return p


a, b = run(2), run(2)
print("identical:", all(bool(fnp.all(u == v)) for u, v in
                        zip(ft.tree_util.tree_leaves(a), ft.tree_util.tree_leaves(b),
                            strict=True)))
