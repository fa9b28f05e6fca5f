"""custom_jvp and custom_vjp: functions with user-defined derivative rules.

``custom_jvp_call[call_jaxpr, jvp, num_consts] *consts, *args`` evaluates ``call_jaxpr``;
its jvp rule calls the user's rule. ``custom_vjp_call[call_jaxpr, fwd, bwd, ...]``
evaluates ``call_jaxpr``; its jvp rule runs ``fwd`` and emits the tangents as
``custom_lin[bwd] *residuals, *tangents``, a primitive linear in the tangents whose
transpose calls ``bwd``. So ``grad`` calls the user's ``bwd`` (also under jit).

Beyond JAX, a custom_vjp function also supports forward mode (jvp, jacfwd, hvp):
evaluated forward, ``custom_lin`` applies the *transpose* of ``ct -> bwd(res, ct)``.
That is the true jvp exactly when ``bwd`` is linear in the cotangent — true for
every genuine VJP; not for ``bwd`` rules that clip or normalize cotangents, where
forward mode gives the transpose of the linear part only.

Values a custom function closes over that carry tangents are differentiated by
ordinary autodiff of the function (the custom rule covers its explicit arguments).
Under vmap the custom primitive is kept: its jaxpr is batched (outputs batched at axis
0) and so are its rules, so ``grad(vmap(f))`` uses the custom rule.
A custom function closing over a batched value is batched as a plain call.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable, Sequence

from ..core.ir import ClosedJaxpr, ShapedArray
from ..core.registry import (
    abstract_eval_rules,
    impl_rules,
    jvp_rules,
    transpose_rules,
    vmap_rules,
)
from ..core.trace import Primitive, SuspendedTraceError, bind, current_trace
from ..interpreters.eval import EvalTrace
from ..interpreters.jvp import (
    JVPTrace,
    JVPTracer,
    Zero,
    instantiate,
    is_differentiable,
    jvp_flat,
    zero_for,
)
from ..interpreters.linearize import PartialEvalTrace
from ..interpreters.staging import eval_closed, stage
from ..interpreters.transpose import UndefinedPrimal, backward_pass
from ..interpreters.vmap import _batched_aval, batch_fun, batch_jaxpr
from ..primitives import _ops
from ..primitives._batching import bdim_at_front, match_bdim
from ..tree_util import tree_flatten, tree_unflatten
from .call import jit_p

custom_jvp_call_p = Primitive("custom_jvp_call")
custom_vjp_call_p = Primitive("custom_vjp_call")
custom_lin_p = Primitive("custom_lin")


# ---- shared helpers -----------------------------------------------------------------

def _split_nondiff(args, nondiff_argnums):
    nondiff = tuple(args[i] for i in nondiff_argnums)
    dyn = tuple(a for i, a in enumerate(args) if i not in nondiff_argnums)
    return nondiff, dyn


def _merge(nondiff_argnums, nondiff, dyn):
    args, it_nd, it_d = [], iter(nondiff), iter(dyn)
    for i in range(len(nondiff) + len(dyn)):
        args.append(next(it_nd) if i in nondiff_argnums else next(it_d))
    return args


def _trace_call(fun, nondiff_argnums, nondiff, dyn, api):
    leaves, in_tree = tree_flatten(dyn)
    store: dict = {}

    def flat(*xs):
        out = fun(*_merge(nondiff_argnums, nondiff, tree_unflatten(in_tree, list(xs))))
        out_leaves, store["out_tree"] = tree_flatten(out)
        return out_leaves

    avals = [_ops.aval(x) for x in leaves]
    closed, consts = stage(flat, avals, api)
    return closed, consts, leaves, in_tree, store["out_tree"]


def _call_abstract_eval(*avals, call_jaxpr: ClosedJaxpr, **params):
    return call_jaxpr.out_avals


def _call_impl(*args, call_jaxpr: ClosedJaxpr, **params):
    return eval_closed(call_jaxpr, *args)


def _call_vmap(axis_data, vals, bdims, *, call_jaxpr: ClosedJaxpr, **params):
    """Fallback for a custom call whose closed-over values are batched: a plain call."""
    batched, out_bdims = batch_jaxpr(call_jaxpr, axis_data, bdims)
    return bind(jit_p, *vals, jaxpr=batched, name="custom_call"), out_bdims


def _closure_tangents(call_jaxpr, num_consts, primals, tangents):
    """Tangent contributions of the closed-over values (ordinary autodiff)."""
    if not num_consts:
        return None
    ts = list(tangents[:num_consts]) + [zero_for(p) for p in primals[num_consts:]]
    _, touts = jvp_flat(lambda *xs: eval_closed(call_jaxpr, *xs), primals, ts)
    return touts


def _add_tangents(touts, extra, out_avals):
    if extra is None:
        return touts
    res = []
    for t, e, a in zip(touts, extra, out_avals, strict=True):
        if not is_differentiable(a):
            res.append(None)
        else:
            res.append(_ops.add(instantiate(t) if t is not None else _ops.zeros_aval(a),
                                instantiate(e)))
    return res


# ---- the direct paths: eagerly the function itself, under jvp the rule alone (as JAX) -------

class _Fallback(Exception):
    """The direct jvp path does not apply (a closed-over or non-differentiable argument
    carries a tangent): take the general path, which traces the function."""


def _split_jvp_args(trace: JVPTrace, cf, args):
    """``(nondiff, primal leaves, tangent leaves, in_tree)`` of a call under ``trace``."""
    nondiff, dyn = _split_nondiff(args, cf.nondiff_argnums)
    if any(isinstance(x, JVPTracer) and x._trace is trace for x in tree_flatten(nondiff)[0]):
        raise _Fallback
    leaves, in_tree = tree_flatten(dyn)
    pairs = [trace.unpack(x) for x in leaves]
    return nondiff, [p for p, _ in pairs], [t for _, t in pairs], in_tree


def _run_suspended(trace: JVPTrace, fn, *args):
    """``fn(*args)`` with ``trace``'s parent current; a tracer of ``trace`` met on the way
    (a value the custom function closes over) raises ``_Fallback``."""
    trace.suspended = True
    try:
        with trace.in_parent():
            return fn(*args)
    except SuspendedTraceError as e:
        if e.args and e.args[0]._trace is trace:
            raise _Fallback from None
        raise
    finally:
        trace.suspended = False


def _direct_call(cf, args, jvp_direct):
    """Run a custom function as JAX does where it can: eagerly, the Python function on
    concrete values; under jvp (hence grad), only its rule. ``None``: take the general
    path (tracing the function into a jaxpr)."""
    trace = current_trace()
    if type(trace) is EvalTrace:
        return (cf.fun(*args),)
    if type(trace) is PartialEvalTrace and not any(
            trace.is_unknown(x) for x in tree_flatten(args)[0]):
        with trace.in_parent():  # known values (e.g. the primals under grad): run them now
            return (cf(*args),)
    if type(trace) is JVPTrace:
        try:
            return (jvp_direct(trace, args),)
        except _Fallback:
            return None
    return None


# ---- custom_jvp -------------------------------------------------------------------------

class custom_jvp:  # noqa: N801 (jax name)
    """A function with a custom forward-mode rule (``jax.custom_jvp``); reverse mode
    follows by linearizing the rule.

    Example:
        >>> @custom_jvp
        ... def f(x): return fnp.sin(x)
        >>> @f.defjvp
        ... def f_jvp(primals, tangents): return f(primals[0]), 2.0 * tangents[0]
    """

    def __init__(self, fun: Callable, nondiff_argnums: Sequence[int] = ()):
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.nondiff_argnums = tuple(nondiff_argnums)
        self.jvp = None

    def defjvp(self, jvp: Callable) -> Callable:
        """Set the rule ``jvp(*nondiff, primals, tangents) -> (primal_out, tangent_out)``."""
        self.jvp = jvp
        return jvp

    def defjvps(self, *tangent_fns) -> None:
        """One rule per argument: ``fn(t_i, primal_out, *primals) -> contribution``
        (``None`` for an argument with zero derivative); contributions are summed."""
        def jvp(primals, tangents):
            out = self(*primals)
            total = None
            for fn, t in zip(tangent_fns, tangents, strict=True):
                if fn is None:
                    continue
                c = fn(t, out, *primals)
                total = c if total is None else total + c
            return out, total if total is not None else _zeros_like_tree(out)
        self.jvp = jvp

    def __call__(self, *args):
        if self.jvp is None:
            raise AttributeError(f"[custom_jvp] no jvp rule defined for {self.__name__}; "
                                 "call defjvp or defjvps")
        direct = _direct_call(self, args, self._jvp_direct)
        if direct is not None:
            return direct[0]
        nondiff, dyn = _split_nondiff(args, self.nondiff_argnums)
        closed, consts, leaves, in_tree, out_tree = _trace_call(
            self.fun, self.nondiff_argnums, nondiff, dyn, "custom_jvp")
        rule = functools.partial(_user_jvp, self, nondiff, in_tree, out_tree)
        outs = bind(custom_jvp_call_p, *consts, *leaves, call_jaxpr=closed, jvp=rule,
                    num_consts=len(consts))
        return tree_unflatten(out_tree, outs)


    def _jvp_direct(self, trace: JVPTrace, args):
        """Under jvp: the user's rule on (primals, tangents), never the function."""
        nondiff, primals, tangents, in_tree = _split_jvp_args(trace, self, args)
        if all(isinstance(t, Zero) for t in tangents):
            return _run_suspended(trace, self, *_merge(
                self.nondiff_argnums, nondiff, tree_unflatten(in_tree, primals)))
        rule = functools.partial(_user_jvp, self, nondiff, in_tree, None)
        tangents = [instantiate(t) for t in tangents]
        outs, touts, out_tree = _run_suspended(trace, rule, primals, tangents)
        return tree_unflatten(out_tree, [trace._wrap(p, t if is_differentiable(_ops.aval(p))
                                                     else None)
                                         for p, t in zip(outs, touts, strict=True)])


