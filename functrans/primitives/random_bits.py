"""threefry2x32: the Threefry-2x32 block cipher (20 rounds), the counter-based hash
behind ``functrans.random``.

``threefry2x32(k1, k2, x1, x2) -> (y1, y2)`` hashes the counter pairs ``(x1, x2)``
with the key ``(k1, k2)``, elementwise over uint32 operands of one shape (rank-0
operands broadcast). It is bit-identical to JAX's primitive of the same name
(Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011). Integer
only, so it has no derivative.
"""

from __future__ import annotations

import enum

import numpy as np

from ..core.ir import ShapedArray
from ..core.registry import declare_no_rule, vmap_rules
from ._batching import elementwise_vmap
from ._builders import elementwise_shape, primitive

ROTATIONS = ((13, 15, 26, 6), (17, 29, 16, 24))
KS_PARITY = 0x1BD11BDA


def _threefry2x32_abstract_eval(*avals):
    bad = [a.str_short() for a in avals if a.dtype != np.uint32]
    if bad:
        raise TypeError(f"[threefry2x32] operands must be uint32, got {', '.join(bad)}; "
                        "convert with x.astype('uint32')")
    shape = elementwise_shape("threefry2x32", avals)
    return [ShapedArray(shape, np.dtype(np.uint32))] * 2


def threefry_rounds(k1, k2, x1, x2, add, rotl, xor, const):
    """The 20 rounds, written once over the ops given (NumPy here, StableHLO when
    lowering): ``add``/``xor`` elementwise, ``rotl(x, r)`` a left rotation by a
    Python int, ``const(v)`` a uint32 constant."""
    ks = (k1, k2, xor(xor(k1, k2), const(KS_PARITY)))
    x = [add(x1, ks[0]), add(x2, ks[1])]
    for i in range(5):
        for r in ROTATIONS[i % 2]:
            x[0] = add(x[0], x[1])
            x[1] = xor(x[0], rotl(x[1], r))
        x = [add(x[0], ks[(i + 1) % 3]), add(add(x[1], ks[(i + 2) % 3]), const(i + 1))]
    return x


def _threefry2x32_impl(k1, k2, x1, x2):
    shape = np.broadcast_shapes(*(np.shape(a) for a in (k1, k2, x1, x2)))
    args = [np.broadcast_to(np.asarray(a, np.uint32), shape) for a in (k1, k2, x1, x2)]
    with np.errstate(over="ignore"):
        out = threefry_rounds(
            *args, add=np.add, xor=np.bitwise_xor, const=np.uint32,
            rotl=lambda v, r: (v << np.uint32(r)) | (v >> np.uint32(32 - r)))
    return [np.asarray(o, np.uint32) for o in out]


threefry2x32_p = primitive("threefry2x32", _threefry2x32_abstract_eval, _threefry2x32_impl,
                           multiple_results=True)
vmap_rules[threefry2x32_p] = elementwise_vmap(threefry2x32_p)
declare_no_rule("jvp", threefry2x32_p, "uint32 operands only: nothing to differentiate")


# ---- rng_bit_generator and rng_uniform: XLA's own generators -----------------------------
# Their bits are XLA's algorithms (Philox / Threefry as XLA implements them), so they run
# through XLA even eagerly: xla_lowering/random_bits.py registers a device impl, and the
# NumPy impl only says so.

class RandomAlgorithm(enum.IntEnum):
    """``jax.lax.RandomAlgorithm``: XLA's bit generator algorithms."""
    RNG_DEFAULT = 0
    RNG_THREE_FRY = 1
    RNG_PHILOX = 2


_UNSIGNED = tuple(np.dtype(f"uint{b}") for b in (8, 16, 32, 64))


def _rng_bit_generator_abstract_eval(key, *, shape, dtype, algorithm):
    ok = ((key.shape == (4,) and key.dtype == np.uint32)
          or (key.shape == (2,) and key.dtype == np.uint64))
    if not ok:
        raise TypeError(f"[rng_bit_generator] key must be uint32[4] (or uint64[2] with x64), "
                        f"got {key.str_short()}")
    if np.dtype(dtype) not in _UNSIGNED:
        raise TypeError(f"[rng_bit_generator] dtype must be an unsigned integer type "
                        f"(uint8/16/32/64), got {np.dtype(dtype)}; bitcast the bits afterwards")
    return [key.update(weak_type=False), ShapedArray(tuple(shape), np.dtype(dtype))]


def _through_xla(name: str):
    def impl(*args, **params):
        raise NotImplementedError(f"[{name}] runs through XLA (its bits are XLA's algorithm); "
                                  "import functrans (which loads the XLA backend) first")
    return impl


rng_bit_generator_p = primitive("rng_bit_generator", _rng_bit_generator_abstract_eval,
                                _through_xla("rng_bit_generator"), multiple_results=True)


def _rng_bit_generator_vmap(axis_data, vals, bdims, **params):
    """One call per key, stacked (each batch element draws from its own key)."""
    (key,), (bdim,) = vals, bdims
    if bdim is None:
        return rng_bit_generator_p.bind(key, **params), [None, None]
    from .callbacks import _index_at, _stack
    rows = [rng_bit_generator_p.bind(_index_at(key, bdim, i), **params)
            for i in range(axis_data.size)]
    return [_stack([r[0] for r in rows]), _stack([r[1] for r in rows])], [0, 0]


vmap_rules[rng_bit_generator_p] = _rng_bit_generator_vmap
declare_no_rule("jvp", rng_bit_generator_p, "unsigned integer bits: nothing to differentiate")


def _rng_uniform_abstract_eval(a, b, *, shape):
    if a.dtype != b.dtype or a.shape != () or b.shape != ():
        raise TypeError(f"[rng_uniform] a and b must be scalars of one dtype, got "
                        f"{a.str_short()} and {b.str_short()}")
    return ShapedArray(tuple(shape), a.dtype, a.weak_type and b.weak_type)


rng_uniform_p = primitive("rng_uniform", _rng_uniform_abstract_eval,
                          _through_xla("rng_uniform"))
declare_no_rule("jvp", rng_uniform_p, "a stateful random draw (as in JAX): no derivative")
declare_no_rule("vmap", rng_uniform_p, "a stateful random draw with scalar bounds; JAX has "
                "no batching rule either")
