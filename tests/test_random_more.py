"""The remaining jax.random samplers, 64-bit mode, and key_impl/key_dtype, vs jax.random.

Each sampler runs JAX's algorithm with JAX's key schedule as one compiled program, so
integer results are bit-identical and float results agree bit for bit on most
elements. The rest differ by a few ulp: XLA's CPU code generation (fusion, FMA
contraction) of the same float operations depends on the surrounding program, and
JAX itself gives such differences between its op-by-op and jitted runs of these
samplers (e.g. ~10% of maxwell samples, 1 ulp; wald up to ~100 ulp where its formula
cancels; the gamma-based ones inherit test_random's few-ulp gamma differences). So floats
are checked at a tight rtol (2e-5 in float32, 1e-12 in float64): another key or a
different algorithm gives entirely different values.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import jax.random as jr
import numpy as np
import pytest
from oracle import x64_mode

import functrans as ft
import functrans.numpy as fnp
import functrans.random as fr

SEEDS = (0, 11)
SHAPES = ((5,), (2, 3))

# name -> sample(m, n, key, shape)
SAMPLERS = {
    "pareto": lambda m, n, k, s: m.pareto(k, 3.0, s),
    "chisquare": lambda m, n, k, s: m.chisquare(k, 2.5, s),
    "f": lambda m, n, k, s: m.f(k, 2.0, 5.0, s),
    "lognormal": lambda m, n, k, s: m.lognormal(k, 0.5, s),
    "maxwell": lambda m, n, k, s: m.maxwell(k, s),
    "double_sided_maxwell": lambda m, n, k, s: m.double_sided_maxwell(k, 1.0, 2.0, s),
    "weibull_min": lambda m, n, k, s: m.weibull_min(k, 1.5, 2.5, s),
    "rayleigh": lambda m, n, k, s: m.rayleigh(k, 2.0, s),
    "wald": lambda m, n, k, s: m.wald(k, 1.5, s),
    "triangular": lambda m, n, k, s: m.triangular(k, 0.0, 0.3, 2.0, s),
    "geometric": lambda m, n, k, s: m.geometric(k, 0.3, s),
    "generalized_normal": lambda m, n, k, s: m.generalized_normal(k, 1.5, s),
    "ball": lambda m, n, k, s: m.ball(k, 3, 1.5, s),
    "binomial": lambda m, n, k, s: m.binomial(k, 5.0, 0.3, s),
    "binomial_btrs": lambda m, n, k, s: m.binomial(k, 100.0, 0.6, s),
    "multinomial": lambda m, n, k, s: m.multinomial(k, 20.0, n.array([0.2, 0.3, 0.5]),
                                                    shape=(*s, 3)),
}

# parameter arrays (broadcasting, default shapes, special values)
WITH_ARRAYS = {
    "pareto": lambda m, n, k: m.pareto(k, n.array([1.0, 2.0, 3.0])),
    "lognormal_default": lambda m, n, k: m.lognormal(k),
    "double_sided_maxwell": lambda m, n, k: m.double_sided_maxwell(k, n.array([0.0, 1.0]), 2.0),
    "triangular": lambda m, n, k: m.triangular(k, n.array([0.0, -1.0]), 0.5, 1.0, (3, 2)),
    "binomial_special": lambda m, n, k: m.binomial(
        k, n.array([3.0, 50.0, -1.0, n.inf, 4.0]), n.array([0.5, 0.2, 0.5, 0.3, n.nan])),
    "multinomial_batched": lambda m, n, k: m.multinomial(
        k, n.array([5.0, 30.0]), n.array([0.1, 0.6, 0.3]), shape=(2, 3)),
    "bernoulli_high": lambda m, n, k: m.bernoulli(k, 0.3, (40,), mode="high"),
}


def _compare(got, want):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape and got.dtype == want.dtype, (got.shape, got.dtype,
                                                                 want.shape, want.dtype)
    if got.dtype.kind != "f":
        np.testing.assert_array_equal(got, want)
        return
    rtol = 2e-5 if got.dtype.itemsize <= 4 else 1e-12
    np.testing.assert_allclose(got, want, rtol=rtol, atol=rtol * 1e-2)


def _check(sample, seed, jit=True):
    want = sample(jr, jnp, jr.PRNGKey(seed))
    _compare(sample(fr, fnp, fr.PRNGKey(seed)), want)
    if jit:
        _compare(ft.jit(lambda k: sample(fr, fnp, k))(fr.PRNGKey(seed)), want)


# several gamma draws or a scan of binomial loops: slow to compile, so one shape and no
# extra outer jit (their eager call already is one compiled program)
HEAVY = ("ball", "f", "generalized_normal", "multinomial")


@pytest.mark.parametrize("name", sorted(SAMPLERS))
def test_sampler_matches_jax(name):
    """Two keys and two shapes eagerly; jit == JAX on the first shape (one compile)."""
    for seed in SEEDS:
        _check(lambda m, n, k: SAMPLERS[name](m, n, k, SHAPES[0]), seed, name not in HEAVY)
    if name not in HEAVY:
        _check(lambda m, n, k: SAMPLERS[name](m, n, k, SHAPES[1]), SEEDS[0], jit=False)


@pytest.mark.parametrize("name", sorted(WITH_ARRAYS))
def test_sampler_parameter_arrays(name):
    _check(WITH_ARRAYS[name], 3, jit=False)


X64_SAMPLERS = {
    "bits_u64": lambda m, n, k: m.bits(k, (5,), n.uint64),
    "bits_default": lambda m, n, k: m.bits(k, (5,)),
    "uniform": lambda m, n, k: m.uniform(k, (2, 3)),
    "uniform_f32": lambda m, n, k: m.uniform(k, (4,), n.float32),
    "normal": lambda m, n, k: m.normal(k, (5,)),
    "randint": lambda m, n, k: m.randint(k, (6,), -5, 1000),
    "choice_p": lambda m, n, k: m.choice(k, 4, (6,), p=n.array([0.1, 0.2, 0.3, 0.4])),
    "rademacher": lambda m, n, k: m.rademacher(k, (8,)),
    "bernoulli": lambda m, n, k: m.bernoulli(k, 0.3, (8,)),
    "categorical": lambda m, n, k: m.categorical(k, n.array([0.0, 1.0, 2.0]), shape=(4,)),
    "exponential": lambda m, n, k: m.exponential(k, (4,)),
    "gamma": lambda m, n, k: m.gamma(k, n.array([0.5, 2.0, 9.0])),
    "poisson": lambda m, n, k: m.poisson(k, 4.0, (4,)),
    "key_from_big_seed": lambda m, n, k: m.PRNGKey(2**40 + 5),
    "key_from_negative_seed": lambda m, n, k: m.key_data(m.key(-3)),
    **{name: (lambda m, n, k, f=SAMPLERS[name]: f(m, n, k, (4,))) for name in (
        "pareto", "lognormal", "maxwell", "wald", "triangular", "geometric", "binomial")},
}


@pytest.mark.parametrize("name", sorted(X64_SAMPLERS))
def test_x64(name):
    """64-bit mode: default dtypes become uint64/float64/int64 and float64 samples use
    64-bit bits (two hashed words), as JAX's."""
    with x64_mode(True):
        _check(X64_SAMPLERS[name], 4, jit=name in ("bits_u64", "normal", "wald"))


