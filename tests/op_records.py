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
    domain: str = "any"  # any | positive | unit | ge1 | small_int | nonzero | bool
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
    elif domain == "ge1":
        x = np.abs(x) + 1.1
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

# ---- issue 3: the rest of jax.lax's primitives ----------------------------------------------
SIGNED = FLOATS + (I32, np.int8)
INTS_BOOL = INTS + (BOOL,)
SPECIAL_TOL = dict(rtol=1e-4, atol=1e-5)


def _un(name, lowering_op, dtypes=FLOATS, **kw):
    return _r(name, getattr(flax, name), getattr(jax.lax, name), dtypes=dtypes,
              lowering_op=lowering_op, **kw)


def _bin(name, lowering_op, dtypes=NUMBERS, **kw):
    return _un(name, lowering_op, dtypes, nargs=2, **kw)


ELEMENTWISE_EXTRA = [
    _bin("rem", "stablehlo.remainder", domain="nonzero"),
    _un("abs", "stablehlo.abs", SIGNED),
    _un("sign", "stablehlo.sign", NUMBERS),
    _un("floor", "stablehlo.floor"),
    _un("ceil", "stablehlo.ceil"),
    _r("round_away", flax.round, jax.lax.round, lowering_op="stablehlo.round_nearest_afz"),
    _r("round_even", lambda x: flax.round(x, flax.RoundingMethod.TO_NEAREST_EVEN),
       lambda x: jax.lax.round(x, jax.lax.RoundingMethod.TO_NEAREST_EVEN),
       lowering_op="stablehlo.round_nearest_even"),
    _un("exp2", "stablehlo.exponential"),
    _un("log1p", "stablehlo.log_plus_one", domain="positive"),
    _un("expm1", "stablehlo.exponential_minus_one"),
    _un("rsqrt", "stablehlo.rsqrt", domain="positive"),
    _un("cbrt", "stablehlo.cbrt"),
    _un("tan", "stablehlo.tan", domain="unit"),
    _un("asin", "chlo.asin", domain="unit"),
    _un("acos", "chlo.acos", domain="unit"),
    _un("atan", "chlo.atan"),
    _un("sinh", "chlo.sinh"),
    _un("cosh", "chlo.cosh"),
    _un("asinh", "chlo.asinh"),
    _un("acosh", "chlo.acosh", domain="ge1"),
    _un("atanh", "chlo.atanh", domain="unit"),
    _bin("atan2", "stablehlo.atan2", FLOATS, domain="nonzero"),
    _un("is_finite", "stablehlo.is_finite", differentiable=False),
    _bin("nextafter", "chlo.next_after", (F32, F16), differentiable=False),
    _un("square", "stablehlo.multiply", NUMBERS),
    _r("clamp", flax.clamp, jax.lax.clamp, nargs=3, dtypes=NUMBERS,
       shapes=(((), (2, 3), ()), ((3,), (3,), (3,)), ((), (), ())),
       lowering_op="stablehlo.clamp"),
    _r("copy", lambda x: flax.copy_p.bind1(x), lambda x: jax.lax.copy_p.bind(x),
       dtypes=NUMBERS, linear_in=(0,)),
]

SPECIAL = [
    _un("erf", "chlo.erf", (F32,), tol=SPECIAL_TOL),
    _un("erfc", "chlo.erfc", (F32,), tol=SPECIAL_TOL),
    _un("erf_inv", "chlo.erf_inv", (F32,), domain="unit", tol=SPECIAL_TOL),
    _un("lgamma", "chlo.lgamma", (F32,), domain="positive", tol=SPECIAL_TOL),
    _un("digamma", "chlo.digamma", (F32,), domain="positive", tol=SPECIAL_TOL),
    # the series/continued-fraction family (primitives/special_functions.py): one small shape,
    # since each lowering is a while loop that takes a while to compile; the rest of the
    # family (igammac, igamma_grad_a, random_gamma_grad, betainc) is in test_scipy_special.py
    _bin("igamma", "stablehlo.while", (F32,), shapes=((3,),), domain="positive",
         tol=SPECIAL_TOL),
    _un("bessel_i0e", "stablehlo.while", (F32,), shapes=((3,),), tol=SPECIAL_TOL),
    _un("bessel_i1e", "chlo.bessel_i1e", (F32,), shapes=((), (3,)), tol=SPECIAL_TOL),
]

