"""Scenario files: what to run, validated into a frozen :class:`Scenario`.

A scenario is a TOML file (documented in ``docs/scenarios.md``; its JSON
Schema is :func:`scenario_schema`, printed by ``scosim schema``).  It names the
proposals, the membership stages, the decision rule, the preferences and the
ensemble size and seed.  It may add hypothetical states (``[[members]]``) and
proposals (``[[custom_proposals]]``) to the evidence base; their values are the
scenario author's stated assumptions, and whatever they leave out takes the
evidence base's wide priors.

Loading happens in two passes, like the evidence base's:

1. *shape* — a strict pydantic schema: no unknown keys, no type coercion
   (``seed = "1"`` is an error, not a 1), numbers in range;
2. *meaning* — every member, proposal and preset resolves against the evidence
   base (with close matches on failure), every stage has at least two
   members, a weighted rule has a weight for every member of every stage.

The first problem raises :class:`~sim.errors.InputError` with the file and
the dotted field path, e.g. ``stages[1].members[3]: unknown state 'Turky':
did you mean 'Turkey'?``.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue

from sim.constants import ModelConstants
from sim.draws import Setting
from sim.errors import EvidenceError, InputError, did_you_mean
from sim.evidence import Evidence, extend_evidence, load_evidence
from sim.rules import QualifiedMajority, Rule, make_rule
from sim.validation import shape

__all__ = [
    "MAX_REPLICATIONS",
    "RuleChoice",
    "Scenario",
    "ScenarioStage",
    "build_scenario",
    "load_scenario",
    "parse_scenario",
    "scenario_schema",
]

MAX_REPLICATIONS = 1_000_000_000
"""Largest ensemble a scenario may ask for (runs are chunked, so memory is not the limit; time is)."""

RuleName = Literal["sco_consensus", "unanimity", "consensus_minus_one", "simple_majority"]
_ID = r"^[a-z][a-z0-9_]*$"

# --------------------------------------------------------------------------
# Shape: the TOML document
# --------------------------------------------------------------------------


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=True, allow_inf_nan=False)


class AssumptionTable(_In):
    """A value the scenario assumes, optionally with a range to draw it from (triangular, mode ``value``)."""

    value: float = Field(description="best value (the mode of the draw)")
    low: float | None = Field(default=None, description="lower end of the range (default: value)")
    high: float | None = Field(default=None, description="upper end of the range (default: value)")
    note: str | None = Field(default=None, description="why this value")


def _toml_type(value: Any) -> str | None:
    """Tag of a TOML value's type, to pick the branch of a union (``None``: no branch fits)."""
    if isinstance(value, dict | BaseModel):
        return "<table>"
    if isinstance(value, list):
        return "<list>"
    if isinstance(value, str):
        return "<name>"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "<number>"
    return None


def _by_type(expected: str) -> Discriminator:
    """Pick a union's branch by the value's TOML type; otherwise say what was expected."""
    return Discriminator(_toml_type, custom_error_type="wrong_type", custom_error_message=f"must be {expected}")


Assumption = Annotated[
    Annotated[float, Tag("<number>")] | Annotated[AssumptionTable, Tag("<table>")],
    _by_type("a number or a table { value, low, high, note }"),
    Field(description="a number (fixed) or a table { value, low, high, note }"),
]


class RelationIn(_In):
    """How a new state regards another: rivalry or partnership, intensity on [0, 1]."""

    other: str = Field(alias="with", description="the other state (id or name)")
    kind: Literal["rivalry", "partnership"]
    symmetric: bool = Field(default=True, description="true: the other state regards it the same way")
    value: float
    low: float | None = None
    high: float | None = None
    note: str | None = None


class MemberIn(_In):
    """A state that is not in the evidence base (for teaching, or for a hypothetical)."""

    name: str = Field(min_length=1)
    id: Annotated[str, Field(pattern=_ID)] | None = Field(default=None, description="default: the name in snake case")
    summary: str = ""
    capability: Assumption | None = None
    sovereignty_sensitivity: Assumption | None = None
    relative_gains: Assumption | None = None
    positions: dict[str, Assumption] = Field(default_factory=dict, description="by dimension, on [-1, 1]")
    salience: dict[str, Assumption] = Field(default_factory=dict, description="by dimension, on [0, 1]")
    outside_options: dict[str, Assumption] = Field(default_factory=dict, description="by organisation id")
    relations: list[RelationIn] = Field(default_factory=list)
    gains: dict[str, Assumption] = Field(default_factory=dict, description="material gain by proposal id")


