"""The evidence base: cited member profiles, proposals, events and stages.

The files in ``seeds/`` (see ``seeds/README.md`` for the schema) are parsed into
frozen, typed objects and validated in two passes:

1. *shape* — every file is checked against a strict pydantic schema (types,
   required keys, no unknown keys);
2. *meaning* — every numeric estimate must satisfy ``low <= value <= high``
   inside its scale's bounds and carry at least one citation ``KEY § Section``
   that names a known source and one of its sections, unless it is explicitly
   marked ``documented = false`` (then the scale's wide prior fills in what the
   file leaves out); every member, proposal, organisation and stage that an
   entry refers to must exist.

Any violation raises :class:`~sim.errors.EvidenceError` naming the file, the
entry and the field.  Nothing is cached at module level: call
:func:`load_evidence` and keep the returned :class:`Evidence`.

Sources
-------
The five documents are listed in ``seeds/sources.toml``.  Values that vary
over time (for example Russia's stance on economic cooperation after 2014 and
2022, olczak2025 § New developments) are stored as *shifts*: a new estimate for
one field that applies from a given year on.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from sim.errors import EvidenceError, UnknownNameError, did_you_mean
from sim.validation import M, shape

__all__ = [
    "OUTCOMES",
    "UNDOCUMENTED_MIN_WIDTH",
    "Citation",
    "Dimension",
    "Estimate",
    "Event",
    "Evidence",
    "Member",
    "Organisation",
    "Proposal",
    "Relation",
    "Scale",
    "Source",
    "Stage",
    "StatusPeriod",
    "default_seeds_dir",
    "extend_evidence",
    "load_evidence",
]

OUTCOMES = ("adopted_all", "adopted_opt_out", "adopted_watered_down", "blocked", "not_taken_up")
"""Recorded outcomes of historical events."""

UNDOCUMENTED_MIN_WIDTH = 0.4
"""Smallest range, as a share of its scale, allowed for a value marked not documented."""

Outcome = Literal["adopted_all", "adopted_opt_out", "adopted_watered_down", "blocked", "not_taken_up"]
Status = Literal["member", "observer", "dialogue_partner", "applicant", "guest"]
Depth = Literal["binding_institution", "agreement", "joint_project", "declaration"]

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
T = TypeVar("T")

_CITE = re.compile(r"^\s*(?P<key>[A-Za-z0-9_]+)\s*§\s*(?P<section>.+?)\s*$")

# --------------------------------------------------------------------------
# Public, frozen objects
# --------------------------------------------------------------------------


class _Picklable:
    """Pickle support for frozen dataclasses holding read-only mappings.

    ``MappingProxyType`` cannot be pickled; the state is sent as plain dicts
    and wrapped again on arrival, so evidence can travel to worker processes.
    """

    __slots__ = ()

    def __reduce__(self) -> tuple[Any, ...]:
        state = {f.name: getattr(self, f.name) for f in fields(self)}  # type: ignore[arg-type]
        plain = {k: dict(v) if isinstance(v, MappingProxyType) else v for k, v in state.items()}
        return (_rebuild, (type(self), plain))


def _rebuild(cls: type[T], state: dict[str, Any]) -> T:
    return cls(**{k: MappingProxyType(v) if isinstance(v, dict) else v for k, v in state.items()})


@dataclass(frozen=True, slots=True)
class Citation:
    """A pointer to a passage: source key and section heading."""

    source: str
    section: str

    def __str__(self) -> str:
        return f"{self.source} § {self.section}"


@dataclass(frozen=True, slots=True)
class Estimate:
    """A numeric parameter with its plausible range and evidence.

    The model draws the parameter from ``[low, high]`` in each Monte Carlo
    replication; ``value`` is the best single estimate.  ``documented`` is
    ``False`` where the documents are silent: the range is then the scale's
    wide prior unless the file narrows or widens it with a stated reason.
    """

    value: float
    low: float
    high: float
    documented: bool
    cites: tuple[Citation, ...] = ()
    note: str | None = None

    @property
    def width(self) -> float:
        """Width of the plausible range."""
        return self.high - self.low

    def __str__(self) -> str:
        flag = "" if self.documented else "  [not documented]"
        return f"{self.value:+.2f} [{self.low:+.2f}, {self.high:+.2f}]{flag}"


@dataclass(frozen=True, slots=True)
class Source:
    """One of the five source documents."""

    key: str
    title: str
    author: str
    year: int
    file: str
    kind: str
    sections: tuple[str, ...]
    year_note: str | None = None


@dataclass(frozen=True, slots=True)
class Dimension:
    """An issue dimension of the interest profiles."""

    id: str
    name: str
    description: str
    cites: tuple[Citation, ...]


@dataclass(frozen=True, slots=True)
class Scale:
    """Admissible bounds of a parameter kind and its prior for undocumented values."""

    name: str
    bounds: tuple[float, float]
    prior: tuple[float, float, float]
    description: str

    @property
    def width(self) -> float:
        """Width of the admissible interval."""
        return self.bounds[1] - self.bounds[0]


@dataclass(frozen=True, slots=True)
class StatusPeriod:
    """A period of a state's status in the SCO (dates as ``YYYY[-MM[-DD]]``)."""

    status: str
    since: str
    until: str | None
    note: str | None
    cites: tuple[Citation, ...]

    @property
    def since_year(self) -> int:
        """Year in which the period starts."""
        return int(self.since[:4])

    def covers(self, date: str) -> bool:
        """Whether the ISO (partial) ``date`` falls in this period."""
        return self.since <= date and (self.until is None or date < self.until)


