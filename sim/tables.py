"""Readable tables of the evidence base for the command line.

Each function takes the loaded :class:`~sim.evidence.Evidence` (and a name where
needed) and returns a list of :mod:`rich` renderables; nothing here reads files
or prints.
"""

from __future__ import annotations

from collections import Counter

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from sim.evidence import Citation, Estimate, Evidence, Member

__all__ = [
    "event_detail",
    "events_table",
    "evidence_summary",
    "member_detail",
    "members_table",
    "proposal_detail",
    "proposals_table",
    "sources_table",
    "stages_table",
]


def _cites(cites: tuple[Citation, ...]) -> str:
    return "; ".join(str(c) for c in cites) if cites else "-"


def _estimate_row(name: str, est: Estimate) -> list[str]:
    source = (
        _cites(est.cites) if est.documented else "not documented" + (f" ({_cites(est.cites)})" if est.cites else "")
    )
    note = est.note or ""
    return [name, f"{est.value:+.2f}", f"[{est.low:+.2f}, {est.high:+.2f}]", source, note]


def _status_line(m: Member) -> str:
    parts = []
    for p in m.status:
        span = p.since + (f" to {p.until}" if p.until else "")
        parts.append(f"{p.status.replace('_', ' ')} {span}")
    return "; ".join(parts)


def members_table(ev: Evidence) -> list[RenderableType]:
    """List all states with their status history."""
    t = Table(title=f"States in the evidence base ({len(ev.members)})", show_lines=False)
    for col in ("id", "name", "group", "status history", "documented values"):
        t.add_column(col, overflow="fold")
    order = {"member": 0, "observer": 1, "dialogue_partner": 2, "applicant": 3, "guest": 4}
    rows = sorted(ev.members.values(), key=lambda m: (order.get(m.status[-1].status, 9), m.member_since or "9", m.name))
    for m in rows:
        params = m.base_parameters()
        documented = sum(e.documented for e in params.values())
        name = m.name + ("" if m.active else " (inactive)")
        t.add_row(m.id, name, m.group, _status_line(m), f"{documented}/{len(params)}")
    return [t]


def proposals_table(ev: Evidence) -> list[RenderableType]:
    """List all proposals with sponsors, years, depth and whether they admit opt-outs."""
    t = Table(title=f"Proposals ({len(ev.proposals)})")
    for col in ("id", "name", "sponsors", "years", "depth", "opt-out"):
        t.add_column(col, overflow="fold")
    for p in ev.proposals.values():
        years = ", ".join(map(str, p.years)) + ("" if p.years_documented else " (approx.)")
        t.add_row(
            p.id, p.name, ", ".join(p.sponsors) or "-", years or "-", p.depth, "yes" if p.admits_opt_out else "no"
        )
    return [t]


def events_table(ev: Evidence) -> list[RenderableType]:
    """List the recorded historical decisions in chronological order."""
    t = Table(title=f"Historical events ({len(ev.events)})")
    for col in ("year", "id", "proposal", "members", "outcome", "blockers / opt-outs", "basis"):
        t.add_column(col, overflow="fold")
    for e in sorted(ev.events.values(), key=lambda e: (e.year, e.id)):
        year = str(e.year) + ("" if e.year_documented else "?")
        who = ", ".join(e.blockers or e.opt_outs) or "-"
        members = e.stage or f"{len(e.members)} states"
        prop = e.proposal + (f" ({', '.join(e.candidates)})" if e.candidates else "")
        t.add_row(year, e.id, prop, members, e.outcome, who, e.basis)
    return [t, Text("? = year not given in the documents (see the event's note)", style="dim")]


def stages_table(ev: Evidence) -> list[RenderableType]:
    """List the membership presets."""
    t = Table(title="Membership stages")
    for col in ("stage", "year", "n", "members", "citations"):
        t.add_column(col, overflow="fold")
    for s in ev.stages.values():
        names = ", ".join(ev.members[m].name for m in s.members)
        t.add_row(s.id, str(s.year), str(len(s.members)), names, _cites(s.cites))
    return [t]


def sources_table(ev: Evidence) -> list[RenderableType]:
    """List the source documents and their keys."""
    t = Table(title="Sources")
    for col in ("key", "title", "author", "year", "file"):
        t.add_column(col, overflow="fold")
    for s in ev.sources.values():
        t.add_row(s.key, s.title, s.author, str(s.year), s.file)
    return [t]


def _estimates_table(title: str, rows: list[tuple[str, Estimate]]) -> Table:
    t = Table(title=title, title_justify="left")
    for col in ("parameter", "value", "range", "citations", "note"):
        t.add_column(col, overflow="fold")
    for name, est in rows:
        t.add_row(*_estimate_row(name, est))
    return t


