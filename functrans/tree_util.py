"""Pytrees: nested containers of arrays, flattened to a list of leaves plus a structure.

A *pytree* is a tuple, list, dict, ``None``, namedtuple, ``collections.OrderedDict``,
``collections.defaultdict`` or an instance of a registered class, nested arbitrarily;
anything else is a *leaf*. ``tree_flatten`` turns a pytree into ``(leaves, treedef)``;
``tree_unflatten(treedef, leaves)`` rebuilds it. The API mirrors ``jax.tree_util``:

    >>> leaves, treedef = tree_flatten((1, {'b': 2, 'a': 3}))
    >>> leaves, treedef
    ([1, 3, 2], PyTreeDef((*, {'a': *, 'b': *})))

Dict keys are sorted (as in JAX); ``None`` is a node with no children, not a leaf.

This module is a leaf utility: it imports only the standard library, so every layer of
functrans may use it. ``PyTreeDef`` is a jit cache key, so equality and hashing work on a
nested tuple built once during flattening, and flattening dispatches on ``type(x)``
through one dict lookup.
"""

from __future__ import annotations

import collections
import dataclasses
import functools
from collections.abc import Callable, Hashable, Iterable, Iterator
from typing import Any, NamedTuple

__all__ = [
    "PyTreeDef",
    "SequenceKey",
    "DictKey",
    "GetAttrKey",
    "FlattenedIndexKey",
    "keystr",
    "register_dataclass",
    "register_pytree_node",
    "register_pytree_node_class",
    "tree_all",
    "tree_flatten",
    "tree_flatten_with_path",
    "tree_leaves",
    "tree_leaves_with_path",
    "tree_map",
    "tree_reduce",
    "tree_structure",
    "tree_transpose",
    "tree_unflatten",
    "treedef_children",
    "treedef_is_leaf",
]

PyTree = Any
IsLeaf = Callable[[Any], bool] | None

# ---------------------------------------------------------------------------------------
# Node kinds
#
# The structure of a pytree is a nested tuple ("struct"): a leaf is ``None``; a node is
# ``(node_type, aux, children)`` with ``children`` a tuple of structs. ``aux`` is the
# hashable metadata needed to rebuild the node (dict keys, a custom class's aux data).
# Nodes are always tuples and leaves are never tuples, so the encoding is unambiguous.
# ---------------------------------------------------------------------------------------

_LEAF = None


class _NodeDef(NamedTuple):
    """How to take apart and rebuild one registered node type."""

    flatten: Callable[[Any], tuple[Iterable[Any], Hashable]]
    unflatten: Callable[[Hashable, Iterable[Any]], Any]
    flatten_with_keys: Callable[[Any], tuple[Iterable[tuple[Any, Any]], Hashable]] | None
    name: str  # as printed in reprs: "namedtuple[Point]", "Foo"
    builtin: bool  # tuple/list/dict/None print with Python syntax


# type -> _NodeDef for every container type except namedtuples (detected structurally).
_registry: dict[type, _NodeDef] = {}


def _register(nodetype, flatten, unflatten, flatten_with_keys=None, *, builtin=False):
    _registry[nodetype] = _NodeDef(
        flatten, unflatten, flatten_with_keys, nodetype.__name__, builtin
    )


def _sorted_keys(d: dict) -> tuple:
    try:
        return tuple(sorted(d))
    except TypeError as e:
        raise ValueError(
            f"[tree_util] dict keys must be mutually comparable to be sorted; got keys "
            f"{list(d)!r}: {e}"
        ) from None


def _dict_flatten(d):
    keys = _sorted_keys(d)
    return [d[k] for k in keys], keys


def _defaultdict_flatten(d):
    keys = _sorted_keys(d)
    return [d[k] for k in keys], (d.default_factory, keys)


def _ordereddict_flatten(d):
    return list(d.values()), tuple(d)


_register(tuple, lambda t: (t, None), lambda _, ch: tuple(ch), builtin=True)
_register(list, lambda t: (t, None), lambda _, ch: list(ch), builtin=True)
_register(dict, _dict_flatten, lambda keys, ch: dict(zip(keys, ch, strict=True)), builtin=True)
_register(type(None), lambda _: ((), None), lambda _, ch: None, builtin=True)
_register(
    collections.OrderedDict,
    _ordereddict_flatten,
    lambda keys, ch: collections.OrderedDict(zip(keys, ch, strict=True)),
)
_register(
    collections.defaultdict,
    _defaultdict_flatten,
    lambda aux, ch: collections.defaultdict(aux[0], zip(aux[1], ch, strict=True)),
)


