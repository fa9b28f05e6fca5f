"""Import-graph rules for functrans/ (DESIGN.md section 1), checked by parsing with `ast`.

Nothing here imports functrans; every `functrans/**/*.py` is parsed as text.

Rules:
  jax-outside-xla_lowering   only functrans/xla_lowering/ may import jax or jaxlib.
  jax-transformation         inside xla_lowering, no JAX numerics or transformations:
                             no jax.numpy/lax/nn/scipy/random/experimental (nor their
                             jax._src twins, nor JAX's ad/batching/partial_eval machinery),
                             no jax.grad/jit/vmap/... by import or attribute use.
  layer-order                imports point downward: a module imports only from its own
                             layer rank or lower (relative imports resolved).
  xla_lowering-is-a-plugin   nothing below the API layer imports functrans.xla_lowering.
  tree_util-is-a-leaf        functrans/tree_util.py imports nothing from functrans.

Layer ranks (low to high): tree_util, core = 0; primitives = 1; interpreters = 2;
higher_order = 3; xla_lowering = 4; everything else in functrans (api, lax, numpy/, nn,
random, test_util, __init__, top-level _*.py) = 5.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGE = "functrans"

LAYER_RANKS = {
    "functrans.tree_util": 0,
    "functrans.core": 0,
    "functrans.primitives": 1,
    "functrans.interpreters": 2,
    "functrans.higher_order": 3,
    "functrans.xla_lowering": 4,
}
API_RANK = 5
XLA_LOWERING = "functrans.xla_lowering"

# Inside xla_lowering: JAX is allowed only as compiler/runtime (PJRT, MLIR, jax.extend).
FORBIDDEN_JAX_NAMESPACES = (
    "jax.numpy",
    "jax.lax",
    "jax.nn",
    "jax.scipy",
    "jax.random",
    "jax.experimental",
    # Private twins of the above and JAX's own transformation machinery.
    "jax._src.numpy",
    "jax._src.lax",
    "jax._src.nn",
    "jax._src.scipy",
    "jax._src.random",
    "jax.interpreters.ad",
    "jax.interpreters.batching",
    "jax.interpreters.partial_eval",
    "jax._src.interpreters.ad",
    "jax._src.interpreters.batching",
    "jax._src.interpreters.partial_eval",
)
FORBIDDEN_JAX_TRANSFORMS = tuple(
    f"jax.{name}"
    for name in (
        "grad",
        "jit",
        "vmap",
        "pmap",
        "jvp",
        "vjp",
        "linearize",
        "value_and_grad",
        "jacfwd",
        "jacrev",
        "hessian",
        "eval_shape",
        "make_jaxpr",
        "checkpoint",
        "remat",
        "custom_jvp",
        "custom_vjp",
        "shard_map",
    )
)
FORBIDDEN_IN_XLA_LOWERING = FORBIDDEN_JAX_NAMESPACES + FORBIDDEN_JAX_TRANSFORMS


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: [{self.rule}] {self.message}"


# ---------------------------------------------------------------------------------------
# Module names and ranks
# ---------------------------------------------------------------------------------------


def module_name(relpath: str) -> tuple[str, bool]:
    """('functrans.core.ir', False) for 'functrans/core/ir.py'; packages give True."""
    parts = list(Path(relpath).with_suffix("").parts)
    is_package = parts[-1] == "__init__"
    if is_package:
        parts.pop()
    return ".".join(parts), is_package


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def layer_rank(name: str) -> int:
    """Rank of a functrans module (anything under functrans.* not listed is the API)."""
    for prefix, rank in LAYER_RANKS.items():
        if _within(name, prefix):
            return rank
    return API_RANK


def _resolve_relative(module: str, is_package: bool, level: int, target: str | None) -> str:
    package = module.split(".") if is_package else module.split(".")[:-1]
    if level - 1 > len(package) - 1:
        return "<relative import beyond top-level package>"
    base = package[: len(package) - (level - 1)]
    return ".".join(base + ([target] if target else []))


# ---------------------------------------------------------------------------------------
# Collecting imports
# ---------------------------------------------------------------------------------------


def imported_names(tree: ast.AST, module: str, is_package: bool) -> list[tuple[int, str]]:
    """(line, dotted name) for every import, anywhere in the file (functions included).

    `from P import a` yields `P.a` (a submodule or a name in P: either way the rank of
    P.a is the rank of what is imported); `from P import *` yields `P.*`. Calls to
    `importlib.import_module('x')` / `__import__('x')` with a literal string count too.
    """
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = _resolve_relative(module, is_package, node.level, node.module)
            for alias in node.names:
                name = f"{base}.{alias.name}"
                found.append((node.lineno, name))
        elif isinstance(node, ast.Call) and _is_dynamic_import(node):
            found.append((node.lineno, node.args[0].value))
    return found


def _is_dynamic_import(node: ast.Call) -> bool:
    func = node.func
    is_import_call = (isinstance(func, ast.Name) and func.id == "__import__") or (
        isinstance(func, ast.Attribute)
        and func.attr == "import_module"
        and isinstance(func.value, ast.Name)
        and func.value.id == "importlib"
    )
    return (
        is_import_call
        and bool(node.args)
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    )


def jax_attribute_uses(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, dotted name) for attribute chains rooted at a name bound to a jax module,
    e.g. `jax.jit` after `import jax`, `J.lax.add` after `import jax as J`."""
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _within(alias.name, "jax"):
                    if alias.asname:
                        aliases[alias.asname] = alias.name
                    else:
                        aliases["jax"] = "jax"
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            if _within(node.module, "jax"):
                for alias in node.names:
                    aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    uses = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            dotted = _dotted(node, aliases)
            if dotted is not None:
                uses.append((node.lineno, dotted))
    return uses


