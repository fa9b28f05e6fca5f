"""Structured control flow, as in ``jax.lax``: cond, switch, while_loop, fori_loop, scan,
map, associative_scan. Re-exported by ``functrans.lax``.

The wrappers flatten pytrees, trace the user's functions once into ClosedJaxprs (every
constant they close over becomes an explicit operand), check that branches and loop
bodies agree on structure, shapes and dtypes (naming the leaf path and the fix), and
bind the primitives of ``higher_order/cond.py`` and ``higher_order/loops.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from . import lax as _lax
from .core import dtypes
from .core.array import Array, aval_of
from .core.ir import ShapedArray
from .core.trace import Tracer, bind
from .higher_order._jaxpr_util import trace_closed, with_unused_invars
from .higher_order.cond import cond_p
from .higher_order.loops import scan_p, while_p
from .primitives import _ops
from .tree_util import keystr, tree_flatten, tree_flatten_with_path, tree_unflatten

__all__ = ["cond", "switch", "while_loop", "fori_loop", "scan", "map", "associative_scan"]


def _flat_fun(f: Callable, in_tree, store: dict, api: str):
    """``f`` over flat leaves; records the output leaves' paths and structure."""
    def flat(*leaves):
        out = f(*tree_unflatten(in_tree, list(leaves)))
        with_path, store["tree"] = tree_flatten_with_path(out)
        store["paths"] = [keystr(p) for p, _ in with_path]
        return [_check_leaf(x, api) for _, x in with_path]
    return flat


def _check_leaf(x, api: str):
    if isinstance(x, Tracer | Array | np.ndarray | np.generic | bool | int | float | complex):
        return x
    raise TypeError(f"[{api}] functions must return arrays (or pytrees of arrays), got "
                    f"{type(x).__name__}: {x!r}")


def _describe(avals) -> str:
    return ", ".join(a.str_short() + ("(weak)" if a.weak_type else "") for a in avals)


# ---- cond / switch -------------------------------------------------------------------------

def cond(pred, true_fun: Callable, false_fun: Callable, *operands):
    """``true_fun(*operands)`` if ``pred`` else ``false_fun(*operands)``, staged as one
    conditional (``jax.lax.cond``).

    Args:
      pred: a scalar bool (or integer: nonzero is true), possibly traced.
      true_fun, false_fun: functions of ``operands`` returning pytrees of the same
        structure, shapes and dtypes.
      *operands: the pytrees passed to the branch taken.

    Returns:
      The taken branch's output.

    Example:
        >>> lax.cond(x > 0, lambda v: v * 2.0, lambda v: -v, x)
    """
    aval = aval_of(pred, "cond")
    if aval.shape != ():
        raise TypeError(f"[cond] pred must be a scalar, got {aval.str_short()}; reduce it "
                        "first (fnp.all / fnp.any) or use fnp.where for an elementwise choice")
    if aval.dtype == dtypes.bool_:
        index = _lax.convert_element_type(pred, np.int32)
    elif aval.dtype.kind in "iu":
        index = _lax.convert_element_type(_lax.ne(pred, _ops.scalar(0, aval.dtype)), np.int32)
    else:
        raise TypeError(f"[cond] pred must be a boolean or integer scalar, got "
                        f"{aval.str_short()}; compare it explicitly, e.g. `x > 0`")
    return _switch("cond", index, [false_fun, true_fun], operands, ["false_fun", "true_fun"])


def switch(index, branches: Sequence[Callable], *operands):
    """``branches[index](*operands)``, with ``index`` clamped to ``[0, len(branches) - 1]``
    (``jax.lax.switch``).

    Args:
      index: an integer scalar, possibly traced.
      branches: functions of ``operands`` returning the same structure, shapes, dtypes.
      *operands: the pytrees passed to the chosen branch.

    Returns:
      The chosen branch's output.

    Example:
        >>> lax.switch(i, [fnp.sin, fnp.cos, fnp.tanh], x)
    """
    branches = list(branches)
    if not branches:
        raise ValueError("[switch] needs at least one branch")
    aval = aval_of(index, "switch")
    if aval.shape != () or aval.dtype.kind not in "iu":
        raise TypeError(f"[switch] index must be an integer scalar, got {aval.str_short()}; "
                        "convert it with .astype(jnp.int32) (and reduce it to a scalar)")
    if len(branches) == 1:
        return branches[0](*operands)
    index = _lax.convert_element_type(index, np.int32)
    index = _lax.clamp(np.int32(0), index, np.int32(len(branches) - 1))
    return _switch("switch", index, branches, operands,
                   [f"branches[{k}]" for k in range(len(branches))])