def _is_namedtuple_type(t: type) -> bool:
    return issubclass(t, tuple) and hasattr(t, "_fields")


def _node_def(nodetype: type) -> _NodeDef | None:
    """The node definition for ``nodetype``, or None if its instances are leaves."""
    node = _registry.get(nodetype)
    if node is None and _is_namedtuple_type(nodetype):
        node = _namedtuple_node(nodetype)
    return node


@functools.cache
def _namedtuple_node(nodetype: type) -> _NodeDef:
    return _NodeDef(
        lambda t: (t, None),
        lambda _, ch: nodetype(*ch),
        None,
        f"namedtuple[{nodetype.__name__}]",
        False,
    )


# ---------------------------------------------------------------------------------------
# PyTreeDef
# ---------------------------------------------------------------------------------------


def _struct_hashable_part(struct):
    """``struct`` with each node's aux data kept only where it is hashable."""
    if struct is _LEAF:
        return struct
    nodetype, aux, children = struct
    try:
        hash(aux)
    except TypeError:
        aux = None
    return (nodetype, aux, tuple(_struct_hashable_part(c) for c in children))


class PyTreeDef:
    """The structure of a pytree: everything but its leaves.

    Hashable and comparable (a jit cache key). ``num_leaves`` is the number of leaves,
    ``unflatten(leaves)`` rebuilds a tree of this structure.

    Example:
        >>> treedef = tree_structure((1, {'a': 2}))
        >>> treedef, treedef.num_leaves
        (PyTreeDef((*, {'a': *})), 2)
        >>> treedef.unflatten(['x', 'y'])
        ('x', {'a': 'y'})
    """

    __slots__ = ("_struct", "_hash", "num_leaves")

    def __init__(self, struct: tuple | None, num_leaves: int):
        self._struct = struct
        self._hash: int | None = None
        self.num_leaves = num_leaves

    def __hash__(self) -> int:
        h = self._hash
        if h is None:
            try:
                h = hash(self._struct)
            except TypeError:  # unhashable aux data (a dict): hashed without it, as in JAX
                h = hash(_struct_hashable_part(self._struct))
            self._hash = h
        return h

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if not isinstance(other, PyTreeDef):
            return NotImplemented
        return self.num_leaves == other.num_leaves and self._struct == other._struct

    def __ne__(self, other: object) -> bool:
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    def __repr__(self) -> str:
        return f"PyTreeDef({_struct_repr(self._struct)})"

    def __reduce__(self):
        return (PyTreeDef, (self._struct, self.num_leaves))

    @property
    def num_nodes(self) -> int:
        """Number of nodes including leaves (``None`` counts as one node)."""
        return _count_nodes(self._struct)

    def unflatten(self, leaves: Iterable[Any]) -> PyTree:
        """Builds a pytree of this structure from ``leaves`` (in flattening order)."""
        if not isinstance(leaves, list | tuple):
            leaves = list(leaves)
        if len(leaves) != self.num_leaves:
            word = "few" if len(leaves) < self.num_leaves else "many"
            raise ValueError(
                f"Too {word} leaves for {self!r}; expected {self.num_leaves}, got {len(leaves)}."
            )
        if self._struct is _LEAF:
            return leaves[0]
        return _unflatten(self._struct, iter(leaves))

    def flatten_up_to(self, tree: PyTree) -> list[Any]:
        """Flattens ``tree`` down to this structure: its leaves may be whole subtrees.

        Raises ValueError when ``tree`` does not have this structure as a prefix.
        """
        out: list[Any] = []
        _flatten_up_to(self._struct, tree, out, self, tree, ())
        return out

    def children(self) -> list[PyTreeDef]:
        """The structures of this node's children (empty for a leaf)."""
        if self._struct is _LEAF:
            return []
        return [PyTreeDef(c, _count_leaves(c)) for c in self._struct[2]]

    def is_leaf(self) -> bool:
        return self._struct is _LEAF

    @property
    def node_type(self) -> type | None:
        """The type of the root node, or None for a leaf."""
        return None if self._struct is _LEAF else self._struct[0]

    @property
    def node_data(self) -> Hashable:
        """The aux data of the root node (dict keys, custom aux), None for a leaf."""
        return None if self._struct is _LEAF else self._struct[1]


