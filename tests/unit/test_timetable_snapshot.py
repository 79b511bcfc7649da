"""Freezing a timetable: inputs and cells survive JSON and packing unchanged, and the changes between
two versions name exactly the classes and weekdays whose cells differ."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.timetable import snapshot
from chalicelib.timetable.samples import sample_school
from chalicelib.timetable.timetable import Cell, Timetable


def _week(classes: list[str]) -> Timetable:
    return Timetable(
        tuple(Cell(d, p, c, f"room-{c}", (f"t-{c}",)) for c in classes for d in range(1, 6) for p in (1, 2))
    )


def test_inputs_round_trip_through_json_and_packing() -> None:
    inputs = sample_school(grades=3, classes_per_grade=2, adults=20)
    raw = snapshot.inputs_to_json(inputs)
    assert snapshot.inputs_from_json(snapshot.unpack(snapshot.pack(raw))) == inputs


def test_weekly_maxima_round_trip_and_older_documents_have_none() -> None:
    inputs = sample_school(grades=2, classes_per_grade=2, adults=10, max_periods={"cadre": 4, "volunteer": 2})
    raw = snapshot.inputs_to_json(inputs)
    assert [a["max_periods"] for a in raw["adults"]][:4] == [None, None, None, 4]
    assert snapshot.inputs_from_json(snapshot.unpack(snapshot.pack(raw))) == inputs
    # a version published before the maximum was carried has no such key: no limit
    older = {**raw, "adults": [{k: v for k, v in a.items() if k != "max_periods"} for a in raw["adults"]]}
    assert all(a.max_periods is None for a in snapshot.inputs_from_json(older).adults)
    assert snapshot.inputs_from_json(older) == sample_school(grades=2, classes_per_grade=2, adults=10)


def test_packing_is_much_smaller_than_the_json() -> None:
    week = _week([f"01K0CLASS{n:017d}" for n in range(36)])
    packed = snapshot.pack(week.as_json())
    assert Timetable.from_json(snapshot.unpack(packed)) == week
    assert len(packed) * 5 < len(str(week.as_json()))


def test_the_first_version_changes_every_class_on_every_day_it_has() -> None:
    assert snapshot.changed_days(None, _week(["a", "b"])) == {"a": [1, 2, 3, 4, 5], "b": [1, 2, 3, 4, 5]}


def test_only_the_changed_class_and_weekday_are_named() -> None:
    before = _week(["a", "b"])
    after = before.with_cell(Cell(3, 2, "b", "playground", ("coach",), "football"))
    assert snapshot.changed_days(before, after) == {"b": [3]}
    assert snapshot.changed_days(before, before) == {}


def test_a_class_that_appears_or_goes_counts_on_each_of_its_days() -> None:
    assert snapshot.changed_days(_week(["a"]), _week(["a", "c"])) == {"c": [1, 2, 3, 4, 5]}
    assert snapshot.changed_days(_week(["a", "c"]), _week(["a"])) == {"c": [1, 2, 3, 4, 5]}


@settings(max_examples=50, deadline=None)
@given(st.sets(st.tuples(st.integers(1, 5), st.integers(1, 2), st.sampled_from(["a", "b", "c"])), max_size=12))
def test_changes_are_exactly_the_edited_cells(edits: set[tuple[int, int, str]]) -> None:
    before = _week(["a", "b", "c"])
    after = before
    for d, p, c in edits:
        after = after.with_cell(Cell(d, p, c, "library", ("reader",), "reading"))
    expected: dict[str, set[int]] = {}
    for d, _, c in edits:
        expected.setdefault(c, set()).add(d)
    assert snapshot.changed_days(before, after) == {c: sorted(ds) for c, ds in sorted(expected.items())}