def _dotted(node: ast.Attribute, aliases: dict[str, str]) -> str | None:
    attrs = []
    cur: ast.AST = node
    while isinstance(cur, ast.Attribute):
        attrs.append(cur.attr)
        cur = cur.value
    if not isinstance(cur, ast.Name) or cur.id not in aliases:
        return None
    return ".".join([aliases[cur.id], *reversed(attrs)])


# ---------------------------------------------------------------------------------------
# The checker
# ---------------------------------------------------------------------------------------


def _forbidden_jax(name: str) -> str | None:
    for bad in FORBIDDEN_IN_XLA_LOWERING:
        if _within(name, bad):
            return bad
    return None


def check_source(source: str, relpath: str) -> list[Violation]:
    """All layering violations in one file; `relpath` like 'functrans/core/ir.py'."""
    module, is_package = module_name(relpath)
    tree = ast.parse(source, filename=relpath)
    rank = layer_rank(module)
    in_xla = _within(module, XLA_LOWERING)
    out: list[Violation] = []

    def flag(line: int, rule: str, message: str) -> None:
        out.append(Violation(relpath, line, rule, message))

    for line, name in imported_names(tree, module, is_package):
        if _within(name, "jax") or _within(name, "jaxlib"):
            if not in_xla:
                flag(
                    line,
                    "jax-outside-xla_lowering",
                    f"imports {name}; only functrans/xla_lowering/ may import jax/jaxlib",
                )
            elif (bad := _forbidden_jax(name)) is not None or name == "jax.*":
                flag(
                    line,
                    "jax-transformation",
                    f"imports {name}: {bad or 'jax.*'} is JAX numerics or a JAX "
                    f"transformation; xla_lowering may use JAX only as compiler/runtime",
                )
        elif _within(name, PACKAGE):
            out += _check_internal_import(relpath, line, module, rank, name)
    if in_xla:
        for line, dotted in jax_attribute_uses(tree):
            bad = _forbidden_jax(dotted)
            if bad is not None:
                flag(
                    line,
                    "jax-transformation",
                    f"uses {dotted}: {bad} is JAX numerics or a JAX transformation",
                )
    return sorted(set(out), key=lambda v: (v.line, v.rule, v.message))


def _check_internal_import(relpath, line, module, rank, name) -> list[Violation]:
    target_rank = layer_rank(name)
    if module == "functrans.tree_util":
        return [
            Violation(
                relpath,
                line,
                "tree_util-is-a-leaf",
                f"imports {name}; tree_util must not import from functrans",
            )
        ]
    if _within(name, XLA_LOWERING) and rank < API_RANK and not _within(module, XLA_LOWERING):
        return [
            Violation(
                relpath,
                line,
                "xla_lowering-is-a-plugin",
                f"{module} (rank {rank}) imports {name}; only the API layer "
                f"(rank {API_RANK}) may import functrans.xla_lowering",
            )
        ]
    if target_rank > rank:
        return [
            Violation(
                relpath,
                line,
                "layer-order",
                f"{module} (rank {rank}) imports {name} (rank {target_rank}); "
                f"imports must point to the same rank or lower",
            )
        ]
    return []