def _unflatten(struct, leaves: Iterator[Any]) -> PyTree:
    nodetype, aux, children = struct
    rebuilt = []
    for c in children:
        rebuilt.append(next(leaves) if c is _LEAF else _unflatten(c, leaves))
    if nodetype is tuple:
        return tuple(rebuilt)
    if nodetype is list:
        return rebuilt
    return _node_def(nodetype).unflatten(aux, rebuilt)


def _count_leaves(struct) -> int:
    if struct is _LEAF:
        return 1
    return sum(_count_leaves(c) for c in struct[2])


def _count_nodes(struct) -> int:
    if struct is _LEAF:
        return 1
    return 1 + sum(_count_nodes(c) for c in struct[2])


def _struct_repr(struct) -> str:
    if struct is _LEAF:
        return "*"
    nodetype, aux, children = struct
    parts = [_struct_repr(c) for c in children]
    if nodetype is tuple:
        return "(" + parts[0] + ",)" if len(parts) == 1 else "(" + ", ".join(parts) + ")"
    if nodetype is list:
        return "[" + ", ".join(parts) + "]"
    if nodetype is dict:
        items = (f"{k!r}: {p}" for k, p in zip(aux, parts, strict=True))
        return "{" + ", ".join(items) + "}"
    if nodetype is type(None):
        return "None"
    node = _node_def(nodetype)
    name = node.name if node is not None else nodetype.__name__
    if nodetype in _registry:
        name = f"{name}[{aux}]"
    return f"CustomNode({name}, [{', '.join(parts)}])"


# ---------------------------------------------------------------------------------------
# Flattening (hot path: jit dispatch flattens every call's arguments)
# ---------------------------------------------------------------------------------------


def _flatten(x: Any, leaves: list, is_leaf: IsLeaf):
    """Appends the leaves of ``x`` to ``leaves`` and returns its struct.

    Children that are plain leaves are handled in the loop, without a recursive call:
    flattening a tuple of arrays costs one call.
    """
    if is_leaf is not None and is_leaf(x):
        leaves.append(x)
        return _LEAF
    nodetype = type(x)
    if nodetype is tuple or nodetype is list:
        children, aux = x, None
    elif nodetype is dict:
        aux = _sorted_keys(x) if len(x) > 1 else tuple(x)
        children = [x[k] for k in aux]
    else:
        node = _registry.get(nodetype)
        if node is None:
            if not (isinstance(x, tuple) and hasattr(nodetype, "_fields")):
                leaves.append(x)
                return _LEAF
            node = _namedtuple_node(nodetype)
        children, aux = node.flatten(x)
    structs = []
    for c in children:
        if is_leaf is None and type(c) not in _registry and not isinstance(c, tuple):
            leaves.append(c)
            structs.append(_LEAF)
        else:
            structs.append(_flatten(c, leaves, is_leaf))
    return (nodetype, aux, tuple(structs))


def tree_flatten(tree: PyTree, is_leaf: IsLeaf = None) -> tuple[list[Any], PyTreeDef]:
    """Flattens a pytree into its leaves and its structure.

    Args:
        tree: the pytree.
        is_leaf: optional predicate; a subtree for which it returns True is a leaf.
            It is called on every node before anything else (``None`` included).

    Returns:
        ``(leaves, treedef)``: the leaves in order (dict entries by sorted key) and
        the ``PyTreeDef`` that ``tree_unflatten`` needs to rebuild the tree.

    Example:
        >>> tree_flatten([1, None, {'b': 2, 'a': (3,)}])
        ([1, 3, 2], PyTreeDef([*, None, {'a': (*,), 'b': *}]))
    """
    leaves: list[Any] = []
    struct = _flatten(tree, leaves, is_leaf)
    return leaves, PyTreeDef(struct, len(leaves))


def tree_unflatten(treedef: PyTreeDef, leaves: Iterable[Any]) -> PyTree:
    """Rebuilds a pytree with structure ``treedef`` from ``leaves``.

    Example:
        >>> tree_unflatten(tree_structure((0, [0])), ['a', 'b'])
        ('a', ['b'])
    """
    return treedef.unflatten(leaves)


