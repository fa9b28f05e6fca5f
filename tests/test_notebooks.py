"""The notebooks: each ``notebooks/*.py`` (the source to edit) has a stored ``.ipynb`` whose
cells are its jupytext conversion, and runs from top to bottom without an error in a fresh
kernel of this interpreter. One test per notebook, so pytest-xdist spreads them."""

from __future__ import annotations

import sys

import nbformat
import pytest
from nbclient.exceptions import CellExecutionError
from notebook_runner import REPO, execute, paired_ipynb, read_source, sources, staleness

SOURCES = sources()
IDS = [p.stem for p in SOURCES]


@pytest.mark.parametrize("source", SOURCES, ids=IDS)
def test_stored_notebook_matches_source(source):
    why = staleness(source)
    if why is not None:
        pytest.fail(f"[notebooks] {why}; run `make notebooks` to re-execute and save it",
                    pytrace=False)


@pytest.mark.parametrize("source", SOURCES, ids=IDS)
def test_notebook_runs(source):
    try:
        nb = execute(read_source(source))
    except CellExecutionError as e:
        pytest.fail(f"[notebooks] {source.relative_to(REPO)} raised in a cell:\n{e}",
                    pytrace=False)
    errors = [out for cell in nb.cells for out in cell.get("outputs", [])
              if out.get("output_type") == "error"]
    assert not errors


def test_notebook_sources_exist():
    assert SOURCES, "no notebooks/*.py found"
    for source in SOURCES:
        assert paired_ipynb(source).exists(), f"{paired_ipynb(source).name}: run `make notebooks`"


def test_kernel_is_this_interpreter_and_headless():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import os, sys, matplotlib\n"
        "print(sys.executable)\n"
        "print(matplotlib.get_backend())\n"
        "print(os.environ.get('XLA_FLAGS'))")])
    lines = execute(nb).cells[0].outputs[0]["text"].splitlines()
    assert lines[0] == sys.executable
    assert "inline" in lines[1] or lines[1].lower() == "agg", lines[1]
    assert lines[2] == "None"  # a notebook wanting simulated devices sets XLA_FLAGS itself
