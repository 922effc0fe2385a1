"""Which findings a user sees: rule selection, severities, per-file and inline suppressions.

Rules report everything they find; this module decides, from the config, the
command line and `# cjmap: ignore[...]` comments, what is kept and how severe
it is. Suppressions are found by re-reading source lines, so the YAML loader
never has to keep comments.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from cjmap.diagnostics import OTHER_CODES, Diagnostic, Location, MapError, Severity, structural
from cjmap.lint.config import Config
from cjmap.lint.plain_settings import PlainSettings
from cjmap.source.safeio import MAX_MAP_BYTES

if TYPE_CHECKING:
    from cjmap.rules import Context

UNUSED_SUPPRESSION = ("CJM901", OTHER_CODES["CJM901"])
_COMMENT = re.compile(r"(?:^|\s)#\s*cjmap:\s*(ignore-file|ignore)\b(?:\[([^\]]*)\])?", re.IGNORECASE)
_SELECTOR = re.compile(r"^(ALL|CJM\d{0,3}|[a-z]+(?:-[a-z]+)*)$")


class SelectorError(ValueError):
    """A rule selector that names no rule."""

    def __init__(self, selector: str) -> None:
        super().__init__(f"'{selector}' names no rule ({_closest_rule(selector) or 'see `cjmap rules`'})")
        self.selector = selector


def _closest_rule(selector: str) -> str | None:
    """'did you mean ...?' for a misspelt rule name or code, as every other typo gets."""
    import difflib

    from cjmap.rules import RULES

    names = [r.name for r in RULES.values()]
    close = difflib.get_close_matches(selector, [*names, *RULES], n=1, cutoff=0.8)
    return f"did you mean '{close[0]}'?" if close else None


def expand(selectors: Iterable[str]) -> set[str]:
    """Rule codes named by selectors: a code, a prefix (`CJM2`), a name, or `ALL`."""
    from cjmap.rules import RULES

    codes: set[str] = set()
    for selector in selectors:
        selector = selector.strip()
        if selector.upper() == "ALL":
            codes |= set(RULES)
            continue
        matched = {
            c
            for c, r in RULES.items()
            if c.startswith(selector.upper()) and selector.upper().startswith("CJM") or r.name == selector
        }
        if not matched:
            raise SelectorError(selector)
        codes |= matched
    return codes


@dataclass(frozen=True)
class Policy:
    """Resolved choices: enabled rule codes, severity overrides, per-file ignores."""

    enabled: frozenset[str]
    severity: Mapping[str, Severity] = field(default_factory=dict)
    per_file_ignores: tuple[tuple[str, frozenset[str]], ...] = ()
    folder: Path = Path(".")
    fail_on: Severity = Severity.ERROR
    report_unused: bool = False
    options: Mapping[str, object] = field(default_factory=dict)  # rule options set by the config, by key
    max_bytes: int = MAX_MAP_BYTES  # a limit rather than a choice of findings, but set in the same file

    def context(self, today: date) -> Context:
        """What the rules read besides the map: the date they judge by and the options this config sets."""
        from cjmap.rules import Context

        return Context(today=today, options=dict(self.options))


def build_policy(
    config: Config,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] = (),
    fail_on: str | None = None,
    report_unused: bool = False,
) -> Policy:
    """Merge config and command line: `--select` replaces the config's, `--ignore` adds to it."""
    from cjmap.rules import RULES

    s = config.settings
    configured = _ConfigSelectors(config)
    if select is not None:
        chosen: set[str] | None = expand(select)
    else:
        chosen = configured.expand("select", s.select) if s.select is not None else None
    enabled = (chosen if chosen is not None else set(RULES)) - configured.expand("ignore", s.ignore) - expand(ignore)
    severity = {
        code: Severity(level) for key, level in s.severity.items() for code in configured.expand("severity", [key])
    }
    per_file = tuple(
        (glob, frozenset(configured.expand("per-file-ignores", codes))) for glob, codes in s.per_file_ignores.items()
    )
    return Policy(
        frozenset(enabled),
        severity,
        per_file,
        config.folder,
        Severity(fail_on or s.fail_on),
        report_unused,
        s.option_values(),
        s.max_file_size,
    )


class _ConfigSelectors:
    """Selectors written in a config file: one naming no rule is a CJM007 error at its line, so every
    command that reads the config (lint, render, diff, compare) says the same, in the same words."""

    def __init__(self, config: Config) -> None:
        self.config = config

    def expand(self, setting: str, selectors: Iterable[str] | None) -> set[str]:
        if selectors is None:
            return set()
        try:
            return expand(selectors)
        except SelectorError as e:
            raise MapError(
                [structural("CJM007", self._where(setting, e.selector), f"setting '{setting}': {e}")]
            ) from None

    def _where(self, setting: str, selector: str) -> Location:
        from cjmap.lint.config import line_of_value

        file = self.config.file
        if file is None:
            return Location("(settings)")
        return Location(_shown(file), line_of_value(self.config.text, setting, selector), 1)


@dataclass
class _Suppression:
    where: Location
    codes: frozenset[str] | None  # None: every rule
    covers: tuple[int, ...]  # lines it applies to; () for the whole file
    used: bool = False
    unknown: tuple[str, ...] = ()  # selectors in the brackets that name no rule

    def matches(self, d: Diagnostic) -> bool:
        return (not self.covers or d.where.line in self.covers) and (self.codes is None or d.code in self.codes)