def tree_leaves(tree: PyTree, is_leaf: IsLeaf = None) -> list[Any]:
    """The leaves of ``tree``, in flattening order. Example: ``tree_leaves((1, [2]))``
    is ``[1, 2]``."""
    leaves: list[Any] = []
    _flatten(tree, leaves, is_leaf)
    return leaves


def tree_structure(tree: PyTree, is_leaf: IsLeaf = None) -> PyTreeDef:
    """The ``PyTreeDef`` of ``tree``. Example: ``tree_structure((1, 2))`` is
    ``PyTreeDef((*, *))``."""
    return tree_flatten(tree, is_leaf)[1]


def treedef_children(treedef: PyTreeDef) -> list[PyTreeDef]:
    """The structures of the root's children, e.g. ``[PyTreeDef(*), PyTreeDef([*])]``."""
    return treedef.children()


def treedef_is_leaf(treedef: PyTreeDef) -> bool:
    """True if ``treedef`` is a single leaf (``PyTreeDef(*)``)."""
    return treedef.is_leaf()


# ---------------------------------------------------------------------------------------
# flatten_up_to / tree_map
# ---------------------------------------------------------------------------------------


def _flatten_up_to(struct, x, out: list, treedef: PyTreeDef, full: PyTree, path: tuple):
    if struct is _LEAF:
        out.append(x)
        return
    nodetype, aux, children = struct
    problem = None
    if type(x) is not nodetype:
        problem = f"expected a {nodetype.__name__} node, got {type(x).__name__}"
    else:
        x_children, x_aux = _node_def(nodetype).flatten(x)
        x_children = list(x_children)
        if len(x_children) != len(children):
            problem = (
                f"{nodetype.__name__} has {len(x_children)} children, expected {len(children)}"
            )
        elif x_aux != aux:
            problem = f"{nodetype.__name__} node data {x_aux!r} != {aux!r}"
    if problem is not None:
        where = keystr(path) or "the root"
        raise ValueError(
            f"pytree structure mismatch at {where}: {problem}. The first tree has "
            f"structure {treedef!r} but this one has structure "
            f"{tree_structure(full)!r}."
        )
    for i, (c, xc) in enumerate(zip(children, x_children, strict=True)):
        _flatten_up_to(c, xc, out, treedef, full, (*path, _child_key(nodetype, aux, x, i)))


def _child_key(nodetype, aux, x, i):
    if nodetype is dict or nodetype is collections.OrderedDict:
        return DictKey(aux[i])
    if nodetype is collections.defaultdict:
        return DictKey(aux[1][i])
    if nodetype in (tuple, list):
        return SequenceKey(i)
    if nodetype not in _registry and _is_namedtuple_type(nodetype):
        return GetAttrKey(nodetype._fields[i])
    return FlattenedIndexKey(i)


def tree_map(f: Callable[..., Any], tree: PyTree, *rest: PyTree, is_leaf: IsLeaf = None):
    """Applies ``f`` leafwise: ``f(leaf, *matching_leaves_of_rest)``.

    Args:
        f: function of ``1 + len(rest)`` arguments.
        tree: the pytree whose structure the result has.
        *rest: pytrees with the same structure as ``tree`` (or with ``tree``'s structure
            as a prefix: a leaf of ``tree`` may face a whole subtree, passed to ``f`` as
            is). A mismatch raises ValueError naming both structures.
        is_leaf: as in ``tree_flatten``, applied to ``tree`` only.

    Returns:
        A pytree with the structure of ``tree``.

    Example:
        >>> tree_map(lambda a, b: a + b, (1, {'x': 2}), (10, {'x': 20}))
        (11, {'x': 22})
    """
    leaves, treedef = tree_flatten(tree, is_leaf)
    if not rest:
        return treedef.unflatten([f(x) for x in leaves])
    all_leaves = [leaves] + [treedef.flatten_up_to(r) for r in rest]
    return treedef.unflatten([f(*xs) for xs in zip(*all_leaves, strict=True)])


_NO_INITIALIZER = object()


def tree_reduce(
    function: Callable[[Any, Any], Any],
    tree: PyTree,
    initializer: Any = _NO_INITIALIZER,
    is_leaf: IsLeaf = None,
) -> Any:
    """``functools.reduce`` over the leaves. Example: ``tree_reduce(operator.add,
    (1, [2, 3]))`` is ``6``."""
    leaves = tree_leaves(tree, is_leaf)
    if initializer is _NO_INITIALIZER:
        return functools.reduce(function, leaves)
    return functools.reduce(function, leaves, initializer)