def _switch(api, index, funs, operands, names):
    leaves, in_tree = tree_flatten(operands)
    avals = [aval_of(x, api) for x in leaves]
    traced = [_trace_branch(api, f, in_tree, avals) for f in funs]
    _check_branches(api, traced, names)
    joined = [ShapedArray(a.shape, a.dtype, all(t[3][k].weak_type for t in traced))
              for k, a in enumerate(traced[0][3])]
    traced = [t if t[3] == joined else _trace_branch(api, f, in_tree, avals, joined)
              for t, f in zip(traced, funs, strict=True)]
    const_avals = [[_ops.aval(c) for c in t[1]] for t in traced]
    branches = []
    for k, (closed, consts, _, _) in enumerate(traced):
        before = [a for cs in const_avals[:k] for a in cs]
        after = [a for cs in const_avals[k + 1:] for a in cs]
        closed = with_unused_invars(closed, before, 0)
        branches.append(with_unused_invars(closed, after, len(before) + len(consts)))
    all_consts = [c for t in traced for c in t[1]]
    outs = bind(cond_p, index, *all_consts, *leaves, branches=tuple(branches))
    return tree_unflatten(traced[0][2]["tree"], outs)


def _trace_branch(api, f, in_tree, avals, out_avals=None):
    store: dict = {}
    flat = _flat_fun(f, in_tree, store, api)
    if out_avals is not None:
        inner = flat

        def flat(*xs):
            return [_ops.convert(o, a.dtype, a.weak_type)
                    for o, a in zip(inner(*xs), out_avals, strict=True)]
    closed, consts, _ = trace_closed(flat, avals, api)
    return closed, consts, store, closed.out_avals


def _check_branches(api, traced, names):
    tree0, avals0 = traced[0][2]["tree"], traced[0][3]
    for (_, _, store, avals), name in zip(traced[1:], names[1:], strict=True):
        if store["tree"] != tree0:
            raise TypeError(f"[{api}] {names[0]} and {name} must return the same pytree "
                            f"structure, got {tree0} and {store['tree']}")
        for path, a, b in zip(store["paths"], avals0, avals, strict=True):
            if a.shape != b.shape or a.dtype != b.dtype:
                raise TypeError(
                    f"[{api}] {names[0]} and {name} must return the same types: output{path} "
                    f"is {a.str_short()} in {names[0]} but {b.str_short()} in {name}. Make "
                    "both branches return the same shapes and dtypes (e.g. with .astype or "
                    "fnp.broadcast_to)")


# ---- loops -----------------------------------------------------------------------------------

def _leaves_avals(tree, api):
    leaves, treedef = tree_flatten(tree)
    return leaves, treedef, [aval_of(x, api) for x in leaves]


def _trace_body(api, fun, nk, in_tree, in_avals, carry_tree, carry_paths, split_out):
    """Trace a loop body whose first ``nk`` flat inputs are the carry; the carry output
    must match the input (weak-type-only differences are joined to the strong type).

    Returns ``(closed, consts, out_tree_of_rest, carry_avals)``."""
    for _ in range(2):
        store: dict = {}

        def flat(*leaves, store=store, in_avals=in_avals):
            carry_out, rest = split_out(fun(*tree_unflatten(in_tree, list(leaves))))
            c_leaves, c_tree = tree_flatten(carry_out)
            if c_tree != carry_tree:
                raise TypeError(f"[{api}] the body's carry output must have the input carry's "
                                f"structure {carry_tree}, got {c_tree}")
            r_leaves, store["rest_tree"] = tree_flatten(rest)
            c_leaves = [_ops.convert(c, a.dtype) if _ops.aval(c).weak_type and not a.weak_type
                        and _ops.aval(c).dtype == a.dtype else c
                        for c, a in zip(c_leaves, in_avals[:nk], strict=True)]
            store["carry_out"] = [_ops.aval(c) for c in c_leaves]
            return [*c_leaves, *[_check_leaf(r, api) for r in r_leaves]]

        closed, consts, _ = trace_closed(flat, in_avals, api)
        fixed = _join_carry(api, in_avals[:nk], store["carry_out"], carry_paths)
        if fixed == in_avals[:nk]:
            return closed, consts, store["rest_tree"], fixed
        in_avals = [*fixed, *in_avals[nk:]]
    raise AssertionError("carry types did not settle")


