"""checkpoint policies and checkpoint_name: which residuals reverse mode saves (compared
with ``jax.ad_checkpoint``'s saved residuals on the same program), and that gradients
match JAX under every policy, eagerly, under jit and under vmap."""

from __future__ import annotations

import jax
import jax.ad_checkpoint
import numpy as np
import pytest
from jax._src.ad_checkpoint import saved_residuals as jax_saved_residuals
from oracle import FT, JAX, assert_close

import functrans as ft
from functrans.ad_checkpoint import saved_residuals

RNG = np.random.RandomState(0)
W = (RNG.randn(4, 4) * 0.5).astype(np.float32)
X = RNG.randn(4, 3).astype(np.float32)


def name_of(m):
    return ft.ad_checkpoint.checkpoint_name if m is FT else jax.ad_checkpoint.checkpoint_name


def mlp(m):
    cn = name_of(m)

    def f(w, x):
        for i in range(3):
            x = m.np.sin(cn(w @ x, f"h{i}"))
        return m.np.sum(x)
    return f


def batched_dot(m):  # a dot with batch dimensions, for the *_no_batch_dims policies
    def f(w, x):
        a = m.np.sin(m.lax.dot_general(w[None], w[None], (((2,), (1,)), ((0,), (0,)))))
        return m.np.sum(m.np.cos(a[0] @ x))
    return f


POLICIES = {
    "nothing": lambda p: p.nothing_saveable,
    "dots": lambda p: p.dots_saveable,
    "checkpoint_dots": lambda p: p.checkpoint_dots,
    "no_batch": lambda p: p.dots_with_no_batch_dims_saveable,
    "no_batch_alias": lambda p: p.checkpoint_dots_with_no_batch_dims,
    "offload": lambda p: p.offload_dot_with_no_batch_dims("device", "pinned_host"),
    "only_h1": lambda p: p.save_only_these_names("h1"),
    "names_but_h1": lambda p: p.save_any_names_but_these("h1"),
    "both": lambda p: p.save_from_both_policies(p.save_only_these_names("h0"),
                                                p.save_only_these_names("h2")),
    "save_offload": lambda p: p.save_and_offload_only_these_names(
        names_which_can_be_saved=["h0"], names_which_can_be_offloaded=["h1"],
        offload_src="device", offload_dst="pinned_host"),
}


def residual_kinds(res, offloading: bool):
    """Residuals as a sorted list of (shape, what): arguments, outputs of a primitive,
    named values (JAX's descriptions carry source locations; ours do not). JAX describes
    an offloaded residual as the device_put that moves it; here offloading is saving."""
    out = []
    for aval, what in res:
        kind = what.split(" from ")[0]
        if offloading and not what.startswith("from the argument"):
            kind = "saved"
        out.append((tuple(aval.shape), kind))
    return sorted(out)


@pytest.mark.parametrize("program", [mlp, batched_dot])
@pytest.mark.parametrize("policy", sorted(POLICIES))
def test_saved_residuals_match_jax(program, policy):
    got = saved_residuals(ft.checkpoint(program(FT), policy=POLICIES[policy](
        ft.checkpoint_policies)), W, X)
    want = jax_saved_residuals(jax.checkpoint(program(JAX), policy=POLICIES[policy](
        jax.checkpoint_policies)), W, X)
    offloading = policy in ("offload", "save_offload")
    assert residual_kinds(got, offloading) == residual_kinds(want, offloading)


def test_policies_save_different_residuals():
    """The policies really differ: nothing < names < dots in what is saved."""
    count = {p: len(saved_residuals(ft.checkpoint(mlp(FT), policy=POLICIES[p](
        ft.checkpoint_policies)), W, X)) for p in ("nothing", "only_h1", "names_but_h1", "dots")}
    assert count == {"nothing": 2, "only_h1": 3, "names_but_h1": 4, "dots": 5}


def count_primal_dots(policy) -> int:
    """dot_generals recomputed in the backward pass: those in the differentiated
    (recomputation) checkpoint of the linear jaxpr that do not touch a tangent."""
    f = ft.checkpoint(mlp(FT), policy=policy)
    jaxpr = ft.make_jaxpr(lambda w, x: ft.linearize(f, w, x)[1](w, x))(W, X)
    (eqn,) = [e for e in jaxpr.jaxpr.eqns if e.primitive.name == "checkpoint"
              and e.params["differentiated"]]
    inner = eqn.params["jaxpr"].jaxpr
    n_lin = 2  # the two tangent inputs (w_dot, x_dot) come last
    tangent = set(inner.invars[-n_lin:])
    dots = 0
    for e in inner.eqns:
        if any(v in tangent for v in e.inputs):
            tangent.update(e.outvars)
        elif e.primitive.name == "dot_general":
            dots += 1
    return dots


