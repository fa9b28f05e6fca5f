"""``functrans.tree``: the short names of ``functrans.tree_util`` (``jax.tree``)."""

from __future__ import annotations

from typing import Any

from .tree_util import (
    tree_all as all,  # noqa: A004
)
from .tree_util import (
    tree_flatten as flatten,
)
from .tree_util import (
    tree_flatten_with_path as flatten_with_path,
)
from .tree_util import (
    tree_leaves as leaves,
)
from .tree_util import (
    tree_leaves_with_path as leaves_with_path,
)
from .tree_util import (
    tree_map as map,  # noqa: A004
)
from .tree_util import (
    tree_reduce as reduce,
)
from .tree_util import (
    tree_structure as structure,
)
from .tree_util import (
    tree_transpose,
    tree_unflatten,
)


def unflatten(treedef, leaves: Any):
    """Rebuild a pytree from ``treedef`` and its leaves (``jax.tree.unflatten``)."""
    return tree_unflatten(treedef, leaves)


def transpose(outer_treedef, inner_treedef, pytree_to_transpose):
    """Turn a tree of trees inside out (``jax.tree.transpose``); ``inner_treedef`` may be
    None to infer it from the first inner tree."""
    if inner_treedef is None:
        inner_treedef = structure(outer_treedef.flatten_up_to(pytree_to_transpose)[0])
    return tree_transpose(outer_treedef, inner_treedef, pytree_to_transpose)


__all__ = ["all", "flatten", "flatten_with_path", "leaves", "leaves_with_path", "map",
           "reduce", "structure", "transpose", "unflatten"]