def _join_carry(api, ins, outs, paths):
    """The carry input avals to retrace with. As JAX: a weakly typed initial value whose
    dtype differs from the body's output is promoted to the output's dtype (``0`` for a
    float carry); a weak-type-only difference is kept; any other difference is an error."""
    joined = []
    for path, a, b in zip(paths, ins, outs, strict=True):
        if a.shape == b.shape and a.dtype == b.dtype:
            joined.append(a)
        elif a.shape == b.shape and a.weak_type:
            joined.append(ShapedArray(a.shape, b.dtype))
        else:
            hint = ""
            if a.dtype != b.dtype and a.shape == b.shape:
                hint = (f" Give the initial value the loop's dtype, e.g. "
                        f"init.astype(fnp.{b.dtype.name}) (an int initial value with a float "
                        "body is the usual cause), or cast the body's result with .astype.")
            raise TypeError(
                f"[{api}] the body function must return a carry of the same type as its "
                f"input: carry{path} is {a.str_short()} on input but {b.str_short()} on "
                f"output, so the {'shapes' if a.shape != b.shape else 'dtypes'} do not "
                f"match.{hint or ' Make the body return the shapes it takes.'}")
    return joined


def _as_avals(leaves, avals):
    return [_ops.convert(x, a.dtype, a.weak_type) if aval_of(x) != a else x
            for x, a in zip(leaves, avals, strict=True)]


def while_loop(cond_fun: Callable, body_fun: Callable, init_val, *, max_steps: int | None = None):
    """Repeat ``val = body_fun(val)`` while ``cond_fun(val)`` (``jax.lax.while_loop``).

    Args:
      cond_fun: carry -> boolean scalar.
      body_fun: carry -> carry of the same structure, shapes and dtypes.
      init_val: the initial carry (a pytree).
      max_steps: beyond JAX: a bound on the number of iterations. The loop then runs as a
        scan of ``max_steps`` steps with a done flag (steps after the stop do nothing), so
        it is reverse-differentiable (grad, vjp) and stores at most ``max_steps`` steps of
        residuals. Results and gradients equal the unbounded loop's when it stops within
        ``max_steps``. When it would need more: a RuntimeError where the stop flag is
        concrete (eager, also under grad/jvp); under jit or vmap, where it cannot raise,
        every floating-point leaf of the result is NaN (the documented flag).

    Returns:
      The final carry.

    Example:
        >>> lax.while_loop(lambda c: c[0] < 10, lambda c: (c[0] + 1, c[1] * 2.0), (0, 1.0))
    """
    if max_steps is not None:
        return _bounded_while(cond_fun, body_fun, init_val, int(max_steps))
    leaves, tree, avals = _leaves_avals(init_val, "while_loop")
    paths = [keystr(p) for p, _ in tree_flatten_with_path(init_val)[0]]
    n = len(leaves)
    body, body_consts, _, avals = _trace_body(
        "while_loop", body_fun, n, _one(tree), avals, tree, paths, lambda out: (out, None))
    cond_closed, cond_consts = _trace_cond(cond_fun, tree, avals)
    outs = bind(while_p, *cond_consts, *body_consts, *_as_avals(leaves, avals),
                cond_jaxpr=cond_closed, body_jaxpr=body, cond_nconsts=len(cond_consts),
                body_nconsts=len(body_consts))
    return tree_unflatten(tree, outs)


def _trace_cond(cond_fun, tree, avals):
    store: dict = {}
    closed, consts, _ = trace_closed(_flat_fun(lambda *c: cond_fun(*c), _one(tree), store,
                                               "while_loop"), avals, "while_loop")
    out = closed.out_avals
    if len(out) != 1 or out[0].shape != () or out[0].dtype != dtypes.bool_:
        raise TypeError(f"[while_loop] cond_fun must return a boolean scalar, got "
                        f"({_describe(out)}); compare explicitly, e.g. `i < n`")
    return closed, consts