@dataclass(frozen=True, slots=True)
class Shift:
    """A new estimate for one field of a profile, in force from ``start`` on."""

    start: int
    field: str
    estimate: Estimate


@dataclass(frozen=True, slots=True)
class Organisation:
    """A forum outside the SCO that serves as an outside option."""

    id: str
    name: str
    members: tuple[str, ...]
    domains: tuple[str, ...]
    cites: tuple[Citation, ...]
    founded: int | None = None
    note: str | None = None


@dataclass(frozen=True)
class Member(_Picklable):
    """A state's status history and interest profile.

    Profile fields are addressed by dotted names, the same in ``shifts`` and in
    :meth:`parameters`: ``capability``, ``sovereignty_sensitivity``,
    ``relative_gains``, ``positions.<dimension>``, ``salience.<dimension>`` and
    ``outside_options.<organisation>``.
    """

    id: str
    name: str
    name_ru: str
    group: str
    summary: str
    active: bool
    status: tuple[StatusPeriod, ...]
    capability: Estimate
    sovereignty_sensitivity: Estimate
    relative_gains: Estimate
    positions: Mapping[str, Estimate]
    salience: Mapping[str, Estimate]
    outside_options: Mapping[str, Estimate]
    shifts: tuple[Shift, ...]
    file: str

    def base_parameters(self) -> dict[str, Estimate]:
        """All profile estimates as first recorded, by dotted field name."""
        out = {
            "capability": self.capability,
            "sovereignty_sensitivity": self.sovereignty_sensitivity,
            "relative_gains": self.relative_gains,
        }
        out.update({f"positions.{d}": e for d, e in self.positions.items()})
        out.update({f"salience.{d}": e for d, e in self.salience.items()})
        out.update({f"outside_options.{o}": e for o, e in self.outside_options.items()})
        return out

    def parameters(self, year: int) -> dict[str, Estimate]:
        """Profile estimates in force in ``year`` (shifts up to that year applied)."""
        out = self.base_parameters()
        for shift in sorted(self.shifts, key=lambda s: s.start):
            if shift.start <= year:
                out[shift.field] = shift.estimate
        return out

    def status_on(self, date: str | int) -> str | None:
        """Status on an ISO (partial) date or at the end of a year; ``None`` if none."""
        key = f"{date}-12-31" if isinstance(date, int) else date
        found = [p.status for p in self.status if p.covers(key)]
        return "member" if "member" in found else (found[-1] if found else None)

    @property
    def member_since(self) -> str | None:
        """Date of full membership, if the state is or was a member."""
        dates = [p.since for p in self.status if p.status == "member"]
        return min(dates) if dates else None


@dataclass(frozen=True, slots=True)
class Relation:
    """A bilateral rivalry or partnership; directed unless ``symmetric``."""

    a: str
    b: str
    kind: Literal["rivalry", "partnership"]
    symmetric: bool
    estimate: Estimate
    shifts: tuple[Shift, ...] = ()

    def at(self, year: int) -> Estimate:
        """Intensity in force in ``year``."""
        current = self.estimate
        for shift in sorted(self.shifts, key=lambda s: s.start):
            if shift.start <= year:
                current = shift.estimate
        return current

    def involves(self, a: str, b: str) -> bool:
        """Whether the relation states how ``a`` regards ``b``."""
        return (self.a, self.b) == (a, b) or (self.symmetric and (self.b, self.a) == (a, b))


@dataclass(frozen=True)
class Proposal(_Picklable):
    """A proposal with its sponsors, depth, effects and distribution of gains."""

    id: str
    name: str
    kind: Literal["policy", "admission"]
    sponsors: tuple[str, ...]
    sponsor_note: str | None
    years: tuple[int, ...]
    years_documented: bool
    depth: str
    admits_opt_out: bool
    divisible: bool
    summary: str
    cites: tuple[Citation, ...]
    sovereignty_cost: Estimate
    effects: Mapping[str, Estimate]
    gains: Mapping[str, Estimate]
    default_gain: Estimate | None

    def gain_for(self, member: str) -> Estimate | None:
        """Material gain of ``member`` at full depth (``None``: no material stakes)."""
        return self.gains.get(member, self.default_gain)


@dataclass(frozen=True, slots=True)
class Event:
    """A historical decision recorded in the documents."""

    id: str
    year: int
    year_documented: bool
    stage: str | None
    members: tuple[str, ...]
    proposal: str
    candidates: tuple[str, ...]
    outcome: str
    blockers: tuple[str, ...]
    opt_outs: tuple[str, ...]
    basis: Literal["recorded", "inferred"]
    note: str | None
    cites: tuple[Citation, ...]


@dataclass(frozen=True, slots=True)
class Stage:
    """A named membership preset (SCO-6, SCO-8, SCO-9, SCO-10)."""

    id: str
    year: int
    members: tuple[str, ...]
    cites: tuple[Citation, ...]