def _zeros_like_tree(tree):
    leaves, t = tree_flatten(tree)
    return tree_unflatten(t, [_ops.zeros_like(x) for x in leaves])


def _user_jvp(cj: custom_jvp, nondiff, in_tree, out_tree, primals, tangents):
    p_tree = tree_unflatten(in_tree, primals)
    t_tree = tree_unflatten(in_tree, tangents)
    out, tout = cj.jvp(*nondiff, tuple(p_tree), tuple(t_tree))
    out_leaves, o_tree = tree_flatten(out)
    t_leaves, t_tree2 = tree_flatten(tout)
    direct = out_tree is None  # called without tracing the function: its rule sets the tree
    out_tree = o_tree if direct else out_tree
    if o_tree != out_tree or t_tree2 != out_tree:
        raise TypeError(f"[custom_jvp] the jvp rule of {cj.__name__} must return (primal_out, "
                        f"tangent_out) with the output structure {out_tree}; got {o_tree} and "
                        f"{t_tree2}")
    for p, t in zip(out_leaves, t_leaves, strict=True):
        pa, ta = _ops.aval(p), _ops.aval(t)
        if pa.shape != ta.shape or (is_differentiable(pa) and pa.dtype != ta.dtype):
            raise TypeError(f"[custom_jvp] the jvp rule of {cj.__name__} returned a tangent "
                            f"{ta.str_short()} for a primal output {pa.str_short()}; they "
                            "must have equal shapes and dtypes")
    return (out_leaves, t_leaves, out_tree) if direct else (out_leaves, t_leaves)


