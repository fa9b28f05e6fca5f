"""Public automatic differentiation: jvp, linearize, vjp, grad, value_and_grad,
linear_transpose, hvp, jacfwd, jacrev, hessian.

Forward mode runs the jvp interpreter; reverse mode linearizes (partial evaluation of
the jvp) and transposes the linear jaxpr. All of them nest with each other and with
jit and vmap.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

import numpy as np

from .core import dtypes
from .core.array import Array, as_numpy, aval_of
from .core.ir import ShapedArray
from .core.trace import Tracer
from .interpreters.jvp import Zero, float0_zeros, is_differentiable, jvp_flat
from .interpreters.linearize import LinearJaxpr, eval_linear, linearize_flat
from .interpreters.staging import stage
from .interpreters.transpose import UndefinedPrimal, backward_pass
from .primitives import _ops
from .tree_util import register_pytree_node, tree_flatten, tree_unflatten

# ---- helpers --------------------------------------------------------------------------

def _as_value(x, api: str):
    if isinstance(x, (Tracer, Array)):
        return x
    if isinstance(x, np.ndarray) and x.dtype == dtypes.float0:
        return x
    return Array(as_numpy(x, api), aval_of(x, api))


def _aval(x) -> ShapedArray:
    if isinstance(x, np.ndarray) and x.dtype == dtypes.float0:
        return ShapedArray(x.shape, dtypes.float0)
    return _ops.aval(x)


def _split_aux(out, api: str):
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise TypeError(f"[{api}] has_aux=True requires the function to return a pair "
                        f"(output, aux), but it returned {type(out).__name__}"
                        f"{'' if not isinstance(out, (tuple, list)) else f' of length {len(out)}'}")
    return out[0], out[1]


def _flat_fun(fun: Callable, in_tree, store: dict, has_aux: bool, api: str) -> Callable:
    """``fun`` over pytrees as a function of flat leaves: returns out leaves + aux leaves."""
    def flat(*leaves):
        out = fun(*tree_unflatten(in_tree, leaves))
        aux_leaves = []
        if has_aux:
            out, aux = _split_aux(out, api)
            aux_leaves, store["aux_tree"] = tree_flatten(aux)
        out_leaves, store["out_tree"] = tree_flatten(out)
        for leaf in out_leaves:
            if not isinstance(leaf, Tracer):
                aval_of(leaf, f"{api}: output")
        store["n_out"] = len(out_leaves)
        return [*out_leaves, *aux_leaves]
    return flat


def _zeros_tangent(aval: ShapedArray):
    if not is_differentiable(aval):
        return float0_zeros(aval)
    return _ops.zeros_aval(aval.strip_weak_type())


def _materialize(t, aval: ShapedArray):
    if isinstance(t, Zero) or t is None or not is_differentiable(aval):
        return _zeros_tangent(aval)
    return t


def _keep_weak(ct, aval: ShapedArray):
    """A cotangent for a weakly typed primal (a Python scalar) is weakly typed, as in JAX."""
    if aval.weak_type and _aval(ct).dtype == aval.dtype and not _aval(ct).weak_type:
        return _ops.convert(ct, aval.dtype, weak_type=True)
    return ct


def _aux_out(store: dict, aux_leaves):
    return tree_unflatten(store["aux_tree"], aux_leaves)


# ---- forward mode ---------------------------------------------------------------------

def _check_tangent(p, t, i: int, api: str):
    pa, ta = _aval(p), _aval(t)
    if pa.shape != ta.shape:
        raise ValueError(f"[{api}] primal and tangent arguments must have equal shapes; "
                         f"argument {i} has primal shape {pa.shape} and tangent shape "
                         f"{ta.shape}")
    want = pa.dtype if is_differentiable(pa) else dtypes.float0
    if ta.dtype != want:
        raise TypeError(f"[{api}] primal and tangent dtypes do not match for argument {i}: "
                        f"primal {pa.str_short()} expects a tangent of dtype "
                        f"{dtypes.short_name(want)}, got {dtypes.short_name(ta.dtype)} (int and "
                        "bool primals take float0 tangents, e.g. "
                        "np.zeros(shape, jax.dtypes.float0))")
    return Zero(pa) if want == dtypes.float0 else t


def jvp(fun: Callable, primals: Sequence, tangents: Sequence, has_aux: bool = False):
    """Jacobian-vector product of ``fun`` at ``primals`` along ``tangents`` (``jax.jvp``).

    Args:
      fun: function of arrays (pytrees) to differentiate.
      primals: tuple/list of the arguments.
      tangents: tuple/list of the same structure, shapes and dtypes (float0 for ints).
      has_aux: ``fun`` returns ``(output, aux)``; aux is returned undifferentiated.

    Returns:
      ``(primals_out, tangents_out)`` (and ``aux`` when ``has_aux``).

    Example:
        >>> jvp(fnp.sin, (0.0,), (1.0,))
        (Array(0., dtype=float32), Array(1., dtype=float32))
    """
    for name, v in (("primal", primals), ("tangent", tangents)):
        if not isinstance(v, (tuple, list)):
            raise TypeError(f"[jvp] {name} arguments must be a tuple or list, got "
                            f"{type(v).__name__}; write jvp(f, (x,), (t,))")
    p_leaves, in_tree = tree_flatten(tuple(primals))
    t_leaves, t_tree = tree_flatten(tuple(tangents))
    if in_tree != t_tree:
        raise TypeError(f"[jvp] primal and tangent arguments must have the same tree "
                        f"structure; got {in_tree} and {t_tree}")
    p_leaves = [_as_value(p, "jvp") for p in p_leaves]
    t_leaves = [_check_tangent(p, _as_value(t, "jvp"), i, "jvp")
                for i, (p, t) in enumerate(zip(p_leaves, t_leaves, strict=True))]
    store: dict = {}
    outs, touts = jvp_flat(_flat_fun(fun, in_tree, store, has_aux, "jvp"), p_leaves, t_leaves)
    n = store["n_out"]
    touts = [_materialize(t, _aval(o)) for o, t in zip(outs[:n], touts[:n], strict=True)]
    result = (tree_unflatten(store["out_tree"], outs[:n]),
              tree_unflatten(store["out_tree"], touts))
    return (*result, _aux_out(store, outs[n:])) if has_aux else result


def linearize(fun: Callable, *primals, has_aux: bool = False):
    """``fun``'s value and its linear approximation at ``primals`` (``jax.linearize``).

    Returns:
      ``(primals_out, f_jvp)`` where ``f_jvp(*tangents)`` evaluates the staged linear map
      (and ``aux`` when ``has_aux``).

    Example:
        >>> y, f_jvp = linearize(fnp.sin, 1.0); f_jvp(2.0)  # 2 cos(1)
    """
    p_leaves, in_tree = tree_flatten(primals)
    p_leaves = [_as_value(p, "linearize") for p in p_leaves]
    store: dict = {}
    flat = _flat_fun(fun, in_tree, store, has_aux, "linearize")
    outs, linear, aux = linearize_flat(flat, p_leaves, lambda: store["n_out"])

    def f_jvp(*tangents):
        t_leaves, t_tree = tree_flatten(tangents)
        if t_tree != in_tree:
            raise TypeError(f"[linearize] f_jvp expects tangents of structure {in_tree}, got "
                            f"{t_tree}")
        ts = [_check_tangent(p, _as_value(t, "linearize"), i, "linearize")
              for i, (p, t) in enumerate(zip(p_leaves, t_leaves, strict=True))]
        ts = [_ops.convert(t, a.dtype) if not isinstance(t, Zero) else _ops.zeros_aval(a)
              for t, a, d in zip(ts, linear.in_avals, linear.in_diff, strict=True) if d]
        it = iter(eval_linear(linear, ts))
        res = [next(it) if d else _zeros_tangent(a)
               for a, d in zip(linear.out_avals, linear.out_diff, strict=True)]
        return tree_unflatten(store["out_tree"], res)

    out = tree_unflatten(store["out_tree"], outs)
    return (out, f_jvp, _aux_out(store, aux)) if has_aux else (out, f_jvp)


# ---- reverse mode ---------------------------------------------------------------------

def vjp(fun: Callable, *primals, has_aux: bool = False):
    """``fun``'s value and its pullback at ``primals`` (``jax.vjp``).

    Returns:
      ``(primals_out, vjp_fun)``; ``vjp_fun(ct)`` takes a cotangent shaped like the output
      and returns a tuple of cotangents, one per primal (and ``aux`` when ``has_aux``).

    Example:
        >>> y, pullback = vjp(fnp.sin, 0.0); pullback(1.0)
        (Array(1., dtype=float32),)
    """
    p_leaves, in_tree = tree_flatten(primals)
    p_leaves = [_as_value(p, "vjp") for p in p_leaves]
    store: dict = {}
    flat = _flat_fun(fun, in_tree, store, has_aux, "vjp")
    outs, linear, aux = linearize_flat(flat, p_leaves, lambda: store["n_out"])
    out_tree = store["out_tree"]
    vjp_fun = Pullback(linear, in_tree, out_tree)
    out = tree_unflatten(out_tree, outs)
    return (out, vjp_fun, _aux_out(store, aux)) if has_aux else (out, vjp_fun)


class Pullback:
    """The function ``vjp`` returns: ``pullback(ct)`` maps an output cotangent to the
    inputs' cotangents. Like the ``tree_util.Partial`` that ``jax.vjp`` returns, it is a
    pytree whose leaves are the residuals, so ``jit`` and ``make_jaxpr`` can return it."""

    def __init__(self, linear: LinearJaxpr, in_tree, out_tree):
        self.linear, self.in_tree, self.out_tree = linear, in_tree, out_tree

    def __call__(self, ct):
        linear = self.linear
        cts = _check_cotangent(ct, self.out_tree, linear.out_avals)
        cts = [c for c, d in zip(cts, linear.out_diff, strict=True) if d]
        args = [UndefinedPrimal(a.strip_weak_type())
                for a, d in zip(linear.in_avals, linear.in_diff, strict=True) if d]
        it = iter(backward_pass(linear.jaxpr, linear.consts, args, cts))
        res = [_keep_weak(_materialize(next(it), a), a) if d else _zeros_tangent(a)
               for a, d in zip(linear.in_avals, linear.in_diff, strict=True)]
        return tree_unflatten(self.in_tree, res)


def _pullback_unflatten(aux, consts) -> Pullback:
    lin, in_tree, out_tree = aux
    linear = LinearJaxpr(lin.jaxpr, list(consts), lin.in_diff, lin.out_diff, lin.in_avals,
                         lin.out_avals)
    return Pullback(linear, in_tree, out_tree)


register_pytree_node(Pullback, lambda p: (p.linear.consts, (p.linear, p.in_tree, p.out_tree)),
                     _pullback_unflatten)


def _check_cotangent(ct, out_tree, out_avals) -> list:
    leaves, tree = tree_flatten(ct)
    if tree != out_tree:
        raise TypeError(f"[vjp] the cotangent must have the structure of the output, "
                        f"{out_tree}, got {tree}")
    res = []
    for i, (c, a) in enumerate(zip(leaves, out_avals, strict=True)):
        if isinstance(c, (bool, int, float, complex)) and is_differentiable(a):
            c = _ops.full(a.shape, c, a.dtype) if a.shape else _ops.scalar(c, a.dtype)
        c = _as_value(c, "vjp")
        ca = _aval(c)
        want = a.dtype if is_differentiable(a) else dtypes.float0
        if ca.shape != a.shape or ca.dtype != want:
            raise TypeError(f"[vjp] cotangent {i} has shape/dtype {ca.str_short()}, but the "
                            f"output is {a.str_short()}: the cotangent must match it "
                            f"(dtype {dtypes.short_name(want)})")
        res.append(c)
    return res


def _argnums_tuple(argnums, nargs: int, api: str) -> tuple[int, ...]:
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    for n in nums:
        if not isinstance(n, int) or not -nargs <= n < nargs:
            raise ValueError(f"[{api}] argnums={argnums!r} is out of range for a function "
                             f"called with {nargs} positional argument(s)")
    return tuple(n % nargs for n in nums)


def _partial(fun, args, kwargs, nums):
    def f_part(*dyn):
        full = list(args)
        for i, a in zip(nums, dyn, strict=True):
            full[i] = a
        return fun(*full, **kwargs)
    return f_part


def _differentiated_args(args, argnums, api, holomorphic: bool = False
                         ) -> tuple[tuple[int, ...], tuple]:
    """``(argnums as a tuple, the arguments they select)``, checked to be float pytrees
    (complex ones with ``holomorphic``; never complex for non-holomorphic jacfwd)."""
    nums = _argnums_tuple(argnums, len(args), api)
    dyn = tuple(args[i] for i in nums)
    _check_grad_inputs(dyn, nums, api)
    if holomorphic or api == "jacfwd":
        _check_complex_inputs(dyn, api, holomorphic)
    return nums, dyn


def _check_complex_inputs(dyn, api: str, holomorphic: bool) -> None:
    for leaf in tree_flatten(dyn)[0]:
        dt = _aval(leaf).dtype
        if holomorphic and dt.kind != "c":
            raise TypeError(f"[{api}] with holomorphic=True requires inputs with complex "
                            f"dtype, but got {dt.name}; convert them with "
                            "x.astype(functrans.numpy.complex64)")
        if not holomorphic and dt.kind == "c":
            raise TypeError(f"[{api}] requires real-valued inputs (a float dtype), but got "
                            f"{dt.name}. For holomorphic differentiation, pass "
                            "holomorphic=True. For differentiation of non-holomorphic "
                            "functions involving complex inputs, use jvp directly.")


def _check_complex_output(a: ShapedArray, api: str, holomorphic: bool) -> None:
    """JAX's rules for complex outputs of reverse-mode derivatives."""
    if holomorphic and a.dtype.kind != "c":
        raise TypeError(f"[{api}] with holomorphic=True requires outputs with complex dtype, "
                        f"but got {a.dtype.name}")
    if not holomorphic and a.dtype.kind == "c" and api != "jacfwd":
        raise TypeError(f"[{api}] requires real-valued outputs (a float dtype), but got "
                        f"{a.dtype.name}. For holomorphic differentiation, pass "
                        "holomorphic=True. For differentiation of non-holomorphic functions "
                        "involving complex outputs, use vjp directly.")