@dataclass(frozen=True)
class Evidence(_Picklable):
    """The whole validated evidence base, with look-ups by name."""

    root: Path
    sources: Mapping[str, Source]
    dimensions: tuple[Dimension, ...]
    scales: Mapping[str, Scale]
    organisations: Mapping[str, Organisation]
    members: Mapping[str, Member]
    relations: tuple[Relation, ...]
    stages: Mapping[str, Stage]
    proposals: Mapping[str, Proposal]
    events: Mapping[str, Event]
    summits: Mapping[int, str] = field(default_factory=dict)
    _aliases: Mapping[str, str] = field(repr=False, default_factory=dict)

    @property
    def dimension_ids(self) -> tuple[str, ...]:
        """Identifiers of the issue dimensions, in file order."""
        return tuple(d.id for d in self.dimensions)

    def member(self, name: str) -> Member:
        """Look a state up by id or name (case-insensitive), with close matches on failure."""
        key = self._aliases.get(_norm(name))
        if key is None:
            pool = [m.name for m in self.members.values()]
            raise UnknownNameError(None, None, None, f"unknown state {name!r}: {did_you_mean(name, pool)}")
        return self.members[key]

    def proposal(self, pid: str) -> Proposal:
        """Look a proposal up by id."""
        return _lookup(self.proposals, pid, "proposal")

    def event(self, eid: str) -> Event:
        """Look an event up by id."""
        return _lookup(self.events, eid, "event")

    def stage(self, sid: str) -> Stage:
        """Look a stage preset up by id (case-insensitive)."""
        for key, stage in self.stages.items():
            if key.lower() == sid.lower():
                return stage
        return _lookup(self.stages, sid, "stage")

    def members_on(self, date: str | int) -> tuple[str, ...]:
        """Ids of the states that were full members on a date (or at the end of a year)."""
        return tuple(m.id for m in self.members.values() if m.status_on(date) == "member")

    def relations_of(self, a: str, b: str, year: int) -> dict[str, float]:
        """Best-estimate intensities of how ``a`` regards ``b`` in ``year``, by kind."""
        out = {"rivalry": 0.0, "partnership": 0.0}
        for rel in self.relations:
            if rel.involves(a, b):
                out[rel.kind] = max(out[rel.kind], rel.at(year).value)
        return out

    def with_members(self, extra: Mapping[str, Member]) -> Evidence:
        """Return a copy with more states (for example clones of existing profiles under new ids)."""
        clash = sorted(set(extra) & set(self.members))
        if clash:
            raise ValueError(f"already in the evidence base: {', '.join(clash)}")
        aliases = dict(self._aliases)
        for m in extra.values():
            aliases.setdefault(_norm(m.id), m.id)
            aliases.setdefault(_norm(m.name), m.id)
        return replace(self, members=MappingProxyType({**self.members, **extra}), _aliases=MappingProxyType(aliases))

    def iter_estimates(self) -> Iterator[tuple[str, str, Estimate]]:
        """Every numeric estimate in the base: ``(location, scale name, estimate)``."""
        for m in self.members.values():
            for name, est in m.base_parameters().items():
                yield f"{m.file}: {m.id}: {name}", _scale_of(name), est
            for s in m.shifts:
                yield f"{m.file}: {m.id}: shifts[{s.start}].{s.field}", _scale_of(s.field), s.estimate
        for r in self.relations:
            yield f"relations.toml: {r.a}-{r.b}", "relation", r.estimate
            for s in r.shifts:
                yield f"relations.toml: {r.a}-{r.b}: shifts[{s.start}]", "relation", s.estimate
        for p in self.proposals.values():
            yield f"proposals.toml: {p.id}: sovereignty_cost", "cost", p.sovereignty_cost
            for d, e in p.effects.items():
                yield f"proposals.toml: {p.id}: effects.{d}", "effect", e
            for mid, e in p.gains.items():
                yield f"proposals.toml: {p.id}: gains.{mid}", "gain", e
            if p.default_gain is not None:
                yield f"proposals.toml: {p.id}: default_gain", "gain", p.default_gain

    def iter_citations(self) -> Iterator[tuple[str, Citation]]:
        """Every citation in the base, with a readable location."""
        for where, _, est in self.iter_estimates():
            for c in est.cites:
                yield where, c
        for m in self.members.values():
            for p in m.status:
                for c in p.cites:
                    yield f"{m.file}: {m.id}: status", c
        for group, items in (
            ("proposals.toml", self.proposals.values()),
            ("events.toml", self.events.values()),
            ("stages.toml", self.stages.values()),
            ("organisations.toml", self.organisations.values()),
            ("dimensions.toml", self.dimensions),
        ):
            for item in items:
                for c in item.cites:
                    yield f"{group}: {item.id}", c


def _lookup(table: Mapping[str, T], key: str, what: str) -> T:
    try:
        return table[key]
    except KeyError:
        raise UnknownNameError(None, None, None, f"unknown {what} {key!r}: {did_you_mean(key, table)}") from None


def _norm(name: str) -> str:
    return re.sub(r"[\s_\-]+", "_", name.strip().lower())


# --------------------------------------------------------------------------
# Raw file schemas (shape only)
# --------------------------------------------------------------------------


