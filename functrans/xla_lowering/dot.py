"""StableHLO lowering of dot_general (primitives/dot.py).

An operation without a ``precision`` takes ``jax_default_matmul_precision`` from the
configuration (read here, at lowering: the executable cache key includes it)."""

from __future__ import annotations

from jaxlib.mlir import ir
from jaxlib.mlir.dialects import stablehlo as hlo

from ..core.config import MATMUL_PRECISIONS
from ..core.config import _values as _config_values
from ..core.registry import lowering_rules
from ..primitives import dot
from .lower import ir_type

_XLA_PRECISIONS = ("DEFAULT", "HIGH", "HIGHEST")


def _one_precision(p) -> str:
    text = str(getattr(p, "name", p))
    if text.upper() in _XLA_PRECISIONS:
        return text.upper()
    if text.lower() in MATMUL_PRECISIONS:
        return MATMUL_PRECISIONS[text.lower()]
    raise ValueError(f"[dot_general] precision {p!r} is not one of {list(_XLA_PRECISIONS)} or "
                     f"{sorted(MATMUL_PRECISIONS)}")


def precision_config(precision):
    """The ``precision_config`` attribute for ``precision`` (None, one value or a pair),
    or None when neither the operation nor the configuration sets one."""
    if precision is None:
        precision = _config_values["jax_default_matmul_precision"]
        if precision is None:
            return None
    pair = precision if isinstance(precision, (tuple, list)) else (precision, precision)
    return ir.ArrayAttr.get([hlo.PrecisionAttr.get(_one_precision(p)) for p in pair])


def _dot_general_lowering(ctx, lhs, rhs, *, dimension_numbers, precision=None,
                          preferred_element_type=None):
    (lc, rc), (lb, rb) = dimension_numbers
    dn = hlo.DotDimensionNumbers.get(
        lhs_batching_dimensions=list(lb), rhs_batching_dimensions=list(rb),
        lhs_contracting_dimensions=list(lc), rhs_contracting_dimensions=list(rc))
    return [hlo.dot_general(ir_type(ctx.avals_out[0]), lhs, rhs, dn,
                            precision_config=precision_config(precision))]


lowering_rules[dot.dot_general_p] = _dot_general_lowering