def _custom_jvp_call_jvp(primals, tangents, *, call_jaxpr, jvp, num_consts):
    outs, touts = jvp(primals[num_consts:], tangents[num_consts:])
    extra = _closure_tangents(call_jaxpr, num_consts, primals, tangents)
    return outs, _add_tangents(touts, extra, call_jaxpr.out_avals)


abstract_eval_rules[custom_jvp_call_p] = _call_abstract_eval
impl_rules[custom_jvp_call_p] = _call_impl
jvp_rules[custom_jvp_call_p] = _custom_jvp_call_jvp


# ---- custom_vjp -------------------------------------------------------------------------

class custom_vjp:  # noqa: N801 (jax name)
    """A function with a custom reverse-mode rule (``jax.custom_vjp``).

    ``fwd(*args) -> (out, residuals)``; ``bwd(*nondiff, residuals, ct) -> tuple`` of one
    cotangent per differentiable argument (``None`` for zero). Forward mode works too
    when ``bwd`` is linear in ``ct`` (see the module docstring).

    Example:
        >>> f = custom_vjp(lambda x: fnp.sin(x))
        >>> f.defvjp(lambda x: (fnp.sin(x), fnp.cos(x)), lambda c, g: (c * g,))
    """

    def __init__(self, fun: Callable, nondiff_argnums: Sequence[int] = ()):
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.nondiff_argnums = tuple(nondiff_argnums)
        self.fwd = self.bwd = None

    def defvjp(self, fwd: Callable, bwd: Callable) -> None:
        self.fwd, self.bwd = fwd, bwd

    def __call__(self, *args):
        if self.fwd is None:
            raise AttributeError(f"[custom_vjp] no vjp rule defined for {self.__name__}; "
                                 "call defvjp(fwd, bwd)")
        direct = _direct_call(self, args, self._jvp_direct)
        if direct is not None:
            return direct[0]
        nondiff, dyn = _split_nondiff(args, self.nondiff_argnums)
        closed, consts, leaves, in_tree, out_tree = _trace_call(
            self.fun, self.nondiff_argnums, nondiff, dyn, "custom_vjp")
        rules = _VJPRules(self, nondiff, in_tree, out_tree, [_ops.aval(x) for x in leaves])
        outs = bind(custom_vjp_call_p, *consts, *leaves, call_jaxpr=closed, rules=rules,
                    num_consts=len(consts))
        return tree_unflatten(out_tree, outs)


    def _jvp_direct(self, trace: JVPTrace, args):
        """Under jvp (hence grad): ``fwd`` once, the tangents through ``custom_lin``; the
        function itself is not called (as JAX)."""
        nondiff, primals, tangents, in_tree = _split_jvp_args(trace, self, args)
        if all(isinstance(t, Zero) for t in tangents):
            return _run_suspended(trace, self, *_merge(
                self.nondiff_argnums, nondiff, tree_unflatten(in_tree, primals)))
        rules = _VJPRules(self, nondiff, in_tree, None, [_ops.aval(x) for x in primals])
        tangents = [instantiate(t) for t in tangents]
        outs, touts = _run_suspended(trace, _vjp_tangents, rules, primals, tangents)
        return tree_unflatten(rules.out_tree, [trace._wrap(p, t)
                                               for p, t in zip(outs, touts, strict=True)])


