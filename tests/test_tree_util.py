"""Tests for functrans.tree_util, with jax.tree_util as the oracle where semantics match."""

from __future__ import annotations

import collections
import dataclasses
import functools
import operator
import pickle

import jax.tree_util as jtu
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from functrans import tree_util as tu

# ---------------------------------------------------------------------------------------
# Test node types, registered identically with functrans and with JAX
# ---------------------------------------------------------------------------------------

Point = collections.namedtuple("Point", ["x", "y"])


class Empty(collections.namedtuple("Empty", [])):
    pass


class Pair:
    """Registered with register_pytree_node; aux data is a label."""

    def __init__(self, a, b, label="p"):
        self.a, self.b, self.label = a, b, label

    def __eq__(self, other):
        return type(other) is Pair and vars(self) == vars(other)

    def __repr__(self):
        return f"Pair({self.a!r}, {self.b!r}, {self.label!r})"


def _pair_flatten(p):
    return (p.a, p.b), p.label


def _pair_unflatten(label, children):
    return Pair(*children, label=label)


tu.register_pytree_node(Pair, _pair_flatten, _pair_unflatten)
jtu.register_pytree_node(Pair, _pair_flatten, _pair_unflatten)


class Box:
    """Registered with the class decorator (tree_flatten / tree_unflatten methods)."""

    def __init__(self, value):
        self.value = value

    def tree_flatten(self):
        return (self.value,), None

    @classmethod
    def tree_unflatten(cls, aux, children):
        del aux
        return cls(*children)

    def __eq__(self, other):
        return type(other) is Box and self.value == other.value


assert tu.register_pytree_node_class(Box) is Box
jtu.register_pytree_node_class(Box)


@dataclasses.dataclass
class Params:
    w: object
    b: object
    name: str = dataclasses.field(default="layer", metadata=dict(static=True))


assert tu.register_dataclass(Params) is Params
jtu.register_dataclass(Params)


@dataclasses.dataclass
class Explicit:
    x: object
    n: int


tu.register_dataclass(Explicit, data_fields=["x"], meta_fields=["n"])
jtu.register_dataclass(Explicit, data_fields=["x"], meta_fields=["n"])


class PairChild(Pair):
    """Subclass of a registered type: a leaf (registration is by exact type)."""


EXAMPLES = [
    1,
    None,
    (),
    [],
    {},
    (1,),
    [1, 2],
    (1, {"a": 2}),
    {"b": 1, "a": 2, "c": (3, 4)},
    [None, 1, (None,), {"z": None}],
    Point(1, (2, 3)),
    Point(None, [4]),
    Empty(),
    Pair(1, (2, 3), label="x"),
    Pair(Pair(1, 2), [3]),
    Box([1, Box(2)]),
    Params(w=1.0, b=(2.0, 3.0)),
    Params(w=1.0, b=None, name="other"),
    Explicit(x=[1, 2], n=3),
    collections.OrderedDict([("b", 1), ("a", 2)]),
    collections.defaultdict(list, {"b": 1, "a": (2, 3)}),
    {1: "x", 0: "y"},
    ((((1,),),),),
    "a string is a leaf",
    np.arange(3.0),
    (np.float32(1.0), np.zeros((2, 2))),
    PairChild(1, 2),
]


def _same(a, b) -> bool:
    """Equality that copes with NumPy arrays among the leaves."""
    la, ta = tu.tree_flatten(a)
    lb, tb = tu.tree_flatten(b)
    if ta != tb or len(la) != len(lb):
        return False
    for x, y in zip(la, lb, strict=True):
        if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
            if not (type(x) is type(y) and np.array_equal(x, y) and x.dtype == y.dtype):
                return False
        elif isinstance(x, PairChild):
            if x is not y:
                return False
        elif x != y:
            return False
    return True


# ---------------------------------------------------------------------------------------
# Flatten / unflatten against JAX
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("tree", EXAMPLES, ids=lambda t: type(t).__name__)
def test_flatten_matches_jax(tree):
    leaves, treedef = tu.tree_flatten(tree)
    j_leaves, j_treedef = jtu.tree_flatten(tree)
    assert len(leaves) == len(j_leaves)
    assert all(a is b for a, b in zip(leaves, j_leaves, strict=True))
    assert repr(treedef) == repr(j_treedef)
    assert treedef.num_leaves == j_treedef.num_leaves
    assert treedef.num_nodes == j_treedef.num_nodes
    assert tu.tree_leaves(tree) == leaves or all(
        a is b for a, b in zip(tu.tree_leaves(tree), leaves, strict=True)
    )
    assert tu.tree_structure(tree) == treedef