def _one(tree):
    """The treedef of a 1-tuple holding ``tree`` (the loop functions take one carry)."""
    return tree_flatten((tree_unflatten(tree, [0] * tree.num_leaves),))[1]


def _bounded_while(cond_fun, body_fun, init_val, max_steps):
    def step(carry, _):
        done, val = carry
        active = _lax.bitwise_and(_lax.bitwise_not(done), cond_fun(val))
        new = cond(active, body_fun, lambda v: v, val)
        return (_lax.bitwise_not(active), new), None

    (done, val), _ = scan(step, (np.bool_(False), init_val), None, length=max_steps)
    still = _lax.bitwise_and(_lax.bitwise_not(done), cond_fun(val))
    concrete = still.concrete_value() if isinstance(still, Tracer) else np.asarray(still)
    if concrete is not None:
        if bool(concrete):
            raise RuntimeError(f"[while_loop] the loop did not stop within max_steps="
                               f"{max_steps} steps (cond_fun is still true); raise max_steps")
        return val
    leaves, tree = tree_flatten(val)
    return tree_unflatten(tree, [_nan_where(still, x) for x in leaves])


def _nan_where(flag, x):
    a = _ops.aval(x)
    if not dtypes.is_inexact(a.dtype):
        return x
    nan = _ops.full(a.shape, np.nan, a.dtype)
    return _ops.select_n(_ops.broadcast_in_dim(flag, a.shape, ()), x, nan)


def fori_loop(lower, upper, body_fun: Callable, init_val, *, unroll: int | bool | None = None):
    """``for i in range(lower, upper): val = body_fun(i, val)`` (``jax.lax.fori_loop``).

    With concrete bounds it is a ``scan`` (reverse-differentiable); with traced bounds a
    ``while_loop`` (forward-differentiable only).

    Args:
      lower, upper: integer scalars.
      body_fun: ``(i, val) -> val``.
      init_val: the initial carry.
      unroll: steps per loop iteration (concrete bounds only).

    Returns:
      The final carry.

    Example:
        >>> lax.fori_loop(0, 10, lambda i, x: x + i, 0)
    """
    dtype = _index_dtype(lower, upper)
    lo, hi = _concrete_int(lower), _concrete_int(upper)
    if lo is not None and hi is not None:
        def step(carry, _):
            i, x = carry
            return (_lax.add(i, _ops.scalar(1, dtype)), body_fun(i, x)), None
        weak = aval_of(lower, "fori_loop").weak_type  # a Python int: i is weak, as in JAX
        start = Array(np.asarray(lo, dtype), ShapedArray((), dtype, weak))
        (_, val), _ = scan(step, (start, init_val), None, length=max(hi - lo, 0),
                           unroll=1 if unroll is None else unroll)
        return val
    if unroll not in (None, 1, False):
        raise ValueError("[fori_loop] unroll needs concrete loop bounds (Python ints or "
                         "concrete arrays); the bounds here are traced")
    lower = _lax.convert_element_type(lower, dtype)
    upper = _lax.convert_element_type(upper, dtype)
    _, _, val = while_loop(lambda c: _lax.lt(c[0], c[1]),
                           lambda c: (_lax.add(c[0], _ops.scalar(1, dtype)), c[1],
                                      body_fun(c[0], c[2])),
                           (lower, upper, init_val))
    return val


def _index_dtype(lower, upper):
    kinds = []
    for x in (lower, upper):
        a = aval_of(x, "fori_loop")
        if a.shape != () or a.dtype.kind not in "iu":
            raise TypeError(f"[fori_loop] lower and upper must be integer scalars, got "
                            f"{a.str_short()}")
        if not a.weak_type:
            kinds.append(a.dtype)
    return np.result_type(*kinds) if kinds else np.dtype(np.int32)


def _concrete_int(x):
    if isinstance(x, Tracer):
        v = x.concrete_value()
        return None if v is None else int(v)
    return int(np.asarray(x))