def member_detail(ev: Evidence, name: str, year: int | None = None) -> list[RenderableType]:
    """Show a state in full: status, every estimate with range and citations, shifts, relations."""
    m = ev.member(name)
    params = m.parameters(year) if year is not None else m.base_parameters()
    head = Text()
    head.append(f"{m.name}", style="bold")
    head.append(f"  ({m.id}; {m.name_ru}; group: {m.group}{'' if m.active else '; inactive'})\n")
    head.append(m.summary + "\n")
    out: list[RenderableType] = [head]
    status = Table(title="Status", title_justify="left")
    for col in ("status", "since", "until", "citations", "note"):
        status.add_column(col, overflow="fold")
    for p in m.status:
        status.add_row(p.status, p.since, p.until or "-", _cites(p.cites), p.note or "")
    out.append(status)
    label = f"Profile as of {year} (shifts applied)" if year is not None else "Profile as first recorded"
    out.append(_estimates_table(label, list(params.items())))
    if m.shifts:
        shifts = Table(title="Changes over time", title_justify="left")
        for col in ("from", "parameter", "value", "range", "citations", "note"):
            shifts.add_column(col, overflow="fold")
        for s in sorted(m.shifts, key=lambda s: (s.start, s.field)):
            shifts.add_row(str(s.start), *_estimate_row(s.field, s.estimate))
        out.append(shifts)
    rels = [r for r in ev.relations if m.id in (r.a, r.b)]
    if rels:
        rt = Table(title="Relations", title_justify="left")
        for col in ("pair", "kind", "intensity", "range", "citations", "note"):
            rt.add_column(col, overflow="fold")
        for r in rels:
            arrow = "<->" if r.symmetric else "->"
            row = _estimate_row(f"{r.a} {arrow} {r.b}", r.estimate)
            rt.add_row(row[0], r.kind, *row[1:])
            for s in r.shifts:
                srow = _estimate_row(f"  from {s.start}", s.estimate)
                rt.add_row(srow[0], "", *srow[1:])
        out.append(rt)
    return out


def proposal_detail(ev: Evidence, pid: str) -> list[RenderableType]:
    """Show a proposal in full: summary, sponsors, effects, gains, costs and the events it figures in."""
    p = ev.proposal(pid)
    head = Text()
    head.append(f"{p.name}", style="bold")
    head.append(f"  ({p.id}; kind: {p.kind}; depth: {p.depth}; opt-outs: {'allowed' if p.admits_opt_out else 'no'})\n")
    head.append(p.summary + "\n")
    head.append(
        f"sponsors: {', '.join(p.sponsors) or '-'}" + (f"  ({p.sponsor_note})" if p.sponsor_note else "") + "\n"
    )
    years = ", ".join(map(str, p.years)) or "-"
    head.append(f"years: {years}{'' if p.years_documented else ' (not given in the documents)'}\n")
    head.append(f"citations: {_cites(p.cites)}\n")
    rows = [("sovereignty_cost", p.sovereignty_cost)]
    rows += [(f"effects.{d}", e) for d, e in p.effects.items()]
    rows += [(f"gains.{m}", e) for m, e in p.gains.items()]
    if p.default_gain is not None:
        rows.append(("gains (everyone else)", p.default_gain))
    out: list[RenderableType] = [head, _estimates_table("Parameters", rows)]
    events = [e for e in ev.events.values() if e.proposal == p.id]
    if events:
        t = Table(title="Recorded events", title_justify="left")
        for col in ("year", "event", "outcome", "blockers / opt-outs"):
            t.add_column(col)
        for e in events:
            t.add_row(str(e.year), e.id, e.outcome, ", ".join(e.blockers or e.opt_outs) or "-")
        out.append(t)
    return out


def event_detail(ev: Evidence, eid: str) -> list[RenderableType]:
    """Show one historical event in full."""
    e = ev.event(eid)
    t = Text()
    t.append(f"{e.id}\n", style="bold")
    rows = [
        ("year", f"{e.year}" + ("" if e.year_documented else " (not given in the documents)")),
        ("proposal", e.proposal + (f" (candidates: {', '.join(e.candidates)})" if e.candidates else "")),
        ("members", (f"{e.stage}: " if e.stage else "") + ", ".join(e.members)),
        ("outcome", e.outcome),
        ("blockers", ", ".join(e.blockers) or "-"),
        ("opt-outs", ", ".join(e.opt_outs) or "-"),
        ("basis", e.basis),
        ("note", e.note or "-"),
        ("citations", _cites(e.cites)),
    ]
    for k, v in rows:
        t.append(f"{k:>10}: ", style="bold")
        t.append(v + "\n")
    return [t]


def evidence_summary(ev: Evidence) -> list[RenderableType]:
    """Summarise the evidence base: counts, documentation coverage, stages and event outcomes."""
    estimates = list(ev.iter_estimates())
    documented = sum(e.documented for _, _, e in estimates)
    n_cites = sum(1 for _ in ev.iter_citations())
    statuses = Counter(m.status_on(2025) or "none" for m in ev.members.values())
    outcomes = Counter(e.outcome for e in ev.events.values())
    t = Text()
    t.append("scosim evidence base\n", style="bold")
    t.append(f"  location:   {ev.root}\n")
    t.append(f"  sources:    {len(ev.sources)} documents ({', '.join(ev.sources)})\n")
    t.append(f"  dimensions: {', '.join(ev.dimension_ids)}\n")
    t.append(
        f"  states:     {len(ev.members)} ("
        + ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in sorted(statuses.items()))
        + " in 2025)\n"
    )
    t.append(f"  proposals:  {len(ev.proposals)}\n")
    t.append(f"  events:     {len(ev.events)} (" + ", ".join(f"{n} {o}" for o, n in sorted(outcomes.items())) + ")\n")
    t.append(
        f"  estimates:  {len(estimates)} numeric values, {documented} documented "
        f"({100 * documented / len(estimates):.0f}%), {len(estimates) - documented} marked not documented\n"
    )
    t.append(f"  citations:  {n_cites}\n")
    t.append("\nThe negotiation model is not built yet; `scosim list` and `scosim show` browse the evidence.\n")
    return [t, *stages_table(ev)]
