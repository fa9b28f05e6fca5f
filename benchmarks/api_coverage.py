"""Count the public names of jax.numpy, jax.lax, jax.nn, jax.random and top-level jax
that functrans has (same name in the matching functrans namespace) and list the missing
ones.

    .venv/bin/python benchmarks/api_coverage.py [--missing]
"""

from __future__ import annotations

import importlib
import sys

import jax
import jax.lax
import jax.nn
import jax.numpy
import jax.random

import functrans

PAIRS = [
    ("jax.numpy", jax.numpy, "functrans.numpy"),
    ("jax.lax", jax.lax, "functrans.lax"),
    ("jax.nn", jax.nn, "functrans.nn"),
    ("jax.random", jax.random, "functrans.random"),
    ("jax", jax, "functrans"),
]


def public_names(module) -> list[str]:
    names = getattr(module, "__all__", None) or dir(module)
    return sorted(n for n in names if not n.startswith("_"))


def coverage(jax_module, ft_name: str) -> tuple[list[str], list[str]]:
    try:
        ft_module = importlib.import_module(ft_name)
    except ImportError:
        ft_module = None
    present, missing = [], []
    for name in public_names(jax_module):
        (present if ft_module is not None and hasattr(ft_module, name) else missing).append(
            name)
    return present, missing


def main(argv: list[str]) -> None:
    show_missing = "--missing" in argv
    print(f"jax {jax.__version__}; functrans from {functrans.__file__}")
    print(f"{'namespace':<12} {'present':>8} {'missing':>8} {'total':>6} {'coverage':>9}")
    for label, module, ft_name in PAIRS:
        present, missing = coverage(module, ft_name)
        total = len(present) + len(missing)
        print(f"{label:<12} {len(present):>8} {len(missing):>8} {total:>6} "
              f"{len(present) / total:>8.0%}")
        if show_missing and missing:
            print("  missing:", " ".join(missing))


if __name__ == "__main__":
    main(sys.argv[1:])