class _VJPRules:
    """The flattened fwd and bwd of one custom_vjp call site."""

    def __init__(self, cv: custom_vjp, nondiff, in_tree, out_tree, in_avals):
        self.cv, self.nondiff, self.in_tree, self.out_tree = cv, nondiff, in_tree, out_tree
        self.in_avals = in_avals
        self.res_tree = None

    def fwd(self, leaves):
        dyn = tree_unflatten(self.in_tree, leaves)
        res = self.cv.fwd(*_merge(self.cv.nondiff_argnums, self.nondiff, dyn))
        if not isinstance(res, (tuple, list)) or len(res) != 2:
            raise TypeError(f"[custom_vjp] fwd of {self.cv.__name__} must return a pair "
                            f"(output, residuals), got {type(res).__name__}")
        out_leaves, o_tree = tree_flatten(res[0])
        if self.out_tree is None:  # called without tracing the function (the direct path)
            self.out_tree = o_tree
        if o_tree != self.out_tree:
            raise TypeError(f"[custom_vjp] fwd of {self.cv.__name__} returned an output of "
                            f"structure {o_tree}, but the function returns {self.out_tree}")
        res_leaves, self.res_tree = tree_flatten(res[1])
        return out_leaves, res_leaves

    def bwd(self, res_leaves, ct_leaves):
        res = tree_unflatten(self.res_tree, res_leaves)
        ct = tree_unflatten(self.out_tree, ct_leaves)
        cts = self.cv.bwd(*self.nondiff, res, ct)
        n_dyn = len(tree_unflatten(self.in_tree, self.in_avals))
        if not isinstance(cts, (tuple, list)) or len(cts) != n_dyn:
            raise TypeError(f"[custom_vjp] bwd of {self.cv.__name__} must return a tuple of "
                            f"{n_dyn} cotangent(s), one per differentiable argument, got "
                            f"{type(cts).__name__}")
        dyn_trees = tree_unflatten(self.in_tree, list(range(len(self.in_avals))))
        out = [None] * len(self.in_avals)
        for ct_i, idx_tree in zip(cts, dyn_trees, strict=True):
            idx = tree_flatten(idx_tree)[0]
            vals = [None] * len(idx) if ct_i is None else tree_flatten(ct_i)[0]
            for j, v in zip(idx, vals, strict=True):
                if v is not None and _ops.aval(v).shape != self.in_avals[j].shape:
                    raise ValueError(f"[custom_vjp] bwd of {self.cv.__name__} returned a "
                                     f"cotangent {_ops.aval(v).str_short()} for an input "
                                     f"{self.in_avals[j].str_short()}; shapes must match")
                out[j] = v
        return out


def _vjp_tangents(rules, primals, tangents):
    """``fwd`` on the primals; the tangents as ``custom_lin`` of the residuals."""
    outs, res = rules.fwd(primals)
    diff = [is_differentiable(_ops.aval(o)) for o in outs]
    out_avals = tuple(_ops.aval(o).strip_weak_type() for o in outs)
    touts = bind(custom_lin_p, *res, *tangents, rules=rules, num_res=len(res),
                 out_avals=out_avals)
    return outs, [t if d else None for t, d in zip(touts, diff, strict=True)]