def package_files() -> list[Path]:
    root = REPO / PACKAGE
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)


def check_package() -> list[Violation]:
    violations: list[Violation] = []
    for path in package_files():
        relpath = path.relative_to(REPO).as_posix()
        violations += check_source(path.read_text(encoding="utf-8"), relpath)
    return violations


# ---------------------------------------------------------------------------------------
# The real check
# ---------------------------------------------------------------------------------------


def test_package_respects_layering():
    """Passes trivially while functrans/ (or a layer directory) does not exist yet."""
    violations = check_package()
    assert not violations, "layering violations:\n" + "\n".join(map(str, violations))


def test_every_package_module_has_a_rank():
    for path in package_files():
        module, _ = module_name(path.relative_to(REPO).as_posix())
        assert 0 <= layer_rank(module) <= API_RANK


# ---------------------------------------------------------------------------------------
# Self-tests: the checker must catch violations (so the test above can fail)
# ---------------------------------------------------------------------------------------


def rules(source: str, relpath: str) -> list[str]:
    return [v.rule for v in check_source(source, relpath)]


@pytest.mark.parametrize(
    ("relpath", "source", "rule"),
    [
        (
            "functrans/primitives/elementwise.py",
            "import jax.numpy as jnp\n",
            "jax-outside-xla_lowering",
        ),
        ("functrans/core/ir.py", "import jax\n", "jax-outside-xla_lowering"),
        ("functrans/api.py", "from jax import lax\n", "jax-outside-xla_lowering"),
        ("functrans/numpy/__init__.py", "import jaxlib\n", "jax-outside-xla_lowering"),
        (
            "functrans/interpreters/vmap.py",
            "def f():\n    import jax\n",
            "jax-outside-xla_lowering",
        ),
        (
            "functrans/lax.py",
            "import importlib\nimportlib.import_module('jax.numpy')\n",
            "jax-outside-xla_lowering",
        ),
        ("functrans/xla_lowering/lower.py", "import jax.numpy as jnp\n", "jax-transformation"),
        ("functrans/xla_lowering/lower.py", "from jax import lax\n", "jax-transformation"),
        ("functrans/xla_lowering/lower.py", "from jax import grad\n", "jax-transformation"),
        ("functrans/xla_lowering/lower.py", "from jax import *\n", "jax-transformation"),
        (
            "functrans/xla_lowering/lower.py",
            "from jax.experimental import mesh_utils\n",
            "jax-transformation",
        ),
        ("functrans/xla_lowering/lower.py", "import jax._src.lax.lax as l\n", "jax-transformation"),
        ("functrans/xla_lowering/runtime.py", "import jax\nf = jax.jit(g)\n", "jax-transformation"),
        (
            "functrans/xla_lowering/runtime.py",
            "import jax as J\ny = J.numpy.sin(x)\n",
            "jax-transformation",
        ),
        (
            "functrans/xla_lowering/runtime.py",
            "import jax.extend\nh = jax.vmap\n",
            "jax-transformation",
        ),
        ("functrans/primitives/dot.py", "from ..interpreters import vmap\n", "layer-order"),
        (
            "functrans/primitives/dot.py",
            "from functrans.interpreters.jvp import x\n",
            "layer-order",
        ),
        ("functrans/core/trace.py", "from .. import primitives\n", "layer-order"),
        ("functrans/core/trace.py", "from functrans import api\n", "layer-order"),
        ("functrans/core/trace.py", "import functrans\n", "layer-order"),
        (
            "functrans/interpreters/jvp.py",
            "from ..higher_order.call import call_p\n",
            "layer-order",
        ),
        ("functrans/higher_order/call.py", "from functrans.numpy import sin\n", "layer-order"),
        ("functrans/xla_lowering/lower.py", "from ..api import jit\n", "layer-order"),
        (
            "functrans/core/__init__.py",
            "from ..xla_lowering import runtime\n",
            "xla_lowering-is-a-plugin",
        ),
        (
            "functrans/higher_order/call.py",
            "import functrans.xla_lowering.runtime\n",
            "xla_lowering-is-a-plugin",
        ),
        (
            "functrans/interpreters/eval.py",
            "from functrans import xla_lowering\n",
            "xla_lowering-is-a-plugin",
        ),
        ("functrans/tree_util.py", "from functrans.core import ir\n", "tree_util-is-a-leaf"),
        ("functrans/tree_util.py", "from . import core\n", "tree_util-is-a-leaf"),
    ],
)
def test_checker_flags_bad_source(relpath, source, rule):
    found = check_source(source, relpath)
    assert rule in [v.rule for v in found], f"{relpath}: {source!r} not flagged as {rule}"
    assert all(v.path == relpath and v.line >= 1 for v in found)


