"""Count the public names of jax.numpy (and its linalg, fft), jax.lax, jax.nn, jax.random,
top-level jax, jax.scipy.special, jax.scipy.linalg and jax.scipy.stats (and each of its
distribution namespaces) that functrans has (same name in the matching functrans namespace)
and list the missing ones.

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
import jax.scipy.linalg
import jax.scipy.special
import jax.scipy.stats

import functrans

PAIRS = [
    ("jax.numpy", jax.numpy, "functrans.numpy"),
    ("jax.numpy.linalg", jax.numpy.linalg, "functrans.numpy.linalg"),
    ("jax.numpy.fft", jax.numpy.fft, "functrans.numpy.fft"),
    ("jax.lax", jax.lax, "functrans.lax"),
    ("jax.nn", jax.nn, "functrans.nn"),
    ("jax.random", jax.random, "functrans.random"),
    ("jax", jax, "functrans"),
    ("jax.scipy.special", jax.scipy.special, "functrans.scipy.special"),
    ("jax.scipy.linalg", jax.scipy.linalg, "functrans.scipy.linalg"),
    ("jax.scipy.stats", jax.scipy.stats, "functrans.scipy.stats"),
]


def _distribution_pairs() -> list:
    """One pair per distribution namespace of jax.scipy.stats (norm, gamma, ...), counting
    its functions (logpdf, cdf, ...)."""
    pairs = []
    for name in public_names(jax.scipy.stats):
        sub = getattr(jax.scipy.stats, name)
        if type(sub).__name__ == "module":
            pairs.append((f"jax.scipy.stats.{name}", sub, f"functrans.scipy.stats.{name}"))
    return pairs


def public_names(module) -> list[str]:
    names = getattr(module, "__all__", None) or dir(module)
    return sorted(n for n in names if not n.startswith("_"))


def resolve(ft_name: str):
    """The functrans module or namespace object named ``ft_name`` (None if absent): a module,
    or an attribute of one (``functrans.scipy.stats.norm`` is a namespace object)."""
    try:
        return importlib.import_module(ft_name)
    except ImportError:
        parent, _, attr = ft_name.rpartition(".")
        owner = resolve(parent) if parent else None
        return getattr(owner, attr, None)


def coverage(jax_module, ft_name: str) -> tuple[list[str], list[str]]:
    ft_module = resolve(ft_name)
    present, missing = [], []
    for name in public_names(jax_module):
        (present if ft_module is not None and hasattr(ft_module, name) else missing).append(
            name)
    return present, missing


def main(argv: list[str]) -> None:
    show_missing = "--missing" in argv
    print(f"jax {jax.__version__}; functrans from {functrans.__file__}")
    print(f"{'namespace':<36} {'present':>8} {'missing':>8} {'total':>6} {'coverage':>9}")
    for label, module, ft_name in PAIRS + _distribution_pairs():
        present, missing = coverage(module, ft_name)
        total = len(present) + len(missing)
        print(f"{label:<36} {len(present):>8} {len(missing):>8} {total:>6} "
              f"{len(present) / max(total, 1):>8.0%}")
        if show_missing and missing:
            print("  missing:", " ".join(missing))


if __name__ == "__main__":
    main(sys.argv[1:])
