"""Lowering of fft (primitives/fft.py) to ``stablehlo.fft``."""

from __future__ import annotations

from jaxlib.mlir.dialects import stablehlo as hlo

from ..core.registry import lowering_rules
from ..primitives import fft as _fft
from .lower import ir_type


def _fft_lowering(ctx, x, *, fft_type, fft_lengths):
    kind = _fft.FftType(fft_type).name
    return [hlo.fft(x, hlo.FftTypeAttr.get(kind), list(fft_lengths),
                    results=[ir_type(ctx.avals_out[0])])]


lowering_rules[_fft.fft_p] = _fft_lowering
