"""The weekly timetable: one cell per class, weekday and period, saying what the class does, where and
with whom. A value object: an edit makes a new timetable (:meth:`Timetable.with_cell`).

Example::

    >>> cell = Cell(2, 2, "c1", "v-playground", ("a7",), "football")
    >>> Timetable((cell,)).cell(2, 2, "c1").kind
    'activity'
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

CellKey = tuple[int, int, str]  # (weekday, period, class id)


@dataclass(frozen=True)
class Cell:
    """``activity_id`` None is supervised homework (自主作业) in the class's classroom."""

    weekday: int
    period: int
    class_id: str
    venue_id: str
    adult_ids: tuple[str, ...]
    activity_id: str | None = None

    @property
    def key(self) -> CellKey:
        return (self.weekday, self.period, self.class_id)

    @property
    def kind(self) -> Literal["homework", "activity"]:
        return "homework" if self.activity_id is None else "activity"

    def as_json(self) -> dict[str, Any]:
        return {
            "weekday": self.weekday,
            "period": self.period,
            "class_id": self.class_id,
            "kind": self.kind,
            "activity_id": self.activity_id,
            "venue_id": self.venue_id,
            "adult_ids": list(self.adult_ids),
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> Cell:
        return cls(
            weekday=int(raw["weekday"]),
            period=int(raw["period"]),
            class_id=str(raw["class_id"]),
            venue_id=str(raw["venue_id"]),
            adult_ids=tuple(str(a) for a in raw.get("adult_ids", ())),
            activity_id=None if raw.get("activity_id") is None else str(raw["activity_id"]),
        )


@dataclass(frozen=True)
class Timetable:
    """The cells, ordered by weekday, period and class id (so equal timetables compare equal)."""

    cells: tuple[Cell, ...] = field(default=())

    def __post_init__(self) -> None:
        object.__setattr__(self, "cells", tuple(sorted(self.cells, key=lambda c: c.key)))

    @cached_property
    def _index(self) -> dict[CellKey, Cell]:
        return {c.key: c for c in self.cells}

    def cell(self, weekday: int, period: int, class_id: str) -> Cell | None:
        return self._index.get((weekday, period, class_id))

    def at(self, weekday: int, period: int) -> Iterator[Cell]:
        return (c for c in self.cells if c.weekday == weekday and c.period == period)

    def with_cell(self, cell: Cell) -> Timetable:
        """A copy with ``cell`` replacing the one of the same class, weekday and period (a hand edit)."""
        return Timetable(tuple(c for c in self.cells if c.key != cell.key) + (cell,))

    def as_json(self) -> dict[str, Any]:
        return {"cells": [c.as_json() for c in self.cells]}

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> Timetable:
        return cls(tuple(Cell.from_json(c) for c in raw.get("cells", ())))