def _check_grad_inputs(dyn, nums, api):
    for i, arg in zip(nums, dyn, strict=True):
        for leaf in tree_flatten(arg)[0]:
            a = _aval(leaf)
            if not dtypes.is_inexact(a.dtype):
                raise TypeError(f"[{api}] requires real- or complex-valued inputs (a float "
                                f"dtype), but argument {i} has dtype {a.dtype} "
                                f"({a.str_short()}); to differentiate with respect to "
                                "integers use vjp (float0 cotangents), or convert the "
                                "argument to a float dtype")


def value_and_grad(fun: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False,
                   holomorphic: bool = False) -> Callable:
    """``fun``'s value and gradient (``jax.value_and_grad``).

    Args:
      fun: scalar-output function of arrays (pytrees). A real output of complex inputs
        gets JAX's cotangent convention (``grad(lambda z: abs(z)**2)(z) == 2*conj(z)``).
      argnums: which positional argument(s) to differentiate (int or tuple).
      has_aux: ``fun`` returns ``(value, aux)``.
      holomorphic: ``fun`` is holomorphic (complex in, complex out): the gradient is
        ``f'(z)``.

    Returns:
      A function returning ``(value, grad)`` or ``((value, aux), grad)``; ``grad`` has the
      structure of the argument (a tuple of them when ``argnums`` is a tuple).

    Example:
        >>> value_and_grad(lambda x: (x ** 2).sum())(fnp.ones(2))
        (Array(2., dtype=float32), Array([2., 2.], dtype=float32))
    """
    api = "grad"

    @functools.wraps(fun)
    def vg(*args, **kwargs):
        nums, dyn = _differentiated_args(args, argnums, api, holomorphic)
        res = vjp(_partial(fun, args, kwargs, nums), *dyn, has_aux=has_aux)
        out, pullback = res[0], res[1]
        a = _check_scalar_output(out, api)
        _check_complex_output(a, api, holomorphic)
        g = pullback(Array(np.ones((), a.dtype), a))  # weak when the output is (as JAX)
        g = g[0] if isinstance(argnums, int) else g
        return ((out, res[2]), g) if has_aux else (out, g)
    return vg