@pytest.mark.parametrize("tree", EXAMPLES, ids=lambda t: type(t).__name__)
def test_unflatten_round_trip(tree):
    leaves, treedef = tu.tree_flatten(tree)
    rebuilt = tu.tree_unflatten(treedef, leaves)
    assert type(rebuilt) is type(tree)
    assert _same(rebuilt, tree)
    assert _same(treedef.unflatten(leaves), tree)
    # Rebuilding from fresh leaves gives the same structure as JAX would rebuild.
    fresh = list(range(treedef.num_leaves))
    ours = tu.tree_unflatten(treedef, fresh)
    theirs = jtu.tree_unflatten(jtu.tree_structure(tree), fresh)
    assert tu.tree_structure(ours) == tu.tree_structure(theirs)
    assert tu.tree_leaves(ours) == tu.tree_leaves(theirs) == fresh


def test_dict_keys_sorted_like_jax():
    tree = {"b": 1, "a": 2, "c": 3}
    leaves, treedef = tu.tree_flatten(tree)
    assert leaves == jtu.tree_leaves(tree) == [2, 1, 3]
    rebuilt = treedef.unflatten(leaves)
    assert list(rebuilt) == list(jtu.tree_unflatten(jtu.tree_structure(tree), leaves))
    assert list(rebuilt) == ["a", "b", "c"]
    # Insertion order does not matter for the structure.
    assert tu.tree_structure({"a": 0, "b": 0}) == tu.tree_structure({"b": 0, "a": 0})


def test_ordered_dict_keeps_insertion_order():
    tree = collections.OrderedDict([("b", 1), ("a", 2)])
    leaves, treedef = tu.tree_flatten(tree)
    assert leaves == [1, 2]
    assert list(treedef.unflatten(leaves)) == ["b", "a"]
    assert tu.tree_structure(collections.OrderedDict(a=0, b=0)) != treedef


def test_defaultdict_keeps_factory():
    tree = collections.defaultdict(list, {"b": 1})
    rebuilt = tu.tree_map(lambda x: x + 1, tree)
    assert type(rebuilt) is collections.defaultdict
    assert rebuilt["b"] == 2
    assert rebuilt["missing"] == []


def test_unsortable_dict_keys_raise():
    with pytest.raises(ValueError, match="comparable"):
        tu.tree_flatten({1: 0, "a": 0})


def test_none_is_a_node_without_children():
    leaves, treedef = tu.tree_flatten(None)
    assert leaves == []
    assert repr(treedef) == "PyTreeDef(None)"
    assert treedef.num_leaves == 0
    assert tu.tree_unflatten(treedef, []) is None
    assert tu.tree_leaves([None, 1, {"a": None}]) == [1]
    assert tu.tree_map(lambda x: x * 10, (None, 1)) == (None, 10)
    assert tu.tree_structure(None) != tu.tree_structure(0)


def test_is_leaf_is_called_on_every_node_like_jax():
    tree = [None, (1, 2), {"a": [3]}]
    for pred in (lambda x: x is None, lambda x: isinstance(x, tuple), lambda x: x == [3]):
        leaves, treedef = tu.tree_flatten(tree, is_leaf=pred)
        j_leaves, j_treedef = jtu.tree_flatten(tree, is_leaf=pred)
        assert leaves == j_leaves
        assert repr(treedef) == repr(j_treedef)
        assert treedef.unflatten(leaves) == tree
    assert tu.tree_leaves(tree, is_leaf=lambda x: True) == [tree]


def test_namedtuple_round_trip_and_repr():
    tree = Point(x=1, y=[2, 3])
    leaves, treedef = tu.tree_flatten(tree)
    assert leaves == [1, 2, 3]
    assert repr(treedef) == "PyTreeDef(CustomNode(namedtuple[Point], [*, [*, *]]))"
    rebuilt = treedef.unflatten(["a", "b", "c"])
    assert type(rebuilt) is Point and rebuilt == Point("a", ["b", "c"])
    # A namedtuple is not a plain tuple of the same arity.
    assert tu.tree_structure((1, 2)) != tu.tree_structure(Point(1, 2))


