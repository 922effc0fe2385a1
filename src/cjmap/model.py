"""The map format, version 1, as pydantic models: the one source of the schema.

Models are frozen and forbid unknown keys so that a typo is an error, except
keys starting with `x-`, which belong to the user's own tools and are dropped
here. References (`channel`, `owner`, ...) are plain strings: checking them is
resolve's job, which can say "did you mean".
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from cjmap.vocabulary.fields import SLUG_MAX_LENGTH, SLUG_PATTERN, safe_url

SCHEMA_ID = "https://cjmap.dev/schemas/cjmap.schema.json"

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=SLUG_MAX_LENGTH)]
Text = Annotated[str, StringConstraints(min_length=1)]
Ref = Annotated[str, Field(description="The id of something defined in this map or its imports.")]


def _schema_extra(schema: dict[str, Any], cls: type) -> None:
    schema["patternProperties"] = {"^x-": {"description": "Your own data; cjmap keeps out of it."}}
    if issubclass(cls, Identified):
        schema["anyOf"] = [{"required": ["id"]}, {"required": ["name"]}]


def _map_schema_extra(schema: dict[str, Any], cls: type) -> None:
    """The whole map's schema also names its JSON Schema dialect and its own id."""
    _schema_extra(schema, cls)
    schema.update({"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID})


class Model(BaseModel):
    """Frozen, strict about keys, lenient about `x-*` extension keys."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        coerce_numbers_to_str=True,
        json_schema_extra=_schema_extra,
    )

    @model_validator(mode="before")
    @classmethod
    def _drop_extensions(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if not (isinstance(k, str) and k.startswith("x-"))}
        return data


class Identified(Model):
    """Something other entries refer to: `id` may be left out and derived from `name`."""

    id: Slug | None = Field(
        None, description="Slug: lowercase letters, digits, '-' and '_'. Derived from name when left out."
    )
    name: Text | None = Field(None, description="What people read; the id is derived from it when left out.")

    @model_validator(mode="after")
    def _needs_id_or_name(self) -> Identified:
        if self.id is None and self.name is None:
            raise ValueError("give it a 'name' (or an 'id')")
        return self


class Persona(Identified):
    """Who travels the journey, built from research rather than guesses."""

    role: Text | None = None
    goals: tuple[Text, ...] = ()
    frustrations: tuple[Text, ...] = ()
    quote: Text | None = Field(None, description="Something this persona really said, in their words.")
    sources: tuple[Ref, ...] = Field((), description="Ids of the sources this persona rests on.")
    starts: Ref | tuple[Ref, ...] | None = Field(
        None,
        description=(
            "Where this persona enters the journey: a touchpoint id or a list. "
            "Default: its first touchpoint in the file."
        ),
    )
    stages: tuple[Ref, ...] | None = Field(
        None,
        description="The stages this persona takes part in; coverage rules judge only these. Default: every stage.",
    )


class Team(Identified):
    """A department that owns touchpoints: marketing, sales, support, ..."""


class Channel(Identified):
    """Where an interaction happens: TV, website, email, showroom, phone, ..."""


class Source(Identified):
    """Evidence behind the map: a survey, an analytics export, interviews."""

    collected: date | None = Field(None, description="When the data was collected (YYYY-MM-DD).")
    url: Annotated[str, AfterValidator(safe_url)] | None = Field(None, description="http, https or mailto link.")


Number = Annotated[int, Field(strict=True)] | Annotated[float, Field(strict=True, allow_inf_nan=False)]


class NextStep(Model):
    """One way out of a touchpoint, with the condition under which it is taken."""

    to: Ref = Field(description="Id of the touchpoint that follows.")
    when: Text | None = Field(None, description="The condition, e.g. 'clicked the email'.")
    share: Annotated[float, Field(strict=True, ge=0, le=1, allow_inf_nan=False)] | None = Field(
        None, description="The part of those who reach the touchpoint that take this way, from 0 to 1 (0.62 is 62 %)."
    )


class Target(Model):
    """Where a metric should be, and which way is better."""

    value: Number = Field(description="The value to reach, in the metric's unit.")
    better: Literal["higher", "lower"] = Field(
        description="higher: at or above the target is on target; lower: at or below."
    )


class MetricDefinition(Identified):
    """
    A measure the team watches (conversion, NPS, time to deliver), defined once and given values where it is measured.
    """

    kind: Literal["count", "rate", "score", "duration", "currency"] = Field(
        description="count (visits), rate (a percentage, 0-100), score (NPS, CSAT, CES), duration, currency."
    )
    unit: Text | None = Field(
        None, description="What a value is counted in: '%', 'min', 'EUR', 'points'. A rate's unit is '%'."
    )
    target: Target | None = None
    owner: Ref | None = Field(None, description="Id of the team that answers for this metric.")
    source: Ref | None = Field(None, description="Id of the source its values come from.")
    value: Number | None = Field(
        None, description="The value for the whole map (values at touchpoints and stages are written there)."
    )


def _next_shorthand(value: Any) -> Any:
    return {"to": value} if isinstance(value, str) else value


NextEntry = Annotated[NextStep, BeforeValidator(_next_shorthand, json_schema_input_type=Ref | NextStep)]


def _unicode_minus(value: Any) -> Any:
    """`−1` with the minus sign reports and outlines print (U+2212), copied back into a map, is -1."""
    if isinstance(value, str) and re.fullmatch(r"\s*\u2212\s*\d+\s*", value):
        return -int(value.strip()[1:])
    return value


Emotion = Annotated[
    int,
    Field(ge=-2, le=2, strict=True, description="-2 very negative ... +2 very positive."),
    BeforeValidator(_unicode_minus),
]
Metric = Annotated[int, Field(strict=True)] | Annotated[float, Field(strict=True, allow_inf_nan=False)] | str


class Touchpoint(Identified):
    """One interaction between the customer and the brand: a cell of the map."""

    channel: Ref | None = None
    owner: Ref | None = Field(None, description="Id of the team that owns this touchpoint.")
    personas: tuple[Ref, ...] | None = Field(
        None, description="Limit this touchpoint to these personas; absent means all."
    )
    doing: Text | None = None
    thinking: Text | None = None
    feeling: Text | None = None
    emotion: Emotion | dict[Ref, Emotion] | None = Field(
        None, description="One score for everyone (-2 ... +2), or one per persona: {student: 1, retiree: -2}."
    )
    pain_points: tuple[Text, ...] = ()
    opportunities: tuple[Text, ...] = ()
    metrics: dict[str, Metric] = Field(
        default_factory=dict,
        description="Values here: a metric defined under `metrics:` takes a number; any other key is a free note.",
    )
    sources: tuple[Ref, ...] = ()
    next: tuple[NextEntry, ...] | None = Field(
        None,
        description="What follows. Absent: the next touchpoint in the file. []: the customer leaves here.",
    )
    exit: Text | None = Field(None, description="Why the customer leaves the journey here.")


class Stage(Identified):
    """A phase in time, drawn as a column: awareness, consideration, ..."""

    goal: Text | None = Field(None, description="What the customer wants to get done in this stage.")
    metrics: dict[Ref, Number] = Field(
        default_factory=dict, description="Values of defined metrics for the whole stage."
    )
    touchpoints: tuple[Touchpoint, ...] = ()


class MapFile(Model):
    """A journey map file, or a shared file of definitions that maps import."""

    model_config = ConfigDict(
        title="cjmap journey map",
        json_schema_extra=_map_schema_extra,
    )

    cjmap: Literal[1] = Field(description="Format version; always 1.")
    title: Text | None = Field(None, description="Required in a map that has stages.")
    summary: Text | None = None
    scope: Text | None = None
    state: Literal["current", "future"] = Field("current", description="Today's journey, or the improved one.")
    flow: Literal["sequence", "explicit"] = Field(
        "sequence",
        description="sequence: a touchpoint without `next` leads to the one after it in the file. "
        "explicit: only `next` and persona starts make the flow; a touchpoint without `next` ends the journey.",
    )
    updated: date | None = Field(None, description="When the map was last reviewed (YYYY-MM-DD).")
    owner: Text | None = Field(None, description="Who keeps this map up to date.")
    compares: Text | None = Field(
        None, description="In a future-state map: the current-state map it improves on (a path relative to this file)."
    )
    imports: tuple[str, ...] = Field((), description="Files whose personas, teams, channels and sources this map uses.")
    personas: tuple[Persona, ...] = ()
    teams: tuple[Team, ...] = ()
    channels: tuple[Channel, ...] = ()
    sources: tuple[Source, ...] = ()
    metrics: tuple[MetricDefinition, ...] = Field(
        (), description="Definitions of the metrics this map (or the maps importing it) measures."
    )
    data: tuple[str, ...] = Field(
        (),
        description=(
            "CSV or .xlsx files of metric values (columns metric, at, value, date, persona), relative to this map."
        ),
    )
    stages: tuple[Stage, ...] = Field((), description="Columns of the map, left to right in time.")


def json_schema() -> dict[str, Any]:
    """The published JSON Schema, generated so it can never drift from the models."""
    return MapFile.model_json_schema(mode="validation")
