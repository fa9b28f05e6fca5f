"""Record table for ``functrans.numpy`` and ``functrans.nn``: each record is a program
written once over a namespace ``m`` (``m.np`` is fnp or jnp, ``m.nn`` is fnn or
jax.nn) with the operand shapes/dtypes to draw. ``test_numpy.py`` and ``test_nn.py``
run every record under both and compare values, dtypes and shapes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import jax.numpy as jnp
import numpy as np

F32, F16, BF16 = np.float32, np.float16, jnp.bfloat16
I32, I8, U8, U32, BOOL = np.int32, np.int8, np.uint8, np.uint32, np.bool_
FLOATS = (F32, F16, BF16)
F32_ONLY = (F32,)
INTS = (I32, I8, U8, U32)
NUMBERS = (F32, F16, I32, I8, U8)
ALL = NUMBERS + (BOOL, BF16)
S_EW = ((), (3,), (2, 3), (1, 4, 2))
S_ND = ((3,), (2, 3), (2, 3, 4))
S_2D = ((2, 3), (3, 3), (4, 2))
S_3D = ((2, 3, 4), (1, 4, 2))
S_BIN = ((3,), (2, 3), ((2, 1), (1, 3)), ((4, 1, 2), (3, 1)), ((), (2, 2)))


@dataclass(frozen=True)
class NpRecord:
    name: str
    fn: Callable  # fn(m, *operands) with m.np / m.nn the namespace
    nargs: int = 1
    shapes: tuple = S_EW  # each entry: one shape for all operands, or a tuple of shapes
    dtypes: tuple = FLOATS
    domain: str = "any"  # any | positive | unit | small_int | nonzero | bool | gt1
    tol: dict = field(default_factory=dict)
    check_weak: bool = True

    def operand_shapes(self, choice) -> list:
        if isinstance(choice, tuple) and choice and isinstance(choice[0], tuple):
            return list(choice)
        return [choice] * self.nargs


def _r(name, fn, **kw):
    return NpRecord(name, fn, **kw)


def _un(name, **kw):
    return _r(name, lambda m, x: getattr(m.np, name)(x), **kw)


def _bin(name, **kw):
    kw.setdefault("shapes", S_BIN)
    return _r(name, lambda m, x, y: getattr(m.np, name)(x, y), nargs=2, **kw)


UFUNCS = [
    *[_bin(n, dtypes=NUMBERS) for n in ("add", "subtract", "multiply", "maximum", "minimum",
                                        "equal", "not_equal", "less", "less_equal", "greater",
                                        "greater_equal")],
    _bin("true_divide", dtypes=(F32, F16, I32), domain="nonzero"),
    _bin("divide", dtypes=(F32, I8), domain="nonzero"),
    _bin("floor_divide", dtypes=(F32, I32, I8, U8), domain="nonzero"),
    _bin("remainder", dtypes=(F32, I32, I8, U8), domain="nonzero"),
    _bin("mod", dtypes=(I32,), domain="nonzero"),
    _bin("fmod", dtypes=(F32, I32), domain="nonzero"),
    _bin("power", dtypes=(F32,), domain="positive"),
    _r("power_int", lambda m, x, y: m.np.power(x, m.np.abs(y) % 4), nargs=2, shapes=S_BIN,
       dtypes=(I32, I8)),
    _r("power_static", lambda m, x: m.np.power(x, 3), dtypes=(F32, I32)),
    _bin("float_power", dtypes=(F32,), domain="positive"),
    _bin("arctan2", dtypes=(F32, F16)),
    _bin("hypot", dtypes=(F32,)),
    _bin("logaddexp", dtypes=(F32,)),
    _bin("logaddexp2", dtypes=(F32,)),
    _bin("copysign", dtypes=(F32,)),
    _bin("heaviside", dtypes=(F32,)),
    _bin("fmax", dtypes=(F32, I32)),
    _bin("fmin", dtypes=(F32, I32)),
    *[_bin(n, dtypes=(I32, U8, BOOL)) for n in ("bitwise_and", "bitwise_or", "bitwise_xor")],
    *[_bin(n, dtypes=(F32, I32, BOOL)) for n in ("logical_and", "logical_or", "logical_xor")],
    _r("left_shift", lambda m, x, y: m.np.left_shift(x, m.np.abs(y) % 5), nargs=2,
       shapes=S_BIN, dtypes=(I32, U8)),
    _r("right_shift", lambda m, x, y: m.np.right_shift(x, m.np.abs(y) % 5), nargs=2,
       shapes=S_BIN, dtypes=(I32, U8, I8)),
    *[_un(n, dtypes=(F32, F16, BF16, I32)) for n in ("exp", "sin", "cos", "tan", "tanh",
                                                     "arctan", "sinh", "cosh", "arcsinh",
                                                     "expm1", "exp2", "cbrt", "sinc",
                                                     "deg2rad", "rad2deg", "radians",
                                                     "degrees")],
    *[_un(n, dtypes=(F32, F16, I32), domain="positive") for n in ("log", "log2", "log10",
                                                                 "log1p", "sqrt",
                                                                 "reciprocal")],
    *[_un(n, dtypes=(F32,), domain="unit") for n in ("arcsin", "arccos", "arctanh")],
    _un("arccosh", dtypes=(F32,), domain="gt1"),
    *[_un(n, dtypes=NUMBERS) for n in ("negative", "positive", "absolute", "abs", "sign",
                                       "square", "floor", "ceil", "trunc", "rint",
                                       "isnan", "isinf", "isfinite", "signbit", "real",
                                       "imag", "conj")],
    _un("bitwise_not", dtypes=(I32, U8, BOOL)),
    _un("invert", dtypes=(I8, BOOL)),
    _un("logical_not", dtypes=(F32, I32, BOOL)),
    _r("round", lambda m, x: m.np.round(x * 10, 1), dtypes=(F32, I32)),
    _r("around_neg", lambda m, x: m.np.around(x * 100, -1), dtypes=(F32,)),
    _r("modf", lambda m, x: m.np.modf(x * 3), dtypes=(F32,)),
    _r("divmod", lambda m, x, y: m.np.divmod(x, y), nargs=2, shapes=S_BIN, dtypes=(F32, I32),
       domain="nonzero"),
    _r("nan_to_num", lambda m, x: m.np.nan_to_num(m.np.log(x)), dtypes=(F32,)),
    _r("isinf_log", lambda m, x: m.np.isinf(m.np.log(m.np.abs(x) - m.np.abs(x))),
       dtypes=(F32,)),
    _r("where", lambda m, x, y: m.np.where(x > 0, x, y), nargs=2, shapes=S_BIN,
       dtypes=NUMBERS),
    _r("where_scalar", lambda m, x: m.np.where(x > 0, x, 0.5), dtypes=NUMBERS),
    _r("select", lambda m, x: m.np.select([x < -0.5, x > 0.5], [x, x * 2], -1.0),
       dtypes=(F32,)),
    _r("clip", lambda m, x: m.np.clip(x, -0.5, 0.5), dtypes=(F32, I32)),
    _r("clip_arr", lambda m, x, y: m.np.clip(x, y, None), nargs=2, shapes=S_BIN,
       dtypes=(F32,)),
    _r("isclose", lambda m, x, y: m.np.isclose(x, x + y * 1e-7), nargs=2, shapes=S_BIN,
       dtypes=(F32,)),
    _r("allclose", lambda m, x, y: m.np.allclose(x, y), nargs=2, shapes=S_BIN, dtypes=(F32,)),
    _r("array_equal", lambda m, x: m.np.array_equal(x, x), dtypes=(F32, I32)),
]

REDUCTIONS = [
    *[_r(f"{n}_axis{ax}", (lambda n, ax: lambda m, x: getattr(m.np, n)(x, axis=ax))(n, ax),
         shapes=S_ND, dtypes=NUMBERS + (BOOL,))
      for n in ("sum", "prod", "max", "min", "any", "all", "amax", "amin") for ax in (None, 0)],
    *[_r(f"{n}_kd", (lambda n: lambda m, x: getattr(m.np, n)(x, axis=-1, keepdims=True))(n),
         shapes=S_ND, dtypes=(F32, I8, U8)) for n in ("sum", "mean", "max", "var", "std")],
    _r("sum_tuple_axis", lambda m, x: m.np.sum(x, axis=(0, 2)), shapes=S_3D, dtypes=NUMBERS),
    _r("sum_where", lambda m, x: m.np.sum(x, axis=0, where=x > 0), shapes=S_ND, dtypes=(F32,)),
    _r("sum_dtype", lambda m, x: m.np.sum(x, dtype=m.np.float32), shapes=S_ND, dtypes=(I8,)),
    _r("sum_initial", lambda m, x: m.np.sum(x, axis=0, initial=2.0), shapes=S_ND,
       dtypes=(F32,)),
    _r("max_where", lambda m, x: m.np.max(x, axis=-1, where=x < 1, initial=-5.0), shapes=S_ND,
       dtypes=(F32,)),
    *[_r(f"{n}", (lambda n: lambda m, x: getattr(m.np, n)(x, axis=0))(n), shapes=S_ND,
         dtypes=(F32, F16, I32, U8)) for n in ("mean", "var", "std", "ptp", "count_nonzero")],
    _r("mean_where", lambda m, x: m.np.mean(x, axis=-1, where=x > 0), shapes=((2, 3),),
       dtypes=(F32,)),
    _r("var_ddof", lambda m, x: m.np.var(x, axis=-1, ddof=1), shapes=S_ND, dtypes=(F32,)),
    _r("std_ddof", lambda m, x: m.np.std(x, ddof=1), shapes=S_ND, dtypes=(F32,)),
    *[_r(f"{n}_{ax}", (lambda n, ax: lambda m, x: getattr(m.np, n)(x, axis=ax))(n, ax),
         shapes=S_ND, dtypes=(F32, I32, U8)) for n in ("argmax", "argmin") for ax in (None, -1)],
    _r("argmax_kd", lambda m, x: m.np.argmax(x, axis=0, keepdims=True), shapes=S_ND),
    *[_r(f"{n}_{ax}", (lambda n, ax: lambda m, x: getattr(m.np, n)(x, axis=ax))(n, ax),
         shapes=S_ND, dtypes=(F32, I32, I8, BOOL)) for n in ("cumsum", "cumprod")
      for ax in (None, 0)],
    *[_r(n, (lambda n: lambda m, x: getattr(m.np, n)(m.np.where(x > 1, m.np.nan, x),
                                                     axis=0))(n), shapes=S_ND, dtypes=(F32,))
      for n in ("nansum", "nanmean", "nanmax", "nanmin", "nanprod", "nanvar", "nanstd")],
    _r("median", lambda m, x: m.np.median(x), shapes=S_ND, dtypes=(F32, I32)),
    _r("median_axis", lambda m, x: m.np.median(x, axis=-1, keepdims=True), shapes=S_ND),
    _r("quantile", lambda m, x: m.np.quantile(x, 0.3, axis=0), shapes=S_ND, dtypes=(F32,)),
    _r("quantile_vec", lambda m, x: m.np.quantile(x, m.np.array([0.1, 0.9]), axis=-1),
       shapes=S_ND, dtypes=(F32,)),
    *[_r(f"quantile_{meth}", (lambda meth: lambda m, x: m.np.quantile(
        x, 0.4, method=meth))(meth), shapes=S_ND, dtypes=(F32,))
      for meth in ("lower", "higher", "nearest", "midpoint")],
    _r("percentile", lambda m, x: m.np.percentile(x, 75.0, axis=0), shapes=S_ND,
       dtypes=(F32,)),
    _r("average", lambda m, x: m.np.average(x, axis=0), shapes=S_ND, dtypes=(F32,)),
    _r("average_w", lambda m, x, w: m.np.average(x, axis=-1, weights=m.np.abs(w) + 1),
       nargs=2, shapes=S_ND, dtypes=(F32,)),
]

SHAPES = [
    _r("reshape", lambda m, x: m.np.reshape(x, (-1,)), shapes=S_ND, dtypes=ALL),
    _r("reshape2", lambda m, x: m.np.reshape(x, (x.shape[0], -1)), shapes=S_ND),
    _r("ravel", lambda m, x: m.np.ravel(x), shapes=S_ND),
    _r("transpose", lambda m, x: m.np.transpose(x), shapes=S_ND, dtypes=ALL),
    _r("transpose_axes", lambda m, x: m.np.transpose(x, (1, 2, 0)), shapes=S_3D),
    _r("swapaxes", lambda m, x: m.np.swapaxes(x, 0, -1), shapes=S_ND),
    _r("moveaxis", lambda m, x: m.np.moveaxis(x, 0, -1), shapes=S_ND),
    _r("moveaxis2", lambda m, x: m.np.moveaxis(x, (0, 1), (2, 0)), shapes=S_3D),
    _r("expand_dims", lambda m, x: m.np.expand_dims(x, (0, -1)), shapes=S_ND),
    _r("squeeze", lambda m, x: m.np.squeeze(x), shapes=((1, 3), (2, 1, 1), (1,))),
    _r("stack", lambda m, x, y: m.np.stack([x, y], axis=-1), nargs=2, shapes=S_ND,
       dtypes=NUMBERS),
    _r("stack_mixed", lambda m, x, y: m.np.stack([x, y.astype(m.np.int8)]), nargs=2,
       shapes=S_ND),
    _r("hstack", lambda m, x, y: m.np.hstack([x, y]), nargs=2, shapes=S_ND),
    _r("vstack", lambda m, x, y: m.np.vstack([x, y]), nargs=2, shapes=S_ND),
    _r("dstack", lambda m, x, y: m.np.dstack([x, y]), nargs=2, shapes=S_ND),
    _r("column_stack", lambda m, x, y: m.np.column_stack([x, y]), nargs=2,
       shapes=((3,), (2, 3))),
    _r("concatenate", lambda m, x, y: m.np.concatenate([x, y, x], axis=-1), nargs=2,
       shapes=S_ND, dtypes=ALL),
    _r("concatenate_none", lambda m, x, y: m.np.concatenate([x, y], axis=None), nargs=2,
       shapes=(((2, 3), (4,)),)),
    _r("split", lambda m, x: m.np.split(x, 2, axis=-1), shapes=((4,), (2, 4))),
    _r("split_idx", lambda m, x: m.np.split(x, [1, 3]), shapes=((5,), (4, 2))),
    _r("array_split", lambda m, x: m.np.array_split(x, 3, axis=0), shapes=((5,), (4, 2))),
    _r("hsplit", lambda m, x: m.np.hsplit(x, 2), shapes=((4,), (2, 4))),
    _r("vsplit", lambda m, x: m.np.vsplit(x, 2), shapes=((4, 3),)),
    _r("tile", lambda m, x: m.np.tile(x, (2, 1)), shapes=S_ND),
    _r("tile_int", lambda m, x: m.np.tile(x, 3), shapes=S_ND),
    _r("repeat", lambda m, x: m.np.repeat(x, 2, axis=0), shapes=S_ND),
    _r("repeat_none", lambda m, x: m.np.repeat(x, 3), shapes=S_ND),
    _r("repeat_arr", lambda m, x: m.np.repeat(x, np.array([1, 0, 2]), axis=-1),
       shapes=((3,), (2, 3))),
    _r("flip", lambda m, x: m.np.flip(x), shapes=S_ND, dtypes=ALL),
    _r("flip_axis", lambda m, x: m.np.flip(x, 1), shapes=((2, 3), (2, 3, 4))),
    _r("fliplr", lambda m, x: m.np.fliplr(x), shapes=S_2D),
    _r("flipud", lambda m, x: m.np.flipud(x), shapes=S_2D),
    _r("rot90", lambda m, x: [m.np.rot90(x, k) for k in range(4)], shapes=S_2D),
    _r("roll", lambda m, x: m.np.roll(x, 2), shapes=S_ND),
    _r("roll_axis", lambda m, x: m.np.roll(x, -1, axis=0), shapes=S_ND),
    _r("roll_axes", lambda m, x: m.np.roll(x, (1, 2), axis=(0, 1)), shapes=S_2D),
    _r("pad", lambda m, x: m.np.pad(x, 1), shapes=S_ND, dtypes=NUMBERS),
    _r("pad_pairs", lambda m, x: m.np.pad(x, ((1, 0), (0, 2)), constant_values=3),
       shapes=S_2D),
    *[_r(f"pad_{mode}", (lambda mode: lambda m, x: m.np.pad(x, (2, 1), mode=mode))(mode),
         shapes=((3,), (3, 4))) for mode in ("edge", "wrap", "reflect", "symmetric")],
    _r("broadcast_to", lambda m, x: m.np.broadcast_to(x, (2,) + x.shape), shapes=S_EW),
    _r("broadcast_arrays", lambda m, x, y: m.np.broadcast_arrays(x, y), nargs=2,
       shapes=S_BIN),
    _r("atleast_1d", lambda m, x: m.np.atleast_1d(x), shapes=S_EW),
    _r("atleast_2d", lambda m, x: m.np.atleast_2d(x), shapes=S_EW),
    _r("atleast_3d", lambda m, x: m.np.atleast_3d(x), shapes=S_EW),
    _r("append", lambda m, x, y: m.np.append(x, y), nargs=2, shapes=S_ND),
    _r("diff", lambda m, x: m.np.diff(x), shapes=S_ND, dtypes=(F32, I32)),
    _r("diff2", lambda m, x: m.np.diff(x, n=2, axis=0), shapes=((4,), (4, 2))),
    _r("copy", lambda m, x: m.np.copy(x), shapes=S_ND),
]

LINALG = [
    _r("dot", lambda m, x, y: m.np.dot(x, y), nargs=2,
       shapes=(((3,), (3,)), ((2, 3), (3,)), ((2, 3), (3, 4)), ((2, 2, 3), (4, 3, 2)),
               ((), (3,))), dtypes=(F32, I32)),
    _r("vdot", lambda m, x, y: m.np.vdot(x, y), nargs=2, shapes=S_ND, dtypes=(F32, I32)),
    _r("matmul", lambda m, x, y: m.np.matmul(x, y), nargs=2,
       shapes=(((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 2, 3), (3, 4)),
               ((5, 1, 2, 3), (4, 3, 2))), dtypes=(F32, I32, F16)),
    _r("matmul_op", lambda m, x, y: x @ y, nargs=2, shapes=(((2, 3), (3, 2)),)),
    _r("tensordot", lambda m, x, y: m.np.tensordot(x, y, axes=1), nargs=2,
       shapes=(((2, 3), (3, 4)), ((2, 3, 4), (4, 2)))),
    _r("tensordot_pairs", lambda m, x, y: m.np.tensordot(x, y, axes=([0, 1], [1, 0])),
       nargs=2, shapes=(((2, 3), (3, 2)), ((3, 4, 2), (4, 3)))),
    _r("outer", lambda m, x, y: m.np.outer(x, y), nargs=2, shapes=S_ND, dtypes=(F32, I32)),
    _r("inner", lambda m, x, y: m.np.inner(x, y), nargs=2,
       shapes=(((3,), (3,)), ((2, 3), (4, 3)))),
    _r("kron", lambda m, x, y: m.np.kron(x, y), nargs=2,
       shapes=(((2,), (3,)), ((2, 2), (3, 1)), ((2, 3), (2,)))),
    _r("trace", lambda m, x: m.np.trace(x), shapes=S_2D + S_3D, dtypes=(F32, I32)),
    _r("trace_off", lambda m, x: m.np.trace(x, offset=1), shapes=S_2D),
    _r("diagonal", lambda m, x: [m.np.diagonal(x, k) for k in (-2, -1, 0, 1, 3)],
       shapes=S_2D),
    _r("diagonal_axes", lambda m, x: m.np.diagonal(x, 1, 0, 2), shapes=S_3D),
    _r("diag_1d", lambda m, x: [m.np.diag(x, k) for k in (-1, 0, 2)], shapes=((3,),),
       dtypes=(F32, I32)),
    _r("diag_2d", lambda m, x: m.np.diag(x, 1), shapes=S_2D),
    _r("diagflat", lambda m, x: m.np.diagflat(x), shapes=((2, 2),)),
    _r("cross", lambda m, x, y: m.np.cross(x, y), nargs=2, shapes=((3,), (2, 3))),
    *[_r(f"einsum_{spec}", (lambda spec: lambda m, *xs: m.np.einsum(spec, *xs))(spec),
         nargs=n, shapes=(shapes,), dtypes=(F32,)) for spec, n, shapes in (
        ("ij,jk->ik", 2, ((2, 3), (3, 4))),
        ("ij,jk", 2, ((2, 3), (3, 4))),
        ("bij,bjk->bik", 2, ((2, 2, 3), (2, 3, 4))),
        ("ii->i", 1, ((3, 3),)),
        ("ii", 1, ((3, 3),)),
        ("ij->", 1, ((2, 3),)),
        ("ij->ji", 1, ((2, 3),)),
        ("i,i->", 2, ((3,), (3,))),
        ("i,j->ij", 2, ((3,), (2,))),
        ("...ij,...jk->...ik", 2, ((2, 2, 3), (3, 4))),
        ("ij,jk,kl->il", 3, ((2, 3), (3, 4), (4, 2))),
        ("ijk,kj->i", 2, ((2, 3, 4), (4, 3))),
        ("ab,cd,bc->ad", 3, ((2, 3), (4, 2), (3, 4))),
    )],
    _r("norm", lambda m, x: m.np.linalg.norm(x), shapes=S_ND, dtypes=(F32, I32)),
    *[_r(f"norm_vec_{o}", (lambda o: lambda m, x: m.np.linalg.norm(x, ord=o, axis=-1))(o),
         shapes=S_ND, dtypes=(F32,)) for o in (None, 1, 2, 3, 0, np.inf, -np.inf)],
    *[_r(f"norm_mat_{o}", (lambda o: lambda m, x: m.np.linalg.norm(x, ord=o))(o),
         shapes=S_2D, dtypes=(F32,)) for o in (None, "fro", 1, -1, np.inf, -np.inf)],
    _r("norm_kd", lambda m, x: m.np.linalg.norm(x, axis=(0, 1), keepdims=True), shapes=S_3D),
]

SORTING = [
    _r("sort", lambda m, x: m.np.sort(x), shapes=S_ND, dtypes=NUMBERS),
    _r("sort_axis0", lambda m, x: m.np.sort(x, axis=0), shapes=S_ND),
    _r("sort_none", lambda m, x: m.np.sort(x, axis=None), shapes=S_ND),
    _r("sort_desc", lambda m, x: m.np.sort(x, descending=True), shapes=S_ND),
    _r("argsort", lambda m, x: m.np.argsort(x), shapes=S_ND, dtypes=(F32, I32)),
    _r("argsort_dup", lambda m, x: m.np.argsort(m.np.round(x), axis=0), shapes=S_ND),
    _r("argsort_desc", lambda m, x: m.np.argsort(m.np.round(x), descending=True), shapes=S_ND),
    _r("take", lambda m, x: m.np.take(x, np.array([0, -1, 1, 0])), shapes=S_ND),
    _r("take_axis", lambda m, x: m.np.take(x, np.array([[0, 1], [1, 0]]), axis=1),
       shapes=((2, 3), (2, 3, 4))),
    _r("take_along_axis", lambda m, x: m.np.take_along_axis(x, m.np.argsort(x, axis=-1),
                                                            axis=-1), shapes=S_ND),
    _r("take_along_axis0", lambda m, x: m.np.take_along_axis(
        x, m.np.argsort(x, axis=0)[:1], axis=0), shapes=S_ND),
    _r("searchsorted", lambda m, x, y: m.np.searchsorted(m.np.sort(x), y), nargs=2,
       shapes=(((5,), (3,)), ((4,), (2, 3)))),
    _r("searchsorted_right", lambda m, x: m.np.searchsorted(
        m.np.sort(m.np.round(x)), m.np.round(x), side="right"), shapes=((5,),)),
    _r("unique", lambda m, x: m.np.unique(m.np.round(x)), shapes=S_ND),
    _r("unique_size", lambda m, x: m.np.unique(m.np.round(x), size=4), shapes=S_ND),
    _r("unique_size_fill", lambda m, x: m.np.unique(m.np.round(x), size=8, fill_value=-9),
       shapes=S_ND),
    _r("unique_counts", lambda m, x: m.np.unique(m.np.round(x), return_counts=True,
                                                 return_index=True), shapes=S_ND),
    _r("nonzero", lambda m, x: m.np.nonzero(x > 0), shapes=S_ND),
    _r("nonzero_size", lambda m, x: m.np.nonzero(x > 0, size=4), shapes=S_ND),
    _r("where_1arg", lambda m, x: m.np.where(x > 0, size=3, fill_value=-1), shapes=S_ND),
    _r("argwhere", lambda m, x: m.np.argwhere(x > 0), shapes=S_ND),
    _r("flatnonzero", lambda m, x: m.np.flatnonzero(x > 0, size=5), shapes=S_ND),
]

CREATION = [
    _r("zeros", lambda m: m.np.zeros((2, 3)), nargs=0, shapes=((),)),
    _r("ones_i8", lambda m: m.np.ones(3, m.np.int8), nargs=0, shapes=((),)),
    _r("full", lambda m: m.np.full((2, 2), 3), nargs=0, shapes=((),)),
    _r("full_f", lambda m: m.np.full((2,), 1.5, m.np.float16), nargs=0, shapes=((),)),
    _r("empty", lambda m: m.np.empty((2,), dtype=m.np.int32), nargs=0, shapes=((),)),
    _r("like", lambda m, x: [m.np.zeros_like(x), m.np.ones_like(x), m.np.full_like(x, 2),
                             m.np.empty_like(x, dtype=m.np.int8)], dtypes=NUMBERS),
    _r("array", lambda m: [m.np.array([1, 2.5]), m.np.array([[1, 2], [3, 4]]),
                           m.np.asarray([True, False]), m.np.array(3.0),
                           m.np.array([1, 2], dtype=m.np.uint8)], nargs=0, shapes=((),)),
    _r("arange", lambda m: [m.np.arange(5), m.np.arange(1, 7, 2), m.np.arange(0.0, 1.0, 0.25),
                            m.np.arange(3, dtype=m.np.float16)], nargs=0, shapes=((),)),
    _r("linspace", lambda m: [m.np.linspace(0, 1, 5), m.np.linspace(-2.0, 3.0, 7,
                                                                    endpoint=False),
                              m.np.linspace(1.0, 2.0, 1)], nargs=0, shapes=((),)),
    _r("linspace_arr", lambda m, x, y: m.np.linspace(x, y, 4, axis=-1), nargs=2,
       shapes=((3,), (2, 3)), dtypes=(F32,)),
    _r("logspace", lambda m: [m.np.logspace(0, 2, 3), m.np.logspace(0.0, 1.0, 4, base=2.0)],
       nargs=0, shapes=((),), tol=dict(rtol=1e-5, atol=1e-5)),
    _r("geomspace", lambda m: m.np.geomspace(1.0, 1000.0, 4), nargs=0, shapes=((),),
       tol=dict(rtol=1e-5, atol=1e-4)),
    _r("eye", lambda m: [m.np.eye(3), m.np.eye(2, 4, k=1, dtype=m.np.int32),
                         m.np.eye(4, 3, k=-2), m.np.identity(2, dtype=m.np.bool_)],
       nargs=0, shapes=((),)),
    _r("tri", lambda m: [m.np.tri(3), m.np.tri(3, 4, k=1, dtype=m.np.int32)], nargs=0,
       shapes=((),)),
    _r("tril", lambda m, x: [m.np.tril(x), m.np.tril(x, -1), m.np.triu(x), m.np.triu(x, 1)],
       shapes=S_2D + S_3D, dtypes=(F32, I32)),
    _r("meshgrid", lambda m, x, y: m.np.meshgrid(x, y), nargs=2,
       shapes=(((3,), (2,)),)),
    _r("meshgrid_ij", lambda m, x, y: m.np.meshgrid(x, y, x, indexing="ij"), nargs=2,
       shapes=(((3,), (2,)),)),
    _r("meshgrid_sparse", lambda m, x, y: m.np.meshgrid(x, y, sparse=True), nargs=2,
       shapes=(((3,), (2,)),)),
    _r("indices", lambda m: [m.np.indices((2, 3)), *m.np.indices((2, 3), sparse=True)],
       nargs=0, shapes=((),)),
]

DTYPES = [
    _r("dtype_call", lambda m: [m.np.float32(3.0), m.np.int8(3), m.np.float16(2),
                                m.np.bfloat16(1.5), m.np.uint32(7), m.np.bool_(1),
                                m.np.int32(m.np.array([1.7, 2.2]))], nargs=0, shapes=((),)),
    _r("astype", lambda m, x: [x.astype(m.np.int32), x.astype(m.np.bfloat16),
                               x.astype(m.np.bool_), x.astype("float16")], dtypes=(F32,)),
]

NP_RECORDS = UFUNCS + REDUCTIONS + SHAPES + LINALG + SORTING + CREATION + DTYPES


NN_RECORDS = [
    *[_r(n, (lambda n: lambda m, x: getattr(m.nn, n)(x))(n), dtypes=(F32, F16, BF16))
      for n in ("relu", "relu6", "sigmoid", "log_sigmoid", "softplus", "silu", "swish", "elu",
                "celu", "selu", "leaky_relu", "hard_tanh", "hard_sigmoid", "hard_silu",
                "soft_sign")],
    _r("gelu", lambda m, x: m.nn.gelu(x), dtypes=FLOATS),
    _r("gelu_exact", lambda m, x: m.nn.gelu(x, approximate=False), dtypes=FLOATS),
    _r("relu_int", lambda m, x: m.nn.relu(x), dtypes=(I32,)),
    _r("leaky_relu_slope", lambda m, x: m.nn.leaky_relu(x, 0.2), dtypes=(F32,)),
    _r("elu_alpha", lambda m, x: m.nn.elu(x, 0.5), dtypes=(F32,)),
    _r("glu", lambda m, x: m.nn.glu(x), shapes=((4,), (2, 4)), dtypes=(F32,)),
    _r("softmax", lambda m, x: m.nn.softmax(x), shapes=S_ND, dtypes=FLOATS),
    _r("softmax_axis", lambda m, x: m.nn.softmax(x, axis=0), shapes=S_ND, dtypes=(F32,)),
    _r("softmax_where", lambda m, x: m.nn.softmax(x, where=x > -1), shapes=S_ND,
       dtypes=(F32,)),
    _r("log_softmax", lambda m, x: m.nn.log_softmax(x), shapes=S_ND, dtypes=FLOATS),
    _r("log_softmax_axis", lambda m, x: m.nn.log_softmax(x, axis=(0,)), shapes=S_ND,
       dtypes=(F32,)),
    _r("logsumexp", lambda m, x: m.nn.logsumexp(x), shapes=S_ND, dtypes=(F32, F16)),
    _r("logsumexp_axis", lambda m, x: m.nn.logsumexp(x, axis=-1, keepdims=True), shapes=S_ND,
       dtypes=(F32,)),
    _r("logsumexp_b", lambda m, x, b: m.nn.logsumexp(x, axis=0, b=m.np.abs(b)), nargs=2,
       shapes=S_ND, dtypes=(F32,)),
    _r("logsumexp_sign", lambda m, x, b: m.nn.logsumexp(x, b=b, return_sign=True), nargs=2,
       shapes=S_ND, dtypes=(F32,)),
    _r("logsumexp_where", lambda m, x: m.nn.logsumexp(x, axis=-1, where=x > 0), shapes=S_ND,
       dtypes=(F32,)),
    _r("one_hot", lambda m, x: m.nn.one_hot(x, 6), shapes=S_EW, dtypes=(I32, U8)),
    _r("one_hot_axis", lambda m, x: m.nn.one_hot(x, 4, axis=0, dtype=m.np.int32),
       shapes=S_ND, dtypes=(I32,)),
    _r("standardize", lambda m, x: m.nn.standardize(x), shapes=S_ND, dtypes=(F32, F16)),
    _r("standardize_axis", lambda m, x: m.nn.standardize(x, axis=0, epsilon=1e-3),
       shapes=S_ND, dtypes=(F32,)),
]
