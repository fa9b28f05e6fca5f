"""Public convolution wrappers of ``functrans.lax`` (re-exported there), as in
``jax.lax``: conv_general_dilated and its conveniences, padtype_to_pads."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from . import numpy as fnp
from .core.array import aval_of
from .core.trace import bind1
from .primitives.conv import ConvDimensionNumbers, conv_general_dilated_p, dilate_dim

__all__ = ["ConvDimensionNumbers", "conv_dimension_numbers", "conv_general_dilated", "conv",
           "conv_with_general_padding", "conv_transpose", "conv_general_dilated_patches",
           "padtype_to_pads", "reduce_window"]


def padtype_to_pads(in_shape, window_shape, window_strides, padding) -> list[tuple[int, int]]:
    """``(low, high)`` pads for 'SAME', 'SAME_LOWER' or 'VALID' padding.

    Args:
      in_shape, window_shape, window_strides: spatial sizes.
      padding: the padding name.
    Returns:
      One ``(low, high)`` pair per spatial dim.
    Example:
      >>> lax.padtype_to_pads((5,), (3,), (2,), 'SAME')  # [(1, 1)]
    """
    kind = str(padding).upper()
    if kind == "VALID":
        return [(0, 0)] * len(in_shape)
    if kind not in ("SAME", "SAME_LOWER"):
        raise ValueError(f"[conv] padding must be 'SAME', 'SAME_LOWER', 'VALID' or a sequence "
                         f"of (low, high) pairs, got {padding!r}")
    pads = []
    for n, k, s in zip(in_shape, window_shape, window_strides, strict=True):
        total = max((-(-n // s) - 1) * s + k - n, 0)
        small, big = total // 2, total - total // 2
        pads.append((small, big) if kind == "SAME" else (big, small))
    return pads


def _perm(spec: str, pair: tuple[str, str], rhs_spec: str) -> tuple[int, ...]:
    spatial = [i for i, c in enumerate(spec) if c not in pair]
    if spec is not rhs_spec:
        spatial.sort(key=lambda i: rhs_spec.index(spec[i]))
    return (spec.index(pair[0]), spec.index(pair[1]), *spatial)


def conv_dimension_numbers(lhs_shape, rhs_shape, dimension_numbers) -> ConvDimensionNumbers:
    """``ConvDimensionNumbers`` from None, a ``(lhs, rhs, out)`` string triple (e.g.
    ``('NHWC', 'HWIO', 'NHWC')``) or a ``ConvDimensionNumbers``.

    Args:
      lhs_shape, rhs_shape: operand shapes.
      dimension_numbers: the spec.
    Returns:
      A ``ConvDimensionNumbers`` of axis permutations.
    Example:
      >>> lax.conv_dimension_numbers((1, 5, 5, 3), (3, 3, 3, 8), ('NHWC', 'HWIO', 'NHWC'))
    """
    if isinstance(dimension_numbers, ConvDimensionNumbers):
        return dimension_numbers
    if len(lhs_shape) != len(rhs_shape):
        raise TypeError(f"[conv] lhs and rhs must have equal ranks, got shapes {lhs_shape} "
                        f"and {rhs_shape}")
    if dimension_numbers is None:
        iota = tuple(range(len(lhs_shape)))
        return ConvDimensionNumbers(iota, iota, iota)
    if (not isinstance(dimension_numbers, tuple | list) or len(dimension_numbers) != 3
            or not all(isinstance(s, str) for s in dimension_numbers)):
        raise TypeError(f"[conv] dimension_numbers must be None, a ConvDimensionNumbers or three "
                        f"strings like ('NCHW', 'OIHW', 'NCHW'), got {dimension_numbers!r}")
    lhs_s, rhs_s, out_s = dimension_numbers
    pairs = (("N", "C"), ("O", "I"), ("N", "C"))
    for s, (a, b) in zip(dimension_numbers, pairs, strict=True):
        if len(s) != len(lhs_shape) or s.count(a) != 1 or s.count(b) != 1 or len(set(s)) != len(s):
            raise TypeError(f"[conv] dimension_numbers entry {s!r} must have {len(lhs_shape)} "
                            f"distinct characters including '{a}' and '{b}' once")
    if not set(lhs_s) - {"N", "C"} == set(rhs_s) - {"O", "I"} == set(out_s) - {"N", "C"}:
        raise TypeError(f"[conv] dimension_numbers {dimension_numbers} must share the same "
                        "spatial characters")
    return ConvDimensionNumbers(*(_perm(s, p, rhs_s) for s, p in zip(
        dimension_numbers, pairs, strict=True)))


def conv_general_dilated(lhs, rhs, window_strides: Sequence[int], padding,
                         lhs_dilation=None, rhs_dilation=None, dimension_numbers=None,
                         feature_group_count: int = 1, batch_group_count: int = 1,
                         precision=None, preferred_element_type=None):
    """General N-d convolution (as ``jax.lax.conv_general_dilated``).

    Args:
      lhs: input, ``N C *spatial`` in the order ``dimension_numbers[0]`` gives.
      rhs: kernel, ``O I *spatial``.
      window_strides: one stride per spatial dim.
      padding: 'SAME', 'SAME_LOWER', 'VALID' or ``(low, high)`` per spatial dim.
      lhs_dilation, rhs_dilation: dilation factors (lhs dilation = transposed conv).
      dimension_numbers: None, a string triple or ``ConvDimensionNumbers``.
      feature_group_count, batch_group_count: grouped convolution.
      precision: accepted for compatibility (ignored).
      preferred_element_type: the result dtype.
    Returns:
      The convolution.
    Example:
      >>> lax.conv_general_dilated(x, w, (1, 1), 'SAME', dimension_numbers=('NHWC', 'HWIO', 'NHWC'))
    """
    lhs, rhs = fnp.asarray(lhs), fnp.asarray(rhs)
    la, ra = aval_of(lhs, "conv_general_dilated"), aval_of(rhs, "conv_general_dilated")
    dn = conv_dimension_numbers(la.shape, ra.shape, dimension_numbers)
    nsp = la.ndim - 2
    lhs_dilation = (1,) * nsp if lhs_dilation is None else tuple(lhs_dilation)
    rhs_dilation = (1,) * nsp if rhs_dilation is None else tuple(rhs_dilation)
    if isinstance(padding, str):
        if any(d != 1 for d in lhs_dilation):
            raise ValueError("[conv_general_dilated] string padding is not supported with "
                             "lhs_dilation; give explicit pads or use lax.conv_transpose")
        k = [dilate_dim(ra.shape[d], r) for d, r in zip(dn.rhs_spec[2:], rhs_dilation,
                                                          strict=True)]
        padding = padtype_to_pads([la.shape[d] for d in dn.lhs_spec[2:]], k, window_strides,
                                  padding)
    padding = tuple((int(lo), int(hi)) for lo, hi in padding)
    pet = None if preferred_element_type is None else np.dtype(preferred_element_type)
    return bind1(conv_general_dilated_p, lhs, rhs,
                 window_strides=tuple(int(s) for s in window_strides), padding=padding,
                 lhs_dilation=lhs_dilation, rhs_dilation=rhs_dilation, dimension_numbers=dn,
                 feature_group_count=int(feature_group_count),
                 batch_group_count=int(batch_group_count), precision=None,
                 preferred_element_type=pet)


def conv(lhs, rhs, window_strides, padding, precision=None, preferred_element_type=None):
    """NCHW/OIHW convolution (``conv_general_dilated`` with defaults).

    Args:
      lhs, rhs: input and kernel.
      window_strides: strides.
      padding: 'SAME', 'VALID' or pads.
      precision: ignored.
      preferred_element_type: the result dtype.
    Returns:
      The convolution.
    Example:
      >>> lax.conv(x, w, (1, 1), 'SAME')
    """
    return conv_general_dilated(lhs, rhs, window_strides, padding,
                                preferred_element_type=preferred_element_type)


def conv_with_general_padding(lhs, rhs, window_strides, padding, lhs_dilation, rhs_dilation,
                              precision=None, preferred_element_type=None):
    """NCHW/OIHW convolution with dilations.

    Args:
      lhs, rhs: input and kernel.
      window_strides: strides.
      padding: 'SAME', 'VALID' or pads.
      lhs_dilation, rhs_dilation: dilations.
      precision: ignored.
      preferred_element_type: the result dtype.
    Returns:
      The convolution.
    Example:
      >>> lax.conv_with_general_padding(x, w, (1, 1), [(1, 1), (1, 1)], (1, 1), (2, 2))
    """
    return conv_general_dilated(lhs, rhs, window_strides, padding, lhs_dilation=lhs_dilation,
                                rhs_dilation=rhs_dilation,
                                preferred_element_type=preferred_element_type)


def _transpose_padding(k: int, s: int, padding):
    if padding == "SAME":
        total = k + s - 2
        lo = k - 1 if s > k - 1 else -(-total // 2)
    elif padding == "VALID":
        total = k + s - 2 + max(k - s, 0)
        lo = k - 1
    elif isinstance(padding, tuple):
        pads = tuple(k - p - 1 for p in padding)
        lo, total = pads[0], sum(pads)
    else:
        raise ValueError(f"[conv_transpose] invalid padding {padding!r}")
    return lo, total - lo


_TRANSPOSE_DEFAULT_DN = {2: ("NC", "IO", "NC"), 3: ("NHC", "HIO", "NHC"),
                         4: ("NHWC", "HWIO", "NHWC"), 5: ("NHWDC", "HWDIO", "NHWDC")}


def conv_transpose(lhs, rhs, strides, padding, rhs_dilation=None, dimension_numbers=None,
                   transpose_kernel: bool = False, precision=None, preferred_element_type=None,
                   use_consistent_padding: bool = False):
    """Transposed convolution (Keras ``Conv2DTranspose`` conventions), as JAX's.

    Args:
      lhs, rhs: input and kernel (default layouts NHWC / HWIO for 2-D).
      strides: the forward conv's strides (the lhs dilation here).
      padding: 'SAME', 'VALID' or pads.
      rhs_dilation: kernel dilation.
      dimension_numbers: layouts.
      transpose_kernel: flip the kernel spatially and swap its I/O axes (the true
        gradient of a conv).
      precision: ignored.
      preferred_element_type: the result dtype.
      use_consistent_padding: read explicit pads as the forward conv's pads too.
    Returns:
      The transposed convolution.
    Example:
      >>> lax.conv_transpose(x, w, (2, 2), 'SAME')
    """
    lhs, rhs = fnp.asarray(lhs), fnp.asarray(rhs)
    ndim = lhs.ndim
    if dimension_numbers is None:
        if ndim not in _TRANSPOSE_DEFAULT_DN:
            raise ValueError(f"[conv_transpose] no default dimension_numbers for rank {ndim}")
        dimension_numbers = _TRANSPOSE_DEFAULT_DN[ndim]
    dn = conv_dimension_numbers(lhs.shape, rhs.shape, dimension_numbers)
    k_sdims = [rhs.shape[d] for d in dn.rhs_spec[2:]]
    rhs_dilation = (1,) * (ndim - 2) if rhs_dilation is None else tuple(rhs_dilation)
    if use_consistent_padding or (isinstance(padding, str) and padding in ("SAME", "VALID")):
        eff = [dilate_dim(k, r) for k, r in zip(k_sdims, rhs_dilation, strict=True)]
        reps = [padding] * len(strides) if isinstance(padding, str) else list(padding)
        pads = tuple(_transpose_padding(k, s, tuple(p) if isinstance(p, list) else p)
                     for k, s, p in zip(eff, strides, reps, strict=True))
    else:
        pads = padding
    if transpose_kernel:
        rhs = fnp.flip(rhs, tuple(dn.rhs_spec[2:]))
        rhs = fnp.swapaxes(rhs, dn.rhs_spec[0], dn.rhs_spec[1])
    return conv_general_dilated(lhs, rhs, (1,) * (ndim - 2), pads, strides, rhs_dilation, dn,
                                preferred_element_type=preferred_element_type)


def conv_general_dilated_patches(lhs, filter_shape, window_strides, padding, lhs_dilation=None,
                                 rhs_dilation=None, dimension_numbers=None, precision=None,
                                 preferred_element_type=None):
    """Image patches of ``filter_shape`` flattened into the channel dim (as JAX's).

    Args:
      lhs: the input.
      filter_shape: patch spatial shape (in ``rhs_spec`` order).
      window_strides, padding, lhs_dilation, rhs_dilation, dimension_numbers: as in
        ``conv_general_dilated``.
      precision: ignored.
      preferred_element_type: the result dtype.
    Returns:
      Patches with ``C * prod(filter_shape)`` channels.
    Example:
      >>> lax.conv_general_dilated_patches(x, (3, 3), (1, 1), 'VALID')
    """
    lhs = fnp.asarray(lhs)
    filter_shape = tuple(filter_shape)
    dn = conv_dimension_numbers(lhs.shape, (1, 1) + filter_shape, dimension_numbers)
    size = math.prod(filter_shape)
    channels = lhs.shape[dn.lhs_spec[1]]
    eye = np.eye(size, dtype=lhs.dtype)
    rhs = np.broadcast_to(eye, (channels, size, size)).reshape(channels * size, 1, *filter_shape)
    rhs = np.moveaxis(rhs, (0, 1), (dn.rhs_spec[0], dn.rhs_spec[1]))
    return conv_general_dilated(lhs, fnp.asarray(rhs), window_strides, padding, lhs_dilation,
                                rhs_dilation, dn, feature_group_count=channels,
                                preferred_element_type=preferred_element_type)


# ---- window reductions ---------------------------------------------------------------------

def _monoid_kind(computation) -> str | None:
    from . import _lax_lenient, lax  # the public functions users pass, and the library's
    table = {fnp.add: "sum", fnp.maximum: "max", fnp.minimum: "min"}
    for ns in (lax, _lax_lenient):
        table.update({ns.add: "sum", ns.max: "max", ns.min: "min"})
    return table.get(computation)


def reduce_window(operand, init_value, computation, window_dimensions, window_strides=None,
                  padding="VALID", base_dilation=None, window_dilation=None):
    """Reduce each window of ``operand`` with ``computation`` (as ``jax.lax.reduce_window``).

    The monoids ``lax.add`` (init 0), ``lax.max`` and ``lax.min`` (any init: the padding
    is the init, so the result is ``computation(init, window reduction)``) lower to the
    reduce_window_sum/max/min primitives, which have jvp, transpose and vmap rules.

    Args:
      operand: the array.
      init_value: the reduction's start (and padding) value.
      computation: ``lax.add``, ``lax.max`` or ``lax.min`` (or the functrans.numpy ufuncs).
      window_dimensions: window size per dim.
      window_strides: strides (default 1).
      padding: 'SAME', 'SAME_LOWER', 'VALID' or (low, high) per dim.
      base_dilation, window_dilation: dilations (default 1).
    Returns:
      The reduced windows.
    Example:
      >>> lax.reduce_window(x, -fnp.inf, lax.max, (1, 2, 2, 1), (1, 2, 2, 1), 'VALID')
    """
    from . import _lax_lenient as lax
    from .primitives import windowed as wd
    operand = fnp.asarray(operand)
    n = operand.ndim
    dims = tuple(int(d) for d in window_dimensions)
    strides = (1,) * n if window_strides is None else tuple(int(s) for s in window_strides)
    base = (1,) * n if base_dilation is None else tuple(int(d) for d in base_dilation)
    wdil = (1,) * n if window_dilation is None else tuple(int(d) for d in window_dilation)
    if isinstance(padding, str):
        shape = [dilate_dim(d, b) for d, b in zip(operand.shape, base, strict=True)]
        eff = [dilate_dim(w, r) for w, r in zip(dims, wdil, strict=True)]
        padding = padtype_to_pads(shape, eff, strides, padding)
    padding = tuple((int(lo), int(hi)) for lo, hi in padding)
    kind = _monoid_kind(computation)
    if kind is None:
        raise NotImplementedError("[reduce_window] computation must be lax.add, lax.max or "
                                  f"lax.min (or fnp.add/maximum/minimum), got {computation!r}")
    prim = {"sum": wd.reduce_window_sum_p, "max": wd.reduce_window_max_p,
            "min": wd.reduce_window_min_p}[kind]
    out = bind1(prim, operand, window_dimensions=dims, window_strides=strides, padding=padding,
                base_dilation=base, window_dilation=wdil)
    ident = wd.identity(kind, operand.dtype)
    init_c = _concrete(init_value)
    if init_c is not None and np.asarray(init_c, operand.dtype) == ident:
        return out
    if kind == "sum":
        raise NotImplementedError("[reduce_window] lax.add needs init_value 0, got "
                                  f"{init_value!r}")
    init = lax.convert_element_type(fnp.asarray(init_value), operand.dtype)
    return (lax.max if kind == "max" else lax.min)(fnp.broadcast_to(init, out.shape), out)


def _concrete(x):
    try:
        return np.asarray(x)
    except Exception:  # a tracer: not concrete
        return None


# ---- shape helpers and unshared convolution ------------------------------------------------

def conv_general_permutations(dimension_numbers) -> tuple[tuple[int, ...], ...]:
    """The ``(lhs, rhs, out)`` axis permutations for a ``(lhs, rhs, out)`` string spec
    (``jax.lax.conv_general_permutations``): batch/feature first, then the spatial axes
    in the rhs spec's order."""
    specs = tuple(dimension_numbers)
    rank = len(specs[0])
    return tuple(conv_dimension_numbers((0,) * rank, (0,) * rank, specs))


def conv_shape_tuple(lhs_shape, rhs_shape, strides, pads, batch_group_count: int = 1
                     ) -> tuple[int, ...]:
    """The output shape of a convolution in canonical ``N C *spatial`` / ``O I *spatial``
    layout (``jax.lax.conv_shape_tuple``)."""
    if isinstance(pads, str):
        pads = padtype_to_pads(lhs_shape[2:], rhs_shape[2:], strides, pads)
    if len(pads) != len(lhs_shape) - 2:
        raise TypeError(f"[conv_shape_tuple] expected {len(lhs_shape) - 2} (low, high) pads, "
                        f"got {len(pads)}")
    padded = [n + lo + hi for n, (lo, hi) in zip(lhs_shape[2:], pads, strict=True)]
    if any(p < 0 for p in padded):
        raise ValueError(f"[conv_shape_tuple] negative padding {pads} exceeds the input "
                         f"{tuple(lhs_shape[2:])}")
    space = tuple(0 if p < k else (p - k) // s + 1
                  for p, k, s in zip(padded, rhs_shape[2:], strides, strict=True))
    return (lhs_shape[0] // batch_group_count, rhs_shape[0], *space)


def conv_general_shape_tuple(lhs_shape, rhs_shape, window_strides, padding,
                             dimension_numbers) -> tuple[int, ...]:
    """The output shape of ``conv_general_dilated`` for string ``dimension_numbers``."""
    lp, rp, op = conv_general_permutations(dimension_numbers)
    out = conv_shape_tuple([lhs_shape[i] for i in lp], [rhs_shape[i] for i in rp],
                           window_strides, padding)
    return tuple(out[int(i)] for i in np.argsort(op))


def conv_transpose_shape_tuple(lhs_shape, rhs_shape, window_strides, padding,
                               dimension_numbers) -> tuple[int, ...]:
    """The output shape of ``conv_transpose`` for string ``dimension_numbers``."""
    lp, rp, op = conv_general_permutations(dimension_numbers)
    lhs, rhs = [lhs_shape[i] for i in lp], [rhs_shape[i] for i in rp]
    if isinstance(padding, str):
        padding = [_transpose_padding(k, s, padding)
                   for k, s in zip(rhs[2:], window_strides, strict=True)]
    space = [(n - 1) * s - k + 2 + lo + hi for n, k, s, (lo, hi) in zip(
        lhs[2:], rhs[2:], window_strides, padding, strict=True)]
    out = (lhs[0], rhs[0], *space)
    return tuple(out[int(i)] for i in np.argsort(op))


def reduce_window_shape_tuple(operand_shape, window_dimensions, window_strides, padding,
                              base_dilation=None, window_dilation=None) -> tuple[int, ...]:
    """The output shape of ``reduce_window`` (``jax.lax.reduce_window_shape_tuple``)."""
    shape = [dilate_dim(d, b) for d, b in zip(operand_shape, base_dilation or
                                              (1,) * len(operand_shape), strict=True)]
    window = [dilate_dim(d, w) for d, w in zip(window_dimensions, window_dilation or
                                               (1,) * len(window_dimensions), strict=True)]
    padded = [d + lo + hi for d, (lo, hi) in zip(shape, padding, strict=True)]
    return tuple(0 if p < k else (p - k) // s + 1
                 for p, k, s in zip(padded, window, window_strides, strict=True))


def conv_general_dilated_local(lhs, rhs, window_strides, padding, filter_shape,
                               lhs_dilation=None, rhs_dilation=None, dimension_numbers=None,
                               precision=None):
    """Unshared ("locally connected") convolution: a separate kernel per output position
    (``jax.lax.conv_general_dilated_local``).

    Args:
      lhs: the input.
      rhs: kernels, ``O``, ``I * prod(filter_shape)`` and the output's spatial dims, in
        the ``rhs_spec`` order of ``dimension_numbers``.
      window_strides, padding, lhs_dilation, rhs_dilation, dimension_numbers: as in
        ``conv_general_dilated``.
      filter_shape: the spatial shape of each kernel.
      precision: passed to the dot.

    Returns:
      The output, laid out as ``dimension_numbers``' out spec.

    Example:
        >>> lax.conv_general_dilated_local(x, w, (1, 1), 'VALID', (3, 3))
    """
    from . import lax
    lhs = fnp.asarray(lhs)
    patches = conv_general_dilated_patches(lhs, filter_shape, window_strides, padding,
                                           lhs_dilation, rhs_dilation, dimension_numbers)
    _, rhs_spec, out_spec = conv_dimension_numbers(lhs.shape, (1, 1, *filter_shape),
                                                   dimension_numbers)
    order = sorted(range(len(out_spec) - 2), key=lambda i: out_spec[2 + i])
    lhs_batch = [out_spec[2 + i] for i in order]
    rhs_batch = [rhs_spec[2 + i] for i in order]
    out = lax.dot_general(patches, rhs, (([out_spec[1]], [rhs_spec[1]]),
                                         (lhs_batch, rhs_batch)), precision=precision)
    return fnp.moveaxis(out, (-2, -1), (out_spec[0], out_spec[1]))


__all__ += ["conv_general_permutations", "conv_shape_tuple", "conv_general_shape_tuple",
            "conv_transpose_shape_tuple", "reduce_window_shape_tuple",
            "conv_general_dilated_local"]