class _Raw(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class _EstimateIn(_Raw):
    value: float | None = None
    low: float | None = None
    high: float | None = None
    documented: bool = True
    cite: tuple[str, ...] = ()
    note: str | None = None


class _ShiftIn(_EstimateIn):
    start: int = Field(alias="from")
    field: str | None = None


class _SourceIn(_Raw):
    key: str
    title: str
    author: str
    year: int
    year_note: str | None = None
    file: str
    kind: str
    sections: tuple[str, ...] = Field(min_length=1)


class _SourcesFile(_Raw):
    source: tuple[dict[str, Any], ...]


class _DimensionIn(_Raw):
    id: str
    name: str
    description: str
    cite: tuple[str, ...] = Field(min_length=1)


class _PriorIn(_Raw):
    value: float
    low: float
    high: float


class _ScaleIn(_Raw):
    bounds: tuple[float, float]
    prior: _PriorIn
    description: str


class _DimensionsFile(_Raw):
    dimension: tuple[dict[str, Any], ...]
    scale: dict[str, dict[str, Any]]


class _StatusIn(_Raw):
    status: Status
    since: str
    until: str | None = None
    note: str | None = None
    cite: tuple[str, ...] = Field(min_length=1)


class _OptionIn(_EstimateIn):
    org: str


class _MemberIn(_Raw):
    id: str
    name: str
    name_ru: str
    group: str
    summary: str
    active: bool = True
    status: tuple[_StatusIn, ...] = ()
    capability: _EstimateIn
    sovereignty_sensitivity: _EstimateIn
    relative_gains: _EstimateIn
    positions: dict[str, _EstimateIn]
    salience: dict[str, _EstimateIn]
    outside_options: tuple[_OptionIn, ...] = ()
    shifts: tuple[_ShiftIn, ...] = ()


class _OrganisationIn(_Raw):
    id: str
    name: str
    domains: tuple[str, ...] = Field(min_length=1)
    founded: int | None = None
    members: tuple[str, ...]
    note: str | None = None
    cite: tuple[str, ...] = Field(min_length=1)


class _RelationIn(_EstimateIn):
    a: str
    b: str
    kind: Literal["rivalry", "partnership"]
    symmetric: bool
    shifts: tuple[_ShiftIn, ...] = ()


class _StageIn(_Raw):
    id: str
    year: int
    members: tuple[str, ...] = Field(min_length=2)
    cite: tuple[str, ...] = Field(min_length=1)


class _ProposalIn(_Raw):
    id: str
    name: str
    kind: Literal["policy", "admission"] = "policy"
    sponsors: tuple[str, ...]
    sponsor_note: str | None = None
    years: tuple[int, ...] = ()
    years_documented: bool = True
    depth: Depth
    admits_opt_out: bool
    divisible: bool = True
    summary: str
    cite: tuple[str, ...] = ()
    sovereignty_cost: _EstimateIn
    effects: dict[str, _EstimateIn] = Field(default_factory=dict)
    gains: dict[str, _EstimateIn] = Field(default_factory=dict)
    default_gain: _EstimateIn | None = None


class _SummitIn(_Raw):
    year: int
    host: str


class _SummitsFile(_Raw):
    cite: tuple[str, ...] = Field(min_length=1)
    summits: tuple[_SummitIn, ...] = Field(min_length=1)


class _EventIn(_Raw):
    id: str
    year: int
    year_documented: bool = True
    members: str | tuple[str, ...]
    proposal: str
    candidates: tuple[str, ...] = ()
    outcome: Outcome
    blockers: tuple[str, ...] = ()
    opt_outs: tuple[str, ...] = ()
    basis: Literal["recorded", "inferred"]
    note: str | None = None
    cite: tuple[str, ...] = Field(min_length=1)


def _shape(model: type[M], data: Any, file: str, entry: str | None, prefix: str = "") -> M:
    return shape(model, data, file=file, entry=entry, prefix=prefix, error=EvidenceError)


# --------------------------------------------------------------------------
# Loader
# --------------------------------------------------------------------------


def default_seeds_dir() -> Path:
    """Where the evidence base lives.

    ``$SCOSIM_SEEDS`` if set; else ``seeds/`` beside the package in a source
    checkout; else the copy installed inside the package.
    """
    env = os.environ.get("SCOSIM_SEEDS")
    if env:
        return Path(env)
    checkout = Path(__file__).resolve().parent.parent / "seeds"
    if (checkout / "sources.toml").is_file():
        return checkout
    return Path(str(resources.files("sim") / "seeds"))


def load_evidence(root: str | Path | None = None) -> Evidence:
    """Load and validate the evidence base.

    Parameters
    ----------
    root
        Directory holding ``sources.toml``, ``dimensions.toml``, ``members/``
        and the other files; defaults to :func:`default_seeds_dir`.

    Returns
    -------
    Evidence
        The frozen, cross-checked evidence base.

    Raises
    ------
    EvidenceError
        For the first problem found, naming the file, the entry and the field.
    """
    return _Loader(Path(root) if root is not None else default_seeds_dir()).load()


def extend_evidence(
    ev: Evidence,
    *,
    file: str,
    members: Sequence[tuple[str, Mapping[str, Any]]] = (),
    relations: Sequence[tuple[str, Mapping[str, Any]]] = (),
    proposals: Sequence[tuple[str, Mapping[str, Any]]] = (),
    gains: Sequence[tuple[str, str, str, Mapping[str, Any]]] = (),
) -> Evidence:
    """Return a copy of ``ev`` with hypothetical states, relations and proposals added.

    Entries have the same shape as in ``seeds/`` and go through the same
    checks, with two differences: they need no citation, and a value marked
    ``documented = false`` may have any range inside its scale (it is the
    scenario author's stated assumption, not a gap in the documents).

    Parameters
    ----------
    ev
        The evidence base to extend (left unchanged).
    file
        The file the entries come from, for error messages.
    members, relations, proposals
        ``(entry, table)`` pairs; ``entry`` names the entry in messages.
    gains
        ``(entry, proposal id, member id, estimate table)``: a material gain
        of a (new) member from a proposal.

    Raises
    ------
    EvidenceError
        For the first problem, naming ``file``, the entry and the field.
    """
    loader = _Loader(ev.root, custom=True)
    loader.sources = dict(ev.sources)
    loader.scales = dict(ev.scales)
    loader.dims = ev.dimensions
    loader.orgs = dict(ev.organisations)
    loader.members = dict(ev.members)
    loader.stages = dict(ev.stages)
    for entry, data in members:
        loader._add_member(data, file, entry)
    new_relations = [loader._relation(_shape(_RelationIn, data, file, entry), file, entry) for entry, data in relations]
    all_proposals = dict(ev.proposals)
    for entry, data in proposals:
        raw = _shape(_ProposalIn, data, file, entry)
        if raw.id in all_proposals:
            raise EvidenceError(file, entry, "id", f"{raw.id!r} is already a proposal in the evidence base")
        all_proposals[raw.id] = loader._proposal(raw, file, entry)
    for entry, pid, mid, data in gains:
        prop = all_proposals.get(pid)
        if prop is None:
            raise EvidenceError(file, entry, None, f"unknown proposal {pid!r}: {did_you_mean(pid, all_proposals)}")
        est = loader._estimate(_shape(_EstimateIn, data, file, entry), "gain", file, entry, "")
        all_proposals[pid] = replace(prop, gains=MappingProxyType({**prop.gains, mid: est}))
    aliases = dict(ev._aliases)
    for m in loader.members.values():
        for alias in (m.id, m.name):
            aliases.setdefault(_norm(alias), m.id)
    return replace(
        ev,
        members=MappingProxyType(loader.members),
        relations=(*ev.relations, *new_relations),
        proposals=MappingProxyType(all_proposals),
        _aliases=MappingProxyType(aliases),
    )


class _Loader:
    def __init__(self, root: Path, *, custom: bool = False) -> None:
        self.root = root
        self.custom = custom
        self.sources: dict[str, Source] = {}
        self.scales: dict[str, Scale] = {}
        self.dims: tuple[Dimension, ...] = ()
        self.orgs: dict[str, Organisation] = {}
        self.members: dict[str, Member] = {}
        self.stages: dict[str, Stage] = {}

    # -- helpers ------------------------------------------------------------

    def _read(self, rel: str) -> dict[str, Any]:
        path = self.root / rel
        if not path.is_file():
            raise EvidenceError(rel, None, None, f"file not found in {self.root}")
        try:
            with path.open("rb") as fh:
                return tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            raise EvidenceError(rel, None, None, f"not valid TOML: {exc}") from None

    def _entries(self, data: dict[str, Any], key: str, file: str) -> Iterator[tuple[str, dict[str, Any]]]:
        items = data.get(key)
        if not isinstance(items, list) or not items:
            raise EvidenceError(file, None, key, f"expected one or more [[{key}]] tables")
        seen: set[str] = set()
        for i, item in enumerate(items):
            entry = str(item.get("id") or item.get("key") or f"{key}[{i}]") if isinstance(item, dict) else f"{key}[{i}]"
            if entry in seen:
                raise EvidenceError(file, entry, "id", "duplicate id")
            seen.add(entry)
            yield entry, item

    def _cites(self, raw: Iterable[str], file: str, entry: str, where: str) -> tuple[Citation, ...]:
        out = []
        for text in raw:
            m = _CITE.match(text)
            if not m:
                raise EvidenceError(file, entry, where, f"citation {text!r} is not of the form 'KEY § Section'")
            key, section = m["key"], m["section"]
            src = self.sources.get(key)
            if src is None:
                raise EvidenceError(
                    file, entry, where, f"citation to unknown source {key!r}: {did_you_mean(key, self.sources)}"
                )
            if section not in src.sections:
                raise EvidenceError(
                    file,
                    entry,
                    where,
                    f"source {key!r} has no section {section!r}: {did_you_mean(section, src.sections)}",
                )
            out.append(Citation(key, section))
        return tuple(out)

    def _estimate(self, raw: _EstimateIn, scale: str, file: str, entry: str, where: str) -> Estimate:
        sc = self.scales[scale]
        if raw.documented:
            missing = [k for k in ("value", "low", "high") if getattr(raw, k) is None]
            if missing:
                raise EvidenceError(
                    file,
                    entry,
                    where,
                    f"missing {', '.join(missing)} (give value, low and high, or mark it `documented = false`)",
                )
            if not raw.cite:
                raise EvidenceError(
                    file,
                    entry,
                    where,
                    "missing citation (give at least one 'KEY § Section' in `cite`, or mark it `documented = false`)",
                )
        pv, plo, phi = sc.prior
        value = pv if raw.value is None else raw.value
        low = plo if raw.low is None else raw.low
        high = phi if raw.high is None else raw.high
        if low > high:
            raise EvidenceError(file, entry, where, f"range low {low} is greater than high {high}")
        if not low <= value <= high:
            raise EvidenceError(file, entry, where, f"value {value} lies outside its range [{low}, {high}]")
        lo, hi = sc.bounds
        if not raw.documented and not self.custom and high - low < UNDOCUMENTED_MIN_WIDTH * sc.width - 1e-9:
            raise EvidenceError(
                file,
                entry,
                where,
                f"a value marked not documented needs a wide range (at least {UNDOCUMENTED_MIN_WIDTH:.0%} "
                f"of the {scale} scale, i.e. {UNDOCUMENTED_MIN_WIDTH * sc.width:g}); got [{low}, {high}]",
            )
        if low < lo or high > hi:
            raise EvidenceError(
                file, entry, where, f"range [{low}, {high}] leaves the {scale} scale (allowed: [{lo}, {hi}])"
            )
        cites = self._cites(raw.cite, file, entry, f"{where}.cite")
        return Estimate(float(value), float(low), float(high), raw.documented, cites, raw.note)

    def _ref(self, name: str, table: Mapping[str, Any], what: str, file: str, entry: str, where: str) -> str:
        if name not in table:
            raise EvidenceError(file, entry, where, f"unknown {what} {name!r}: {did_you_mean(name, table)}")
        return name

    def _date(self, text: str, file: str, entry: str, where: str) -> str:
        if not _DATE.match(text):
            raise EvidenceError(file, entry, where, f"date {text!r} must be YYYY, YYYY-MM or YYYY-MM-DD")
        return text

    # -- files --------------------------------------------------------------

    def load(self) -> Evidence:
        if not self.root.is_dir():
            raise EvidenceError(self.root, None, None, "evidence directory not found")
        self._load_sources()
        self._load_dimensions()
        self._load_organisations()
        self._load_members()
        relations = self._load_relations()
        self._load_stages()
        proposals = self._load_proposals()
        events = self._load_events(proposals)
        summits = self._load_summits()
        aliases: dict[str, str] = {}
        for m in self.members.values():
            for alias in (m.id, m.name):
                aliases[_norm(alias)] = m.id
        return Evidence(
            root=self.root,
            sources=MappingProxyType(self.sources),
            dimensions=self.dims,
            scales=MappingProxyType(self.scales),
            organisations=MappingProxyType(self.orgs),
            members=MappingProxyType(self.members),
            relations=relations,
            stages=MappingProxyType(self.stages),
            proposals=MappingProxyType(proposals),
            events=MappingProxyType(events),
            summits=MappingProxyType(summits),
            _aliases=MappingProxyType(aliases),
        )

    def _load_sources(self) -> None:
        file = "sources.toml"
        data = _shape(_SourcesFile, self._read(file), file, None)
        for entry, item in self._entries({"source": list(data.source)}, "source", file):
            raw = _shape(_SourceIn, item, file, entry)
            self.sources[raw.key] = Source(
                raw.key, raw.title, raw.author, raw.year, raw.file, raw.kind, raw.sections, raw.year_note
            )

    def _load_dimensions(self) -> None:
        file = "dimensions.toml"
        data = _shape(_DimensionsFile, self._read(file), file, None)
        for name, table in data.scale.items():
            raw = _shape(_ScaleIn, table, file, f"scale.{name}")
            lo, hi = raw.bounds
            p = raw.prior
            if not (lo <= p.low <= p.value <= p.high <= hi):
                raise EvidenceError(
                    file, f"scale.{name}", "prior", f"prior must satisfy {lo} <= low <= value <= high <= {hi}"
                )
            if p.high - p.low < 0.5 * (hi - lo):
                raise EvidenceError(
                    file,
                    f"scale.{name}",
                    "prior",
                    "prior range must cover at least half of the scale (it stands for silence)",
                )
            self.scales[name] = Scale(name, (lo, hi), (p.value, p.low, p.high), raw.description)
        required = {
            "position",
            "salience",
            "capability",
            "sovereignty_sensitivity",
            "relative_gains",
            "outside_option",
            "relation",
            "effect",
            "gain",
            "cost",
        }
        missing = sorted(required - set(self.scales))
        if missing:
            raise EvidenceError(file, None, "scale", f"missing scales: {', '.join(missing)}")
        dims = []
        for entry, item in self._entries({"dimension": list(data.dimension)}, "dimension", file):
            raw_d = _shape(_DimensionIn, item, file, entry)
            dims.append(
                Dimension(raw_d.id, raw_d.name, raw_d.description, self._cites(raw_d.cite, file, entry, "cite"))
            )
        self.dims = tuple(dims)

    def _load_organisations(self) -> None:
        file = "organisations.toml"
        for entry, item in self._entries(self._read(file), "organisation", file):
            raw = _shape(_OrganisationIn, item, file, entry)
            dim_ids = [d.id for d in self.dims]
            for j, d in enumerate(raw.domains):
                if d not in dim_ids:
                    raise EvidenceError(
                        file, entry, f"domains[{j}]", f"unknown dimension (allowed: {', '.join(dim_ids)})"
                    )
            self.orgs[raw.id] = Organisation(
                raw.id,
                raw.name,
                raw.members,
                raw.domains,
                self._cites(raw.cite, file, entry, "cite"),
                raw.founded,
                raw.note,
            )

    def _load_members(self) -> None:
        folder = self.root / "members"
        files = sorted(folder.glob("*.toml")) if folder.is_dir() else []
        if not files:
            raise EvidenceError("members/", None, None, "no member files found")
        for path in files:
            file = f"members/{path.name}"
            data = self._read(file)
            entry = str(data.get("id", path.stem))
            if data.get("id", path.stem) != path.stem:
                raise EvidenceError(file, entry, "id", f"must match the file name ({path.stem!r})")
            self._add_member(data, file, entry)

    def _add_member(self, data: Mapping[str, Any], file: str, entry: str) -> Member:
        """Validate one member profile and add it to :attr:`members`."""
        dim_ids = [d.id for d in self.dims]
        raw = _shape(_MemberIn, data, file, entry)
        if raw.id in self.members:
            raise EvidenceError(file, entry, "id", f"{raw.id!r} is already a state in the evidence base")
        if not raw.status and not self.custom:
            raise EvidenceError(file, entry, "status", "at least one [[status]] period is required")
        status = []
        for i, s in enumerate(raw.status):
            where = f"status[{i}]"
            since = self._date(s.since, file, entry, f"{where}.since")
            until = self._date(s.until, file, entry, f"{where}.until") if s.until else None
            if until is not None and until < since:
                raise EvidenceError(file, entry, f"{where}.until", f"ends ({until}) before it starts ({since})")
            status.append(
                StatusPeriod(s.status, since, until, s.note, self._cites(s.cite, file, entry, f"{where}.cite"))
            )
        tables = {}
        for table_name, table in (("positions", raw.positions), ("salience", raw.salience)):
            extra = sorted(set(table) - set(dim_ids))
            if extra:
                raise EvidenceError(
                    file,
                    entry,
                    f"{table_name}.{extra[0]}",
                    f"unknown dimension (allowed: {', '.join(dim_ids)})",
                )
            missing = [d for d in dim_ids if d not in table]
            if missing:
                raise EvidenceError(
                    file,
                    entry,
                    f"{table_name}.{missing[0]}",
                    "missing: every dimension needs a value or an explicit `{ documented = false }`",
                )
            scale = "position" if table_name == "positions" else "salience"
            tables[table_name] = MappingProxyType(
                {d: self._estimate(table[d], scale, file, entry, f"{table_name}.{d}") for d in dim_ids}
            )
        options: dict[str, Estimate] = {}
        for i, opt in enumerate(raw.outside_options):
            where = f"outside_options[{i}]"
            self._ref(opt.org, self.orgs, "organisation", file, entry, f"{where}.org")
            options[opt.org] = self._estimate(opt, "outside_option", file, entry, where)
        member = Member(
            id=raw.id,
            name=raw.name,
            name_ru=raw.name_ru,
            group=raw.group,
            summary=raw.summary,
            active=raw.active,
            status=tuple(status),
            capability=self._estimate(raw.capability, "capability", file, entry, "capability"),
            sovereignty_sensitivity=self._estimate(
                raw.sovereignty_sensitivity, "sovereignty_sensitivity", file, entry, "sovereignty_sensitivity"
            ),
            relative_gains=self._estimate(raw.relative_gains, "relative_gains", file, entry, "relative_gains"),
            positions=tables["positions"],
            salience=tables["salience"],
            outside_options=MappingProxyType(options),
            shifts=(),
            file=file,
        )
        fields = member.base_parameters()
        shifts = []
        for i, sh in enumerate(raw.shifts):
            where = f"shifts[{i}]"
            if sh.field is None:
                raise EvidenceError(file, entry, f"{where}.field", "required key is missing")
            if sh.field not in fields:
                raise EvidenceError(
                    file, entry, f"{where}.field", f"unknown field {sh.field!r}: {did_you_mean(sh.field, fields)}"
                )
            shifts.append(Shift(sh.start, sh.field, self._estimate(sh, _scale_of(sh.field), file, entry, where)))
        member = replace(member, shifts=tuple(shifts))
        self.members[raw.id] = member
        return member

    def _load_relations(self) -> tuple[Relation, ...]:
        file = "relations.toml"
        data = self._read(file)
        items = data.get("relation")
        if not isinstance(items, list):
            raise EvidenceError(file, None, "relation", "expected [[relation]] tables")
        out = []
        for i, item in enumerate(items):
            raw = _shape(_RelationIn, item, file, f"relation[{i}]")
            out.append(self._relation(raw, file, f"{raw.a}-{raw.b} ({raw.kind})"))
        return tuple(out)

    def _relation(self, raw: _RelationIn, file: str, entry: str) -> Relation:
        self._ref(raw.a, self.members, "member", file, entry, "a")
        self._ref(raw.b, self.members, "member", file, entry, "b")
        if raw.a == raw.b:
            raise EvidenceError(file, entry, "b", "a relation needs two different states")
        est = self._estimate(raw, "relation", file, entry, "value")
        shifts = tuple(
            Shift(s.start, "intensity", self._estimate(s, "relation", file, entry, f"shifts[{j}]"))
            for j, s in enumerate(raw.shifts)
        )
        return Relation(raw.a, raw.b, raw.kind, raw.symmetric, est, shifts)

    def _load_stages(self) -> None:
        file = "stages.toml"
        for entry, item in self._entries(self._read(file), "stage", file):
            raw = _shape(_StageIn, item, file, entry)
            for j, mid in enumerate(raw.members):
                self._ref(mid, self.members, "member", file, entry, f"members[{j}]")
            if len(set(raw.members)) != len(raw.members):
                raise EvidenceError(file, entry, "members", "lists a member twice")
            self.stages[raw.id] = Stage(raw.id, raw.year, raw.members, self._cites(raw.cite, file, entry, "cite"))

    def _load_proposals(self) -> dict[str, Proposal]:
        file = "proposals.toml"
        out: dict[str, Proposal] = {}
        for entry, item in self._entries(self._read(file), "proposal", file):
            raw = _shape(_ProposalIn, item, file, entry)
            out[raw.id] = self._proposal(raw, file, entry)
        return out

    def _proposal(self, raw: _ProposalIn, file: str, entry: str) -> Proposal:
        dim_ids = [d.id for d in self.dims]
        if not raw.cite and not self.custom:
            raise EvidenceError(file, entry, "cite", "required key is missing")
        for j, sp in enumerate(raw.sponsors):
            self._ref(sp, self.members, "member", file, entry, f"sponsors[{j}]")
        if not raw.sponsors and not raw.sponsor_note:
            raise EvidenceError(file, entry, "sponsor_note", "required when `sponsors` is empty (say why)")
        effects = {}
        for d, e in raw.effects.items():
            if d not in dim_ids:
                raise EvidenceError(file, entry, f"effects.{d}", f"unknown dimension (allowed: {', '.join(dim_ids)})")
            effects[d] = self._estimate(e, "effect", file, entry, f"effects.{d}")
        gains = {}
        for mid, e in raw.gains.items():
            self._ref(mid, self.members, "member", file, entry, f"gains.{mid}")
            gains[mid] = self._estimate(e, "gain", file, entry, f"gains.{mid}")
        if gains and raw.default_gain is None:
            raise EvidenceError(
                file,
                entry,
                "default_gain",
                "required when `gains` lists members (the gain of everyone else, or `{ documented = false }`)",
            )
        default = self._estimate(raw.default_gain, "gain", file, entry, "default_gain") if raw.default_gain else None
        if raw.kind == "policy" and not effects and default is None:
            raise EvidenceError(file, entry, "effects", "a policy proposal needs effects or gains")
        return Proposal(
            id=raw.id,
            name=raw.name,
            kind=raw.kind,
            sponsors=raw.sponsors,
            sponsor_note=raw.sponsor_note,
            years=raw.years,
            years_documented=raw.years_documented,
            depth=raw.depth,
            admits_opt_out=raw.admits_opt_out,
            divisible=raw.divisible and raw.kind == "policy",
            summary=raw.summary,
            cites=self._cites(raw.cite, file, entry, "cite"),
            sovereignty_cost=self._estimate(raw.sovereignty_cost, "cost", file, entry, "sovereignty_cost"),
            effects=MappingProxyType(effects),
            gains=MappingProxyType(gains),
            default_gain=default,
        )

    def _load_summits(self) -> dict[int, str]:
        file = "summits.toml"
        raw = _shape(_SummitsFile, self._read(file), file, None)
        self._cites(raw.cite, file, "summits", "cite")
        out: dict[int, str] = {}
        for i, summit in enumerate(raw.summits):
            entry = f"summits[{i}]"
            if summit.year in out:
                raise EvidenceError(file, entry, "year", f"two summits in {summit.year}")
            self._ref(summit.host, self.members, "member", file, entry, "host")
            if self.members[summit.host].status_on(summit.year) != "member":
                raise EvidenceError(file, entry, "host", f"{summit.host!r} was not a member in {summit.year}")
            out[summit.year] = summit.host
        return out

    def _load_events(self, proposals: Mapping[str, Proposal]) -> dict[str, Event]:
        file = "events.toml"
        out: dict[str, Event] = {}
        for entry, item in self._entries(self._read(file), "event", file):
            raw = _shape(_EventIn, item, file, entry)
            stage: str | None = None
            if isinstance(raw.members, str):
                stage = self._ref(raw.members, self.stages, "stage", file, entry, "members")
                members = self.stages[stage].members
            else:
                for j, mid in enumerate(raw.members):
                    self._ref(mid, self.members, "member", file, entry, f"members[{j}]")
                members = raw.members
            prop = proposals.get(raw.proposal)
            if prop is None:
                raise EvidenceError(
                    file,
                    entry,
                    "proposal",
                    f"unknown proposal {raw.proposal!r}: {did_you_mean(raw.proposal, proposals)}",
                )
            for name, group in (("blockers", raw.blockers), ("opt_outs", raw.opt_outs)):
                for j, mid in enumerate(group):
                    self._ref(mid, self.members, "member", file, entry, f"{name}[{j}]")
                    if mid not in members:
                        raise EvidenceError(file, entry, f"{name}[{j}]", f"{mid!r} was not a member at the time")
            for j, mid in enumerate(raw.candidates):
                self._ref(mid, self.members, "member", file, entry, f"candidates[{j}]")
                if mid in members:
                    raise EvidenceError(file, entry, f"candidates[{j}]", f"{mid!r} is already a member")
            if raw.blockers and raw.outcome != "blocked":
                raise EvidenceError(file, entry, "blockers", "only a blocked event names blockers")
            if raw.opt_outs and raw.outcome != "adopted_opt_out":
                raise EvidenceError(file, entry, "opt_outs", "only an adopted_opt_out event names opt-outs")
            if raw.outcome == "adopted_opt_out" and not raw.opt_outs:
                raise EvidenceError(file, entry, "opt_outs", "an adopted_opt_out event must name who stayed out")
            if (prop.kind == "admission") != bool(raw.candidates):
                raise EvidenceError(file, entry, "candidates", "required for (and only for) admission proposals")
            out[raw.id] = Event(
                id=raw.id,
                year=raw.year,
                year_documented=raw.year_documented,
                stage=stage,
                members=tuple(members),
                proposal=raw.proposal,
                candidates=raw.candidates,
                outcome=raw.outcome,
                blockers=raw.blockers,
                opt_outs=raw.opt_outs,
                basis=raw.basis,
                note=raw.note,
                cites=self._cites(raw.cite, file, entry, "cite"),
            )
        return out


def _scale_of(field_name: str) -> str:
    head = field_name.split(".", 1)[0]
    return {
        "positions": "position",
        "salience": "salience",
        "outside_options": "outside_option",
    }.get(head, head)