class ProposalIn(_In):
    """A proposal that is not in the evidence base."""

    id: Annotated[str, Field(pattern=_ID)]
    name: str = Field(min_length=1)
    sponsors: list[str] = Field(default_factory=list, description="default: the chair tables it")
    depth: Literal["binding_institution", "agreement", "joint_project", "declaration"] = "agreement"
    admits_opt_out: bool = False
    divisible: bool = True
    summary: str = ""
    sovereignty_cost: Assumption | None = None
    effects: dict[str, Assumption] = Field(default_factory=dict, description="by dimension, on [-1, 1]")
    gains: dict[str, Assumption] = Field(default_factory=dict, description="material gain by member")
    default_gain: Assumption | None = None


class StageIn(_In):
    """One membership stage: a preset, or an explicit list of members and a year."""

    preset: str | None = Field(default=None, description="SCO-6, SCO-8, SCO-9 or SCO-10")
    label: str | None = Field(default=None, min_length=1, description="default: the preset's name")
    year: int | None = Field(default=None, ge=1990, le=2100, description="profiles as they stand in that year")
    members: list[str] | None = Field(default=None, description="ids or names (instead of a preset)")
    add: list[str] = Field(default_factory=list, description="states added to the preset")
    remove: list[str] = Field(default_factory=list, description="states removed from the preset")
    candidates: list[str] = Field(default_factory=list, description="states to admit (admission proposals)")


class RuleTable(_In):
    """A decision rule given as a table (needed for weighted voting)."""

    kind: Literal["sco_consensus", "unanimity", "consensus_minus_one", "simple_majority", "qualified_majority"]
    label: str | None = Field(default=None, min_length=1, description="name in the results (default: kind)")
    weights: (
        Annotated[
            Annotated[dict[str, float], Tag("<table>")] | Annotated[Literal["capability", "equal"], Tag("<name>")],
            _by_type("a table of weights by member, 'capability' or 'equal'"),
        ]
        | None
    ) = Field(default=None, description="weight by member, or 'capability' (best estimates) or 'equal'")
    quota: float | None = Field(default=None, gt=0, description="weight the supporters must reach")
    quota_share: float | None = Field(default=None, gt=0, le=1, description="or: share of the total weight")
    min_members: int = Field(default=0, ge=0, description="minimum number of supporters")
    capability_quota: float | None = Field(default=None, gt=0, le=1, description="supporters' share of capability")


RuleItem = Annotated[
    Annotated[RuleName, Tag("<name>")] | Annotated[RuleTable, Tag("<table>")],
    _by_type("a rule name or a table"),
]


class ConstantsIn(_In):
    """Overrides of the model constants (see docs/model.md)."""

    objection_threshold: list[float] | None = Field(default=None, min_length=3, max_length=3)
    outside_weight: float | None = Field(default=None, ge=0, le=5)
    side_payment_budget: float | None = Field(default=None, ge=0, le=5)
    waterdown_step: float | None = Field(default=None, gt=0, le=1)
    min_depth: float | None = Field(default=None, ge=0, le=1)
    max_rounds: int | None = Field(default=None, ge=1, le=50)
    min_participants: int | None = Field(default=None, ge=1)
    support_margin: float | None = Field(default=None, ge=-1, le=1)


class ScenarioIn(_In):
    """A scenario file."""

    model_config = ConfigDict(title="scosim scenario", json_schema_extra={"$id": "scosim-scenario"})

    name: str = Field(min_length=1)
    description: str = ""
    seed: int = Field(ge=0, le=2**63 - 1, description="root seed of every random draw")
    replications: int = Field(default=10_000, ge=1, le=MAX_REPLICATIONS, description="Monte Carlo replications")
    proposals: list[str] = Field(min_length=1, description="proposal ids (see `scosim list proposals`)")
    rule: Annotated[
        Annotated[RuleName, Tag("<name>")]
        | Annotated[RuleTable, Tag("<table>")]
        | Annotated[list[RuleItem], Tag("<list>")],
        _by_type("a rule name, a [rule] table, or a list of them"),
    ] = Field(default="sco_consensus", description="a rule, or a list of rules to compare on the same draws")
    preferences: Literal["documents", "impartial"] = "documents"
    negotiation: bool = Field(default=True, description="false: one vote, no concessions")
    stages: list[StageIn] = Field(min_length=1)
    members: list[MemberIn] = Field(default_factory=list, description="states not in the evidence base")
    custom_proposals: list[ProposalIn] = Field(default_factory=list, description="proposals not in the evidence base")
    constants: ConstantsIn | None = None


