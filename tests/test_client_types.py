"""The TypeScript declarations apps compile against (pipeline/client/bundles.d.ts, shipped as
build/site/types/bundles.d.ts) hold what a build ships, checked by the real tools:

* they are what json-schema-to-typescript makes of the models' schema today (`make types`);
* an app (tests/renderers/consumer/consumer.ts) compiles against the shipped declarations
  with tsc --strict --noUncheckedIndexedAccess --exactOptionalPropertyTypes;
* every JSON file a build of the real project ships (bundles, indexes, offline packs, the
  manifest) type-checks as an object literal of its type: literal kinds, required keys, no
  excess properties;
* and the check can fail: a broken bundle and an app that forgets a kind are rejected.

Needs node and tests/renderers/node_modules (`npm ci` there); skipped without them only.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from pipeline.client.bundles import TYPES_FILE, schema_text, types_schema

from build_helpers import REPO_ROOT, cli_config, clone, configure, must, real_template

RENDERERS = REPO_ROOT / "tests" / "renderers"
NODE_MODULES = RENDERERS / "node_modules"
CONSUMER = RENDERERS / "consumer" / "consumer.ts"
TSC = NODE_MODULES / ".bin" / "tsc"
NODE = shutil.which("node")
STRICT = ("--strict", "--noUncheckedIndexedAccess", "--exactOptionalPropertyTypes", "--noEmit")
COMPILER_OPTIONS = {"target": "ES2022", "module": "ESNext", "moduleResolution": "bundler",
                    "lib": ["ES2022"], "types": [], "skipLibCheck": False}
BUNDLE_TYPES = {"exercise": "ExerciseBundle", "guide": "GuideBundle",
                "reviewer": "ReviewerBundle", "glossary": "GlossaryBundle"}
GLOSSARY_CASE = '    case "glossary": return notice + glossaryPage(bundle);\n'

pytestmark = pytest.mark.skipif(
    NODE is None or not NODE_MODULES.is_dir(),
    reason="needs node and tests/renderers/node_modules (cd tests/renderers && npm ci)")


def node(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    assert NODE is not None
    return subprocess.run([NODE, *map(str, args)], cwd=cwd, capture_output=True, text=True,
                          timeout=120, check=False)


def tsc(folder: Path, files: list[str]) -> subprocess.CompletedProcess[str]:
    """One tsc run over `files` (relative to folder), with the strict flags."""
    config = folder / f"tsconfig.{len(list(folder.glob('tsconfig.*.json')))}.json"
    config.write_text(json.dumps({"compilerOptions": COMPILER_OPTIONS, "files": files},
                                 indent=2), encoding="utf-8")
    return node(TSC, "-p", config.name, *STRICT, "--pretty", "false", cwd=folder)


def output(run: subprocess.CompletedProcess[str]) -> str:
    return f"tsc exited {run.returncode}:\n{run.stdout}{run.stderr}"


def typed_literal(folder: Path, rel: str, type_name: str, json_text: str) -> str:
    """folder/rel: `data`, declared as `type_name`, given as the JSON text; returns rel."""
    path = folder / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    types = Path(os.path.relpath(folder / "bundles", path.parent)).as_posix()
    types = types if types.startswith(".") else f"./{types}"
    path.write_text(f'import type {{ {type_name} }} from "{types}";\n'
                    f"export const data: {type_name} = {json_text.rstrip()};\n",
                    encoding="utf-8")
    return rel


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """build/site of a build of the real project with French required: what apps get."""
    root = clone(real_template(tmp_path_factory), tmp_path_factory.mktemp("types") / "real")
    configure(root, required=("fr",), optional=())
    must(root, "build")
    return cli_config(root).build_dir / "site"


@pytest.fixture
def app(tmp_path: Path, shipped: Path) -> Path:
    """A folder with the consumer and the shipped declarations beside it."""
    shutil.copy2(shipped / "types" / "bundles.d.ts", tmp_path / "bundles.d.ts")
    shutil.copy2(CONSUMER, tmp_path / "consumer.ts")
    return tmp_path


def shipped_files(site: Path) -> dict[str, str]:
    """Each JSON file a client may fetch (relative to the manifest) → its declared type.
    A bundle's type is the kind its locale's index gives it."""
    manifest = json.loads((site / "manifest.json").read_text(encoding="utf-8"))
    kinds: dict[str, str] = {}
    for locale in manifest["locales"].values():
        index = json.loads((site / locale["index"]).read_text(encoding="utf-8"))
        kinds |= {entry["bundle"]: entry["kind"] for entry in index["documents"]}
    files: dict[str, str] = {}
    for path in sorted(site.rglob("*.json")):
        rel = path.relative_to(site).as_posix()
        if rel.startswith("schema/"):
            continue  # JSON Schemas, for tools rather than apps
        if rel == "manifest.json":
            files[rel] = "Manifest"
        elif rel.startswith("offline/"):
            files[rel] = "OfflinePack"
        elif path.name == "index.json":
            files[rel] = "Index"
        else:  # not in an index, or of no known kind: any bundle, which tsc then checks
            files[rel] = BUNDLE_TYPES.get(kinds.get(rel, ""), "Bundle")
    return files


# --------------------------------------------------------------------------------------------


def test_declarations_are_made_from_the_models(tmp_path: Path) -> None:
    schema = tmp_path / "client-schema.json"
    schema.write_text(schema_text(types_schema()), encoding="utf-8")
    made = tmp_path / "bundles.d.ts"
    run = node(RENDERERS / "make-types.mjs", schema, made, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert made.read_bytes() == TYPES_FILE.read_bytes(), (
        f"{TYPES_FILE.relative_to(REPO_ROOT)} is not what the client models make today: "
        "run `make types` and commit the result")


def test_an_app_and_every_shipped_file_compile_against_the_shipped_types(
        app: Path, shipped: Path) -> None:
    assert (shipped / "types" / "bundles.d.ts").read_bytes() == TYPES_FILE.read_bytes()
    files = shipped_files(shipped)
    checked = [typed_literal(app, f"shipped/{rel.removesuffix('.json')}.ts", type_name,
                             (shipped / rel).read_text(encoding="utf-8"))
               for rel, type_name in files.items()]
    run = tsc(app, ["consumer.ts", *checked])
    assert run.returncode == 0, output(run)
    assert run.stdout == run.stderr == ""
    # What was checked is everything shipped, each bundle as its own kind.
    listed = json.loads((shipped / "manifest.json").read_text(encoding="utf-8"))["files"]
    assert set(files) == {"manifest.json"} | {
        rel for rel in listed if rel.endswith(".json") and not rel.startswith("schema/")}
    assert {"en/index.json", "fr/index.json", "offline/en.json", "offline/fr.json"} <= set(files)
    assert set(BUNDLE_TYPES.values()) <= set(files.values()), files
    assert "Bundle" not in files.values(), "a bundle its locale's index does not list"


def test_a_broken_bundle_does_not_compile(app: Path, shipped: Path) -> None:
    rel = next(rel for rel, t in shipped_files(shipped).items()
               if t == "GuideBundle" and rel.startswith("fr/"))
    bundle: dict[str, Any] = json.loads((shipped / rel).read_text(encoding="utf-8"))
    bundle["kind"] = "exercises"
    del bundle["document"]["reviewed_on"]
    bundle["formatted"]["weekday"] = "mardi"
    broken = typed_literal(app, "broken.ts", "GuideBundle",
                           json.dumps(bundle, indent=2, ensure_ascii=False))
    run = tsc(app, [broken])
    assert run.returncode != 0, output(run)
    assert "error TS2322: Type '\"exercises\"' is not assignable to type '\"guide\"'" \
        in run.stdout, output(run)
    assert "error TS2741: Property 'reviewed_on' is missing" in run.stdout, output(run)
    assert "error TS2353: Object literal may only specify known properties, and " \
        "'\"weekday\"' does not exist in type 'GuideFormatted'" in run.stdout, output(run)


def test_an_app_that_forgets_a_kind_does_not_compile(app: Path) -> None:
    consumer = (app / "consumer.ts").read_text(encoding="utf-8")
    assert consumer.count(GLOSSARY_CASE) == 1, "the consumer's switch has changed"
    (app / "forgetful.ts").write_text(consumer.replace(GLOSSARY_CASE, ""), encoding="utf-8")
    run = tsc(app, ["forgetful.ts"])
    assert run.returncode != 0, output(run)
    assert "error TS2322: Type 'GlossaryBundle' is not assignable to type 'never'" \
        in run.stdout, output(run)