def _check_scalar_output(out, api: str) -> ShapedArray:
    leaves, tree = tree_flatten(out)
    if len(leaves) != 1:
        raise TypeError(f"[{api}] the function must return a single scalar, got a pytree "
                        f"{tree}")
    a = _aval(leaves[0])
    if a.shape != ():
        raise TypeError(f"[{api}] Gradient only defined for scalar-output functions. Output "
                        f"had shape: {a.shape}; reduce it (e.g. .sum()) or use vjp/jacrev")
    if not dtypes.is_inexact(a.dtype):
        raise TypeError(f"[{api}] requires real-valued outputs (a float dtype), but the "
                        f"output has dtype {a.dtype}")
    return a


def grad(fun: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False,
         holomorphic: bool = False) -> Callable:
    """Gradient of a scalar-output ``fun`` (``jax.grad``; ``holomorphic`` as there).

    Returns:
      A function returning the gradient (``(grad, aux)`` when ``has_aux``).

    Example:
        >>> grad(fnp.sin)(0.0)
        Array(1., dtype=float32)
    """
    vg = value_and_grad(fun, argnums, has_aux, holomorphic)

    @functools.wraps(fun)
    def g(*args, **kwargs):
        (out, grads) = vg(*args, **kwargs)
        return (grads, out[1]) if has_aux else grads
    return g