def suppressions(display: str, text: str) -> list[_Suppression]:
    """`# cjmap: ignore[...]` on a finding's line or alone on the line above; `ignore-file` anywhere."""
    found = []
    known: dict[str, frozenset[str] | None] = {}  # selector -> its codes (None: names no rule), each expanded once
    for number, line in enumerate(text.splitlines(), start=1):
        if "cjmap" not in line.lower():  # most lines: no regular expression needed
            continue
        match = _COMMENT.search(line)
        if not match:
            continue
        kind, selectors = match.group(1).lower(), match.group(2)
        codes = None
        unknown: list[str] = []
        if selectors is not None and selectors.strip():
            named: set[str] = set()
            for selector in (s.strip() for s in selectors.split(",")):
                if not selector:
                    continue
                if selector not in known:
                    try:
                        known[selector] = frozenset(expand([selector]))
                    except SelectorError:
                        known[selector] = None
                found_codes = known[selector]
                if found_codes is None:
                    unknown.append(selector)  # the others in the brackets still apply
                else:
                    named |= found_codes
            codes = frozenset(named)
        alone = line[: match.start()].strip() == ""
        covers = () if kind == "ignore-file" else ((number, number + 1) if alone else (number,))
        column = match.start() + (0 if line[match.start()] == "#" else 1) + 1
        found.append(_Suppression(Location(display, number, column), codes, covers, unknown=tuple(unknown)))
    return found


class _Suppressions:
    """A file's suppressions looked up by line, so 100,000 comments cost no more than one each."""

    def __init__(self, items: list[_Suppression]) -> None:
        self.items = items
        self.whole_file = [s for s in items if not s.covers]
        self.by_line: dict[int, list[_Suppression]] = defaultdict(list)
        for s in items:
            for line in s.covers:
                self.by_line[line].append(s)

    def matching(self, d: Diagnostic) -> list[_Suppression]:
        return [s for s in (*self.by_line.get(d.where.line, ()), *self.whole_file) if s.matches(d)]


def apply(diagnostics: Sequence[Diagnostic], policy: Policy, texts: Mapping[str, str]) -> list[Diagnostic]:
    """Keep the enabled, unsuppressed lint findings at their chosen severity; structural errors always stay."""
    by_file = {display: _Suppressions(suppressions(display, text)) for display, text in texts.items()}
    kept: list[Diagnostic] = []
    for d in diagnostics:
        if d.code not in policy.enabled and not d.code.startswith("CJM0"):
            continue
        if d.code.startswith("CJM0"):
            kept.append(d)
            continue
        if _ignored_by_path(d, policy):
            continue
        in_file = by_file.get(d.where.file)
        hits = in_file.matching(d) if in_file else []
        for s in hits:
            s.used = True
        if hits:
            continue
        level = policy.severity.get(d.code)
        kept.append(replace(d, severity=level) if level else d)
    code, name = UNUSED_SUPPRESSION
    for in_file in by_file.values():
        for s in in_file.items:
            for selector in s.unknown:  # always: a typo here would otherwise silence nothing, unseen
                message = (
                    f"suppression names '{selector}', which is no rule (see `cjmap rules`); "
                    "the rest of the comment still applies"
                )
                kept.append(Diagnostic(s.where, Severity.WARNING, code, message, name))
            if policy.report_unused and not s.used and not (s.unknown and not s.codes):
                what = "every rule" if s.codes is None else ", ".join(sorted(s.codes))
                kept.append(Diagnostic(s.where, Severity.WARNING, code, f"suppression of {what} is not used", name))
    return sorted(kept, key=lambda d: d.sort_key)


def _ignored_by_path(d: Diagnostic, policy: Policy) -> bool:
    if not policy.per_file_ignores:
        return False
    path = Path(d.where.file).resolve()
    try:
        relative = PurePosixPath(path.relative_to(policy.folder).as_posix())
    except ValueError:
        relative = PurePosixPath(path.as_posix())
    return any(
        d.code in codes and (fnmatch.fnmatch(str(relative), glob) or relative.match(glob))
        for glob, codes in policy.per_file_ignores
    )


class PolicyFinder:
    """One policy per config file, found upwards from each map (or the one `--config` names), each read once."""

    def __init__(
        self,
        config: Path | None = None,
        select: list[str] | None = None,
        ignore: list[str] | None = None,
        fail_on: str | None = None,
        report_unused: bool = False,
    ) -> None:
        from cjmap.lint.config import load_config

        self._explicit = load_config(config) if config else None
        self._default = Config(PlainSettings(), Path(".").resolve())
        self._options = (select, ignore or [], fail_on, report_unused)
        self._cache: dict[Path | None, Policy] = {}

    def for_path(self, path: Path) -> Policy:
        """The policy of the config that governs `path`; raise MapError (CJM007) when that config is wrong."""
        from cjmap.lint.config import find_config, load_config

        if self._explicit is not None:
            file, config = self._explicit.file, self._explicit
        else:
            file = find_config(path if os.path.isdir(path) else path.parent)
            config = None
        if file not in self._cache:
            if config is None:
                config = load_config(file, _shown(file), discovered=True) if file else self._default
            select, ignore, fail_on, report_unused = self._options
            self._cache[file] = build_policy(config, select, ignore, fail_on, report_unused)
        return self._cache[file]


def _shown(path: Path) -> str:
    """A config's path as diagnostics show it: relative to the current folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