def scan(f: Callable, init, xs=None, length: int | None = None, reverse: bool = False,
         unroll: int | bool = 1):
    """Loop ``carry, y = f(carry, x)`` over the leading axis of ``xs``, stacking the ys
    (``jax.lax.scan``). Compiled as one loop: the body is traced and emitted once.

    Args:
      f: ``(carry, x) -> (carry, y)``; the carry keeps its structure, shapes and dtypes.
      init: the initial carry (a pytree).
      xs: a pytree of arrays with a common leading length, or None.
      length: the number of steps (needed when ``xs`` is None; checked otherwise).
      reverse: scan from the end (ys keep their positions).
      unroll: body steps per loop iteration (True: fully unrolled).

    Returns:
      ``(final carry, stacked ys)``.

    Example:
        >>> lax.scan(lambda c, x: (c + x, c * x), 0.0, fnp.arange(5.0))
    """
    x_leaves, x_tree = tree_flatten(xs)
    length = _scan_length(x_leaves, xs, length)
    unroll = length if unroll is True else 1 if unroll is False else int(unroll)
    if unroll < 1:
        raise ValueError(f"[scan] unroll must be a positive integer or a bool, got {unroll}")
    c_leaves, c_tree, c_avals = _leaves_avals(init, "scan")
    x_avals = [aval_of(x, "scan") for x in x_leaves]
    x_avals = [ShapedArray(a.shape[1:], a.dtype, a.weak_type) for a in x_avals]
    in_tree = tree_flatten((init, xs))[1]
    paths = [keystr(p) for p, _ in tree_flatten_with_path(init)[0]]
    nk = len(c_leaves)
    body, consts, y_tree, c_avals = _trace_body(
        "scan", f, nk, in_tree, [*c_avals, *x_avals], c_tree, paths, _pair)
    outs = bind(scan_p, *consts, *_as_avals(c_leaves, c_avals), *x_leaves, jaxpr=body,
                length=length, reverse=bool(reverse), unroll=unroll, num_consts=len(consts),
                num_carry=nk)
    return tree_unflatten(c_tree, outs[:nk]), tree_unflatten(y_tree, outs[nk:])


def _pair(out):
    if not isinstance(out, tuple | list) or len(out) != 2:
        raise TypeError(f"[scan] the body function must return a pair (carry, y), got "
                        f"{type(out).__name__}")
    return out[0], out[1]


def _scan_length(x_leaves, xs, length):
    lengths = []
    for path, x in tree_flatten_with_path(xs)[0]:
        a = aval_of(x, "scan")
        if a.shape == ():
            raise ValueError(f"[scan] xs{keystr(path)} is a scalar ({a.str_short()}); every "
                             "xs leaf needs a leading axis to scan over")
        lengths.append((keystr(path), a))
    found = {a.shape[0] for _, a in lengths}
    if len(found) > 1:
        desc = ", ".join(f"xs{p} {a.str_short()}" for p, a in lengths)
        raise ValueError(f"[scan] xs leaves have different leading lengths: {desc}; they "
                         "must all have the scan length as their first axis")
    if length is not None:
        length = int(length)
        if found and found != {length}:
            raise ValueError(f"[scan] length={length} disagrees with the xs leading length "
                             f"{found.pop()}")
        return length
    if not found:
        raise ValueError("[scan] got no xs to scan over and no length; pass length=N")
    return found.pop()


def map(f: Callable, xs, *, batch_size: int | None = None):  # noqa: A001 (jax.lax name)
    """``f`` applied to each slice of ``xs`` along its leading axis, stacked
    (``jax.lax.map``): a scan without carry.

    Args:
      f: a function of one slice (a pytree).
      xs: a pytree of arrays with a common leading length.
      batch_size: if given, ``f`` is vmapped over batches of this many slices.

    Returns:
      The stacked outputs.

    Example:
        >>> lax.map(lambda x: x @ x, fnp.ones((4, 3)))
    """
    if batch_size is None:
        return scan(lambda c, x: (c, f(x)), (), xs)[1]
    from ._vmap_api import vmap
    leaves, tree = tree_flatten(xs)
    n = _scan_length(leaves, xs, None)
    bs = int(batch_size)
    nb, rem = divmod(n, bs)

    def batches(x):
        return _lax.reshape(_lax.slice_in_dim(x, 0, nb * bs), (nb, bs, *x.shape[1:]))

    out = None
    if nb:
        ys = scan(lambda c, x: (c, vmap(f)(x)), (), tree_unflatten(tree, [batches(x)
                                                                           for x in leaves]))[1]
        y_leaves, y_tree = tree_flatten(ys)
        out = [_lax.reshape(y, (nb * bs, *y.shape[2:])) for y in y_leaves]
    if rem:
        tail = vmap(f)(tree_unflatten(tree, [_lax.slice_in_dim(x, nb * bs, n) for x in leaves]))
        t_leaves, y_tree = tree_flatten(tail)
        out = t_leaves if out is None else [_lax.concatenate([a, b], 0)
                                            for a, b in zip(out, t_leaves, strict=True)]
    return tree_unflatten(y_tree, out)