def test_recomputed_dots():
    p = ft.checkpoint_policies
    # cos(h_i) scales each layer's tangent, so every h_i is needed backwards
    assert count_primal_dots(p.nothing_saveable) == 3
    assert count_primal_dots(p.dots_saveable) == 0
    assert count_primal_dots(p.save_only_these_names("h0")) == 2
    assert count_primal_dots(p.save_any_names_but_these("h0")) == 1


@pytest.mark.parametrize("policy", ["dots", "only_h1", "names_but_h1", "both", "no_batch"])
def test_gradients_match_jax_eager_jit_vmap(policy):
    for program in (mlp, batched_dot):
        want = jax.grad(jax.checkpoint(program(JAX), policy=POLICIES[policy](
            jax.checkpoint_policies)), argnums=(0, 1))(W, X)
        g = ft.grad(ft.checkpoint(program(FT), policy=POLICIES[policy](ft.checkpoint_policies)),
                    argnums=(0, 1))
        for got in (g(W, X), ft.jit(g)(W, X)):
            for a, b in zip(got, want, strict=True):
                assert_close(a, b, rtol=1e-5, atol=1e-5)
    f = ft.checkpoint(mlp(FT), policy=POLICIES[policy](ft.checkpoint_policies))
    xs = np.stack([X, 2 * X])
    got = ft.vmap(ft.grad(f), in_axes=(None, 0))(W, xs)
    want = jax.vmap(jax.grad(jax.checkpoint(mlp(JAX), policy=POLICIES[policy](
        jax.checkpoint_policies))), in_axes=(None, 0))(W, xs)
    assert_close(got, want, rtol=1e-5, atol=1e-5)


def test_second_order_under_a_policy():
    def f(m):
        cn = name_of(m)
        return lambda x: m.np.sum(m.np.sin(cn(m.np.sin(x) * x, "a")) ** 2)
    x = np.linspace(-1, 1, 3).astype(np.float32)
    pol = "save_only_these_names"
    got = ft.hessian(ft.checkpoint(f(FT), policy=getattr(ft.checkpoint_policies, pol)("a")))(x)
    want = jax.hessian(jax.checkpoint(f(JAX), policy=getattr(jax.checkpoint_policies, pol)("a")))(x)
    assert_close(got, want, rtol=1e-4, atol=1e-5)


def test_checkpoint_name_is_the_identity():
    x = {"a": np.float32([1.0, 2.0]), "b": np.float32(3.0)}
    out = ft.ad_checkpoint.checkpoint_name(x, "n")
    assert_close(out["a"], x["a"])
    assert "name[name=n]" in str(ft.make_jaxpr(lambda v: ft.ad_checkpoint.checkpoint_name(
        v, "n"))(np.float32(1.0)))
    assert_close(ft.jit(lambda v: ft.ad_checkpoint.checkpoint_name(v * 2, "n"))(x["a"]),
                 x["a"] * 2)
    assert_close(ft.grad(lambda v: ft.ad_checkpoint.checkpoint_name(v * v, "n"))(3.0), 6.0,
                 check_dtype=False)


def test_bad_policies():
    with pytest.raises(TypeError, match=r"\[checkpoint\] policy must be a callable"):
        ft.checkpoint(lambda x: x, policy="dots")
    with pytest.raises(ValueError, match=r"\[checkpoint\].*must not intersect"):
        ft.checkpoint_policies.save_and_offload_only_these_names(
            names_which_can_be_saved=["a"], names_which_can_be_offloaded=["a"],
            offload_src="device", offload_dst="pinned_host")


def test_print_saved_residuals(capsys):
    ft.ad_checkpoint.print_saved_residuals(
        ft.checkpoint(mlp(FT), policy=ft.checkpoint_policies.save_only_these_names("h1")), W, X)
    out = capsys.readouterr().out.splitlines()
    assert sorted(out) == sorted(["f32[4,4] from the argument w", "f32[4,3] from the argument x",
                                  "f32[4,3] named 'h1'"])