def test_registered_class_aux_data_is_part_of_the_structure():
    assert tu.tree_structure(Pair(1, 2, "a")) == tu.tree_structure(Pair(5, 6, "a"))
    assert tu.tree_structure(Pair(1, 2, "a")) != tu.tree_structure(Pair(1, 2, "b"))
    assert repr(tu.tree_structure(Pair(1, 2, "a"))) == "PyTreeDef(CustomNode(Pair[a], [*, *]))"
    assert tu.tree_map(lambda x: -x, Pair(1, (2,), "q")) == Pair(-1, (-2,), "q")


def test_register_pytree_node_class_decorator():
    assert tu.tree_leaves([Box(1), Box((2, 3))]) == [1, 2, 3]
    assert tu.tree_map(str, Box([1])) == Box(["1"])


def test_register_dataclass_static_fields():
    p = Params(w=1.0, b=(2.0, 3.0), name="dense")
    leaves, treedef = tu.tree_flatten(p)
    assert leaves == [1.0, 2.0, 3.0]
    assert repr(treedef) == repr(jtu.tree_structure(p))
    assert "dense" in repr(treedef)
    assert treedef != tu.tree_structure(Params(w=1.0, b=(2.0, 3.0), name="other"))
    rebuilt = treedef.unflatten([4.0, 5.0, 6.0])
    assert rebuilt == Params(w=4.0, b=(5.0, 6.0), name="dense")


def test_register_dataclass_explicit_fields_and_errors():
    assert tu.tree_flatten(Explicit(x=[7], n=2))[0] == [7]
    assert tu.tree_structure(Explicit(x=[7], n=2)) != tu.tree_structure(Explicit(x=[7], n=3))

    class NotADataclass:
        pass

    with pytest.raises(TypeError, match="dataclass"):
        tu.register_dataclass(NotADataclass)
    with pytest.raises(TypeError, match="both"):
        tu.register_dataclass(NotADataclass, data_fields=["a"])


def test_register_dataclass_drop_fields():
    @dataclasses.dataclass
    class WithCache:
        x: object
        cache: object = None

    tu.register_dataclass(WithCache, drop_fields=["cache"])
    assert tu.tree_leaves(WithCache(x=1, cache="stale")) == [1]
    rebuilt = tu.tree_map(lambda v: v + 1, WithCache(x=1, cache="stale"))
    assert rebuilt == WithCache(x=2, cache=None)


def test_duplicate_registration_raises():
    with pytest.raises(ValueError, match="already registered"):
        tu.register_pytree_node(Pair, _pair_flatten, _pair_unflatten)
    with pytest.raises(ValueError, match="already registered"):
        tu.register_pytree_node(tuple, lambda t: (t, None), lambda _, c: tuple(c))


def test_subclass_of_registered_type_is_a_leaf():
    child = PairChild(1, 2)
    assert tu.tree_leaves(child) == [child]
    assert tu.tree_leaves(child) == jtu.tree_leaves(child)


# ---------------------------------------------------------------------------------------
# PyTreeDef equality, hashing, misc
# ---------------------------------------------------------------------------------------


def test_treedef_eq_and_hash():
    a = tu.tree_structure((1, {"a": 2, "b": [3]}))
    b = tu.tree_structure(("x", {"b": ["y"], "a": "z"}))
    c = tu.tree_structure((1, {"a": 2, "b": (3,)}))
    assert a == b and hash(a) == hash(b)
    assert a != c
    assert not (a == 1)
    assert a != "PyTreeDef"
    cache = {a: "hit"}
    assert cache[b] == "hit"
    assert c not in cache
    assert tu.tree_structure([1]) != tu.tree_structure((1,))
    assert tu.tree_structure([]) != tu.tree_structure(())
    assert tu.tree_structure([]) != tu.tree_structure(None)
    assert tu.tree_structure(1) == tu.tree_structure("leaf")


def test_treedef_pickles():
    treedef = tu.tree_structure((1, {"a": [2, None]}, Point(3, 4)))
    again = pickle.loads(pickle.dumps(treedef))
    assert again == treedef and hash(again) == hash(treedef)


def test_treedef_children_match_jax():
    tree = (1, [2, 3], {"a": None}, Pair(4, 5))
    ours = tu.treedef_children(tu.tree_structure(tree))
    theirs = jtu.treedef_children(jtu.tree_structure(tree))
    assert [repr(t) for t in ours] == [repr(t) for t in theirs]
    assert tu.treedef_children(tu.tree_structure(1)) == []
    assert tu.treedef_is_leaf(tu.tree_structure(1))
    assert not tu.treedef_is_leaf(tu.tree_structure(None))


