"""Interpreters as a resource: which meeting of a slot gets which interpreter pair (pure).

A meeting between two participants who share no language needs one interpreter of a pair that serves
them (``problem_build.interpreter_options``); a slot has the interpreters the organisers declared. The
assignment is greedy, the most constrained meeting first (fewest pairs that serve it), kept meetings
(locked, published) before the others; what it cannot serve is returned so the caller moves or drops it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Need:
    meeting: int  # index into the problem's meetings
    options: tuple[str, ...]  # interpreter pairs that serve it
    kept: bool = False


@dataclass(frozen=True, slots=True)
class SlotServing:
    served: dict[int, str]  # meeting -> pair
    unserved: list[int]


def serve_slot(needs: Iterable[Need], supply: Mapping[str, int]) -> SlotServing:
    left = dict(supply)
    served: dict[int, str] = {}
    unserved: list[int] = []
    for need in sorted(needs, key=lambda n: (not n.kept, len(n.options), n.meeting)):
        usable = [p for p in need.options if left.get(p, 0) > 0]
        if not usable:
            unserved.append(need.meeting)
            continue
        pair = max(usable, key=lambda p: (left[p], -need.options.index(p)))
        left[pair] -= 1
        served[need.meeting] = pair
    return SlotServing(served, unserved)


def slot_supply(supply: Mapping[tuple[int, str], int], slot: int) -> dict[str, int]:
    return {pair: count for (t, pair), count in supply.items() if t == slot}


@dataclass(frozen=True, slots=True)
class Shortage:
    slot: int
    meetings: int  # kept meetings needing an interpreter in the slot
    available: int  # interpreters of the pairs that could serve them


def shortages(
    kept: Iterable[tuple[int, Sequence[str]]], supply: Mapping[tuple[int, str], int]
) -> list[Shortage]:
    """Slots where the kept (locked) meetings need more interpreters than declared: ``kept`` gives each
    such meeting's slot and the pairs that serve it."""
    by_slot: dict[int, list[Need]] = {}
    for i, (slot, options) in enumerate(kept):
        if options:
            by_slot.setdefault(slot, []).append(Need(i, tuple(options), kept=True))
    found: list[Shortage] = []
    for slot, needs in sorted(by_slot.items()):
        here = slot_supply(supply, slot)
        if serve_slot(needs, here).unserved:
            pairs = {p for n in needs for p in n.options}
            found.append(Shortage(slot, len(needs), sum(here.get(p, 0) for p in pairs)))
    return found
