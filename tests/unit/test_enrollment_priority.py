"""R4 waiting-list priority without I/O: ranks, labels, sort keys and the reason's schema."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from chalicelib.core.ids import new_id
from chalicelib.enrollment import priority
from chalicelib.enrollment.schemas import CareReason
from chalicelib.enrollment.seats import wait_key

SITUATIONS = list(priority.RANKS)


def test_every_situation_has_a_rank_and_both_labels() -> None:
    assert set(priority.SITUATIONS) == set(priority.RANKS) == set(SITUATIONS)
    assert sorted(priority.RANKS, key=priority.rank) == [
        "no_one_available",
        "guardians_work_late",
        "single_guardian_or_guardian_away",
        "other",
    ]
    for labels in priority.SITUATIONS.values():
        assert set(labels) == {"zh-CN", "en"} and all(labels.values())


def test_older_reasons_without_a_situation_count_as_other() -> None:
    assert priority.situation_of({"pickup_by": "父亲", "pickup_time": "18:30"}) == "other"
    assert priority.situation_of(None) == "other"
    assert priority.situation_of({"situation": "guardians_work_late"}) == "guardians_work_late"
    assert priority.priority_json("other")["rank"] == 4


@given(
    st.lists(
        st.tuples(st.sampled_from(SITUATIONS), st.integers(0, 2**40)), min_size=1, max_size=30, unique_by=lambda x: x[1]
    )
)
def test_the_sort_key_orders_by_rank_then_arrival(entries: list[tuple[str, int]]) -> None:
    keyed = [(wait_key(s, new_id(ms)), priority.rank(s), ms) for s, ms in entries]
    by_key = [(r, ms) for _, r, ms in sorted(keyed)]
    assert by_key == sorted((r, ms) for _, r, ms in keyed)


def test_entries_from_before_ranks_keep_their_place_ahead() -> None:
    legacy = new_id()  # a bare ULID sort key, as written before R4 ranks
    assert legacy < wait_key("no_one_available", new_id())


def test_the_reason_defaults_to_other_and_refuses_unknown_situations() -> None:
    assert CareReason(pickup_by="父亲", pickup_time="18:30").situation == "other"
    with pytest.raises(ValidationError) as exc:
        CareReason(pickup_by="父亲", pickup_time="18:30", situation="vip")
    assert [(e["loc"], e["type"]) for e in exc.value.errors()] == [(("situation",), "literal_error")]