BITWISE = [
    *[_bin(f"bitwise_{n}", f"stablehlo.{n}", INTS_BOOL, differentiable=False)
      for n in ("and", "or", "xor")],
    _un("bitwise_not", "stablehlo.not", INTS_BOOL, differentiable=False),
    *[_bin(n, f"stablehlo.{n}", INTS, differentiable=False)
      for n in ("shift_left", "shift_right_logical", "shift_right_arithmetic")],
    _un("population_count", "stablehlo.popcnt", INTS, differentiable=False),
]

_PAD_CONFIGS = {1: [(2, -1, 1)], 2: [(1, -1, 1), (0, 2, 0)]}

SHAPES_EXTRA = [
    _r("rev", lambda x: flax.rev(x, (0, 2)), lambda x: jax.lax.rev(x, (0, 2)),
       shapes=((2, 3, 4),), dtypes=NUMBERS, linear_in=(0,), lowering_op="stablehlo.reverse"),
    _r("concatenate", lambda a, b: flax.concatenate([a, b], 0),
       lambda a, b: jax.lax.concatenate([a, b], 0), nargs=2,
       shapes=(((2, 3), (4, 3)), ((1,), (2,))), dtypes=NUMBERS, linear_in=(0, 1),
       lowering_op="stablehlo.concatenate"),
    _r("concatenate_3", lambda a, b, c: flax.concatenate([a, b, c], 1),
       lambda a, b, c: jax.lax.concatenate([a, b, c], 1), nargs=3,
       shapes=(((2, 1), (2, 3), (2, 2)),), dtypes=(F32,), linear_in=(0, 1, 2),
       lowering_op="stablehlo.concatenate"),
    _r("pad", lambda x, v: flax.pad(x, v, _PAD_CONFIGS[x.ndim]),
       lambda x, v: jax.lax.pad(x, v, _PAD_CONFIGS[x.ndim]), nargs=2,
       shapes=(((2, 3), ()), ((3,), ())), dtypes=NUMBERS, linear_in=(0, 1),
       lowering_op="stablehlo.pad"),
    _r("bitcast_f32_i32", lambda x: flax.bitcast_convert_type(x, np.int32),
       lambda x: jax.lax.bitcast_convert_type(x, np.int32), dtypes=(F32,),
       differentiable=False, lowering_op="stablehlo.bitcast_convert"),
    _r("bitcast_f32_u8", lambda x: flax.bitcast_convert_type(x, np.uint8),
       lambda x: jax.lax.bitcast_convert_type(x, np.uint8), dtypes=(F32,),
       differentiable=False, lowering_op="stablehlo.bitcast_convert"),
    _r("bitcast_u8_f32", lambda x: flax.bitcast_convert_type(x, np.float32),
       lambda x: jax.lax.bitcast_convert_type(x, np.float32), shapes=((4,), (2, 4)),
       dtypes=(U8,), differentiable=False, lowering_op="stablehlo.bitcast_convert"),
]


def _reduce_rec(name, axes, dtypes, lowering_op, **kw):
    return _r(name, lambda x: getattr(flax, name)(x, axes),
              lambda x: getattr(jax.lax, name)(x, axes), shapes=((2, 3, 4), (3, 1)),
              dtypes=dtypes, lowering_op=lowering_op, **kw)


REDUCTIONS_EXTRA = [
    _reduce_rec("reduce_min", (1,), NUMBERS, "stablehlo.minimum"),
    _reduce_rec("reduce_prod", (0, 1), NUMBERS, "stablehlo.multiply"),
    *[_reduce_rec(f"reduce_{n}", (1,), INTS_BOOL, f"stablehlo.{n}", differentiable=False)
      for n in ("and", "or", "xor")],
    _r("argmin", lambda x: flax.argmin(x, 1, np.int32),
       lambda x: jax.lax.argmin(x, 1, np.int32), shapes=((2, 5), (3, 4, 2)),
       dtypes=NUMBERS, differentiable=False, lowering_op="stablehlo.reduce"),
]


