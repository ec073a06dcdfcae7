# Edge Gateway: `make run` starts the gateway, `make test` runs the tests.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench lint check-config clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/edge-gateway serve --config config/gateway.toml

test: $(STAMP)
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python -m bench

lint: $(STAMP)
	$(BIN)/ruff check edge_gateway drivers tests bench
	$(BIN)/ruff format --check edge_gateway drivers tests bench
	$(BIN)/mypy

check-config: $(STAMP)
	$(BIN)/edge-gateway check-config --config config/gateway.toml

clean:
	rm -rf $(VENV) build *.egg-info
