"""``vmap``: vectorizing a function over a batch axis (``jax.vmap``)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from .core.array import aval_of, is_array_like
from .core.trace import Tracer
from .interpreters.vmap import AxisData, BatchTracer, batch_fun, broadcast_batched, moveaxis
from .tree_util import tree_flatten, tree_leaves_with_path, tree_unflatten


def vmap(fun: Callable, in_axes: Any = 0, out_axes: Any = 0, axis_name: Any = None,
         axis_size: int | None = None) -> Callable:
    """Vectorize ``fun`` over an axis of its arguments (``jax.vmap``).

    Args:
      fun: a function of arrays (and pytrees of arrays).
      in_axes: the mapped axis of each positional argument: an int, None (not mapped), or
        a tuple with one entry per positional argument, each a pytree prefix of that
        argument of ints/None. Negative axes count from the end. Keyword arguments are
        always mapped along axis 0.
      out_axes: where the batch axis goes in each output (a pytree prefix of the output);
        None only for outputs that do not depend on the mapped axis.
      axis_name: a name for the mapped axis, for collectives (``lax.psum(x, name)``).
      axis_size: the batch size; required when no argument is mapped.

    Returns:
      The vectorized function.

    Example:
        >>> vmap(lambda x, y: x @ y, in_axes=(0, None))(fnp.ones((5, 3)), fnp.ones(3)).shape
        (5,)
    """
    if not callable(fun):
        raise TypeError(f"[vmap] expected a function, got {type(fun).__name__}")
    if isinstance(in_axes, list):  # a top-level list means a tuple, as in JAX
        in_axes = tuple(in_axes)

    @functools.wraps(fun)
    def vmapped(*args, **kwargs):
        leaves, in_tree, axes = _flat_in_axes(in_axes, args, kwargs)
        size = _batch_size(leaves, axes, axis_size, args, kwargs)
        out_store: list = []

        def flat_fun(*xs):
            a, k = tree_unflatten(in_tree, xs)
            out = fun(*a, **k)
            out_leaves, out_tree = tree_flatten(out)
            out_store.append((out_tree, out))
            return out_leaves

        outs, bdims = batch_fun(flat_fun, AxisData(axis_name, size), leaves, axes)
        out_tree, out = out_store[0]
        flat_out_axes = _flat_out_axes(out_axes, out, out_tree)
        results = [_place_output(x, b, ax, size, i, out_tree)
                   for i, (x, b, ax) in enumerate(zip(outs, bdims, flat_out_axes, strict=True))]
        return tree_unflatten(out_tree, results)
    return vmapped


# ---- inputs ------------------------------------------------------------------------------

def _flat_in_axes(in_axes, args, kwargs, api: str = "vmap"):
    """Leaves of ``(args, kwargs)`` and the normalized axis (int >= 0 or None) of each."""
    if isinstance(in_axes, tuple) and len(in_axes) != len(args):
        raise ValueError(f"[{api}] in_axes has {len(in_axes)} entries but the function was "
                         f"called with {len(args)} positional arguments; give one entry per "
                         "positional argument (or a single int/None for all)")
    full_axes = (in_axes if isinstance(in_axes, tuple) else (in_axes,) * len(args),
                 {k: 0 for k in kwargs})
    leaves, in_tree = tree_flatten((args, kwargs))
    try:
        per_leaf = _broadcast_prefix(full_axes, (args, kwargs))
    except ValueError as e:
        raise ValueError(f"[{api}] in_axes {in_axes!r} is not a pytree prefix of the "
                         f"arguments: {e}") from None
    paths = [p for p, _ in tree_leaves_with_path((args, kwargs))]
    axes = [_check_in_axis(ax, x, path, api) for ax, x, path in zip(per_leaf, leaves, paths,
                                                              strict=True)]
    return leaves, in_tree, axes


def _broadcast_prefix(prefix, tree) -> list:
    """One entry of ``prefix`` per leaf of ``tree`` (prefix leaves cover whole subtrees)."""
    prefix_leaves, prefix_tree = tree_flatten(prefix, is_leaf=lambda x: x is None)
    subtrees = prefix_tree.flatten_up_to(tree)
    out = []
    for ax, sub in zip(prefix_leaves, subtrees, strict=True):
        if ax is not None and not isinstance(ax, int):
            raise ValueError(f"axes must be ints or None, got {ax!r}")
        out += [ax] * len(tree_flatten(sub)[0])
    return out


def _arg_name(path: str) -> str:
    """``[0][1]['w']`` (a path into ``(args, kwargs)``) as ``args[1]['w']``."""
    if path.startswith("[0]"):
        rest = path[3:]
        return f"args{rest}" if rest else "args"
    return f"kwargs{path[3:]}"


def _check_in_axis(ax, x, path, api: str = "vmap"):
    if ax is None:
        return None
    if isinstance(x, Tracer):
        shape = x.aval.shape
    elif is_array_like(x):
        shape = aval_of(x, api).shape
    else:
        raise TypeError(f"[{api}] argument {_arg_name(path)} of type {type(x).__name__} is "
                        f"mapped (in_axes={ax}) but is not an array; give it in_axes=None")
    if not -len(shape) <= ax < len(shape):
        raise ValueError(f"[{api}] in_axes={ax} is out of range for argument "
                         f"{_arg_name(path)} of shape {tuple(shape)} (rank {len(shape)}); "
                         f"use an axis in [-{len(shape)}, {len(shape)}) or None")
    return ax % len(shape)


def _batch_size(leaves, axes, axis_size, args, kwargs, api: str = "vmap") -> int:
    paths = [p for p, _ in tree_leaves_with_path((args, kwargs))]
    sizes = {}
    for x, ax, path in zip(leaves, axes, paths, strict=True):
        if ax is not None:
            sizes[_arg_name(path)] = (x.aval if isinstance(x, Tracer) else
                                      aval_of(x, api)).shape[ax]
    distinct = set(sizes.values())
    if axis_size is not None and distinct and distinct != {axis_size}:
        listing = ", ".join(f"{k}: {v}" for k, v in sizes.items())
        raise ValueError(f"[{api}] axis_size={axis_size} disagrees with the sizes of the "
                         f"mapped axes ({listing})")
    if len(distinct) > 1:
        listing = ", ".join(f"{k} has size {v}" for k, v in sizes.items())
        raise ValueError(f"[{api}] mapped arguments have different sizes along their "
                         f"mapped axes: {listing}; all mapped axes must have the same size")
    if not distinct:
        if axis_size is None:
            raise ValueError(f"[{api}] no argument is mapped (all in_axes are None) and no "
                             "axis_size was given: pass axis_size=n")
        return int(axis_size)
    return distinct.pop()


# ---- outputs -------------------------------------------------------------------------------

def _flat_out_axes(out_axes, out, out_tree, api: str = "vmap") -> list:
    if isinstance(out_axes, int) or out_axes is None:
        return [out_axes] * out_tree.num_leaves
    try:
        return _broadcast_prefix(out_axes, out)
    except ValueError as e:
        raise ValueError(f"[{api}] out_axes {out_axes!r} is not a pytree prefix of the "
                         f"output: {e}") from None


def _place_output(x, bdim, out_axis, size, i, out_tree):
    if out_axis is None:
        if bdim is not None:
            raise ValueError(f"[vmap] out_axes=None for output {i} (of {out_tree}), but it "
                             "depends on the mapped axis; give it an int out_axes")
        return x
    ndim = len(aval_of(x, "vmap").shape) + (bdim is None)
    if not -ndim <= out_axis < ndim:
        raise ValueError(f"[vmap] out_axes={out_axis} is out of range for output {i} of "
                         f"rank {ndim} (with its batch axis)")
    if bdim is None:
        return broadcast_batched(x, size, out_axis % ndim)
    return moveaxis(x, bdim, out_axis % ndim)


__all__ = ["vmap", "BatchTracer"]