def _custom_vjp_call_jvp(primals, tangents, *, call_jaxpr, rules, num_consts):
    outs, touts = _vjp_tangents(rules, primals[num_consts:], tangents[num_consts:])
    extra = _closure_tangents(call_jaxpr, num_consts, primals, tangents)
    return outs, _add_tangents(touts, extra, call_jaxpr.out_avals)


abstract_eval_rules[custom_vjp_call_p] = _call_abstract_eval
impl_rules[custom_vjp_call_p] = _call_impl
jvp_rules[custom_vjp_call_p] = _custom_vjp_call_jvp


# ---- custom_lin: linear in its tangents, transposes to bwd ------------------------------

def _custom_lin_abstract_eval(*avals, rules, num_res, out_avals):
    return list(out_avals)


def _custom_lin_transpose(cts, *args, rules, num_res, out_avals):
    res = args[:num_res]
    ct_in = rules.bwd(list(res), list(cts))
    ct_in = [None if c is None else c for c in ct_in]
    return [None] * num_res + ct_in


def custom_lin_forward(res, tangents, *, rules, num_res, out_avals) -> list:
    """custom_lin evaluated forward: the transpose of ``ct -> bwd(res, ct)`` applied to
    the tangents (the jvp when bwd is linear in ct)."""
    def bwd_flat(*xs):
        cts = rules.bwd(list(xs[:num_res]), list(xs[num_res:]))
        return [(_ops.zeros_aval(a) if c is None else c)
                for c, a in zip(cts, rules.in_avals, strict=True)]
    res_avals = [_ops.aval(r) for r in res]
    closed, consts = stage(bwd_flat, [*res_avals, *out_avals], "custom_lin")
    args = [*consts, *res, *[UndefinedPrimal(a) for a in out_avals]]
    ts = [_ops.convert(t, a.dtype) for t, a in zip(tangents, rules.in_avals, strict=True)]
    outs = backward_pass(closed.jaxpr, closed.consts, args, ts)
    return [instantiate(o) for o in outs]


def _custom_lin_impl(*args, rules, num_res, out_avals):
    return custom_lin_forward(args[:num_res], args[num_res:], rules=rules, num_res=num_res,
                              out_avals=out_avals)


def _custom_lin_jvp(primals, tangents, **params):
    n = params["num_res"]
    return jvp_flat(lambda *xs: custom_lin_forward(xs[:n], xs[n:], **params),
                    primals, tangents)


# ---- vmap: the custom primitive is kept, its jaxpr and its rules batched ----------------

_front_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _at_front(outs, bdims, size: int) -> list:
    return [bdim_at_front(o, b, size) for o, b in zip(outs, bdims, strict=True)]


def _to_bdim(x, bdim, dst, size: int):
    """``x`` (batched at ``bdim``) laid out for a value batched at ``dst``; a batched
    cotangent of an unbatched input is summed over the batch."""
    if dst is None:
        return x if bdim is None else _ops.reduce_sum(x, (bdim,))
    return match_bdim(x, bdim, size, dst)


def _batch_front(closed: ClosedJaxpr, axis_data, in_bdims) -> ClosedJaxpr:
    """``closed`` batched over inputs laid out as ``in_bdims``, every output batched at
    axis 0 (so the call and its batched rules agree on the output layout). Cached."""
    key = (tuple(in_bdims), axis_data)
    per = _front_cache.setdefault(closed, {})
    if key not in per:
        batched, out_bdims = batch_jaxpr(closed, axis_data, in_bdims)
        if all(b == 0 for b in out_bdims):
            per[key] = batched
        else:
            def flat(*xs):
                return _at_front(eval_closed(batched, *xs), out_bdims, axis_data.size)
            per[key], consts = stage(flat, list(batched.in_avals), "vmap")
            assert not consts
    return per[key]


def _batched_jvp(jvp, axis_data, in_bdims, primals, tangents):
    """The jvp rule of a batched custom_jvp_call: the rule vmapped over the batch (a
    tangent is laid out as its primal), outputs and tangents batched at axis 0."""
    n, n_out = len(primals), []

    def flat(*xs):
        outs, touts = jvp(list(xs[:n]), list(xs[n:]))
        n_out.append(len(outs))
        return [*outs, *touts]
    vals, bds = batch_fun(flat, axis_data, [*primals, *tangents], [*in_bdims, *in_bdims])
    vals = _at_front(vals, bds, axis_data.size)
    return vals[:n_out[0]], vals[n_out[0]:]


