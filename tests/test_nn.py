"""functrans.nn against jax.nn: every record of ``np_records.NN_RECORDS`` on
hypothesis-drawn shapes and dtypes, plus gradients-free edge cases."""

from __future__ import annotations

import jax
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from np_records import NN_RECORDS
from oracle import assert_close
from test_numpy import FTM, draw_args, run_record

import functrans as ft
import functrans.nn as fnn
import functrans.numpy as fnp


@pytest.mark.parametrize("rec", NN_RECORDS, ids=lambda r: r.name)
@given(data=st.data())
def test_nn_matches_jax(rec, data):
    run_record(rec, draw_args(data, rec))


def test_softmax_is_stable_for_large_logits():
    x = np.array([1000.0, 1001.0, -np.inf], np.float32)
    assert_close(fnn.softmax(x), jax.nn.softmax(x))
    assert_close(fnn.logsumexp(x), jax.nn.logsumexp(x))
    assert_close(fnn.log_softmax(x), jax.nn.log_softmax(x))


def test_nn_under_jit():
    x = np.linspace(-3, 3, 12, dtype=np.float32).reshape(3, 4)
    for fn in (fnn.gelu, fnn.softmax, fnn.standardize, lambda v: fnn.logsumexp(v, axis=0)):
        assert_close(ft.jit(fn)(x), fn(x))
    assert FTM.nn is fnn and fnp.asarray(x).shape == (3, 4)


def test_one_hot_out_of_range_is_all_zero():
    got = fnn.one_hot(np.array([-1, 3, 1]), 3)
    assert_close(got, jax.nn.one_hot(np.array([-1, 3, 1]), 3))
