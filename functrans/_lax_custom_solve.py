"""``lax.custom_linear_solve`` and ``lax.custom_root`` (re-exported by ``functrans.lax``).

The wrappers flatten pytrees, closure-convert the user's functions (every value they
close over becomes an explicit operand) and bind ``custom_linear_solve_p``
(``higher_order/custom_solve.py``), or call a ``custom_jvp`` whose rule is the implicit
function theorem (``custom_root``).
"""

from __future__ import annotations

from collections.abc import Callable

from .core.array import Array, as_numpy, aval_of
from .core.trace import Tracer, bind
from .higher_order._jaxpr_util import trace_closed, with_unused_invars
from .higher_order.custom_derivatives import custom_jvp
from .higher_order.custom_solve import custom_linear_solve_p
from .interpreters.jvp import Zero, instantiate, jvp_flat
from .interpreters.staging import eval_closed
from .interpreters.transpose import transpose_jaxpr
from .primitives import _ops
from .tree_util import tree_flatten, tree_unflatten

__all__ = ["custom_linear_solve", "custom_root"]


def _leaves(tree, api: str):
    leaves, treedef = tree_flatten(tree)
    return [_as_leaf(x, api) for x in leaves], treedef


def _flat(fn: Callable, treedef, avals, api: str, what: str):
    """``fn`` over flat leaves, checking it maps ``treedef``/``avals`` to the same."""
    def flat(*xs):
        out_leaves, out_tree = tree_flatten(fn(tree_unflatten(treedef, list(xs))))
        if out_tree != treedef:
            raise TypeError(f"[{api}] {what} must return the structure of its input "
                            f"{treedef}, got {out_tree}")
        for o, a in zip(out_leaves, avals, strict=True):
            oa = aval_of(o) if not isinstance(o, Tracer) else o.aval
            if oa.shape != a.shape:
                raise TypeError(f"[{api}] {what} must return shapes equal to its input's: "
                                f"got {oa.str_short()} for {a.str_short()}")
        return out_leaves
    return flat


def _as_fun(closed, consts, treedef):
    def fn(x):
        return tree_unflatten(treedef, eval_closed(closed, *consts, *tree_flatten(x)[0]))
    return fn


def custom_linear_solve(matvec: Callable, b, solve: Callable,
                        transpose_solve: Callable | None = None, symmetric: bool = False,
                        has_aux: bool = False):
    """``x = solve(matvec, b)`` differentiated implicitly, as ``jax.lax.custom_linear_solve``.

    Derivatives never go through ``solve``'s iterations: the tangent is
    ``solve(matvec, b_dot - matvec_dot(x))``, and reverse mode uses ``transpose_solve``
    on the transposed ``matvec``.

    Args:
      matvec: the linear map ``A`` (a function of a pytree like ``b``).
      b: the right-hand side (a pytree of arrays).
      solve: ``solve(matvec, b) -> x`` with ``matvec(x) == b``.
      transpose_solve: ``transpose_solve(vecmat, b) -> x`` for ``A^T``; needed by reverse
        mode unless ``symmetric``.
      symmetric: ``A == A^T`` (``solve`` serves as ``transpose_solve``).
      has_aux: not supported.
    Returns:
      ``x``, structured like ``b``.
    Example:
      ``lax.custom_linear_solve(lambda v: a @ v, b, lambda mv, r: fnp.linalg.solve(a, r),
      symmetric=True)``
    """
    if has_aux:
        raise NotImplementedError("[custom_linear_solve] has_aux=True is not supported; "
                                  "return only the solution from solve")
    api = "custom_linear_solve"
    leaves, treedef = _leaves(b, api)
    avals = [_ops.aval(x).strip_weak_type() for x in leaves]
    mv, mv_c, _ = trace_closed(_flat(matvec, treedef, avals, api, "matvec"), avals, api)
    sv, sv_c, _ = trace_closed(_flat(lambda r: solve(matvec, r), treedef, avals, api,
                                     "solve"), avals, api)
    if symmetric:
        transpose_solve = solve
    ts, ts_c = None, []
    if transpose_solve is not None:
        vt = transpose_jaxpr(mv, (False,) * len(mv_c) + (True,) * len(leaves))
        vecmat = _as_fun(vt, mv_c, treedef)
        ts, ts_c, _ = trace_closed(_flat(lambda r: transpose_solve(vecmat, r), treedef, avals,
                                         api, "transpose_solve"), avals, api)
    consts = [*mv_c, *sv_c, *ts_c]
    c_avals = [_ops.aval(c) for c in consts]
    n1, n2 = len(mv_c), len(mv_c) + len(sv_c)
    mv = with_unused_invars(mv, c_avals[n1:], n1)
    sv = with_unused_invars(with_unused_invars(sv, c_avals[:n1], 0), c_avals[n2:], n2)
    if ts is not None:
        ts = with_unused_invars(ts, c_avals[:n2], 0)
    outs = bind(custom_linear_solve_p, *consts, *leaves, matvec=mv,
                vecmat=mv if symmetric else None, solve=sv,
                transpose_solve=sv if symmetric else ts, num_consts=len(consts))
    return tree_unflatten(treedef, outs)