def test_unflatten_wrong_number_of_leaves():
    treedef = tu.tree_structure((1, 2))
    with pytest.raises(ValueError, match="Too few leaves.*expected 2, got 1"):
        treedef.unflatten([1])
    with pytest.raises(ValueError, match="Too many leaves.*expected 2, got 3"):
        tu.tree_unflatten(treedef, [1, 2, 3])


def test_leaf_treedef_unflatten():
    treedef = tu.tree_structure(np.ones(3))
    assert repr(treedef) == "PyTreeDef(*)"
    assert treedef.unflatten(["x"]) == "x"


# ---------------------------------------------------------------------------------------
# tree_map, tree_all, tree_reduce, tree_transpose
# ---------------------------------------------------------------------------------------


def test_tree_map_single_and_multiple():
    tree = (1, {"a": 2, "b": [3, None]}, Point(4, 5))
    assert tu.tree_map(lambda x: x * 2, tree) == jtu.tree_map(lambda x: x * 2, tree)
    other = (10, {"a": 20, "b": [30, None]}, Point(40, 50))
    assert tu.tree_map(operator.add, tree, other) == jtu.tree_map(operator.add, tree, other)
    assert tu.tree_map(lambda a, b, c: a + b + c, tree, other, other) == (
        21,
        {"a": 42, "b": [63, None]},
        Point(84, 105),
    )


def test_tree_map_prefix_semantics_like_jax():
    # A leaf of the first tree faces a whole subtree of the others, as in JAX.
    tree, other = (1, 2), ([3], {"q": 4})
    assert tu.tree_map(lambda a, b: (a, b), tree, other) == jtu.tree_map(
        lambda a, b: (a, b), tree, other
    )


def test_tree_map_is_leaf():
    tree = [(1, 2), (3, 4)]
    out = tu.tree_map(lambda t: sum(t), tree, is_leaf=lambda x: isinstance(x, tuple))
    assert out == [3, 7]


@pytest.mark.parametrize(
    ("tree", "other"),
    [
        ((1, 2), (1, 2, 3)),
        ({"a": 1}, {"b": 1}),
        ([1], (1,)),
        ((None, 1), (2, 1)),
        (Point(1, 2), (1, 2)),
        (Pair(1, 2, "a"), Pair(1, 2, "b")),
        ({"a": [1, 2]}, {"a": [1]}),
    ],
)
def test_tree_map_mismatch_names_both_structures(tree, other):
    with pytest.raises(ValueError) as ours:
        tu.tree_map(lambda a, b: a, tree, other)
    with pytest.raises(ValueError):
        jtu.tree_map(lambda a, b: a, tree, other)
    message = str(ours.value)
    assert repr(tu.tree_structure(tree)) in message
    assert repr(tu.tree_structure(other)) in message


def test_tree_map_mismatch_names_the_path():
    with pytest.raises(ValueError, match=r"\[1\]\['b'\]"):
        tu.tree_map(operator.add, (0, {"a": 1, "b": (2, 3)}), (0, {"a": 1, "b": (2,)}))


def test_tree_all():
    for tree in [(True, [1, {"a": 2}]), (True, [0]), (), None, [None, True]]:
        assert tu.tree_all(tree) == jtu.tree_all(tree)
    assert tu.tree_all([(0,), 1], is_leaf=lambda x: isinstance(x, tuple))


def test_tree_reduce():
    tree = (1, [2, 3], {"a": 4})
    assert tu.tree_reduce(operator.add, tree) == jtu.tree_reduce(operator.add, tree) == 10
    assert tu.tree_reduce(operator.add, tree, 100) == 110
    assert tu.tree_reduce(operator.add, (), 7) == 7
    with pytest.raises(TypeError):
        tu.tree_reduce(operator.add, ())
    nested = [(1, 2), (3, 4)]
    assert tu.tree_reduce(
        lambda acc, t: acc + [t], nested, [], is_leaf=lambda x: isinstance(x, tuple)
    ) == [(1, 2), (3, 4)]


def test_tree_transpose_matches_jax():
    outer = tu.tree_structure([0, 0, 0])
    inner = tu.tree_structure((0, {"a": 0}))
    tree = [(1, {"a": 2}), (3, {"a": 4}), (5, {"a": 6})]
    ours = tu.tree_transpose(outer, inner, tree)
    theirs = jtu.tree_transpose(
        jtu.tree_structure([0, 0, 0]), jtu.tree_structure((0, {"a": 0})), tree
    )
    assert ours == theirs == ([1, 3, 5], {"a": [2, 4, 6]})