def _cum_rec(name, dtypes=NUMBERS, reverse=False, **kw):
    return _r(f"{name}{'_reverse' if reverse else ''}",
              lambda x: getattr(flax, name)(x, 0, reverse),
              lambda x: getattr(jax.lax, name)(x, 0, reverse), shapes=((4,), (3, 2)),
              dtypes=dtypes, lowering_op="stablehlo.reduce_window", **kw)


CUMULATIVE = [
    _cum_rec("cumsum", linear_in=(0,)),
    _cum_rec("cumsum", reverse=True, linear_in=(0,)),
    _cum_rec("cumprod"),
    _cum_rec("cummax"),
    _cum_rec("cummin", reverse=True),
    _cum_rec("cumlogsumexp", FLOATS),
    _cum_rec("cumlogsumexp", FLOATS, reverse=True),
]

SORT_SHAPES = ((5,), (3, 4))

SORTING = [
    _r("sort", flax.sort, jax.lax.sort, shapes=SORT_SHAPES, dtypes=NUMBERS,
       lowering_op="stablehlo.sort"),
    _r("sort_dim0", lambda x: flax.sort(x, 0), lambda x: jax.lax.sort(x, 0),
       shapes=((3, 4), (5,)), dtypes=(F32, I32), lowering_op="stablehlo.sort"),
    _r("sort_key_val", lambda k, v: flax.sort_key_val(k, v)[1],
       lambda k, v: jax.lax.sort_key_val(k, v)[1], nargs=2, shapes=SORT_SHAPES,
       dtypes=(I32, np.int8), lowering_op="stablehlo.sort"),
    _r("sort_2_keys", lambda a, b, c: flax.sort((a, b, c), num_keys=2)[2],
       lambda a, b, c: jax.lax.sort((a, b, c), num_keys=2)[2], nargs=3, shapes=SORT_SHAPES,
       dtypes=(I32,), differentiable=False, lowering_op="stablehlo.sort"),
    _r("top_k_values", lambda x: flax.top_k(x, 2)[0], lambda x: jax.lax.top_k(x, 2)[0],
       shapes=SORT_SHAPES, dtypes=(F32, I32, BF16), lowering_op="chlo.top_k"),
    _r("top_k_indices_axis0", lambda x: flax.top_k(x, 2, axis=0)[1],
       lambda x: jax.lax.top_k(x, 2, axis=0)[1], shapes=SORT_SHAPES, dtypes=(F32, I32),
       differentiable=False, lowering_op="chlo.top_k"),
]


def _i32(*rows):
    return np.asarray(rows, np.int32)


_GDN = jax.lax.GatherDimensionNumbers
_SDN = jax.lax.ScatterDimensionNumbers
_FGDN = flax.GatherDimensionNumbers
_FSDN = flax.ScatterDimensionNumbers
_ROWS = _i32([4], [0], [2], [4])


def _gather_rec(name, shape, idx, dn, sizes, **kw):
    mode = kw.pop("mode", None)
    return _r(name, lambda x: flax.gather(x, idx, _FGDN(*dn), sizes, mode=mode),
              lambda x: jax.lax.gather(x, idx, _GDN(*dn), sizes, mode=mode),
              shapes=(shape,), dtypes=NUMBERS, linear_in=(0,), lowering_op="stablehlo.gather",
              **kw)


def _scatter_rec(name, kind, shapes, idx, dn, **kw):
    mode = kw.pop("mode", None)
    dtypes_ = kw.pop("dtypes", (F32, I32))
    return _r(name, lambda x, u: getattr(flax, kind)(x, idx, u, _FSDN(*dn), mode=mode),
              lambda x, u: getattr(jax.lax, kind)(x, idx, u, _SDN(*dn), mode=mode),
              nargs=2, shapes=(shapes,), dtypes=dtypes_, lowering_op="stablehlo.scatter", **kw)


