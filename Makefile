# Everything sets itself up: the first run creates .venv and installs the project into it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PIPELINE := $(BIN)/python -m pipeline

.PHONY: build test validate check extract update stats schema types clean bench fuzz preview watch lint

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

## The main job: validate, check catalogs and translations, export bundles to build/.
build: $(STAMP)
	$(PIPELINE) build

## The test suite. It writes byte code even where the environment turns that off: each of its
## hundreds of command-line runs would otherwise compile the tool's modules again.
test: $(STAMP)
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest -q -n auto

validate: $(STAMP)
	$(PIPELINE) validate

check: $(STAMP)
	$(PIPELINE) check

extract: $(STAMP)
	$(PIPELINE) extract

update: $(STAMP)
	$(PIPELINE) extract
	$(PIPELINE) update

stats: $(STAMP)
	$(PIPELINE) stats

schema: $(STAMP)
	$(PIPELINE) schema

## TypeScript declarations of the bundles (pipeline/client/bundles.d.ts), after a model change.
NODE_TOOLS := tests/renderers
types: $(STAMP)
	test -d $(NODE_TOOLS)/node_modules || (cd $(NODE_TOOLS) && npm ci --no-audit --no-fund)
	$(BIN)/python -c 'from pipeline.client.bundles import types_schema, schema_text; \
	  print(schema_text(types_schema()), end="")' > $(NODE_TOOLS)/.client-schema.json
	node $(NODE_TOOLS)/make-types.mjs $(NODE_TOOLS)/.client-schema.json pipeline/client/bundles.d.ts
	rm -f $(NODE_TOOLS)/.client-schema.json

lint: $(STAMP)
	$(BIN)/python -m mypy

## Side-by-side HTML preview of every document and locale, under build/preview/.
preview: $(STAMP)
	$(PIPELINE) preview

## Re-validate and re-check on every save under source/ and locales/ (Ctrl-C to stop).
watch: $(STAMP)
	$(PIPELINE) watch

## Benchmark on a synthetic library: make bench SIZE=small|medium|large (results in bench/results/).
SIZE ?= medium
bench: $(STAMP)
	$(BIN)/python -m bench --size $(SIZE)

## Fuzz the YAML loader and the .po reader for a bounded time: make fuzz FUZZ_SECONDS=120
FUZZ_SECONDS ?= 60
fuzz: $(STAMP)
	$(BIN)/python -m fuzz --target all --seconds $(FUZZ_SECONDS)

clean:
	rm -rf build