# ---------------------------------------------------------------------------------------
# Paths
# ---------------------------------------------------------------------------------------

PATH_EXAMPLES = [
    ({"a": 1}, 2),
    [Point(1, 2), {"a": Pair(1, 2), "b": Params(3, 4)}, (5,)],
    {"z": [None, {"y": 1}], "a": Box(3)},
    collections.OrderedDict([("b", 1), ("a", [2])]),
    7,
]


@pytest.mark.parametrize("tree", PATH_EXAMPLES, ids=lambda t: type(t).__name__)
def test_paths_match_jax_keystr(tree):
    ours = tu.tree_leaves_with_path(tree)
    theirs = [(jtu.keystr(p), leaf) for p, leaf in jtu.tree_leaves_with_path(tree)]
    assert ours == theirs
    flat, treedef = tu.tree_flatten_with_path(tree)
    assert [tu.keystr(p) for p, _ in flat] == [p for p, _ in ours]
    assert treedef == tu.tree_structure(tree)
    assert [leaf for _, leaf in ours] == tu.tree_leaves(tree)


def test_path_strings():
    assert tu.tree_leaves_with_path(({"a": 1}, 2)) == [("[0]['a']", 1), ("[1]", 2)]
    assert tu.tree_leaves_with_path(5) == [("", 5)]
    assert tu.tree_leaves_with_path(Point(1, 2)) == [(".x", 1), (".y", 2)]
    assert tu.tree_leaves_with_path([(1,)], is_leaf=lambda x: isinstance(x, tuple)) == [
        ("[0]", (1,))
    ]


# ---------------------------------------------------------------------------------------
# Properties on random nested structures
# ---------------------------------------------------------------------------------------

_keys = st.text(alphabet="abcxyz", min_size=1, max_size=3)
_leaves = st.one_of(st.integers(-5, 5), st.sampled_from(["s", "t"]), st.floats(0, 1))


def _extend(children):
    return st.one_of(
        st.lists(children, max_size=4),
        st.lists(children, max_size=4).map(tuple),
        st.dictionaries(_keys, children, max_size=4),
        st.tuples(children, children).map(lambda xy: Point(*xy)),
        st.tuples(children, children, st.sampled_from(["p", "q"])).map(lambda t: Pair(*t)),
        st.tuples(children, children).map(lambda wb: Params(*wb)),
    )


trees = st.recursive(st.one_of(_leaves, st.none()), _extend, max_leaves=20)


@settings(deadline=None)
@given(trees)
def test_property_round_trip_and_jax_agreement(tree):
    leaves, treedef = tu.tree_flatten(tree)
    j_leaves, j_treedef = jtu.tree_flatten(tree)
    assert leaves == j_leaves
    assert repr(treedef) == repr(j_treedef)
    assert treedef.num_leaves == len(leaves)
    assert treedef.num_nodes == j_treedef.num_nodes
    rebuilt = tu.tree_unflatten(treedef, leaves)
    assert rebuilt == tree
    assert tu.tree_structure(rebuilt) == treedef
    assert hash(tu.tree_structure(rebuilt)) == hash(treedef)
    relabeled = treedef.unflatten(range(treedef.num_leaves))
    assert tu.tree_leaves(relabeled) == list(range(treedef.num_leaves))
    assert tu.tree_structure(relabeled) == treedef


@settings(deadline=None)
@given(trees, trees)
def test_property_treedef_equality_agrees_with_jax(a, b):
    ours = tu.tree_structure(a) == tu.tree_structure(b)
    theirs = jtu.tree_structure(a) == jtu.tree_structure(b)
    assert ours == theirs
    if ours:
        assert hash(tu.tree_structure(a)) == hash(tu.tree_structure(b))


@settings(deadline=None)
@given(trees)
def test_property_tree_map_and_paths(tree):
    assert tu.tree_map(lambda x: (x,), tree) == jtu.tree_map(lambda x: (x,), tree)
    assert tu.tree_leaves_with_path(tree) == [
        (jtu.keystr(p), leaf) for p, leaf in jtu.tree_leaves_with_path(tree)
    ]
    assert functools.reduce(lambda n, _: n + 1, tu.tree_leaves(tree), 0) == len(
        jtu.tree_leaves(tree)
    )