INDEXING = [
    _r("dynamic_slice", lambda x: flax.dynamic_slice(x, (np.int32(1), -1), (2, 2)),
       lambda x: jax.lax.dynamic_slice(x, (np.int32(1), -1), (2, 2)), shapes=((3, 4),),
       dtypes=NUMBERS, linear_in=(0,), lowering_op="stablehlo.dynamic_slice"),
    _r("dynamic_slice_clamped",
       lambda x: flax.dynamic_slice(x, (np.array(5, np.int32), np.array(-9, np.int32)), (2, 3)),
       lambda x: jax.lax.dynamic_slice(x, (np.array(5, np.int32), np.array(-9, np.int32)),
                                       (2, 3)),
       shapes=((3, 4),), dtypes=(F32,), linear_in=(0,), lowering_op="stablehlo.dynamic_slice"),
    _r("dynamic_update_slice",
       lambda x, u: flax.dynamic_update_slice(x, u, (np.int32(3), np.array(1, np.int32))),
       lambda x, u: jax.lax.dynamic_update_slice(x, u, (np.int32(3), np.array(1, np.int32))),
       nargs=2, shapes=(((4, 5), (2, 3)),), dtypes=NUMBERS, linear_in=(0, 1),
       lowering_op="stablehlo.dynamic_update_slice"),
    _gather_rec("gather_rows", (5, 3), _ROWS, ((1,), (0,), (0,)), (1, 3)),
    _gather_rec("gather_points", (3, 4), _i32([0, 1], [2, 3], [1, 0]), ((), (0, 1), (0, 1)),
                (1, 1)),
    _gather_rec("gather_windows_clip", (4, 5), _i32([1, 2], [3, 0], [-2, 9]),
                ((1, 2), (), (0, 1)), (2, 3), mode="clip"),
    _gather_rec("gather_fill", (3, 2), _i32([5], [-1], [1], [2]), ((1,), (0,), (0,)), (1, 2),
                mode="fill"),
    _gather_rec("gather_batching", (2, 4, 3), np.asarray([[[3], [0], [1]], [[2], [2], [0]]],
                                                         np.int32),
                ((2,), (1,), (1,), (0,), (0,)), (1, 1, 3)),
    _scatter_rec("scatter_add_rows", "scatter_add", ((5, 3), (4, 3)), _i32([4], [0], [4], [7]),
                 ((1,), (0,), (0,)), linear_in=(0, 1), dtypes=(F32, I32, np.int8)),
    _scatter_rec("scatter_rows", "scatter", ((5, 3), (2, 3)), _i32([1], [3]),
                 ((1,), (0,), (0,)), dtypes=(F32, I32, BOOL)),
    _scatter_rec("scatter_mul", "scatter_mul", ((5, 3), (3, 3)), _i32([1], [1], [-1]),
                 ((1,), (0,), (0,))),
    _scatter_rec("scatter_min_points", "scatter_min", ((3, 4), (3,)),
                 _i32([0, 1], [2, 3], [0, 1]), ((), (0, 1), (0, 1))),
    _scatter_rec("scatter_max_points", "scatter_max", ((3, 4), (3,)),
                 _i32([0, 1], [2, 3], [0, 1]), ((), (0, 1), (0, 1))),
    _scatter_rec("scatter_add_clip", "scatter_add", ((4, 5), (2, 2, 3)), _i32([3, 4], [-1, 1]),
                 ((1, 2), (), (0, 1)), mode="clip", linear_in=(0, 1)),
    _scatter_rec("scatter_add_batching", "scatter_add", ((2, 4, 3), (2, 3, 3)),
                 np.asarray([[[3], [0], [3]], [[2], [2], [0]]], np.int32),
                 ((2,), (1,), (1,), (0,), (0,)), linear_in=(0, 1)),
]


FAMILIES = {"elementwise": ELEMENTWISE, "shapes": SHAPES, "reductions": REDUCTIONS, "dot": DOT}
FAMILIES.update(elementwise_extra=ELEMENTWISE_EXTRA, special=SPECIAL, bitwise=BITWISE,
                shapes_extra=SHAPES_EXTRA, reductions_extra=REDUCTIONS_EXTRA,
                cumulative=CUMULATIVE, sorting=SORTING, indexing=INDEXING)
ALL_RECORDS = [r for recs in FAMILIES.values() for r in recs]