def test_x64_defaults():
    with x64_mode(True):
        k = fr.PRNGKey(0)
        assert fr.bits(k).dtype == np.uint64 and fr.uniform(k).dtype == np.float64
        assert fr.randint(k, (), 0, 3).dtype == np.int64
        assert fr.geometric(k, 0.5).dtype == np.int64 and fr.wald(k, 1.0).dtype == np.float64
    assert fr.bits(fr.PRNGKey(0)).dtype == np.uint32


def test_vmap_over_keys():
    keys, jkeys = fr.split(fr.PRNGKey(9), 3), jr.split(jr.PRNGKey(9), 3)
    for name in ("lognormal", "geometric"):
        f = lambda m, name=name: lambda k: SAMPLERS[name](m, m is fr and fnp or jnp, k, (4,))  # noqa: E731
        _compare(ft.vmap(f(fr))(keys), jax.vmap(f(jr))(jkeys))


GRADS = {  # reparameterized samples: d(sum(sample))/d(params)
    "lognormal": (lambda m, k: lambda s: m.lognormal(k, s, (4,)), (0.7,)),
    "pareto": (lambda m, k: lambda b: m.pareto(k, b, (4,)), (2.5,)),
    "wald": (lambda m, k: lambda mu: m.wald(k, mu, (4,)), (1.5,)),
    "weibull_min": (lambda m, k: lambda s, c: m.weibull_min(k, s, c, (4,)), (1.5, 2.0)),
    "double_sided_maxwell": (lambda m, k: lambda lo, sc: m.double_sided_maxwell(
        k, lo, sc, (4,)), (0.5, 2.0)),
    "chisquare": (lambda m, k: lambda df: m.chisquare(k, df, (4,)), (3.0,)),
}


