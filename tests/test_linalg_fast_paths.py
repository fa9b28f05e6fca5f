"""What XLA makes of our programs, and the eager fast paths of the LU-based solve:

* the fused program of a kernel-matrix gradient (``exp(-d2 / exp(2 l))``, the GP workload of
  benchmarks/bench_linalg.py) materializes no more n x n arrays than JAX's (div's jvp keeps
  the numerator and ``y**-2``, not the quotient, as residuals);
* the cholesky and qr lowerings build their triangle masks from iota ops, not constants;
* the eager gather's one-axis fast path (``x[perm]``, take_along_axis, row gathers under
  batching dims, every mode) agrees with JAX;
* eager lu and triangular_solve (the pieces of the eager batched solve) agree with JAX,
  with garbage in the unused triangle and zero pivots.
"""

from __future__ import annotations

import itertools
import re

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from oracle import assert_close

import functrans as ft
import functrans.numpy as fnp
from functrans import lax as flax
from functrans.lax import linalg as fll

RNG = np.random.default_rng(11)


def _kernel_grad(m):
    def f(p, x):
        d2 = m.sum((x[:, None, :] - x[None, :, :]) ** 2, axis=-1)
        return m.sum(m.exp(2 * p[1]) * m.exp(-0.5 * d2 / m.exp(2 * p[0])))
    return (ft if m is fnp else jax).grad(f)


def _square_results(compiled, n: int) -> int:
    text = compiled.as_text()
    entry = text[text.index("ENTRY"):].splitlines()[1:]
    return sum(bool(re.search(rf"= \w+\[{n},{n}\]", line)) for line in entry)


def test_kernel_matrix_grad_fuses_like_jax():
    n = 64
    x = RNG.normal(size=(n, 3)).astype(np.float32)
    p = np.array([0.3, 0.1], np.float32)
    ours = ft.jit(_kernel_grad(fnp)).lower(p, x).compile()
    theirs = jax.jit(_kernel_grad(jnp)).lower(p, x).compile()
    assert _square_results(ours, n) <= _square_results(theirs, n)
    assert_close(ours(p, x), theirs(p, x), rtol=1e-4, atol=1e-4)


def test_div_jvp_in_the_denominator_matches_jax():
    u = RNG.normal(size=(3, 4)).astype(np.float32)
    w = np.float32(1.7)
    ours = ft.grad(lambda w: fnp.sum(fnp.exp(u / w)))(w)
    assert_close(ours, jax.grad(lambda w: jnp.sum(jnp.exp(u / w)))(w))
    eqns = ft.make_jaxpr(ft.grad(lambda w: fnp.sum(fnp.exp(u / w))))(w).eqns
    assert [e.params["y"] for e in eqns if e.primitive.name == "integer_pow"] == [-2]


@pytest.mark.parametrize("case", [
    lambda m: m.linalg.cholesky(np.eye(8, dtype=np.float32) * 2),
    lambda m: m.linalg.qr(np.ones((6, 4), np.float32))[1],
], ids=["cholesky", "qr"])
def test_triangle_masks_are_iotas(case):
    text = ft.jit(lambda: case(fnp)).lower().as_text()
    assert "stablehlo.iota" in text
    assert not re.search(r"tensor<\d+x\d+xui8>", text), "a mask embedded as a constant"


_DN = [  # (operand shape, indices shape, offset_dims, axis, batching (operand, indices))
    ((4, 3), (5, 1), (1,), 0, ((), ())),            # x[idx] along rows
    ((4, 3), (2, 5, 1), (2,), 0, ((), ())),         # nested index batch
    ((3, 4, 2), (3, 4, 1), (2,), 1, ((0,), (0,))),  # a row permutation per matrix
    ((2, 4, 3), (2, 4, 1), (), 2, ((0, 1), (0, 1))),  # take_along_axis, last axis
    ((4, 2, 3), (3, 2, 1), (0,), 2, ((1,), (1,))),  # batching dim in the middle
]


@pytest.mark.parametrize("mode", ["clip", "fill", "promise_in_bounds"])
@pytest.mark.parametrize("case", range(len(_DN)))
def test_eager_one_axis_gather_matches_jax(case, mode):
    shape, ishape, offset, axis, (obd, ibd) = _DN[case]
    x = RNG.normal(size=shape).astype(np.float32)
    hi = shape[axis] + (0 if mode == "promise_in_bounds" else 2)
    lo = 0 if mode == "promise_in_bounds" else -2
    idx = RNG.integers(lo, hi, size=ishape).astype(np.int32)
    sizes = tuple(1 if d == axis or d in obd else n for d, n in enumerate(shape))
    kw = dict(offset_dims=offset, collapsed_slice_dims=(axis,), start_index_map=(axis,),
              operand_batching_dims=obd, start_indices_batching_dims=ibd)
    ours = flax.gather(x, idx, flax.GatherDimensionNumbers(**kw), sizes, mode=mode)
    theirs = jax.lax.gather(x, idx, jax.lax.GatherDimensionNumbers(**kw), sizes, mode=mode)
    assert_close(ours, theirs, rtol=0, atol=0)


def test_eager_lu_matches_jax_on_a_stack_with_zero_pivots():
    for shape in ((100, 3, 3), (100, 2, 4), (4, 5, 3), (4, 3, 5)):  # small-rows path first
        a = RNG.normal(size=shape).astype(np.float32)
        a[0, :, 0] = 0  # no pivot in the first column
        a[1, 1:, 1:] = 0  # singular after one step
        ours, theirs = fll.lu(a), jax.lax.linalg.lu(a)
        assert_close(ours[1], theirs[1])
        assert_close(ours[2], theirs[2])
        assert_close(ours[0], theirs[0], rtol=1e-5, atol=1e-5)


def test_eager_triangular_solve_reads_only_its_triangle():
    a = RNG.normal(size=(6, 4, 4)).astype(np.float32) + 4 * np.eye(4, dtype=np.float32)
    for left, lower, trans, unit in itertools.product([True, False], repeat=4):
        b = RNG.normal(size=(6, 4, 2) if left else (6, 2, 4)).astype(np.float32)
        kw = dict(left_side=left, lower=lower, transpose_a=trans, unit_diagonal=unit)
        ours = fll.triangular_solve(a, b, **kw)
        theirs = jax.lax.linalg.triangular_solve(a, b, **kw)
        assert_close(ours, theirs, rtol=1e-4, atol=1e-4)


def test_eager_batched_solve_matches_jax():
    a = (RNG.normal(size=(200, 3, 3)) + 3 * np.eye(3)).astype(np.float32)
    b = RNG.normal(size=(200, 3, 1)).astype(np.float32)
    assert_close(fnp.linalg.solve(a, b), jnp.linalg.solve(a, b), rtol=1e-4, atol=1e-4)