def _custom_jvp_call_vmap(axis_data, vals, bdims, *, call_jaxpr, jvp, num_consts):
    if any(b is not None for b in bdims[:num_consts]):
        return _call_vmap(axis_data, vals, bdims, call_jaxpr=call_jaxpr)
    batched = _batch_front(call_jaxpr, axis_data, bdims)
    rule = functools.partial(_batched_jvp, jvp, axis_data, tuple(bdims[num_consts:]))
    outs = bind(custom_jvp_call_p, *vals, call_jaxpr=batched, jvp=rule, num_consts=num_consts)
    return outs, [0] * len(outs)


class _BatchedRules:
    """The fwd/bwd of a custom_vjp call site (or of a custom_lin) vmapped over one axis.

    Inputs are batched at ``in_bdims``, outputs (and output cotangents) at axis 0, the
    residuals where the batched ``fwd`` leaves them (``res_bdims``); ``bwd`` returns each
    input cotangent laid out as its input (summed over the batch for an unbatched one).
    """

    def __init__(self, inner, axis_data, in_bdims, res_bdims=None):
        self.inner, self.axis_data = inner, axis_data
        self.in_bdims, self.res_bdims = tuple(in_bdims), res_bdims
        self.in_avals = [_batched_aval(a, b, axis_data.size)
                         for a, b in zip(inner.in_avals, in_bdims, strict=True)]

    def fwd(self, leaves):
        n_out: list = []

        def flat(*xs):
            outs, res = self.inner.fwd(list(xs))
            n_out.append(len(outs))
            return [*outs, *res]
        vals, bds = batch_fun(flat, self.axis_data, list(leaves), self.in_bdims)
        k = n_out[0]
        self.res_bdims = tuple(bds[k:])
        return _at_front(vals[:k], bds[:k], self.axis_data.size), vals[k:]

    def bwd(self, res_leaves, ct_leaves):
        n_res, zero = len(res_leaves), []

        def flat(*xs):
            cts = self.inner.bwd(list(xs[:n_res]), list(xs[n_res:]))
            zero.append([c is None for c in cts])
            return [c for c in cts if c is not None]
        vals, bds = batch_fun(flat, self.axis_data, [*res_leaves, *ct_leaves],
                              [*self.res_bdims, *[0] * len(ct_leaves)])
        it, size = iter(zip(vals, bds, strict=True)), self.axis_data.size
        out = []
        for z, dst in zip(zero[0], self.in_bdims, strict=True):
            out.append(None if z else _to_bdim(*next(it), dst, size))
        return out


def _custom_vjp_call_vmap(axis_data, vals, bdims, *, call_jaxpr, rules, num_consts):
    if any(b is not None for b in bdims[:num_consts]):
        return _call_vmap(axis_data, vals, bdims, call_jaxpr=call_jaxpr)
    batched = _batch_front(call_jaxpr, axis_data, bdims)
    brules = _BatchedRules(rules, axis_data, bdims[num_consts:])
    outs = bind(custom_vjp_call_p, *vals, call_jaxpr=batched, rules=brules,
                num_consts=num_consts)
    return outs, [0] * len(outs)


def _custom_lin_vmap(axis_data, vals, bdims, *, rules, num_res, out_avals):
    brules = _BatchedRules(rules, axis_data, bdims[num_res:], tuple(bdims[:num_res]))
    b_out = tuple(_batched_aval(a, 0, axis_data.size) for a in out_avals)
    outs = bind(custom_lin_p, *vals, rules=brules, num_res=num_res, out_avals=b_out)
    return outs, [0] * len(outs)


vmap_rules[custom_jvp_call_p] = _custom_jvp_call_vmap
vmap_rules[custom_vjp_call_p] = _custom_vjp_call_vmap
vmap_rules[custom_lin_p] = _custom_lin_vmap

abstract_eval_rules[custom_lin_p] = _custom_lin_abstract_eval
impl_rules[custom_lin_p] = _custom_lin_impl
jvp_rules[custom_lin_p] = _custom_lin_jvp
transpose_rules[custom_lin_p] = _custom_lin_transpose


__all__ = ["custom_jvp", "custom_vjp", "custom_jvp_call_p", "custom_vjp_call_p",
           "custom_lin_p", "custom_lin_forward", "ShapedArray"]
