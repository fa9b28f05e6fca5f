"""Cache keys of the jit hot paths (``api.jit``) for calls with pytree, keyword and static
arguments: what a cached call is looked up by before anything runs.

Two kinds of key map to the same cache entry (the jit trace cache's entry, holding the
compiled executable):

* ``signature``: any call whose dynamic leaves are Arrays with device buffers, walked in
  Python: the argument count, per argument its static value or its pytree as a token
  stream (containers as (type, length), dicts as their sorted keys, Arrays as their
  interned avals), then the sorted keyword names and the keywords likewise. Keyword and
  dict insertion order do not matter (pytrees flatten dicts in sorted key order).
* ``flat_key_function``: for a call *layout* (the number of positional arguments and the
  keyword names in call order) whose arguments are each an Array or static, a function
  generated once for that layout that reads the arguments by position and name without
  a loop and returns ``(key, buffers)``; its keys start with the layout, so they never
  equal a ``signature`` key. A call whose layout has no such function, or whose
  arguments are no longer Arrays, uses ``signature``.

Interned avals make every aval in a key hash and compare by identity.
"""

from __future__ import annotations

from .core.array import Array


class NotFast(Exception):
    """A call the signature hot path does not handle (the slow path takes it)."""


def signature(args, kwargs, static_nums, static_names, bufs: list) -> tuple:
    """A hashable key for a call whose dynamic leaves are all Arrays with device buffers
    (appended to ``bufs`` in flattening order): the number of positional arguments, then
    per argument either its value (static) or a token stream of its pytree (containers
    as (type, length) or sorted dict keys, Arrays as their interned avals), then the sorted
    keyword names and the keyword arguments likewise. Raises ``NotFast`` for anything
    else (NumPy arrays, Python scalars, custom pytree nodes, host-only Arrays)."""
    sig = [len(args)]
    for i, a in enumerate(args):
        _add_arg(a, i in static_nums, sig, bufs)
    if kwargs:
        names = _sorted_keys(kwargs)
        sig.append(names)
        for k in names:
            _add_arg(kwargs[k], k in static_names, sig, bufs)
    return tuple(sig)


def _add_arg(a, static: bool, sig: list, bufs: list) -> None:
    """One argument's part of the signature: its value if static, else its tokens."""
    if static:
        sig.append(a)
    elif type(a) is Array:  # inline: the common case
        if a._buf is None:
            raise NotFast
        sig.append(a.aval)
        bufs.append(a._buf)
    else:
        _sig_of(a, sig, bufs)


_key_orders: dict = {}  # a dict's keys in insertion order -> the same keys sorted


def _sorted_keys(d: dict) -> tuple:
    """``d``'s keys in the order pytrees flatten dicts in (sorted), sorted once per
    insertion order."""
    keys = tuple(d)
    names = _key_orders.get(keys)
    if names is None:
        names = tuple(sorted(keys))  # TypeError for unorderable keys: the slow path
        if len(_key_orders) > 4096:
            _key_orders.clear()
        _key_orders[keys] = names
    return names


def _sig_of(x, sig: list, bufs: list) -> None:
    t = type(x)
    if t is Array:
        if x._buf is None:
            raise NotFast
        sig.append(x.aval)
        bufs.append(x._buf)
        return
    if t is dict:
        keys = _sorted_keys(x)
        sig.append(keys)
        children = [x[k] for k in keys]
    elif t is tuple or t is list:
        sig.append(t)
        sig.append(len(x))
        children = x
    elif x is None:
        sig.append(None)
        return
    else:
        raise NotFast
    for c in children:  # _add_arg inlined: a call per leaf costs ~3% of a pytree dispatch
        if type(c) is Array:
            if c._buf is None:
                raise NotFast
            sig.append(c.aval)
            bufs.append(c._buf)
        else:
            _sig_of(c, sig, bufs)


def is_flat(args, kwargs, static_nums, static_names) -> bool:
    """Whether every argument is static or a (device-backed) Array."""
    return (all(i in static_nums or type(a) is Array for i, a in enumerate(args))
            and all(k in static_names or type(v) is Array for k, v in kwargs.items()))


def flat_key_function(args, kwargs, static_nums, static_names):
    """The key function of this call's layout ``(len(args), tuple(kwargs))`` (see the
    module docstring): called as ``fn(args, kwargs)`` on a call with the same layout, it
    returns ``(key, buffers)``, or ``(None, None)`` if an argument that was an Array is
    something else now. (A host-only Array gives a None buffer, which execution rejects.)

    Example:
        >>> fn = flat_key_function((x, 2), {"s": x}, frozenset({1}), frozenset())
        >>> key, bufs = fn((x, 3), {"s": x})  # key: ((2, ("s",)), x.aval, 3, x.aval)
    """
    layout = (len(args), tuple(kwargs))
    reads, parts, arrays = [], [], []
    values = [(f"a{i}", f"args[{i}]", i in static_nums) for i in range(len(args))]
    values += [(f"k{j}", f"kwargs[{k!r}]", k in static_names)  # dynamic keywords flatten
               for j, k in enumerate(sorted(kwargs))]          # in sorted order
    for var, read, static in values:
        reads.append(f"{var} = {read}")
        parts.append(var if static else f"{var}.aval")
        if not static:
            arrays.append(var)
    check = " or ".join(f"type({v}) is not Array" for v in arrays) or "False"
    source = "\n    ".join([
        "def flat_key(args, kwargs):", *reads,
        f"if {check}:", "    return None, None",
        f"return (LAYOUT, {', '.join(parts)}), [{', '.join(f'{v}._buf' for v in arrays)}]"])
    namespace = {"Array": Array, "LAYOUT": layout}
    exec(compile(source, f"<jit key for layout {layout}>", "exec"), namespace)  # noqa: S102
    return namespace["flat_key"]