def _as_leaf(t, api: str):
    return t if isinstance(t, Tracer | Array) else _ops.constant(as_numpy(t, api))


def _linearized(f_closed, consts, x_flat, treedef, avals):
    """``v -> df/dx (x) v`` at the solution, checking ``v``'s shapes."""
    def linear_f(v):
        v_flat = [_as_leaf(t, "custom_root") for t in tree_flatten(v)[0]]
        got = [_ops.aval(t) for t in v_flat]
        if [g.shape for g in got] != [a.shape for a in avals]:
            want = ", ".join(a.str_short() for a in avals)
            raise TypeError(f"[custom_root] tangent_solve called the linearized function on "
                            f"({', '.join(g.str_short() for g in got)}); it takes the "
                            f"solution's shapes ({want})")
        _, t = jvp_flat(lambda *xs: eval_closed(f_closed, *consts, *xs), x_flat, v_flat)
        return tree_unflatten(treedef, [_ops.zeros_aval(a) if isinstance(d, Zero) else d
                                        for d, a in zip(t, avals, strict=True)])
    return linear_f


def custom_root(f: Callable, initial_guess, solve: Callable, tangent_solve: Callable,
                has_aux: bool = False):
    """A root of ``f`` found by ``solve``, differentiated implicitly (``jax.lax.custom_root``).

    The tangent of the solution ``x*`` in what ``f`` closes over is
    ``-tangent_solve(df/dx at x*, df/dparams . dparams)``; ``solve`` is never differentiated
    and ``initial_guess`` gets no derivative.

    Args:
      f: the function whose root is sought (pytree to the same pytree).
      initial_guess: the starting point (a pytree of arrays).
      solve: ``solve(f, initial_guess) -> x*`` (``-> (x*, aux)`` with ``has_aux``).
      tangent_solve: ``tangent_solve(g, y) -> x`` with ``g(x) == y`` for the linear ``g``
        (e.g. ``lambda g, y: y / g(1.0)`` for scalars).
      has_aux: ``solve`` also returns auxiliary data (not differentiated).
    Returns:
      ``x*`` (and ``aux`` with ``has_aux``).
    Example:
      ``lax.custom_root(lambda x: x**2 - a, 1.0, newton, lambda g, y: y / g(1.0))``
    """
    api = "custom_root"
    leaves, treedef = _leaves(initial_guess, api)
    avals = [_ops.aval(x).strip_weak_type() for x in leaves]
    f_closed, f_consts, _ = trace_closed(_flat(f, treedef, avals, api, "f"), avals, api)

    @custom_jvp
    def root(consts, guess):
        return solve(_as_fun(f_closed, consts, treedef), guess)

    @root.defjvp
    def root_jvp(primals, tangents):
        consts, guess = primals
        out = root(consts, guess)
        x = out[0] if has_aux else out
        x_flat = tree_flatten(x)[0]
        _, f_dot = jvp_flat(lambda *cs: eval_closed(f_closed, *cs, *x_flat), list(consts),
                            list(tangents[0]))
        rhs = tree_unflatten(treedef, [_ops.neg(instantiate(t)) for t in f_dot])

        linear_f = _linearized(f_closed, consts, x_flat, treedef, avals)
        x_dot = tangent_solve(linear_f, rhs)
        if has_aux:
            aux_leaves, aux_tree = tree_flatten(out[1])
            return out, (x_dot, tree_unflatten(aux_tree, [_ops.zeros_like(a)
                                                          for a in aux_leaves]))
        return out, x_dot

    return root(tuple(f_consts), tree_unflatten(treedef, leaves))