def linear_transpose(fun: Callable, *primals) -> Callable:
    """The transpose of a linear ``fun`` (``jax.linear_transpose``); ``primals`` give
    the argument shapes/dtypes.

    Returns:
      ``f_t(ct)`` returning a tuple of cotangents, one per primal.

    Example:
        >>> f_t = linear_transpose(lambda x: 2.0 * x, 1.0); f_t(1.0)
        (Array(2., dtype=float32),)
    """
    p_leaves, in_tree = tree_flatten(primals)
    in_avals = [_aval(p).strip_weak_type() for p in p_leaves]
    store: dict = {}
    closed, tracer_consts = stage(_flat_fun(fun, in_tree, store, False, "linear_transpose"),
                                  in_avals, "linear_transpose")
    out_avals = closed.out_avals

    def f_t(ct):
        cts = _check_cotangent(ct, store["out_tree"], out_avals)
        args = [*tracer_consts, *[UndefinedPrimal(a) for a in in_avals]]
        consts_and = backward_pass(closed.jaxpr, closed.consts, args, cts)
        return tree_unflatten(in_tree, [_materialize(c, a)
                                        for c, a in zip(consts_and, in_avals, strict=True)])
    return f_t


def hvp(fun: Callable, primals: Sequence, tangents: Sequence):
    """Hessian-vector product by forward-over-reverse: ``jvp(grad(fun), primals,
    tangents)[1]``. Costs a small constant times one gradient; the Hessian is never
    formed.

    Example:
        >>> hvp(lambda x: (x ** 3).sum(), (fnp.ones(2),), (fnp.ones(2),))
        Array([6., 6.], dtype=float32)
    """
    argnums = 0 if len(primals) == 1 else tuple(range(len(primals)))
    return jvp(grad(fun, argnums), tuple(primals), tuple(tangents))[1]


