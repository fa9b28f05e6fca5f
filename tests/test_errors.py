"""Bad input gets a clear Python error naming the problem, shapes/dtypes and fix."""

from __future__ import annotations

import numpy as np
import pytest

import functrans as ft
import functrans.numpy as fnp
from functrans import lax


def test_broadcast_mismatch_names_both_shapes():
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(4,\)"):
        fnp.ones((2, 3)) + fnp.ones(4)
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(4,\)"):
        ft.jit(lambda a, b: a * b)(np.ones((2, 3)), np.ones(4))


def test_lax_shape_and_dtype_mismatch():
    with pytest.raises(TypeError, match=r"\[add\].*f32\[3\].*f32\[4\]"):
        lax.add(fnp.ones(3), fnp.ones(4))
    with pytest.raises(TypeError, match=r"\[add\].*same dtype.*f32\[3\].*i32\[3\]"):
        lax.add(fnp.ones(3), fnp.ones(3, dtype=np.int32))
    with pytest.raises(TypeError, match=r"\[sin\].*int32"):
        lax.sin(fnp.ones(3, dtype=np.int32))


def test_dot_general_mismatch():
    with pytest.raises(TypeError, match=r"\[dot_general\].*f32\[2,3\].*f32\[4,5\]"):
        lax.dot(fnp.ones((2, 3)), fnp.ones((4, 5)))
    with pytest.raises(ValueError, match=r"\[matmul\].*\(2, 3\) @ \(4, 5\)"):
        fnp.ones((2, 3)) @ fnp.ones((4, 5))


def test_reshape_size_mismatch():
    with pytest.raises(TypeError, match=r"\[reshape\].*size 6.*\(4,\)"):
        lax.reshape(fnp.ones((2, 3)), (4,))


def test_unsupported_dtype():
    with pytest.raises(TypeError, match=r"dtype .* is not supported"):
        fnp.asarray(np.array(["a", "b"]))
    with pytest.raises(TypeError, match=r"not supported"):
        ft.jit(lambda x: x)(np.array([1 + 2j], dtype=np.complex128).astype(object))


def test_non_array_argument_to_jit():
    with pytest.raises(TypeError, match=r"\[jit\] str is not a valid array value.*static"):
        ft.jit(lambda x: x)("hello")
    with pytest.raises(TypeError, match=r"\[jit\].*object"):
        ft.jit(lambda x: x)(object())


def test_python_control_flow_on_traced_value():
    def f(x):
        if x.sum() > 0:  # the offending line
            return x
        return -x
    with pytest.raises(ft.ConcretizationTypeError) as info:
        ft.jit(f)(np.ones(3, np.float32))
    msg = str(info.value)
    assert "bool[]" in msg and "test_errors.py" in msg and "lax.cond" in msg
    assert "lax.while_loop" in msg


def test_int_of_traced_value():
    with pytest.raises(ft.ConcretizationTypeError, match=r"int\(x\).*i32\[\]"):
        ft.jit(lambda n: fnp.ones(int(n)))(3)


def test_leaked_tracer_is_reported():
    leaked = []

    def f(x):
        leaked.append(x)
        return x
    ft.jit(f)(np.ones(2, np.float32))
    with pytest.raises(ft.UnexpectedTracerError, match=r"escaped its jit transformation"):
        leaked[0] + 1.0
    with pytest.raises(ft.UnexpectedTracerError, match=r"leaked tracer"):
        ft.jit(lambda y: y * leaked[0])(np.ones(2, np.float32))


def test_axis_out_of_range():
    with pytest.raises(ValueError, match=r"axis 2 .* rank 2"):
        fnp.sum(fnp.ones((2, 3)), axis=2)


def test_jit_rejects_non_callable():
    with pytest.raises(TypeError, match=r"\[jit\] expected a function"):
        ft.jit(3)
