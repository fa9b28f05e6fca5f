"""Every op record: functrans eager (NumPy impl) == jax.lax, jit (XLA) == eager, and
the lowered StableHLO contains the expected op."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from op_records import ALL_RECORDS, make_operand
from oracle import assert_close, to_np

import functrans as ft


def _draw_args(data, rec):
    choice = data.draw(st.sampled_from(rec.shapes), label="shape")
    dtype = data.draw(st.sampled_from(rec.dtypes), label="dtype")
    seed = data.draw(st.integers(0, 2**16), label="seed")
    rng = np.random.default_rng(seed)
    shapes = rec.operand_shapes(choice)
    args = [make_operand(rng, s, dtype, rec.domain) for s in shapes]
    if rec.name == "select_n":
        args[0] = rng.random(shapes[0]) > 0.5
    return args, dtype


@pytest.mark.parametrize("rec", ALL_RECORDS, ids=lambda r: r.name)
@given(data=st.data())
def test_eager_matches_jax(rec, data):
    args, dtype = _draw_args(data, rec)
    expected = to_np(rec.jx(*args))
    got = rec.ft(*args)
    assert_close(got, expected, **rec.tol)


@pytest.mark.parametrize("rec", ALL_RECORDS, ids=lambda r: r.name)
@given(data=st.data())
def test_jit_matches_eager(rec, data):
    args, dtype = _draw_args(data, rec)
    eager = rec.ft(*args)
    jitted = ft.jit(rec.ft)(*args)
    assert_close(jitted, eager, **rec.tol)


@pytest.mark.parametrize("rec", [r for r in ALL_RECORDS if r.lowering_op],
                         ids=lambda r: r.name)
def test_lowering_contains_op(rec):
    rng = np.random.default_rng(0)
    shapes = rec.operand_shapes(rec.shapes[-1])
    args = [make_operand(rng, s, rec.dtypes[0], rec.domain) for s in shapes]
    if rec.name == "select_n":
        args[0] = rng.random(shapes[0]) > 0.5
    text = ft.jit(rec.ft).lower(*args).as_text()
    assert rec.lowering_op in text
