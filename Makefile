# Two commands: `make run` opens the dashboard, `make test` runs the tests.
# Both create .venv and install requirements.txt first (only Python >= 3.10 needed).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum requirements.txt | cut -d' ' -f1)

.PHONY: run test setup demo bench clean-venv

$(STAMP): requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "需要 Python 3.10 或更高版本 / Python >= 3.10 required")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@rm -f $(VENV)/.installed-*
	@touch $@

setup: $(STAMP)

run: $(STAMP)
	$(PY) -m dashboard serve

test: $(STAMP)
	$(PY) -m pytest -q -n 3 --dist worksteal

demo: $(STAMP)
	$(PY) -m dashboard demo

# `make bench ITEMS=1000000 [BENCH_ARGS='--sections queries,serve --db …']` (bench/README.md)
ITEMS ?= 100000
bench: $(STAMP)
	$(PY) bench/run.py --items $(ITEMS) $(BENCH_ARGS)

clean-venv:
	rm -rf $(VENV)
