# Everything runs in a local virtual environment (.venv) built from pyproject.toml.
# A stamp file per install flavour reinstalls only when pyproject.toml changes.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip

.PHONY: demo test notebooks bench lint format clean

demo: $(VENV)/.installed
	$(PY) examples/tour.py

test: $(VENV)/.installed-test
	$(PY) -m pytest -n 2

# Re-execute every notebooks/*.py (jupytext source) in a fresh kernel of .venv's python and
# save it, with its outputs, as the paired .ipynb. tests/test_notebooks.py checks both.
notebooks: $(VENV)/.installed-test
	$(PY) tests/notebook_runner.py

# Every benchmarks/bench_*.py, each in its own process -> benchmarks/RESULTS.md
bench: $(VENV)/.installed-bench
	$(PY) benchmarks/run_all.py

lint: $(VENV)/.installed-lint
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(VENV)/.installed-lint
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PIP) install -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PIP) install -e ".[test]"
	touch $@

$(VENV)/.installed-bench: pyproject.toml | $(PY)
	$(PIP) install -e ".[bench]"
	touch $@

$(VENV)/.installed-lint: pyproject.toml | $(PY)
	$(PIP) install "ruff>=0.6"
	touch $@

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .hypothesis .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
