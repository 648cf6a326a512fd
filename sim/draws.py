r"""Monte Carlo draws of every parameter of a decision from its evidence range.

Each numeric estimate in the evidence base has a best value ``m`` and a range
``[a, b]``; in every replication the model draws it from the triangular
distribution on ``[a, b]`` with mode ``m``, by inverse-CDF transform of one
uniform variate ``u``:

.. math::

    F^{-1}(u) = \begin{cases}
        a + \sqrt{u (b - a)(m - a)} & u < (m - a)/(b - a) \\
        b - \sqrt{(1 - u)(b - a)(b - m)} & \text{otherwise.}
    \end{cases}

All uniforms of a chunk come from a single ``rng.random((P, R))`` call, in a
fixed parameter order, so a chunk's draws depend only on its seed.  Nothing
after the draw is random: the negotiation is a deterministic function of them.

Positions and saliences on the dimensions a proposal does not move do not
enter the utility (their policy term is exactly zero): their uniforms keep
their place in the stream, but they are not transformed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from sim.constants import ModelConstants
from sim.evidence import Estimate, Evidence, Proposal

__all__ = ["Draws", "Setting", "draw", "layout", "parameter_names", "triangular"]

FloatArray = npt.NDArray[np.float64]

TILE = 1 << 15
"""Values per tile of the inverse-CDF transform (two float64 buffers of 256 KiB each)."""


@dataclass(frozen=True, slots=True)
class Setting:
    """One decision: who decides, on which proposal, in which year.

    Attributes
    ----------
    members
        Ids of the deciding members, in a fixed order.
    proposal
        Proposal id.
    year
        Profiles are taken as they stood in this year (shifts applied).
    candidates
        For admission proposals: the states to admit.
    """

    members: tuple[str, ...]
    proposal: str
    year: int
    candidates: tuple[str, ...] = ()


def triangular(
    u: FloatArray,
    low: FloatArray,
    mode: FloatArray,
    high: FloatArray,
    out: FloatArray | None = None,
    scratch: FloatArray | None = None,
) -> FloatArray:
    """Inverse CDF of the triangular distribution, elementwise (zero-width ranges allowed).

    Both branches are evaluated in two buffers, in place, with the operations
    in the order of the formula above (so the values are the same to the last
    bit as a direct evaluation), and merged with one masked copy.  ``out`` may
    be ``u`` itself; ``scratch`` (shaped like ``out``) holds the left branch.
    """
    width = high - low
    safe = np.where(width > 0, width, 1.0)
    below = u < (mode - low) / safe  # taken before ``out`` (possibly ``u``) is overwritten
    left = np.multiply(u, width, out=scratch)
    left *= mode - low
    np.sqrt(left, out=left)
    left += low
    right = np.subtract(1.0, u, out=out)
    right *= width
    right *= high - mode
    np.sqrt(right, out=right)
    np.subtract(high, right, out=right)
    np.copyto(right, left, where=below)
    return right


@dataclass
class _Layout:
    """Flat list of estimates, in draw order, each with a name (``member.field`` or ``proposal.field``)."""

    estimates: list[Estimate] = field(default_factory=list)
    names: list[str] = field(default_factory=list)

    def add(self, est: Estimate, name: str) -> int:
        self.estimates.append(est)
        self.names.append(name)
        return len(self.estimates) - 1

    def add_fixed(self, low: float, mode: float, high: float, name: str) -> int:
        return self.add(Estimate(mode, low, high, documented=False), name)


@dataclass(frozen=True)
class _Plan:
    """Where each parameter sits in the flat draw (built once per decision)."""

    layout: _Layout
    pos: npt.NDArray[np.int64]  # (n, D)
    sal: npt.NDArray[np.int64]  # (n, D)
    cap: npt.NDArray[np.int64]  # (n,)
    sov: npt.NDArray[np.int64]
    rho: npt.NDArray[np.int64]
    tau: npt.NDArray[np.int64]
    gain: npt.NDArray[np.int64]  # (n,), -1 where the member has no material stakes
    options: list[list[tuple[int, float]]]  # per member: (index, relevance) of outside options
    effects: npt.NDArray[np.int64]  # (D,), -1 where the proposal has no effect
    cost: int
    rivals: list[list[tuple[int, int]]]  # per member: (other member index, draw index)
    actors: tuple[str, ...]  # members + candidates + package pool
    relations: dict[tuple[str, str, str], int]  # (a, b, kind) -> draw index, for admission scores


def _relevance(ev: Evidence, proposal: Proposal) -> dict[str, float]:
    r"""How much of the proposal falls in each outside forum's domains: :math:`r_k = \sum_{d \in k} |e_d|`.

    Best estimates of the effects are used, so the relevance is a property of
    the proposal, not of a replication.
    """
    return {
        org.id: sum(abs(e.value) for d, e in proposal.effects.items() if d in org.domains)
        for org in ev.organisations.values()
    }


def layout(ev: Evidence, setting: Setting, constants: ModelConstants, pool: Sequence[str] = ()) -> _Plan:
    """Lay out every parameter of ``setting`` in draw order."""
    prop = ev.proposal(setting.proposal)
    dims = ev.dimension_ids
    lay = _Layout()
    n = len(setting.members)
    pos = np.empty((n, len(dims)), dtype=np.int64)
    sal = np.empty_like(pos)
    cap, sov, rho, tau, gain = (np.empty(n, dtype=np.int64) for _ in range(5))
    rel = _relevance(ev, prop)
    options: list[list[tuple[int, float]]] = []
    lo, mode, hi = constants.objection_threshold
    for i, mid in enumerate(setting.members):
        params = ev.members[mid].parameters(setting.year)
        for k, d in enumerate(dims):
            pos[i, k] = lay.add(params[f"positions.{d}"], f"{mid}.positions.{d}")
            sal[i, k] = lay.add(params[f"salience.{d}"], f"{mid}.salience.{d}")
        cap[i] = lay.add(params["capability"], f"{mid}.capability")
        sov[i] = lay.add(params["sovereignty_sensitivity"], f"{mid}.sovereignty_sensitivity")
        rho[i] = lay.add(params["relative_gains"], f"{mid}.relative_gains")
        tau[i] = lay.add_fixed(lo, mode, hi, f"{mid}.objection_threshold")
        g = prop.gain_for(mid)
        gain[i] = -1 if g is None else lay.add(g, f"{mid}.gain")
        opts = []
        for name, est in params.items():
            if name.startswith("outside_options."):
                org = ev.organisations[name.split(".", 1)[1]]
                r = rel.get(org.id, 0.0)
                if r > 0 and (org.founded is None or org.founded <= setting.year):
                    opts.append((lay.add(est, f"{mid}.{name}"), r))
        options.append(opts)
    effects = np.array(
        [lay.add(prop.effects[d], f"proposal.effects.{d}") if d in prop.effects else -1 for d in dims], dtype=np.int64
    )
    cost = lay.add(prop.sovereignty_cost, "proposal.sovereignty_cost")
    index = {m: i for i, m in enumerate(setting.members)}
    rivals: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    actors = tuple(dict.fromkeys([*setting.members, *setting.candidates, *pool]))
    relations: dict[tuple[str, str, str], int] = {}
    for relation in ev.relations:
        a0, b0 = relation.a, relation.b
        pairs = [(a0, b0), (b0, a0)] if relation.symmetric else [(a0, b0)]
        relevant = [(a, b) for a, b in pairs if a in actors and b in actors]
        if not relevant:
            continue
        k = lay.add(relation.at(setting.year), f"relation.{relation.kind}.{relation.a}-{relation.b}")
        for a, b in relevant:
            relations[(a, b, relation.kind)] = k
            if relation.kind == "rivalry" and a in index and b in index:
                rivals[index[a]].append((index[b], k))
    return _Plan(lay, pos, sal, cap, sov, rho, tau, gain, options, effects, cost, rivals, actors, relations)


def parameter_names(
    ev: Evidence, setting: Setting, constants: ModelConstants, pool: Sequence[str] = ()
) -> list[tuple[str, Estimate]]:
    """Every drawn parameter of a decision, in draw order: ``(name, estimate)``.

    Names read ``member.field`` (``russia.positions.trade``),
    ``proposal.field`` or ``relation.kind.a-b``.
    """
    lay = layout(ev, setting, constants, pool).layout
    return list(zip(lay.names, lay.estimates, strict=True))


@dataclass(frozen=True)
class Draws:
    """Drawn parameters of one decision over ``R`` replications.

    Arrays have the replication axis last.  Positions and saliences are drawn
    only on the dimensions the proposal moves, ``moved``, and are NaN on the
    others, where they do not enter the utility.  ``gain`` is zero and ``has_gain``
    False for members without material stakes; ``rivals[i]`` lists ``(j, w)``
    pairs with ``w`` the drawn intensity of ``i``'s rivalry towards member
    ``j``; ``admission[c]`` is each member's drawn score for admitting actor
    ``c`` (admission proposals only).
    """

    pos: FloatArray  # (n, D, R)
    sal: FloatArray  # (n, D, R)
    cap: FloatArray  # (n, R)
    sov: FloatArray  # (n, R)
    rho: FloatArray  # (n, R)
    tau: FloatArray  # (n, R)
    gain: FloatArray  # (n, R)
    has_gain: npt.NDArray[np.bool_]  # (n,)
    outside: FloatArray  # (n, R): max over relevant forums of value x relevance
    effects: FloatArray  # (D, R)
    moved: tuple[int, ...]  # dimensions the proposal moves (the others have zero effect)
    cost: FloatArray  # (R,)
    rivals: list[list[tuple[int, FloatArray]]]
    admission: dict[str, FloatArray]  # actor id -> (n, R)

    @property
    def replications(self) -> int:
        """Number of replications drawn."""
        return int(self.cost.shape[0])


def _admission_scores(
    ev: Evidence, setting: Setting, plan: _Plan, at: Callable[[int], FloatArray], R: int
) -> dict[str, FloatArray]:
    r"""Score of each member for admitting each non-member actor.

    .. math::

        a_{ic} = \pi_{ic} - w_{ic} + \sum_{j} w_{ij} (w_{jc} - \pi_{jc})

    A candidate is welcome if it is a partner and unwelcome if a rival, and it
    is welcome if it is the rival of one's rival and unwelcome if it is the
    partner of one's rival: Russia promoted India to balance China, and China
    accepted India only together with its partner Pakistan (olczak2025 §
    Different aspirations).
    """
    zero = np.zeros(R)

    def rel(a: str, b: str, kind: str) -> FloatArray:
        k = plan.relations.get((a, b, kind))
        return at(k) if k is not None else zero

    out: dict[str, FloatArray] = {}
    outsiders = [a for a in plan.actors if a not in setting.members]
    for c in outsiders:
        score = np.empty((len(setting.members), R))
        for i, mi in enumerate(setting.members):
            s = rel(mi, c, "partnership") - rel(mi, c, "rivalry")
            for mj in setting.members:
                w = rel(mi, mj, "rivalry")
                if w is not zero:
                    s = s + w * (rel(mj, c, "rivalry") - rel(mj, c, "partnership"))
            score[i] = s
        out[c] = score
    return out


def _fill(
    values: FloatArray,
    cols: slice,
    u: FloatArray,
    bounds: tuple[FloatArray, FloatArray, FloatArray],
    rows: npt.NDArray[np.int64],
    used: npt.NDArray[np.int64],
) -> None:
    """Transform the uniforms ``u[p]`` of the parameters ``p`` in ``used`` into ``values[rows[p], cols]``.

    Tile by tile: a tile holds about :data:`TILE` values, so that its two
    buffers stay in a core's cache while the transform makes its passes.
    """
    low, mode, high = bounds
    S = u.shape[1]
    step = max(1, min(used.size, TILE // max(S, 1)))
    tile = np.empty((step, S))
    scratch = np.empty_like(tile)
    for t0 in range(0, used.size, step):
        p = used[t0 : t0 + step]
        x = np.take(u, p, axis=0, out=tile[: p.size])
        values[rows[p], cols] = triangular(x, low[p], mode[p], high[p], out=x, scratch=scratch[: p.size])


def _storage(plan: _Plan) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Where each parameter is stored, and which parameters the decision uses and does not use.

    Returns
    -------
    rows
        Row of each parameter in the stored draws.  Positions ``(n, D)``,
        saliences ``(n, D)``, capabilities, sovereignty sensitivities,
        relative-gains concerns and thresholds take the first rows, in that
        order, so that :class:`Draws` holds them as views; the other
        parameters follow in draw order.
    used, unused
        The parameters that enter the utility, and the others: the positions
        and saliences on dimensions the proposal does not move.
    """
    first = np.concatenate([plan.pos.ravel(), plan.sal.ravel(), plan.cap, plan.sov, plan.rho, plan.tau])
    P = len(plan.layout.estimates)
    order = np.concatenate([first, np.setdiff1d(np.arange(P), first)])
    rows = np.empty(P, dtype=np.int64)
    rows[order] = np.arange(P)
    still = plan.effects < 0
    unused = np.concatenate([plan.pos[:, still].ravel(), plan.sal[:, still].ravel()])
    return rows, np.setdiff1d(np.arange(P), unused), unused


