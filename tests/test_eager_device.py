"""The accelerator eager path (one cached XLA executable per primitive) agrees with
the NumPy impls; on the CPU it is switched on explicitly for this test."""

from __future__ import annotations

import numpy as np
import pytest
from op_records import ALL_RECORDS, make_operand
from oracle import assert_close

import functrans as ft
from functrans.xla_lowering import eager


@pytest.fixture
def on_device():
    eager.enable(True)
    try:
        yield
    finally:
        eager.enable(eager.default_enabled())


@pytest.mark.parametrize("rec", ALL_RECORDS[::3], ids=lambda r: r.name)
def test_device_eager_matches_numpy_eager(rec, on_device):
    rng = np.random.default_rng(0)
    shapes = rec.operand_shapes(rec.shapes[-1])
    args = [make_operand(rng, s, rec.dtypes[0], rec.domain) for s in shapes]
    if rec.name == "select_n":
        args[0] = rng.random(shapes[0]) > 0.5
    got = rec.ft(*args)
    eager.enable(False)
    expected = rec.ft(*args)
    eager.enable(True)
    assert_close(got, expected, **rec.tol)


def test_device_eager_stays_on_the_inputs_device(on_device):
    dev = ft.devices()[1]
    x = ft.device_put(np.arange(3, dtype=np.float32), dev)
    y = ft.lax.sin(x) * 2.0
    assert y._buf is not None and y.device == dev
    assert_close(y, np.sin(np.arange(3, dtype=np.float32)) * 2)