class _TomlSchema(GenerateJsonSchema):
    """JSON Schema for TOML: there is no null, an optional key is simply left out."""

    def nullable_schema(self, schema: Any) -> JsonSchemaValue:
        return self.generate_inner(schema["schema"])

    def default_schema(self, schema: Any) -> JsonSchemaValue:
        out = super().default_schema(schema)
        if out.get("default", ...) is None:
            del out["default"]
        return out


def scenario_schema() -> dict[str, Any]:
    """Return the JSON Schema of scenario files."""
    return ScenarioIn.model_json_schema(by_alias=True, schema_generator=_TomlSchema)


# --------------------------------------------------------------------------
# Meaning: the resolved scenario
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ScenarioStage:
    """A resolved membership stage."""

    label: str
    year: int
    members: tuple[str, ...]
    candidates: tuple[str, ...] = ()
    preset: str | None = None


@dataclass(frozen=True)
class RuleChoice:
    """One decision rule of a scenario: its label, its specification and its rule object per stage.

    A weighted rule depends on who is in the stage, so there is one
    :class:`~sim.rules.Rule` per stage, in stage order.
    """

    label: str
    spec: str | Mapping[str, Any]
    per_stage: tuple[Rule, ...]


@dataclass(frozen=True)
class Scenario:
    """A validated scenario, resolved against the evidence base.

    ``evidence`` includes the scenario's own states and proposals.  ``rules``
    lists the decision rules to run (usually one; several to compare them on
    the same draws).
    """

    name: str
    description: str
    seed: int
    replications: int
    proposals: tuple[str, ...]
    stages: tuple[ScenarioStage, ...]
    rules: tuple[RuleChoice, ...]
    preferences: Literal["documents", "impartial"]
    negotiation: bool
    constants: ModelConstants
    evidence: Evidence = field(repr=False)
    path: Path | None = None
    custom_members: tuple[Mapping[str, Any], ...] = ()
    custom_proposals: tuple[Mapping[str, Any], ...] = ()

    @property
    def rule_labels(self) -> tuple[str, ...]:
        """Labels of the decision rules."""
        return tuple(r.label for r in self.rules)

    def rule(self, label: str) -> RuleChoice:
        """Look a rule up by label."""
        for r in self.rules:
            if r.label == label:
                return r
        raise InputError(None, None, "--rule", f"unknown rule {label!r}: {did_you_mean(label, self.rule_labels)}")

    def stage(self, label: str) -> ScenarioStage:
        """Look a stage up by label (case-insensitive)."""
        for s in self.stages:
            if s.label.lower() == label.lower():
                return s
        raise InputError(None, None, "--stage", f"unknown stage {label!r}: {did_you_mean(label, self.labels)}")

    @property
    def labels(self) -> tuple[str, ...]:
        """Stage labels in order."""
        return tuple(s.label for s in self.stages)

    def rule_for(self, stage: ScenarioStage, rule: RuleChoice | None = None) -> Rule:
        """Return the decision rule (default: the first) of ``stage``."""
        return (rule or self.rules[0]).per_stage[self.stages.index(stage)]

    def setting(self, stage: ScenarioStage, proposal: str) -> Setting:
        """Return the decision setting of one stage and proposal."""
        return Setting(stage.members, proposal, stage.year, stage.candidates)

    def with_overrides(self, *, seed: int | None = None, replications: int | None = None) -> Scenario:
        """Return a copy with another seed or ensemble size (``scosim run --seed/--replications``)."""
        if replications is not None and not 1 <= replications <= MAX_REPLICATIONS:
            raise InputError(None, None, "replications", f"must be between 1 and {MAX_REPLICATIONS:,}")
        if seed is not None and not 0 <= seed < 2**63:
            raise InputError(None, None, "seed", "must be a non-negative integer below 2**63")
        return replace(
            self,
            seed=self.seed if seed is None else seed,
            replications=self.replications if replications is None else replications,
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the resolved scenario as plain data (written to ``summary.json``)."""
        return {
            "name": self.name,
            "description": self.description,
            "file": str(self.path) if self.path else None,
            "seed": self.seed,
            "replications": self.replications,
            "proposals": list(self.proposals),
            "rules": [
                {"label": r.label, "rule": r.spec if isinstance(r.spec, str) else dict(r.spec)} for r in self.rules
            ],
            "preferences": self.preferences,
            "negotiation": self.negotiation,
            "stages": [
                {
                    "label": s.label,
                    "preset": s.preset,
                    "year": s.year,
                    "members": list(s.members),
                    "candidates": list(s.candidates),
                }
                for s in self.stages
            ],
            "constants": _constants_dict(self.constants),
            "members": [dict(m) for m in self.custom_members],
            "custom_proposals": [dict(p) for p in self.custom_proposals],
        }


def _constants_dict(c: ModelConstants) -> dict[str, Any]:
    return {name: getattr(c, name) for name in ModelConstants.__dataclass_fields__}


def load_scenario(path: str | Path, evidence: Evidence | None = None) -> Scenario:
    """Read, validate and resolve a scenario file.

    Parameters
    ----------
    path
        The TOML file.
    evidence
        The evidence base (default: :func:`~sim.evidence.load_evidence`).

    Raises
    ------
    InputError
        For the first problem: ``FILE: field.path: what is wrong (what is allowed)``.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(path, None, None, "scenario file not found")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(path, None, None, "not a UTF-8 text file") from None
    return parse_scenario(text, file=str(path), evidence=evidence, path=path)


def parse_scenario(
    text: str, *, file: str = "<scenario>", evidence: Evidence | None = None, path: Path | None = None
) -> Scenario:
    """Validate and resolve a scenario given as TOML text (see :func:`load_scenario`)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(file, None, None, f"not valid TOML: {exc}") from None
    return build_scenario(data, file=file, evidence=evidence, path=path)


def build_scenario(
    data: Mapping[str, Any], *, file: str = "<scenario>", evidence: Evidence | None = None, path: Path | None = None
) -> Scenario:
    """Validate and resolve a scenario given as parsed data (the same keys as a file)."""
    raw = shape(ScenarioIn, data, file=file)
    ev = evidence if evidence is not None else load_evidence()
    return _Resolver(raw, ev, file, path).resolve()


def _estimate(value: float | AssumptionTable | None) -> dict[str, Any]:
    """Evidence-format estimate table of an assumption (``None``: the scale's prior)."""
    if value is None:
        return {"documented": False, "note": "not set in the scenario: the evidence base's prior"}
    if isinstance(value, AssumptionTable):
        low = value.value if value.low is None else value.low
        high = value.value if value.high is None else value.high
        note = value.note or "assumed in the scenario"
        return {"value": value.value, "low": low, "high": high, "documented": False, "note": note}
    return {"value": value, "low": value, "high": value, "documented": False, "note": "assumed in the scenario"}


def _snake(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


class _Resolver:
    """Second pass: resolve names against the evidence base and check the meaning."""

    def __init__(self, raw: ScenarioIn, ev: Evidence, file: str, path: Path | None) -> None:
        self.raw = raw
        self.ev = ev
        self.file = file
        self.path = path

    def fail(self, where: str, message: str) -> InputError:
        return InputError(self.file, None, where, message)

    def state(self, name: str, where: str, new: Mapping[str, str] | None = None) -> str:
        """Resolve a state by id or name; ``new`` maps the scenario's new states' names to their ids."""
        for key, mid in (new or {}).items():
            if name.lower() in (key.lower(), mid):
                return mid
        try:
            return self.ev.member(name).id
        except InputError as exc:
            pool = [m.name for m in self.ev.members.values()] + list(new or {})
            message = exc.message if not new else f"unknown state {name!r}: {did_you_mean(name, pool)}"
            raise self.fail(where, message) from None

    def resolve(self) -> Scenario:
        raw = self.raw
        ev = self.extend()
        self.ev = ev
        proposals = []
        for i, pid in enumerate(raw.proposals):
            if pid not in ev.proposals:
                raise self.fail(f"proposals[{i}]", f"unknown proposal {pid!r}: {did_you_mean(pid, ev.proposals)}")
            if pid in proposals:
                raise self.fail(f"proposals[{i}]", f"{pid!r} is listed twice")
            proposals.append(pid)
        for i, p in enumerate(raw.custom_proposals):
            if p.id not in proposals:
                raise self.fail(
                    f"custom_proposals[{i}].id", f"{p.id!r} is declared but not listed in `proposals` (add it there)"
                )
        stages = self.stages(proposals)
        rules = self.rules(stages)
        return Scenario(
            name=raw.name,
            description=raw.description,
            seed=raw.seed,
            replications=raw.replications,
            proposals=tuple(proposals),
            stages=stages,
            rules=rules,
            preferences=raw.preferences,
            negotiation=raw.negotiation,
            constants=self.constants(),
            evidence=ev,
            path=self.path,
            custom_members=tuple(m.model_dump(by_alias=True, exclude_defaults=True) for m in raw.members),
            custom_proposals=tuple(p.model_dump(by_alias=True, exclude_defaults=True) for p in raw.custom_proposals),
        )

    # -- new states and proposals -----------------------------------------

    def extend(self) -> Evidence:
        raw, ev = self.raw, self.ev
        if not raw.members and not raw.custom_proposals:
            return ev
        members, relations, gains, proposals = [], [], [], []
        ids: dict[str, str] = {}
        for i, m in enumerate(raw.members):
            where = f"members[{i}]"
            mid = m.id or _snake(m.name)
            if not re.match(_ID, mid):
                raise self.fail(f"{where}.name", "give a name that starts with a letter, or an explicit `id`")
            for alias in (m.name, mid):
                try:
                    known = ev.member(alias).id
                except InputError:
                    continue
                raise self.fail(f"{where}.name", f"{alias!r} is already a state in the evidence base ({known!r})")
            if mid in ids.values():
                raise self.fail(f"{where}.id", f"two new states have the id {mid!r}")
            ids[m.name] = mid
            for table_name, table in (("positions", m.positions), ("salience", m.salience)):
                for d in table:
                    if d not in ev.dimension_ids:
                        raise self.fail(
                            f"{where}.{table_name}.{d}", f"unknown dimension (allowed: {', '.join(ev.dimension_ids)})"
                        )
            for org in m.outside_options:
                if org not in ev.organisations:
                    raise self.fail(
                        f"{where}.outside_options.{org}",
                        f"unknown organisation {org!r}: {did_you_mean(org, ev.organisations)}",
                    )
            members.append(
                (
                    where,
                    {
                        "id": mid,
                        "name": m.name,
                        "name_ru": m.name,
                        "group": "scenario",
                        "summary": m.summary or "A state added by the scenario.",
                        "capability": _estimate(m.capability),
                        "sovereignty_sensitivity": _estimate(m.sovereignty_sensitivity),
                        "relative_gains": _estimate(m.relative_gains),
                        "positions": {d: _estimate(m.positions.get(d)) for d in ev.dimension_ids},
                        "salience": {d: _estimate(m.salience.get(d)) for d in ev.dimension_ids},
                        "outside_options": [{"org": o, **_estimate(v)} for o, v in m.outside_options.items()],
                    },
                )
            )
        for i, m in enumerate(raw.members):
            mid = ids[m.name]
            for j, r in enumerate(m.relations):
                where = f"members[{i}].relations[{j}]"
                other = self.state(r.other, f"{where}.with", ids)
                est = _estimate(AssumptionTable(value=r.value, low=r.low, high=r.high, note=r.note))
                relations.append((where, {"a": mid, "b": other, "kind": r.kind, "symmetric": r.symmetric, **est}))
            for pid, g in m.gains.items():
                gains.append((f"members[{i}].gains.{pid}", pid, mid, _estimate(g)))
        for i, p in enumerate(raw.custom_proposals):
            where = f"custom_proposals[{i}]"
            for d in p.effects:
                if d not in ev.dimension_ids:
                    raise self.fail(
                        f"{where}.effects.{d}", f"unknown dimension (allowed: {', '.join(ev.dimension_ids)})"
                    )
            if not p.effects and not p.gains and p.default_gain is None:
                raise self.fail(f"{where}.effects", "a proposal needs effects or gains (what it changes, for whom)")
            sponsors = [self.state(s, f"{where}.sponsors[{j}]", ids) for j, s in enumerate(p.sponsors)]
            gain_table = {self.state(k, f"{where}.gains.{k}", ids): _estimate(v) for k, v in p.gains.items()}
            proposals.append(
                (
                    where,
                    {
                        "id": p.id,
                        "name": p.name,
                        "sponsors": sponsors,
                        "sponsor_note": None if sponsors else "no sponsor given: the chair tables it",
                        "depth": p.depth,
                        "admits_opt_out": p.admits_opt_out,
                        "divisible": p.divisible,
                        "summary": p.summary or "A proposal added by the scenario.",
                        "sovereignty_cost": _estimate(p.sovereignty_cost),
                        "effects": {d: _estimate(v) for d, v in p.effects.items()},
                        "gains": gain_table,
                        "default_gain": _estimate(p.default_gain) if (gain_table or p.default_gain) else None,
                    },
                )
            )
        try:
            return extend_evidence(
                ev, file=self.file, members=members, relations=relations, proposals=proposals, gains=gains
            )
        except EvidenceError as exc:
            where = ".".join(p for p in (exc.entry, exc.field) if p)
            raise self.fail(where, exc.message) from None

    # -- stages -------------------------------------------------------------

    def stages(self, proposals: Sequence[str]) -> tuple[ScenarioStage, ...]:
        ev = self.ev
        out: list[ScenarioStage] = []
        admission = [p for p in proposals if ev.proposals[p].kind == "admission"]
        for i, s in enumerate(self.raw.stages):
            where = f"stages[{i}]"
            if (s.preset is None) == (s.members is None):
                raise self.fail(where, "give either `preset` or `members` (and `year`)")
            if s.preset is not None:
                try:
                    preset = ev.stage(s.preset)
                except InputError as exc:
                    raise self.fail(f"{where}.preset", exc.message) from None
                members = list(preset.members)
                year = preset.year if s.year is None else s.year
                label = s.label or (preset.id if not (s.add or s.remove or s.year) else None)
                if label is None:
                    raise self.fail(f"{where}.label", "required when a preset is changed with add, remove or year")
                for j, name in enumerate(s.remove):
                    mid = self.state(name, f"{where}.remove[{j}]")
                    if mid not in members:
                        raise self.fail(f"{where}.remove[{j}]", f"{mid!r} is not in {preset.id}")
                    members.remove(mid)
                for j, name in enumerate(s.add):
                    mid = self.state(name, f"{where}.add[{j}]")
                    if mid in members:
                        raise self.fail(f"{where}.add[{j}]", f"{mid!r} is already in the stage")
                    members.append(mid)
            else:
                assert s.members is not None
                if s.add or s.remove:
                    raise self.fail(f"{where}.add", "add and remove change a preset; list `members` directly instead")
                if s.year is None:
                    raise self.fail(f"{where}.year", "required without a preset")
                if s.label is None:
                    raise self.fail(f"{where}.label", "required without a preset")
                label, year, members = s.label, s.year, []
                for j, name in enumerate(s.members):
                    mid = self.state(name, f"{where}.members[{j}]")
                    if mid in members:
                        raise self.fail(f"{where}.members[{j}]", f"{mid!r} is listed twice")
                    members.append(mid)
            if len(members) < 2:
                raise self.fail(f"{where}.members", f"a stage needs at least two members (got {len(members)})")
            if any(o.label.lower() == label.lower() for o in out):
                raise self.fail(f"{where}.label", f"two stages are labelled {label!r} (labels must be unique)")
            candidates = []
            for j, name in enumerate(s.candidates):
                cid = self.state(name, f"{where}.candidates[{j}]")
                if cid in members:
                    raise self.fail(f"{where}.candidates[{j}]", f"{cid!r} is already a member of this stage")
                candidates.append(cid)
            if admission and not candidates:
                raise self.fail(
                    f"{where}.candidates", f"the admission proposal {admission[0]!r} needs at least one candidate"
                )
            out.append(ScenarioStage(label, year, tuple(members), tuple(candidates), s.preset and preset.id))
        return tuple(out)

    # -- rule and constants --------------------------------------------------

    def rules(self, stages: Sequence[ScenarioStage]) -> tuple[RuleChoice, ...]:
        raw = self.raw.rule
        items = raw if isinstance(raw, list) else [raw]
        out: list[RuleChoice] = []
        for i, rule in enumerate(items):
            where = f"rule[{i}]" if isinstance(raw, list) else "rule"
            spec: str | dict[str, Any]
            label: str
            if isinstance(rule, str):
                label, spec = str(rule), str(rule)
            else:
                label = rule.label or rule.kind
                spec = rule.model_dump(exclude_none=True)
                if isinstance(rule.weights, dict):
                    spec["weights"] = {self.state(k, f"{where}.weights.{k}"): v for k, v in rule.weights.items()}
            if label in [r.label for r in out]:
                raise self.fail(where, f"two rules are labelled {label!r} (give a table with a distinct `label`)")
            per_stage = tuple(self.rule(rule, spec, stage, where) for stage in stages)
            out.append(RuleChoice(label, spec, per_stage))
        return tuple(out)

    def rule(self, rule: str | RuleTable, spec: Any, stage: ScenarioStage, where: str) -> Rule:
        if isinstance(rule, str):
            return make_rule(rule, stage.members)
        if rule.kind != "qualified_majority":
            extra = [k for k in ("weights", "quota", "quota_share", "capability_quota") if getattr(rule, k) is not None]
            if extra or rule.min_members:
                raise self.fail(f"{where}.{extra[0] if extra else 'min_members'}", "only qualified_majority takes it")
            return make_rule(rule.kind, stage.members)
        if rule.weights is None:
            raise self.fail(f"{where}.weights", "required for qualified_majority (by member, 'capability' or 'equal')")
        if (rule.quota is None) == (rule.quota_share is None):
            raise self.fail(f"{where}.quota", "give exactly one of `quota` (weight units) or `quota_share` (0 to 1)")
        if rule.weights == "capability":
            weights = [self.ev.members[m].capability.value for m in stage.members]
        elif rule.weights == "equal":
            weights = [1.0] * len(stage.members)
        else:
            table = spec["weights"]
            missing = [m for m in stage.members if m not in table]
            if missing:
                raise self.fail(
                    f"{where}.weights",
                    f"no weight for {', '.join(missing)} in stage {stage.label!r} (every member needs one)",
                )
            weights = [float(table[m]) for m in stage.members]
        if any(w < 0 for w in weights):
            raise self.fail(f"{where}.weights", "weights must not be negative")
        quota = rule.quota if rule.quota is not None else (rule.quota_share or 0.0) * sum(weights)
        if quota > sum(weights) + 1e-9:
            raise self.fail(f"{where}.quota", f"{quota:g} exceeds the total weight {sum(weights):g} of {stage.label!r}")
        if rule.min_members > len(stage.members):
            raise self.fail(f"{where}.min_members", f"exceeds the {len(stage.members)} members of {stage.label!r}")
        if rule.capability_quota is not None and len(stage.members) > 22:
            raise self.fail(f"{where}.capability_quota", "supported for up to 22 members")
        return QualifiedMajority(
            weights=tuple(weights),
            quota=float(quota),
            min_members=rule.min_members,
            capability_quota=rule.capability_quota,
            labels=stage.members,
        )

    def constants(self) -> ModelConstants:
        c = self.raw.constants
        if c is None:
            return ModelConstants()
        overrides = c.model_dump(exclude_none=True)
        if "objection_threshold" in overrides:
            lo, mode, hi = overrides["objection_threshold"]
            if not 0 <= lo <= mode <= hi:
                raise self.fail("constants.objection_threshold", "must be [low, mode, high], 0 <= low <= mode <= high")
            overrides["objection_threshold"] = (lo, mode, hi)
        return replace(ModelConstants(), **overrides)


def schema_json() -> str:
    """Return the JSON Schema as indented text."""
    return json.dumps(scenario_schema(), indent=2, ensure_ascii=False) + "\n"