def tree_all(tree: PyTree, *, is_leaf: IsLeaf = None) -> bool:
    """True if every leaf is truthy. Example: ``tree_all((True, [1]))`` is ``True``."""
    return all(tree_leaves(tree, is_leaf))


def tree_transpose(outer_treedef: PyTreeDef, inner_treedef: PyTreeDef, pytree: PyTree):
    """Turns an outer-of-inner pytree into an inner-of-outer one.

    Example:
        >>> outer, inner = tree_structure([0, 0]), tree_structure((0, 0))
        >>> tree_transpose(outer, inner, [(1, 2), (3, 4)])
        ([1, 3], [2, 4])
    """
    flat = outer_treedef.flatten_up_to(pytree)
    inner_leaves = [inner_treedef.flatten_up_to(sub) for sub in flat]
    columns = zip(*inner_leaves, strict=True) if inner_leaves else [()] * inner_treedef.num_leaves
    return inner_treedef.unflatten([outer_treedef.unflatten(col) for col in columns])


# ---------------------------------------------------------------------------------------
# Registration
# ---------------------------------------------------------------------------------------


def register_pytree_node(
    nodetype: type,
    flatten_func: Callable[[Any], tuple[Iterable[Any], Hashable]],
    unflatten_func: Callable[[Hashable, Iterable[Any]], Any],
    flatten_with_keys_func: Callable[[Any], tuple[Iterable[tuple[Any, Any]], Hashable]]
    | None = None,
) -> None:
    """Makes instances of ``nodetype`` pytree nodes rather than leaves.

    Args:
        nodetype: the class (exact type; subclasses are not covered).
        flatten_func: ``x -> (children, aux_data)``; ``aux_data`` must be hashable and
            comparable (it is part of the ``PyTreeDef``).
        unflatten_func: ``(aux_data, children) -> x``.
        flatten_with_keys_func: optional ``x -> (((key, child), ...), aux_data)``; gives
            the path entries used by ``tree_leaves_with_path`` (default: flat index).

    Example:
        >>> class Pair:
        ...     def __init__(self, a, b): self.a, self.b = a, b
        >>> register_pytree_node(Pair, lambda p: ((p.a, p.b), None),
        ...                      lambda _, ch: Pair(*ch))
        >>> tree_leaves(Pair(1, (2, 3)))
        [1, 2, 3]
    """
    if nodetype in _registry:
        raise ValueError(f"[tree_util] {nodetype!r} is already registered as a pytree node")
    _register(nodetype, flatten_func, unflatten_func, flatten_with_keys_func)


def register_pytree_node_class(cls: type) -> type:
    """Class decorator: registers ``cls`` using its ``tree_flatten`` method and its
    ``tree_unflatten(aux_data, children)`` classmethod. Returns ``cls``.

    Example:
        >>> @register_pytree_node_class
        ... class Box:
        ...     def __init__(self, v): self.v = v
        ...     def tree_flatten(self): return (self.v,), None
        ...     @classmethod
        ...     def tree_unflatten(cls, aux, children): return cls(*children)
        >>> tree_leaves([Box(1), Box(2)])
        [1, 2]
    """
    register_pytree_node(cls, lambda x: x.tree_flatten(), cls.tree_unflatten)
    return cls


def register_dataclass(
    nodetype: type,
    data_fields: Iterable[str] | None = None,
    meta_fields: Iterable[str] | None = None,
    drop_fields: Iterable[str] = (),
) -> type:
    """Registers a dataclass: ``data_fields`` are children, ``meta_fields`` are static
    (part of the ``PyTreeDef``; must be hashable). Returns ``nodetype``.

    With neither list given (or used as a decorator), fields whose metadata has
    ``static=True`` are meta fields and all other ``init`` fields not in ``drop_fields``
    are data fields. Dropped fields are not stored; they must have defaults.

    Example:
        >>> @register_dataclass
        ... @dataclasses.dataclass
        ... class Params:
        ...     w: float
        ...     name: str = dataclasses.field(default='p', metadata=dict(static=True))
        >>> tree_flatten(Params(1.0))
        ([1.0], PyTreeDef(CustomNode(Params[('p',)], [*])))
    """
    if data_fields is None and meta_fields is None:
        if not dataclasses.is_dataclass(nodetype):
            raise TypeError(
                f"[register_dataclass] {nodetype!r} is not a dataclass; pass data_fields "
                f"and meta_fields explicitly"
            )
        dropped = set(drop_fields)
        fields = [f for f in dataclasses.fields(nodetype) if f.init and f.name not in dropped]
        meta_fields = [f.name for f in fields if f.metadata.get("static", False)]
        data_fields = [f.name for f in fields if not f.metadata.get("static", False)]
    elif data_fields is None or meta_fields is None:
        raise TypeError("[register_dataclass] pass both data_fields and meta_fields, or neither")
    data = tuple(data_fields)
    meta = tuple(meta_fields)

    def flatten(x):
        return [getattr(x, n) for n in data], tuple(getattr(x, n) for n in meta)

    def flatten_with_keys(x):
        return [(GetAttrKey(n), getattr(x, n)) for n in data], tuple(getattr(x, n) for n in meta)

    def unflatten(aux, children):
        return nodetype(
            **dict(zip(meta, aux, strict=True)), **dict(zip(data, children, strict=True))
        )

    register_pytree_node(nodetype, flatten, unflatten, flatten_with_keys)
    return nodetype


