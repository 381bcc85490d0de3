# device-intake — every target installs what it needs (idempotent) on a fresh Debian machine.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
SAM_VENV := .sam-venv
APT_PACKAGES := tesseract-ocr tesseract-ocr-jpn tesseract-ocr-eng fonts-ipafont-gothic fonts-ipafont-mincho chromium poppler-utils
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export OMP_THREAD_LIMIT ?= 1
export AWS_DEFAULT_REGION ?= ap-northeast-1
PYTEST_ARGS ?=

.PHONY: setup apt venv run test test-fast bench bench-large lint sam-validate sam-build clean help

help:
	@echo "make run    - local stack (moto S3/DynamoDB/SQS + workers + HTTP API + web) on 127.0.0.1"
	@echo "make test   - the test suite (unit, integration, infra, e2e)"
	@echo "make bench  - inspection benchmark; writes bench/results/"
	@echo "make bench-large - accuracy on 1,200 cases per split (engine only)"
	@echo "make lint   - ruff + mypy"

setup: apt venv

# Debian packages: tesseract (jpn+eng), Japanese fonts for generated test images, chromium for browser tests.
apt: $(VENV)/.apt-stamp
$(VENV)/.apt-stamp:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@mkdir -p $(VENV) && touch $@

venv: $(VENV)/.deps-stamp
$(VENV)/.deps-stamp: pyproject.toml | $(VENV)/.apt-stamp
	@[ -x $(BIN)/python ] || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[inspection,aws,dev]'
	@touch $@

run: setup
	$(BIN)/python -m infra.local_stack $(RUN_ARGS)

test: setup sam-validate sam-build
	@set +e; $(BIN)/python -m pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; exit 1; fi; exit $$rc

test-fast: setup
	$(BIN)/python -m pytest -m "not e2e and not slow" $(PYTEST_ARGS)

bench: setup
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# Accuracy on 1,200 cases per split, default engine only (docs/bench.md, "Large sample").
bench-large: setup
	$(BIN)/python -m bench.run --engines engine --n 1200 --no-pair --no-probe --no-invoices \
		--gen-jobs 2 --name large $(BENCH_ARGS)

lint: setup
	$(BIN)/ruff check shared functions infra tests bench
	$(BIN)/mypy

# SAM CLI pins its own boto3: it lives in its own venv.
$(SAM_VENV)/.stamp:
	@[ -x $(SAM_VENV)/bin/python ] || $(PY) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/python -m pip install -q --upgrade pip
	$(SAM_VENV)/bin/python -m pip install -q aws-sam-cli
	@touch $@

sam-validate: $(SAM_VENV)/.stamp
	$(SAM_VENV)/bin/sam validate --region $(AWS_DEFAULT_REGION) -t template.yaml
	$(SAM_VENV)/bin/sam validate --region $(AWS_DEFAULT_REGION) --lint -t template.yaml

sam-build: $(SAM_VENV)/.stamp
	$(BIN)/python -m infra.sam_build

clean:
	rm -rf .aws-sam bench/results/*.tmp .pytest_cache