def _std_basis(leaves) -> list:
    """One (n, *leaf.shape) slice of the n x n identity per leaf, n = total size."""
    sizes = [_aval(x).size for x in leaves]
    n = sum(sizes)
    eye = np.eye(n)
    out, off = [], 0
    for x, s in zip(leaves, sizes, strict=True):
        a = _aval(x)
        out.append(Array(np.ascontiguousarray(eye[:, off:off + s]).reshape((n, *a.shape))
                         .astype(a.dtype), ShapedArray((n, *a.shape), a.dtype)))
        off += s
    return out


def jacfwd(fun: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False,
           holomorphic: bool = False) -> Callable:
    """Jacobian by forward mode: ``vmap`` of ``jvp`` over the standard basis
    (``jax.jacfwd``). The result has the output's structure, each leaf of shape
    ``out.shape + in.shape``. Complex inputs need ``holomorphic=True`` (then the
    Jacobian is ``df/dz``).

    Example:
        >>> jacfwd(fnp.sin)(fnp.zeros(2))  # diag(cos 0)
    """
    from . import numpy as fnp
    from ._vmap_api import vmap

    def jac(*args, **kwargs):
        nums, dyn = _differentiated_args(args, argnums, "jacfwd", holomorphic)
        dyn_arg = dyn[0] if isinstance(argnums, int) else dyn
        in_leaves, in_tree = tree_flatten(dyn_arg)
        f = _partial(fun, args, kwargs, nums)
        f1 = (lambda a: f(a)) if isinstance(argnums, int) else (lambda a: f(*a))
        basis = _std_basis(in_leaves)

        def push(*t_leaves):
            res = jvp(f1, (dyn_arg,), (tree_unflatten(in_tree, list(t_leaves)),),
                      has_aux=has_aux)
            if holomorphic:
                for leaf in tree_flatten(res[1])[0]:
                    _check_complex_output(_aval(leaf), "jacfwd", True)
            return res[1]
        out_t = vmap(push)(*basis)
        out_leaves, out_tree = tree_flatten(out_t)

        def per_out(ot):
            blocks, off = [], 0
            for x in in_leaves:
                a = _aval(x)
                blk = fnp.reshape(ot[off:off + a.size], (*a.shape, *ot.shape[1:]))
                nd_in, nd_out = len(a.shape), ot.ndim - 1
                blocks.append(fnp.transpose(blk, (*range(nd_in, nd_in + nd_out),
                                                  *range(nd_in))))
                off += a.size
            return tree_unflatten(in_tree, blocks)
        jac_tree = tree_unflatten(out_tree, [per_out(o) for o in out_leaves])
        return (jac_tree, f1(dyn_arg)[1]) if has_aux else jac_tree
    return jac


