"""Execute the notebooks: each ``notebooks/*.py`` (jupytext percent format, the file to edit)
is converted to a notebook, run top to bottom in a fresh kernel of *this* interpreter, and
(by ``make notebooks``) saved with its outputs as the paired ``notebooks/*.ipynb``.

``tests/test_notebooks.py`` uses the same functions to check that every stored ``.ipynb``
matches its source and that every source runs without an error.

Run: .venv/bin/python tests/notebook_runner.py [notebooks/NAME.py ...]   (= make notebooks)
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import jupytext
import nbformat
from jupyter_client.kernelspec import NATIVE_KERNEL_NAME, KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = REPO / "notebooks"
CELL_TIMEOUT_S = 300
# The kernel's IPython profile and matplotlib cache live inside the virtual environment,
# never in the user's home directory (its connection files: a temporary directory).
STATE_DIR = Path(sys.prefix) / "var" / "functrans-notebooks"


def sources() -> list[Path]:
    """Every notebook source, ``notebooks/*.py``, sorted by name."""
    return sorted(NOTEBOOK_DIR.glob("*.py"))


def paired_ipynb(source: Path) -> Path:
    return source.with_suffix(".ipynb")


def read_source(source: Path) -> nbformat.NotebookNode:
    """The notebook that jupytext makes of ``source`` (no outputs yet)."""
    nb = jupytext.read(source, fmt="py:percent")
    nb.metadata["jupytext"] = {"formats": "ipynb,py:percent"}
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python",
                                 "name": NATIVE_KERNEL_NAME}
    return nb


def cell_sources(nb: nbformat.NotebookNode) -> list[tuple[str, str]]:
    return [(cell.cell_type, cell.source) for cell in nb.cells]


def staleness(source: Path) -> str | None:
    """Why the stored ``.ipynb`` of ``source`` is out of date, or None when its cells are
    exactly jupytext's conversion of the source."""
    stored_path = paired_ipynb(source)
    if not stored_path.exists():
        return f"{stored_path.name} is missing"
    stored = nbformat.read(stored_path, as_version=4)
    want, have = cell_sources(read_source(source)), cell_sources(stored)
    if want == have:
        return unexecuted(stored, stored_path.name)
    if len(want) != len(have):
        return f"{stored_path.name} has {len(have)} cells, {source.name} has {len(want)}"
    first = next(i for i, (a, b) in enumerate(zip(want, have, strict=True)) if a != b)
    return f"cell {first} of {stored_path.name} differs from {source.name}: {have[first]!r}"


def unexecuted(nb: nbformat.NotebookNode, name: str) -> str | None:
    """Why ``nb`` was not saved from one top-to-bottom run (its code cells' execution
    counts are not 1, 2, 3, ...), or None."""
    counts = [cell.get("execution_count") for cell in nb.cells if cell.cell_type == "code"]
    if counts != list(range(1, len(counts) + 1)):
        return f"{name} was not saved from one top-to-bottom run (execution counts {counts})"
    return None


def state_dir() -> Path:
    """STATE_DIR, or a directory under the system's temporary directory when the
    interpreter's prefix is not writable (a system Python)."""
    try:
        STATE_DIR.mkdir(parents=True, exist_ok=True)
        return STATE_DIR
    except OSError:
        return Path(tempfile.gettempdir()) / "functrans-notebooks"


def kernel_env() -> dict[str, str]:
    """The kernel's environment: this one, minus XLA_FLAGS (a notebook that wants simulated
    devices sets them itself, as a user would), with the venv first on PATH and the
    kernel's state directories under the venv."""
    env = {k: v for k, v in os.environ.items() if k != "XLA_FLAGS"}
    bindir = str(Path(sys.executable).parent)
    env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
    state = state_dir()
    for var, sub in (("IPYTHONDIR", "ipython"), ("MPLCONFIGDIR", "matplotlib")):
        (state / sub).mkdir(parents=True, exist_ok=True)
        env[var] = str(state / sub)
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    env.pop("MPLBACKEND", None)  # ipykernel's inline backend (Agg, PNG outputs)
    return env


def kernel_manager(runtime_dir: str) -> KernelManager:
    """A manager for ipykernel's built-in ``python3`` kernel run by ``sys.executable``: no
    kernel spec from the user's or the system's Jupyter directories is consulted. It talks
    over unix sockets in ``runtime_dir`` (no TCP port)."""
    specs = KernelSpecManager(kernel_dirs=[])
    km = KernelManager(kernel_name=NATIVE_KERNEL_NAME, kernel_spec_manager=specs,
                       transport="ipc")
    km.connection_file = os.path.join(runtime_dir, "kernel.json")
    km.ip = os.path.join(runtime_dir, "kernel-ipc")
    return km


def execute(nb: nbformat.NotebookNode, cwd: Path = NOTEBOOK_DIR,
            timeout: int = CELL_TIMEOUT_S) -> nbformat.NotebookNode:
    """Run ``nb`` in place in a fresh kernel (working directory ``cwd``); a cell that raises
    stops the run with ``nbclient.exceptions.CellExecutionError``."""
    with tempfile.TemporaryDirectory(prefix="functrans-nb-") as runtime_dir:
        km = kernel_manager(runtime_dir)
        client = NotebookClient(nb, km=km, timeout=timeout, record_timing=False,
                                resources={"metadata": {"path": str(cwd)}},
                                extra_arguments=["--HistoryManager.enabled=False"])
        try:
            client.execute(env=kernel_env())
        finally:
            if km.has_kernel:
                km.shutdown_kernel(now=True)
    return nb


def regenerate(source: Path) -> float:
    """Execute ``source`` and write its ``.ipynb`` with outputs; returns the seconds taken."""
    t0 = time.perf_counter()
    nb = execute(read_source(source))
    nbformat.write(nb, paired_ipynb(source))
    return time.perf_counter() - t0


def main(argv: list[str]) -> int:
    paths = [Path(a).resolve() for a in argv] or sources()
    for source in paths:
        print(f"== {source.relative_to(REPO)}", flush=True)
        print(f"   wrote {paired_ipynb(source).relative_to(REPO)} "
              f"in {regenerate(source):.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
