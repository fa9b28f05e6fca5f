"""Gradient checking against central finite differences (``jax.test_util.check_grads``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from ._autodiff_api import jvp, vjp
from .core import dtypes
from .tree_util import tree_flatten, tree_map, tree_unflatten

# Per dtype (the widest argument's wins): 64-bit types get tight checks (and the
# finite-difference step JAX uses), so third derivatives are checked in float64.
_DEFAULT_TOL = {np.dtype(np.float32): 2e-2, np.dtype(np.float16): 1e-1,
                dtypes.bfloat16: 1e-1, np.dtype(np.float64): 1e-5,
                np.dtype(np.complex64): 2e-2, np.dtype(np.complex128): 1e-5}
_DEFAULT_EPS = {np.dtype(np.float32): 1e-3, np.dtype(np.float16): 1e-2,
                dtypes.bfloat16: 1e-2, np.dtype(np.float64): 1e-4,
                np.dtype(np.complex64): 1e-3, np.dtype(np.complex128): 1e-4}


def _np(x) -> np.ndarray:
    return np.asarray(x)


def _is_float(x) -> bool:
    return dtypes.is_inexact(np.asarray(x).dtype)


def _wide(x) -> np.ndarray:
    """``x`` in float64 (complex128 when complex), for finite differences."""
    x = _np(x)
    return x.astype(np.complex128 if x.dtype.kind == "c" else np.float64)


def _rand_like(rng, x):
    a = _np(x)
    if not _is_float(a):
        return np.zeros(a.shape, dtypes.float0)
    if a.dtype.kind == "c":
        return (rng.standard_normal(a.shape) + 1j * rng.standard_normal(a.shape)).astype(a.dtype)
    return rng.standard_normal(a.shape).astype(a.dtype)


def _conj(tree):
    def leaf(x):
        a = _np(x)
        return np.conj(a) if a.dtype.kind == "c" else x
    return tree_map(leaf, tree)


def _inner(xs, ys) -> float:
    total = 0.0
    for x, y in zip(tree_flatten(xs)[0], tree_flatten(ys)[0], strict=True):
        x, y = _np(x), _np(y)
        if x.dtype == dtypes.float0 or y.dtype == dtypes.float0:
            continue
        total += float(np.real(np.sum(np.conj(_wide(x)) * _wide(y))))
    return total


def _axpy(a, t, x):
    def leaf(ti, xi):
        xi = _np(xi)
        if _np(ti).dtype == dtypes.float0:
            return xi
        return (_wide(xi) + a * _wide(ti)).astype(xi.dtype)
    return tree_map(leaf, t, x)


def numerical_jvp(f: Callable, primals: Sequence, tangents: Sequence, eps: float):
    """``(f(x + eps t) - f(x - eps t)) / (2 eps)``, leafwise, in float64."""
    plus = f(*_axpy(eps, tangents, primals))
    minus = f(*_axpy(-eps, tangents, primals))
    return tree_map(lambda p, m: (_wide(p) - _wide(m)) / (2 * eps), plus, minus)


def _tol(args, given, table, default):
    if given is not None:
        return given
    floats = [_np(x).dtype for x in tree_flatten(args)[0] if _is_float(x)]
    return max((table.get(d, default) for d in floats), default=default)


def _assert_close(got, want, atol, rtol, what):
    g_leaves, w_leaves = tree_flatten(got)[0], tree_flatten(want)[0]
    for g, w in zip(g_leaves, w_leaves, strict=True):
        g, w = _np(g), _np(w)
        if g.dtype == dtypes.float0:
            continue
        np.testing.assert_allclose(_wide(g), _wide(w), atol=atol, rtol=rtol,
                                   err_msg=f"[check_grads] {what} mismatch")


def check_jvp(f: Callable, args: Sequence, atol=None, rtol=None, eps=None, seed=0) -> None:
    """jvp of ``f`` at ``args`` along a random tangent == central differences."""
    rng = np.random.default_rng(seed)
    tangents = tree_map(lambda x: _rand_like(rng, x), tuple(args))
    _, t_out = jvp(f, tuple(args), tangents)
    eps = _tol(args, eps, _DEFAULT_EPS, 1e-3)
    fd = numerical_jvp(f, args, tangents, eps)
    _assert_close(t_out, fd, _tol(args, atol, _DEFAULT_TOL, 2e-2),
                  _tol(args, rtol, _DEFAULT_TOL, 2e-2), "jvp vs finite differences")


def check_vjp(f: Callable, args: Sequence, atol=None, rtol=None, eps=None, seed=0) -> None:
    """The transpose identity ``<ct, J t> == <J^T ct, t>`` and ``J t`` against finite
    differences."""
    rng = np.random.default_rng(seed + 1)
    y, pullback = vjp(f, *args)
    ct = tree_map(lambda x: _rand_like(rng, x), y)
    tangents = tree_map(lambda x: _rand_like(rng, x), tuple(args))
    eps = _tol(args, eps, _DEFAULT_EPS, 1e-3)
    fd = numerical_jvp(f, args, tangents, eps)
    # Complex values: <fd, ct> == <t, conj(pullback(conj(ct)))> (JAX's convention: the
    # pullback is a transpose, not an adjoint); for real values conj is the identity.
    lhs = _inner(fd, ct)
    rhs = _inner(tangents, _conj(pullback(_conj(ct))))
    tol = _tol(args, atol, _DEFAULT_TOL, 2e-2)
    scale = max(1.0, abs(lhs), abs(rhs))
    if abs(lhs - rhs) > tol * scale:
        raise AssertionError(f"[check_grads] vjp mismatch: <ct, J t> = {lhs} (finite "
                             f"differences) but <J^T ct, t> = {rhs}")


def check_grads(f: Callable, args: Sequence, order: int, modes=("fwd", "rev"), atol=None,
                rtol=None, eps=None) -> None:
    """Check derivatives of ``f`` up to ``order`` against central finite differences.

    Args:
      f: function of arrays.
      args: tuple of arguments.
      order: highest derivative order to check (>= 1).
      modes: ``"fwd"`` (jvp), ``"rev"`` (vjp), or both.
      atol, rtol, eps: tolerances and finite-difference step (defaults by dtype).

    Raises:
      AssertionError: when a derivative disagrees with finite differences.

    Example:
        >>> check_grads(fnp.sin, (1.0,), order=2)
    """
    args = tuple(args)
    rng = np.random.default_rng(42)
    for mode in modes:
        if mode not in ("fwd", "rev"):
            raise ValueError(f"[check_grads] unknown mode {mode!r}; use 'fwd' or 'rev'")
        if mode == "fwd":
            check_jvp(f, args, atol, rtol, eps)
            if order > 1:
                t = tree_map(lambda x: _rand_like(rng, x), args)
                check_grads(lambda *a: jvp(f, a, t)[1], args, order - 1, ("fwd",), atol,
                            rtol, eps)
        else:
            check_vjp(f, args, atol, rtol, eps)
            if order > 1:
                ct = tree_map(lambda x: _rand_like(rng, x), f(*args))
                floats = [_is_float(a) for a in tree_flatten(args)[0]]

                def pullback(*a):
                    cts = tree_flatten(vjp(f, *a)[1](ct))[0]
                    return [c for c, fl in zip(cts, floats, strict=True) if fl]
                check_grads(pullback, args, order - 1, ("rev",), atol, rtol, eps)


__all__ = ["check_grads", "check_jvp", "check_vjp", "numerical_jvp", "tree_unflatten"]