def jacrev(fun: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False,
           holomorphic: bool = False) -> Callable:
    """Jacobian by reverse mode: ``vmap`` of the pullback over the output's standard basis
    (``jax.jacrev``). Each leaf has shape ``out.shape + in.shape``. Complex outputs need
    ``holomorphic=True``.

    Example:
        >>> jacrev(fnp.sin)(fnp.zeros(2))  # diag(cos 0)
    """
    from . import numpy as fnp
    from ._vmap_api import vmap

    def jac(*args, **kwargs):
        nums, dyn = _differentiated_args(args, argnums, "jacrev", holomorphic)
        res = vjp(_partial(fun, args, kwargs, nums), *dyn, has_aux=has_aux)
        out, pullback = res[0], res[1]
        out_leaves, out_tree = tree_flatten(out)
        for leaf in out_leaves:
            _check_complex_output(_aval(leaf), "jacrev", holomorphic)
        basis = _std_basis(out_leaves)
        cts = vmap(lambda *b: pullback(tree_unflatten(out_tree, list(b))))(*basis)
        cts = cts[0] if isinstance(argnums, int) else cts
        in_leaves, in_tree = tree_flatten(cts)
        blocks, off = [], 0
        for o in out_leaves:
            a = _aval(o)
            blocks.append(tree_unflatten(in_tree, [
                fnp.reshape(c[off:off + a.size], (*a.shape, *c.shape[1:])) for c in in_leaves]))
            off += a.size
        jac_tree = tree_unflatten(out_tree, blocks)
        return (jac_tree, res[2]) if has_aux else jac_tree
    return jac


def hessian(fun: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False,
            holomorphic: bool = False) -> Callable:
    """The Hessian as ``jacfwd(jacrev(fun))`` (``jax.hessian``).

    Example:
        >>> hessian(lambda x: (x ** 3).sum())(fnp.ones(2))  # diag(6)
    """
    return jacfwd(jacrev(fun, argnums, has_aux, holomorphic), argnums, has_aux, holomorphic)


__all__ = ["jvp", "linearize", "vjp", "grad", "value_and_grad", "linear_transpose", "hvp",
           "jacfwd", "jacrev", "hessian"]
