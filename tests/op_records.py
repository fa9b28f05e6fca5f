"""Op-record tables: one per primitive family. Every generic check (eval vs jax.lax,
jit == eager, lowering, jvp/vjp vs JAX, vmap vs a loop) iterates over these.

A record names a functrans function and the matching JAX function with the same
positional signature, the operand shapes to draw from, the dtypes, and how to
make values (``domain``). Add a record when you add a primitive.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import jax
import jax.numpy as jnp
import numpy as np

from functrans import lax as flax

F32, BF16, F16 = np.float32, jnp.bfloat16, np.float16
I32, U8, BOOL = np.int32, np.uint8, np.bool_
FLOATS = (F32, F16, BF16)
INTS = (I32, np.int8, np.uint32)
NUMBERS = FLOATS + INTS
ELEMENTWISE_SHAPES = ((), (3,), (2, 3), (1, 4, 2))


@dataclass(frozen=True)
class OpRecord:
    name: str
    ft: Callable
    jx: Callable
    nargs: int = 1
    shapes: tuple = ELEMENTWISE_SHAPES  # each entry: one shape for all operands, or a tuple
    dtypes: tuple = FLOATS
    domain: str = "any"  # any | positive | unit | small_int | nonzero | bool
    differentiable: bool = True
    linear_in: tuple = ()  # operand positions in which the op is linear (for transpose tests)
    lowering_op: str | None = None  # substring expected in the StableHLO
    tol: dict = field(default_factory=dict)

    def operand_shapes(self, choice) -> list:
        if isinstance(choice, tuple) and choice and isinstance(choice[0], tuple):
            return list(choice)
        return [choice] * self.nargs


def make_operand(rng: np.random.Generator, shape, dtype, domain: str) -> np.ndarray:
    dtype = np.dtype(dtype)
    if dtype == np.bool_ or domain == "bool":
        return rng.random(shape) > 0.5
    if dtype.kind in "iu":
        lo = 0 if dtype.kind == "u" or domain == "positive" else -5
        x = rng.integers(lo, 6, size=shape).astype(dtype)
        if domain in ("nonzero", "positive"):
            x = np.where(x == 0, 1, x).astype(dtype)
        return x
    x = rng.standard_normal(shape)
    if domain == "positive":
        x = np.abs(x) + 0.5
    elif domain == "unit":
        x = np.clip(x * 0.4, -0.9, 0.9)
    elif domain == "nonzero":
        x = np.where(np.abs(x) < 0.3, 0.5, x)
    return np.asarray(x, dtype=dtype)


def _r(name, ft, jx, **kw):
    return OpRecord(name, ft, jx, **kw)


UN = dict(nargs=1)
BIN = dict(nargs=2)

ELEMENTWISE = [
    _r("add", flax.add, jax.lax.add, **BIN, dtypes=NUMBERS, linear_in=(0, 1),
       lowering_op="stablehlo.add"),
    _r("sub", flax.sub, jax.lax.sub, **BIN, dtypes=NUMBERS, linear_in=(0, 1),
       lowering_op="stablehlo.subtract"),
    _r("mul", flax.mul, jax.lax.mul, **BIN, dtypes=NUMBERS, linear_in=(0, 1),
       lowering_op="stablehlo.multiply"),
    _r("div", flax.div, jax.lax.div, **BIN, dtypes=NUMBERS, domain="nonzero", linear_in=(0,),
       lowering_op="stablehlo.divide"),
    _r("max", flax.max, jax.lax.max, **BIN, dtypes=NUMBERS, lowering_op="stablehlo.maximum"),
    _r("min", flax.min, jax.lax.min, **BIN, dtypes=NUMBERS, lowering_op="stablehlo.minimum"),
    _r("pow", flax.pow, jax.lax.pow, **BIN, domain="positive", lowering_op="stablehlo.power"),
    _r("neg", flax.neg, jax.lax.neg, dtypes=NUMBERS, linear_in=(0,),
       lowering_op="stablehlo.negate"),
    _r("exp", flax.exp, jax.lax.exp, lowering_op="stablehlo.exponential"),
    _r("log", flax.log, jax.lax.log, domain="positive", lowering_op="stablehlo.log"),
    _r("sin", flax.sin, jax.lax.sin, lowering_op="stablehlo.sine"),
    _r("cos", flax.cos, jax.lax.cos, lowering_op="stablehlo.cosine"),
    _r("tanh", flax.tanh, jax.lax.tanh, lowering_op="stablehlo.tanh"),
    _r("logistic", flax.logistic, jax.lax.logistic, lowering_op="stablehlo.logistic"),
    _r("sqrt", flax.sqrt, jax.lax.sqrt, domain="positive", lowering_op="stablehlo.sqrt"),
    _r("integer_pow_3", lambda x: flax.integer_pow(x, 3), lambda x: jax.lax.integer_pow(x, 3),
       dtypes=NUMBERS, lowering_op="stablehlo.multiply"),
    _r("integer_pow_-2", lambda x: flax.integer_pow(x, -2),
       lambda x: jax.lax.integer_pow(x, -2), domain="nonzero", lowering_op="stablehlo.divide"),
    *[_r(n, getattr(flax, n), getattr(jax.lax, n), **BIN, dtypes=NUMBERS, differentiable=False,
         lowering_op="stablehlo.compare") for n in ("eq", "ne", "lt", "le", "gt", "ge")],
    _r("select_n", flax.select_n, jax.lax.select_n, nargs=3,
       shapes=tuple(((s, s, s)) for s in ELEMENTWISE_SHAPES), dtypes=(F32,),
       linear_in=(1, 2), lowering_op="stablehlo.select"),
    _r("convert_f32_i32", lambda x: flax.convert_element_type(x, np.int32),
       lambda x: jax.lax.convert_element_type(x, np.int32), differentiable=False,
       lowering_op="stablehlo.convert"),
    _r("convert_to_f32", lambda x: flax.convert_element_type(x, np.float32),
       lambda x: jax.lax.convert_element_type(x, np.float32), dtypes=(I32, F16, BF16, U8),
       linear_in=(0,), lowering_op="stablehlo.convert"),
]

SHAPES = [
    _r("broadcast_in_dim", lambda x: flax.broadcast_in_dim(x, (2, 3, 4), (0, 2)),
       lambda x: jax.lax.broadcast_in_dim(x, (2, 3, 4), (0, 2)), shapes=((2, 4), (2, 1)),
       dtypes=NUMBERS, linear_in=(0,), lowering_op="stablehlo.broadcast_in_dim"),
    _r("reshape", lambda x: flax.reshape(x, (3, 2)), lambda x: jax.lax.reshape(x, (3, 2)),
       shapes=((2, 3), (6,)), dtypes=NUMBERS, linear_in=(0,), lowering_op="stablehlo.reshape"),
    _r("transpose", lambda x: flax.transpose(x, (2, 0, 1)),
       lambda x: jax.lax.transpose(x, (2, 0, 1)), shapes=((2, 3, 4),), dtypes=NUMBERS,
       linear_in=(0,), lowering_op="stablehlo.transpose"),
    _r("squeeze", lambda x: flax.squeeze(x, (1,)), lambda x: jax.lax.squeeze(x, (1,)),
       shapes=((2, 1, 3),), dtypes=NUMBERS, linear_in=(0,), lowering_op="stablehlo.reshape"),
    _r("expand_dims", lambda x: flax.expand_dims(x, (0, 2)),
       lambda x: jax.lax.expand_dims(x, (0, 2)), shapes=((2, 3),), dtypes=NUMBERS,
       linear_in=(0,), lowering_op="stablehlo.reshape"),
    _r("slice", lambda x: flax.slice(x, (0, 1), (2, 4), (1, 2)),
       lambda x: jax.lax.slice(x, (0, 1), (2, 4), (1, 2)), shapes=((3, 5),), dtypes=NUMBERS,
       linear_in=(0,), lowering_op="stablehlo.slice"),
    _r("iota", lambda x: flax.broadcasted_iota(np.int32, (2, 3), 1) + x,
       lambda x: jax.lax.broadcasted_iota(np.int32, (2, 3), 1) + x, shapes=((2, 3),),
       dtypes=(I32,), differentiable=False, lowering_op="stablehlo.iota"),
]

REDUCTIONS = [
    _r("reduce_sum", lambda x: flax.reduce_sum(x, (0, 2)),
       lambda x: jax.lax.reduce_sum_p.bind(x, axes=(0, 2), out_sharding=None),
       shapes=((2, 3, 4),), dtypes=NUMBERS, linear_in=(0,), lowering_op="stablehlo.reduce"),
    _r("reduce_max", lambda x: flax.reduce_max(x, (1,)),
       lambda x: jax.lax.reduce_max_p.bind(x, axes=(1,), out_sharding=None),
       shapes=((2, 3, 4), (3, 1)), dtypes=NUMBERS, lowering_op="stablehlo.maximum"),
    _r("argmax", lambda x: flax.argmax(x, 1, np.int32),
       lambda x: jax.lax.argmax(x, 1, np.int32), shapes=((2, 5), (3, 4, 2)),
       dtypes=NUMBERS, differentiable=False, lowering_op="stablehlo.reduce"),
]

DOT = [
    _r("dot_general_matmul", lambda a, b: flax.dot_general(a, b, (((1,), (0,)), ((), ()))),
       lambda a, b: jax.lax.dot_general(a, b, (((1,), (0,)), ((), ()))), nargs=2,
       shapes=(((2, 3), (3, 4)),), dtypes=(F32, I32), linear_in=(0, 1),
       lowering_op="stablehlo.dot_general"),
    _r("dot_general_batch", lambda a, b: flax.dot_general(a, b, (((2,), (1,)), ((0,), (0,)))),
       lambda a, b: jax.lax.dot_general(a, b, (((2,), (1,)), ((0,), (0,)))), nargs=2,
       shapes=(((2, 3, 4), (2, 4, 5)),), dtypes=(F32,), linear_in=(0, 1),
       lowering_op="stablehlo.dot_general"),
    _r("dot_general_outer", lambda a, b: flax.dot_general(a, b, (((), ()), ((), ()))),
       lambda a, b: jax.lax.dot_general(a, b, (((), ()), ((), ()))), nargs=2,
       shapes=(((3,), (2,)),), dtypes=(F32,), linear_in=(0, 1),
       lowering_op="stablehlo.dot_general"),
]

FAMILIES = {"elementwise": ELEMENTWISE, "shapes": SHAPES, "reductions": REDUCTIONS, "dot": DOT}
ALL_RECORDS = [r for recs in FAMILIES.values() for r in recs]
