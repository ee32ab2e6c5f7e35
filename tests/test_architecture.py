"""The layers a newcomer reads the package by, enforced: each module imports only from its
own layer and those below it.

    core      configuration, codes, diagnostics, reading files, plain-text rules
    content   the English content: models, reading YAML, validation rules, language rules
    gettext   catalogs, templates, memory and merge, translation checks
    client    what apps receive: rich text, client documents, bundles, index, their schemas
    infra     cache, atomic writes and locks, file records, workers, the language judge
    stages    what the commands run (validate, extract, update, gate, export, build, ...)
    exchange  vendor files (XLIFF, TMX) in and out
    edge      the command line and the terminal report

Content, gettext and client code never import the machinery (`infra`) or a stage: a rule or a
format can be read, tested and reused without caches, processes or locks.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "pipeline"
EDGE = frozenset({"cli", "report", "__main__"})
# What each layer may import besides itself (the package root only for its version).
ALLOWED = {
    "core": set(),
    "content": {"core"},
    "gettext": {"core", "content"},
    "client": {"core", "content"},
    "infra": {"core", "content"},  # the judge runs content's language rules in its process
    "stages": {"core", "content", "gettext", "client", "infra"},
    "exchange": {"core", "content", "gettext", "client", "infra", "stages"},
    "edge": {"core", "content", "gettext", "client", "infra", "stages", "exchange", "edge"},
}


LAYERS = frozenset(ALLOWED) - {"edge"}


def layer_of(module: str) -> str:
    """The layer of a module of the package; "root" for the package itself."""
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in LAYERS:
        return parts[1]
    if len(parts) > 1 and parts[1] in EDGE:
        return "edge"
    return "root"


def modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        found.append((".".join(parts), path))
    return found


def imported(path: Path, module: str) -> list[tuple[int, str]]:
    """Every module of the package that `path` imports, anywhere in it (a function's or a
    type checker's import too), as (line, module)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("pipeline")]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{module}:{node.lineno}: a relative import"
            if node.module == "pipeline":  # `from pipeline import report, __version__`
                found += [(node.lineno, f"pipeline.{a.name}") for a in node.names]
            elif node.module and node.module.startswith("pipeline."):
                found.append((node.lineno, node.module))
    return found


@pytest.mark.parametrize(("module", "path"), modules(), ids=[m for m, _ in modules()])
def test_a_module_imports_only_from_the_layers_below(module: str, path: Path) -> None:
    layer = layer_of(module)
    if layer == "root":
        return
    wrong = [f"{module}:{line} imports {target}" for line, target in imported(path, module)
             if (other := layer_of(target)) not in ("root", layer)
             and other not in ALLOWED[layer]]
    assert not wrong, "\n".join(wrong)


def test_every_module_is_in_a_layer() -> None:
    """A module added at the top of the package would escape the rules above."""
    top = sorted(p.stem for p in PACKAGE.glob("*.py"))
    assert top == ["__init__", "__main__", "cli", "report"]
    assert {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()} == {
        "core", "content", "gettext", "client", "infra", "stages", "exchange"}


def test_the_rule_is_not_vacuous(tmp_path: Path) -> None:
    """An import of the machinery from a rule module is caught."""
    bad = tmp_path / "rule.py"
    bad.write_text("from pipeline.infra.cache import Cache\n", encoding="utf-8")
    (line, target), = imported(bad, "pipeline.content.rule")
    assert layer_of(target) == "infra" and "infra" not in ALLOWED[layer_of("pipeline.content.rule")]


# The modules that may read the environment: the command line reads it once into
# `core.environment.Environment`; the terminal report honours NO_COLOR.
READS_ENVIRONMENT = {"pipeline.cli", "pipeline.report", "pipeline.core.environment"}


@pytest.mark.parametrize(("module", "path"), modules(), ids=[m for m, _ in modules()])
def test_only_the_edge_reads_the_environment(module: str, path: Path) -> None:
    """A stage called from a test, a script or another tool does what its arguments say."""
    if module in READS_ENVIRONMENT:
        return
    tree = ast.parse(path.read_text(encoding="utf-8"))
    reads = [node.lineno for node in ast.walk(tree)
             if (isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv"))
             or (isinstance(node, ast.Name) and node.id in ("environ", "getenv"))]
    assert not reads, f"{module} reads the environment at lines {reads}"
