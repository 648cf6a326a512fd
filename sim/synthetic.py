"""Synthetic memberships: SCO-10 followed by copies of profiles drawn from the evidence base."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from sim.evidence import Evidence

__all__ = ["synthetic_members"]


def synthetic_members(ev: Evidence, size: int, rng: np.random.Generator) -> tuple[Evidence, list[str]]:
    """Return evidence with SCO-10 followed by copies of randomly drawn profiles, up to ``size`` members.

    Copies are drawn with replacement from every state of the evidence base
    with ``rng``; a copy keeps its original's profile but not its bilateral
    relations, and takes a proposal's default gain.  Returns the extended
    evidence and the member ids in order.
    """
    base = list(ev.stages["SCO-10"].members)
    pool = sorted(ev.members)
    copies = {}
    for k in range(len(base), size):
        source = ev.members[pool[int(rng.integers(len(pool)))]]
        clone = replace(
            source,
            id=f"synthetic_{k + 1}",
            name=f"Synthetic {k + 1} ({source.name})",
            name_ru=f"Синтетический {k + 1:02d}",
            status=(),
            file="synthetic",
        )
        copies[clone.id] = clone
    return ev.with_members(copies), base + list(copies)
