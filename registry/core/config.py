"""`ropa.yaml`: project settings, so CI needs no flags.

inventory: inventory          # where the YAML lives
observed: [observed/*.jsonl]  # evidence of real data movements (globs)
baseline: .ropa-baseline.json # known findings that do not fail the check
large_scale_subjects: 10000   # Art. 35 DPIA and Art. 37 DPO "large scale" threshold
discover: [., ../billing]     # repositories `ropa check` also discovers services in
                              # (or {paths: [...], catalogue: own-vendors.yaml}, or true: .)
review: {last: 2026-05-01, by: DPO, every: P1Y}
                              # the whole register re-read on that date: entries without
                              # their own last_reviewed/review_every are judged by it
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from registry.core.errors import CannotRun
from registry.core.loader import LoadResult, load_text
from registry.core.model import Duration, Name, Part, StrictDate

if TYPE_CHECKING:
    from registry.core.model import Activity, Contract, System

CONFIG_NAME = "ropa.yaml"
_KEYS = {"inventory", "observed", "baseline", "large_scale_subjects", "discover", "review"}


class ConfigError(CannotRun):
    pass


@dataclass(frozen=True)
class DiscoverSettings:
    """`discover:`: the repositories to read and the user's vendor catalogue files."""

    paths: tuple[str, ...] = (".",)
    catalogue: tuple[str, ...] = ()


class RegisterReview(Part):
    """`review:`: the whole register was re-read on `last`, by `by`, and is every `every`.

    Registers that keep no review date per entry record their review once; an entry's
    own `last_reviewed` and `review_every` still win where given (REV-001, REV-002).
    """

    last: StrictDate
    by: Name
    every: Duration


@dataclass(frozen=True)
class ReviewTerms:
    """When an entry was last re-read, by whom, how often it must be, and whether those
    came from the entry itself or from the whole register's `review:`."""

    last: dt.date | None
    by: str
    every: str | None
    own_date: bool  # `last`/`by` are the entry's own `last_reviewed`
    own_period: bool  # `every` is the entry's own `review_every`


def review_terms(
    entity: Activity | System | Contract, register: RegisterReview | None
) -> ReviewTerms:
    """The entry's own `last_reviewed` and `review_every` where given, else the whole
    register's (`review:` in ropa.yaml): REV-001/REV-002, the site and the exports agree."""
    own = entity.last_reviewed
    if own is not None:
        last, by = own.date, own.by
    else:
        last, by = (register.last, register.by) if register else (None, "")
    every = entity.review_every or (register.every if register else None)
    return ReviewTerms(last, by, every, own is not None, entity.review_every is not None)


@dataclass
class Config:
    directory: Path = field(default_factory=Path)
    inventory: str = "inventory"
    observed: list[str] = field(default_factory=list)
    baseline: str | None = None
    large_scale_subjects: int = 10_000
    discover: DiscoverSettings | None = None
    review: RegisterReview | None = None


def load_config(directory: Path | None = None) -> Config:
    """Read ``ropa.yaml`` from ``directory`` (default: the current one), if present."""
    directory = directory or Path.cwd()
    path = directory / CONFIG_NAME
    if not path.is_file():
        return Config(directory=directory)
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read: {error}") from None
    return parse_config(text, directory)


def parse_config(text: str, directory: Path) -> Config:
    """The settings ``text`` (a ropa.yaml) gives, relative to ``directory``."""
    result = LoadResult()
    load_text(text, CONFIG_NAME, result)
    if result.problems:
        problem = result.problems[0]
        raise ConfigError(f"{problem.pos}: {problem.message}")
    body = result.documents[0].body if result.documents else {}
    if not isinstance(body, dict):
        raise ConfigError(f"{CONFIG_NAME}: expected a mapping of settings")
    unknown = sorted(set(body) - _KEYS)
    if unknown:
        raise ConfigError(f"{CONFIG_NAME}: unknown setting {unknown[0]!r} (known: {sorted(_KEYS)})")
    config = Config(directory=directory)
    if "inventory" in body:
        if not isinstance(body["inventory"], str):
            raise ConfigError(f"{CONFIG_NAME}: inventory must be a path")
        config.inventory = body["inventory"]
    observed = body.get("observed", [])
    if isinstance(observed, str):
        observed = [observed]
    if not isinstance(observed, list) or not all(isinstance(o, str) for o in observed):
        raise ConfigError(f"{CONFIG_NAME}: observed must be a list of paths or globs")
    config.observed = list(observed)
    if body.get("baseline") is not None:
        if not isinstance(body["baseline"], str):
            raise ConfigError(f"{CONFIG_NAME}: baseline must be a path")
        config.baseline = body["baseline"]
    if "large_scale_subjects" in body:
        value = body["large_scale_subjects"]
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ConfigError(f"{CONFIG_NAME}: large_scale_subjects must be a whole number")
        config.large_scale_subjects = value
    if body.get("discover") not in (None, False):
        config.discover = _discover_settings(body["discover"])
    if body.get("review") is not None:
        config.review = _register_review(body["review"])
    return config


def _register_review(value: object) -> RegisterReview:
    if not isinstance(value, dict):
        raise ConfigError(f"{CONFIG_NAME}: review must be a mapping {{last, by, every}}")
    try:
        return RegisterReview.model_validate(value)
    except ValidationError as error:
        problem = error.errors()[0]
        where = ".".join(str(step) for step in ("review", *problem["loc"]))
        message = problem["msg"].removeprefix("Value error, ")
        raise ConfigError(f"{CONFIG_NAME}: {where}: {message}") from None


def _paths(value: object, what: str) -> tuple[str, ...]:
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
        raise ConfigError(f"{CONFIG_NAME}: {what} must be a path or a list of paths")
    return tuple(values)


def _discover_settings(value: object) -> DiscoverSettings:
    if value is True:
        return DiscoverSettings()
    if not isinstance(value, dict):
        return DiscoverSettings(paths=_paths(value, "discover"))
    unknown = sorted(set(value) - {"paths", "catalogue"})
    if unknown:
        raise ConfigError(f"{CONFIG_NAME}: unknown discover setting {unknown[0]!r}")
    return DiscoverSettings(
        paths=_paths(value.get("paths", ["."]), "discover.paths"),
        catalogue=_paths(value.get("catalogue", []), "discover.catalogue"),
    )
