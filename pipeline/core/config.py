"""Project settings from `[tool.pipeline]` in the nearest pyproject.toml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, cast

from pipeline.core.codes import BY_NAME, CODES, Severity
from pipeline.core.environment import Environment
from pipeline.core.text import printable


class UsageError(Exception):
    """A mistake in how the tool was called or configured (exit status 2)."""

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Config:
    root: Path
    source_dir: Path
    locales_dir: Path
    build_dir: Path
    schema_dir: Path
    source_locale: str = "en"
    required_locales: tuple[str, ...] = ()
    optional_locales: tuple[str, ...] = ()
    pseudo_locale: str | None = "en-XA"
    max_file_bytes: int = 1_000_000
    # Images and videos (`media`), from the project root, and the largest file shipped.
    media_folder: str = "media"
    max_media_bytes: int = 50_000_000
    severity: dict[str, Severity] = field(default_factory=dict)
    # Per-locale overrides: {"fr": {"W509": "off"}}
    locale_severity: dict[str, dict[str, Severity]] = field(default_factory=dict)
    same_as_source_allow: tuple[str, ...] = ()
    project_name: str = "content"
    # The school grade patient-facing text should read at (W313), and how old a guide's
    # review may grow (W314).
    reading_grade: float = 8.0
    review_max_age_months: int = 24
    # Words the dictionaries lack, one per line, per language: `{language}` in the path.
    word_list: str = "spelling/{language}.txt"
    compile_mo: bool = True
    # Required locales this run builds as optional ones: a staging build
    # (`build --allow-incomplete`), its manifest saying so. Empty in every other run.
    staging_locales: tuple[str, ...] = ()
    # What the environment says (read by the command line); not a setting results depend on.
    environment: Environment = field(default_factory=Environment, compare=False, repr=False)
    # Folders already found inside locales/ in this run (resolving is a system call per level).
    _checked: dict[Path, Path] = field(default_factory=dict, init=False, compare=False,
                                       repr=False)
    _shown: dict[Path, str] = field(default_factory=dict, init=False, compare=False,
                                    repr=False)

    @property
    def templates_dir(self) -> Path:
        return self._inside_locales(self.locales_dir / "templates")

    @property
    def media_dir(self) -> Path:
        return self.root / self.media_folder

    def captions_path(self, locale: str | None, captions: str) -> Path:
        """A video's WebVTT captions: the English under source/captions/, a translation
        under locales/<locale>/captions/ (None: the English)."""
        if locale is None or locale == self.source_locale:
            return self.source_dir / "captions" / f"{captions}.vtt"
        folder = self.catalog_dir(locale).parent / "captions"
        return self._inside_locales(folder) / f"{captions}.vtt"

    def staging(self) -> Config:
        """The configuration of a staging build: the required locales fall back to English
        string by string, as optional ones do, and are marked as staging."""
        if not self.required_locales:
            return self
        return replace(
            self, required_locales=(), optional_locales=self.locales,
            staging_locales=self.required_locales)

    @property
    def locales(self) -> tuple[str, ...]:
        return self.required_locales + self.optional_locales

    def is_configured(self, locale: str) -> bool:
        """Whether a locale (as `locales.normalize` writes it, `pt_BR`) is configured."""
        return locale in {loc.replace("-", "_") for loc in self.locales}

    def catalog_dir(self, locale: str) -> Path:
        if locale in ("", ".", "..") or Path(locale).name != locale:
            raise UsageError(f"{locale!r} is not a locale folder name", "E409")
        return self._inside_locales(self.locales_dir / locale / "LC_MESSAGES")

    def _inside_locales(self, folder: Path) -> Path:
        """Every catalog is read from and written under the locales folder: a folder that is a
        link leading elsewhere is refused, so nothing outside is read or overwritten."""
        if folder in self._checked:
            return self._checked[folder]
        try:
            inside = folder.resolve().is_relative_to(self.locales_dir.resolve())
        except (OSError, RuntimeError):  # RuntimeError: a link loop (Python < 3.13)
            inside = False
        if not inside:
            shown = folder.relative_to(self.root) if folder.is_relative_to(self.root) else folder
            raise UsageError(f"'{printable(shown.as_posix())}' is a link leading outside "
                             f"{self.rel(self.locales_dir)}/; refused", "E011")
        self._checked[folder] = folder
        return folder

    def severity_for(self, locale: str | None) -> dict[str, Severity]:
        merged = dict(self.severity)
        if locale:
            merged.update(self.locale_severity.get(locale, {}))
        return merged

    def rel(self, path: Path) -> str:
        """A path as a writer sees it: relative to the project root when inside it (a link is
        shown where it is, not where it leads), hidden characters of a file name escaped."""
        shown = self._shown.get(path)
        if shown is not None:
            return shown
        if path.is_absolute() and ".." not in path.parts and path.is_relative_to(self.root):
            # Path arithmetic alone: remembered, as a run shows thousands of paths.
            shown = self._shown[path] = printable(path.relative_to(self.root).as_posix())
            return shown
        try:
            return printable(path.resolve().relative_to(self.root.resolve()).as_posix())
        except ValueError:
            return printable(str(path))


def find_root(start: Path) -> Path:
    """The nearest folder at or above `start` whose pyproject.toml has a [tool.pipeline] table."""
    for folder in [start, *start.parents]:
        candidate = folder / "pyproject.toml"
        if candidate.is_file() and "pipeline" in _read_toml(candidate).get("tool", {}):
            return folder
    raise UsageError(
        f"no pyproject.toml with a [tool.pipeline] table found at or above {str(start)!r}; "
        "run from a content project or pass --root DIR"
    )


def load_config(root: Path | None = None, environment: Environment | None = None) -> Config:
    root = (root or find_root(Path.cwd())).resolve()
    pyproject = root / "pyproject.toml"
    if not pyproject.is_file():
        raise UsageError(f"{str(pyproject)!r} does not exist")
    document = _read_toml(pyproject)
    table: dict[str, Any] = document.get("tool", {}).get("pipeline")
    if table is None:
        raise UsageError(f"{str(pyproject)!r} has no [tool.pipeline] table")
    known = {
        "source", "locales", "build", "schema", "source_locale", "required_locales",
        "optional_locales", "pseudo_locale", "max_file_bytes", "severity", "locale",
        "same_as_source_allow", "compile_mo", "project", "reading_grade",
        "review_max_age_months", "word_list", "media", "max_media_bytes",
    }
    unknown = sorted(set(table) - known)
    if unknown:
        raise UsageError(f"{pyproject}: unknown [tool.pipeline] keys: {', '.join(unknown)}")
    required = tuple(_str_list(table, "required_locales"))
    optional = tuple(_str_list(table, "optional_locales"))
    pseudo = table.get("pseudo_locale", "en-XA")
    locale_severity = {
        loc: _severity_table(sub.get("severity", {}), f"locale.{loc}.severity")
        for loc, sub in table.get("locale", {}).items()
    }
    return Config(
        root=root,
        source_dir=root / table.get("source", "source"),
        locales_dir=root / table.get("locales", "locales"),
        build_dir=root / table.get("build", "build"),
        schema_dir=root / table.get("schema", "schema"),
        source_locale=str(table.get("source_locale", "en")),
        required_locales=required,
        optional_locales=optional,
        pseudo_locale=str(pseudo) if pseudo else None,
        max_file_bytes=int(table.get("max_file_bytes", 1_000_000)),
        media_folder=str(table.get("media", "media")),
        max_media_bytes=int(_number(table, "max_media_bytes", 50_000_000, low=1,
                                    high=2_000_000_000)),
        severity=_severity_table(table.get("severity", {}), "severity"),
        locale_severity=locale_severity,
        same_as_source_allow=tuple(_str_list(table, "same_as_source_allow")),
        project_name=_project_name(table, document),
        compile_mo=bool(table.get("compile_mo", True)),
        reading_grade=_number(table, "reading_grade", 8.0, low=1, high=20),
        review_max_age_months=int(_number(table, "review_max_age_months", 24, low=1, high=600)),
        word_list=_word_list(table),
        environment=environment or Environment(),
    )


def _number(table: dict[str, Any], key: str, default: float, *, low: float, high: float
            ) -> float:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise UsageError(f"[tool.pipeline] {key} must be a number from {low:g} to {high:g}, "
                         f"not {value!r}")
    return float(value)


def _word_list(table: dict[str, Any]) -> str:
    value = table.get("word_list", "spelling/{language}.txt")
    if not isinstance(value, str) or "{language}" not in value or "\n" in value:
        raise UsageError("[tool.pipeline] word_list must be a path holding '{language}', "
                         f"not {value!r}")
    return value


def _project_name(table: dict[str, Any], document: dict[str, Any]) -> str:
    """The name templates carry in `Project-Id-Version`: from the configuration only, never
    from the folder, so a clone in a folder of another name reads the same templates."""
    name = table.get("project", document.get("project", {}).get("name", "content"))
    if not isinstance(name, str) or not name.strip() or "\n" in name:
        raise UsageError(f"[tool.pipeline] project must be a one-line name, not {name!r}")
    return name.strip()


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"{path}: {exc}") from exc


def _str_list(table: dict[str, Any], key: str) -> list[str]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise UsageError(f"[tool.pipeline] {key} must be a list of strings")
    return value


def _severity_table(raw: dict[str, Any], where: str) -> dict[str, Severity]:
    result: dict[str, Severity] = {}
    for key, value in raw.items():
        if key not in CODES and key not in BY_NAME:
            raise UsageError(f"[tool.pipeline.{where}] names unknown code {key!r}")
        if value not in ("error", "warning", "off"):
            raise UsageError(
                f"[tool.pipeline.{where}] {key} = {value!r}: use 'error', 'warning' or 'off'"
            )
        code = key if key in CODES else BY_NAME[key].code
        result[code] = cast(Severity, value)
    return result