@pytest.mark.parametrize("name", sorted(GRADS))
def test_grad_reparameterized(name):
    make, args = GRADS[name]
    argnums = tuple(range(len(args)))
    loss = lambda m, k: lambda *a: (m.numpy if m is ft else jnp).sum(make(m.random, k)(*a))  # noqa: E731
    want = jax.grad(loss(jax, jr.PRNGKey(2)), argnums)(*args)
    got = ft.grad(loss(ft, fr.PRNGKey(2)), argnums)(*args)
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=5e-5)


def test_key_impl_and_dtype():
    k = fr.key(1)
    assert fr.key_impl(k) == jr.key_impl(jr.key(1)) == "threefry2x32"
    assert fr.key_impl(fr.PRNGKey(1)) == "threefry2x32"
    assert str(fr.key_dtype()) == str(jr.key_dtype()) == "key<fry>"
    assert fr.key_dtype("threefry2x32") == k.dtype
    np.testing.assert_array_equal(fr.key_data(fr.key(5, dtype=fr.key_dtype())),
                                  jr.key_data(jr.key(5)))
    np.testing.assert_array_equal(fr.key_data(fr.wrap_key_data(fr.PRNGKey(2), dtype=k.dtype)),
                                  fr.PRNGKey(2))
    with pytest.raises(ValueError, match=r"\[random.key_dtype\] only impl='threefry2x32'"):
        fr.key_dtype("rbg")
    with pytest.raises(ValueError, match=r"\[random.key\] specify impl or dtype"):
        fr.key(0, impl="threefry2x32", dtype=fr.key_dtype())


def test_errors():
    k = fr.PRNGKey(0)
    with pytest.raises(ValueError, match=r"\[random.pareto\] dtype must be a float"):
        fr.pareto(k, 2.0, (3,), np.int32)
    with pytest.raises(ValueError, match=r"\[random.wald\] shape \(3,\) must be"):
        fr.wald(k, np.ones(4, np.float32), (3,))
    with pytest.raises(ValueError, match=r"\[random.geometric\] dtype must be an integer"):
        fr.geometric(k, 0.5, (2,), np.float32)
    with pytest.raises(TypeError, match=r"\[random.ball\] d must be a Python int"):
        fr.ball(k, 2.5)
    with pytest.raises(TypeError, match=r"\[random.rayleigh\] cannot safely cast"):
        with x64_mode(True):
            fr.rayleigh(k, np.ones(2, np.float64), (2,), np.float32)
    with pytest.raises(TypeError, match=r"\[random.bits\] 64-bit bits need 64-bit mode"):
        from functrans._random_keys import random_bits
        random_bits(k, 64, (2,))