# ---------------------------------------------------------------------------------------
# Paths
# ---------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class SequenceKey:
    """Path entry for a tuple/list child: prints as ``[0]``."""

    idx: int

    def __str__(self) -> str:
        return f"[{self.idx!r}]"


@dataclasses.dataclass(frozen=True)
class DictKey:
    """Path entry for a dict child: prints as ``['a']``."""

    key: Hashable

    def __str__(self) -> str:
        return f"[{self.key!r}]"


@dataclasses.dataclass(frozen=True)
class GetAttrKey:
    """Path entry for a namedtuple/dataclass field: prints as ``.name``."""

    name: str

    def __str__(self) -> str:
        return f".{self.name}"


@dataclasses.dataclass(frozen=True)
class FlattenedIndexKey:
    """Path entry for a child of a custom node without keys: ``[<flat index 0>]``."""

    key: int

    def __str__(self) -> str:
        return f"[<flat index {self.key}>]"


def keystr(path: Iterable[Any]) -> str:
    """Joins path entries into a string, e.g. ``[0]['a'].x``."""
    return "".join(str(k) for k in path)


def _flatten_with_path(x: Any, path: tuple, out: list, is_leaf: IsLeaf) -> None:
    if is_leaf is not None and is_leaf(x):
        out.append((path, x))
        return
    nodetype = type(x)
    node = _node_def(nodetype)
    if node is None:
        out.append((path, x))
        return
    if node.flatten_with_keys is not None:
        keyed, _ = node.flatten_with_keys(x)
        for k, c in keyed:
            _flatten_with_path(c, (*path, k), out, is_leaf)
        return
    children, aux = node.flatten(x)
    for i, c in enumerate(children):
        _flatten_with_path(c, (*path, _child_key(nodetype, aux, x, i)), out, is_leaf)


def tree_flatten_with_path(
    tree: PyTree, is_leaf: IsLeaf = None
) -> tuple[list[tuple[tuple[Any, ...], Any]], PyTreeDef]:
    """Like ``tree_flatten`` but each leaf comes with its key path (a tuple of
    ``SequenceKey``/``DictKey``/``GetAttrKey``/``FlattenedIndexKey``), as in JAX.

    Example:
        >>> tree_flatten_with_path({'a': [5]})[0]
        [((DictKey(key='a'), SequenceKey(idx=0)), 5)]
    """
    out: list[tuple[tuple[Any, ...], Any]] = []
    _flatten_with_path(tree, (), out, is_leaf)
    return out, tree_structure(tree, is_leaf)


def tree_leaves_with_path(tree: PyTree, is_leaf: IsLeaf = None) -> list[tuple[str, Any]]:
    """``(path_string, leaf)`` pairs in flattening order; paths read like ``[0]['a']``.

    Note: unlike ``jax.tree_util.tree_leaves_with_path`` the path is already a string
    (``keystr`` of the key path); use ``tree_flatten_with_path`` for key tuples. Used to
    name arguments in error messages.

    Example:
        >>> tree_leaves_with_path(({'a': 1}, 2))
        [("[0]['a']", 1), ('[1]', 2)]
    """
    out: list[tuple[tuple[Any, ...], Any]] = []
    _flatten_with_path(tree, (), out, is_leaf)
    return [(keystr(p), leaf) for p, leaf in out]