def draw(
    ev: Evidence,
    setting: Setting,
    rngs: Sequence[np.random.Generator],
    sizes: Sequence[int],
    constants: ModelConstants,
    pool: Sequence[str] = (),
    uniforms: FloatArray | None = None,
) -> Draws:
    """Draw every parameter for chunks of replications and concatenate them.

    Parameters
    ----------
    ev, setting, constants
        The evidence, the decision and the model constants.
    rngs, sizes
        One generator and one replication count per chunk; chunk ``k``'s draws
        come from ``rngs[k]`` alone, so any grouping of chunks gives the same
        values.
    pool
        Non-members that a sponsor may add to an admission as a package deal.
    uniforms
        Given quantiles ``u`` of shape ``(P, R)``, in the order of
        :func:`parameter_names`, instead of drawing them (``rngs`` and
        ``sizes`` are then ignored).  A sensitivity analysis uses this to set
        every parameter of every replication.

    Notes
    -----
    The drawn values live in one read-only array; the per-member blocks of
    :class:`Draws` are views of it (see :func:`_storage`).
    """
    plan = layout(ev, setting, constants, pool)
    est = plan.layout.estimates
    P = len(est)
    bounds = (
        np.array([e.low for e in est])[:, None],
        np.array([e.value for e in est])[:, None],
        np.array([e.high for e in est])[:, None],
    )
    rows, used, unused = _storage(plan)
    if uniforms is not None:
        if uniforms.shape[0] != P:
            raise ValueError(f"uniforms have {uniforms.shape[0]} rows for {P} parameters")
        values = np.empty((P, uniforms.shape[1]))
        _fill(values, slice(None), uniforms, bounds, rows, used)
    else:
        values = np.empty((P, int(sum(sizes))))
        buffer = np.empty(P * max(sizes, default=0))
        start = 0
        for rng, size in zip(rngs, sizes, strict=True):
            u = buffer[: P * size].reshape(P, size)
            rng.random(out=u)  # the same stream as rng.random((P, size))
            _fill(values, slice(start, start + size), u, bounds, rows, used)
            start += size
    values[rows[unused]] = np.nan
    values.setflags(write=False)
    R = values.shape[1]
    n, D = plan.pos.shape
    block = [values[k * n : (k + 1) * n] for k in range(2 * D, 2 * D + 4)]

    def at(k: int) -> FloatArray:
        """Return the drawn values of parameter ``k`` (a view)."""
        row: FloatArray = values[rows[k]]
        return row

    has_gain = plan.gain >= 0
    gain = np.zeros((n, R))
    for member in np.flatnonzero(has_gain):
        gain[member] = at(plan.gain[member])
    outside = np.zeros((n, R))
    for i, opts in enumerate(plan.options):
        for k, relevance in opts:
            np.maximum(outside[i], at(k) * relevance, out=outside[i])
    moved = tuple(int(k) for k in np.flatnonzero(plan.effects >= 0))
    effects = np.zeros((len(plan.effects), R))
    for k in moved:
        effects[k] = at(plan.effects[k])
    prop = ev.proposal(setting.proposal)
    return Draws(
        pos=values[: n * D].reshape(n, D, R),
        sal=values[n * D : 2 * n * D].reshape(n, D, R),
        cap=block[0],
        sov=block[1],
        rho=block[2],
        tau=block[3],
        gain=gain,
        has_gain=has_gain,
        outside=outside,
        effects=effects,
        moved=moved,
        cost=at(plan.cost),
        rivals=[[(j, at(k)) for j, k in row] for row in plan.rivals],
        admission=_admission_scores(ev, setting, plan, at, R) if prop.kind == "admission" else {},
    )