@pytest.mark.parametrize(
    ("relpath", "source"),
    [
        (
            "functrans/primitives/elementwise.py",
            "from ..core import registry\nfrom ..core.trace import Primitive\n"
            "from functrans.tree_util import tree_map\nfrom . import _builders\nimport numpy\n",
        ),
        ("functrans/interpreters/vmap.py", "from ..primitives import shapes\nfrom . import eval\n"),
        (
            "functrans/higher_order/call.py",
            "from ..interpreters import staging\nfrom functrans.core import ir\n",
        ),
        (
            "functrans/xla_lowering/lower.py",
            "import jax\nimport jaxlib\nfrom jax.extend import backend\n"
            "from jaxlib.mlir import ir\nfrom jaxlib.mlir.dialects import stablehlo\n"
            "from ..higher_order import call\nfrom . import runtime\n"
            "client = jax.devices()[0].client\nx = jax.extend.backend.get_backend()\n",
        ),
        ("functrans/xla_lowering/__init__.py", "from . import lower, runtime\n"),
        (
            "functrans/api.py",
            "from .xla_lowering import runtime\nfrom . import lax, numpy\n"
            "from .interpreters import vmap\nimport functrans.xla_lowering.lower\n",
        ),
        ("functrans/__init__.py", "from .api import jit, grad\nfrom . import numpy, lax\n"),
        ("functrans/numpy/_ufuncs.py", "from .. import lax\nfrom ..core import Array\n"),
        ("functrans/_version.py", "from functrans import api\n"),
        ("functrans/core/ir.py", "from . import pretty\nfrom functrans import tree_util\n"),
        ("functrans/core/trace.py", "def jit(): pass\nclass T:\n    jax = None\nT.jax.jit\n"),
        ("functrans/tree_util.py", "import collections\nimport numpy as np\n"),
    ],
)
def test_checker_accepts_good_source(relpath, source):
    found = check_source(source, relpath)
    assert not found, "\n".join(map(str, found))


def test_violation_report_names_file_line_and_rule():
    source = "import numpy\n\nfrom ..interpreters import jvp\n"
    (violation,) = check_source(source, "functrans/primitives/foo.py")
    text = str(violation)
    assert text.startswith("functrans/primitives/foo.py:3: [layer-order]")
    assert "functrans.interpreters.jvp" in text and "rank 2" in text and "rank 1" in text


def test_ranks_and_module_names():
    assert module_name("functrans/core/__init__.py") == ("functrans.core", True)
    assert module_name("functrans/core/ir.py") == ("functrans.core.ir", False)
    assert layer_rank("functrans.tree_util") == 0
    assert layer_rank("functrans.core.ir") == 0
    assert layer_rank("functrans.primitives") == 1
    assert layer_rank("functrans.interpreters.vmap") == 2
    assert layer_rank("functrans.higher_order.control_flow") == 3
    assert layer_rank("functrans.xla_lowering.runtime") == 4
    for api in (
        "functrans",
        "functrans.api",
        "functrans.numpy.linalg",
        "functrans._config",
        "functrans.test_util",
        "functrans.core_utils",
    ):
        assert layer_rank(api) == API_RANK
    assert _resolve_relative("functrans.core.ir", False, 2, "primitives") == (
        "functrans.primitives"
    )
    assert _resolve_relative("functrans.core", True, 1, "ir") == "functrans.core.ir"
    assert _resolve_relative("functrans.core", True, 2, None) == "functrans"