# ---- associative_scan --------------------------------------------------------------------

def associative_scan(fn: Callable, elems, reverse: bool = False, axis: int = 0):
    """Inclusive prefix scan with an associative ``fn`` in O(log n) parallel steps
    (``jax.lax.associative_scan``).

    Args:
      fn: an associative binary function of two pytrees shaped like ``elems`` (sliced
        along ``axis``), applied elementwise (vectorized).
      elems: a pytree of arrays sharing the length of ``axis``.
      reverse: scan from the end.
      axis: the axis to scan along.

    Returns:
      A pytree like ``elems``: ``out[i] = fn(...fn(elems[0], elems[1])..., elems[i])``.

    Example:
        >>> lax.associative_scan(lax.add, fnp.arange(5.0))  # cumulative sum
    """
    leaves, tree = tree_flatten(elems)
    if not leaves:
        return elems
    ndim = len(_ops.aval(leaves[0]).shape)
    axis = int(axis) % ndim if ndim else 0
    sizes = {_ops.aval(x).shape[axis] if _ops.aval(x).shape else None for x in leaves}
    if len(sizes) != 1 or None in sizes:
        raise ValueError(f"[associative_scan] every element must have the same length along "
                         f"axis {axis}, got shapes {[_ops.aval(x).shape for x in leaves]}")

    def combine(a, b):
        out = tree_flatten(fn(tree_unflatten(tree, a), tree_unflatten(tree, b)))[0]
        if len(out) != len(a):
            raise TypeError("[associative_scan] fn must return a pytree like its inputs")
        return out

    if reverse:
        leaves = [_lax.rev(x, (axis,)) for x in leaves]
    out = _prefix(combine, leaves, axis)
    if reverse:
        out = [_lax.rev(x, (axis,)) for x in out]
    return tree_unflatten(tree, out)


def _prefix(combine, elems, axis):
    n = _ops.aval(elems[0]).shape[axis]
    if n < 2:
        return elems

    def sl(xs, start, stop=None, step=1):
        return [_lax.slice_in_dim(x, start, n if stop is None else stop, step, axis)
                for x in xs]

    pairs = combine(sl(elems, 0, n - 1, 2), sl(elems, 1, None, 2))
    odd = _prefix(combine, pairs, axis)
    if n % 2 == 0:
        even = combine(sl(odd, 0, _ops.aval(odd[0]).shape[axis] - 1), sl(elems, 2, None, 2))
    else:
        even = combine(odd, sl(elems, 2, None, 2))
    even = [_lax.concatenate([x0, e], axis) for x0, e in zip(sl(elems, 0, 1), even,
                                                             strict=True)]
    return [_interleave(e, o, axis) for e, o in zip(even, odd, strict=True)]


def _interleave(a, b, axis):
    """``a[0], b[0], a[1], b[1], ...`` along ``axis`` (``a`` as long as ``b`` or one more)."""
    sa, sb = _ops.aval(a).shape, _ops.aval(b).shape
    n = sa[axis] + sb[axis]
    zero = _ops.scalar(0, _ops.aval(a).dtype)

    def config(low, length):
        return [(low, n - low - (2 * length - 1), 1) if d == axis else (0, 0, 0)
                for d in range(len(sa))]

    pa = _lax.pad(a, zero, config(0, sa[axis]))
    pb = _lax.pad(b, zero, config(1, sb[axis]))
    if _ops.aval(a).dtype == dtypes.bool_:
        return _lax.bitwise_or(pa, pb)
    return _lax.add(pa, pb)
