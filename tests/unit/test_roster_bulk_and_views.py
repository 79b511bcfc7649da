"""Batch writes (chunks of 25, backoff on UnprocessedItems) and what each viewer sees of a child's record."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from chalicelib.roster.bulk import BatchWriter, BulkWriteFailed
from chalicelib.roster.models import GuardianPhoneEntry, SchoolClass, StoredContact, Student
from chalicelib.roster.views import Viewer, student_json


class FakeConnection:
    """Answers BatchWriteItem like DynamoDB under throttling: the first ``throttle`` calls leave items over."""

    def __init__(self, throttle: int = 0):
        self.throttle = throttle
        self.calls: list[list[dict[str, Any]]] = []
        self.stored: dict[tuple[str, str], dict[str, Any]] = {}
        self._lock = threading.Lock()

    def dispatch(self, operation: str, kwargs: dict[str, Any]) -> dict[str, Any]:
        assert operation == "BatchWriteItem"
        (requests,) = kwargs["RequestItems"].values()
        assert len(requests) <= 25
        with self._lock:
            self.calls.append(requests)
            left = requests[len(requests) // 2 :] if self.throttle > 0 else []
            self.throttle -= 1
            for r in requests[: len(requests) - len(left)]:
                if "PutRequest" in r:
                    item = r["PutRequest"]["Item"]
                    self.stored[(item["pk"]["S"], item["sk"]["S"])] = item
                else:
                    key = r["DeleteRequest"]["Key"]
                    self.stored.pop((key["pk"]["S"], key["sk"]["S"]), None)
        return {"UnprocessedItems": {"main": left} if left else {}}


def entries(n: int) -> list[GuardianPhoneEntry]:
    return [GuardianPhoneEntry.of("SCHOOL", f"idx{i}", f"student{i}") for i in range(n)]


def test_chunks_of_25_all_written() -> None:
    conn = FakeConnection()
    assert BatchWriter(conn, "main").write(entries(103)) == 103  # type: ignore[arg-type]
    assert sorted(len(c) for c in conn.calls) == [3, 25, 25, 25, 25]
    assert len(conn.stored) == 103


def test_unprocessed_items_are_resent_with_backoff() -> None:
    conn, sleeps = FakeConnection(throttle=3), list[float]()
    BatchWriter(conn, "main", workers=1, sleep=sleeps.append).write(entries(20))  # type: ignore[arg-type]
    assert len(conn.stored) == 20 and len(conn.calls) == 4
    assert len(sleeps) == 3 and all(0 <= s <= 2.0 for s in sleeps)


def test_gives_up_after_max_attempts() -> None:
    conn = FakeConnection(throttle=100)
    with pytest.raises(BulkWriteFailed):
        BatchWriter(conn, "main", workers=1, max_attempts=4, sleep=lambda _: None).write(entries(8))  # type: ignore[arg-type]
    assert len(conn.calls) == 4


def test_deletes_and_puts_together() -> None:
    conn = FakeConnection()
    writer = BatchWriter(conn, "main")  # type: ignore[arg-type]
    old = entries(30)
    writer.write(old)
    writer.write(entries(0), deletes=old[:10])
    assert len(conn.stored) == 20


# -- views -----------------------------------------------------------------------------------------


def _student() -> tuple[Student, SchoolClass]:
    klass = SchoolClass("pk", "CLASS#C", class_id="C", grade=3, name="三年级2班", version=1)
    s = Student(
        "pk",
        "STUDENT#S",
        tenant_id="SCHOOL",
        kind="Student",
        student_id="S",
        student_number="2023001",
        name="王小明",
        guardians=[
            StoredContact("王强", "father", "sealed:+8613800000000", "i-father"),
            StoredContact("李丽", "mother", "sealed:+8613700000000", "i-mother"),
        ],
        pickup_adults=[StoredContact("张秀英", "maternal_grandparent", "sealed:+8613900000000", "i-pickup")],
        id_number_sealed="sealed:11010520150101123X",
        created_at="t",
        updated_at="t",
        version=2,
    )
    s.place_in(klass)
    return s, klass


def _open(sealed: str) -> str:
    return sealed.removeprefix("sealed:")


@pytest.mark.parametrize(
    ("viewer", "phones", "id_number"),
    [
        (Viewer(True, True), ["+8613800000000", "+8613700000000", "+8613900000000"], "11010520150101123X"),
        (Viewer(True, False), ["+8613800000000", "+8613700000000", "+8613900000000"], "**************123X"),
        (Viewer(False, False), ["138****0000", "137****0000", "139****0000"], "**************123X"),
        (Viewer(False, False, "i-mother"), ["138****0000", "+8613700000000", "139****0000"], "**************123X"),
    ],
    ids=["school_admin", "homeroom_teacher", "other_staff", "guardian_mother"],
)
def test_what_each_viewer_sees(viewer: Viewer, phones: list[str], id_number: str) -> None:
    s, klass = _student()
    out = student_json(s, klass, viewer, _open)
    shown = [c["phone"] for c in out["guardians"] + out["pickup_adults"]]
    assert shown == phones and out["id_number"] == id_number
    assert [c["phone_masked"] for c in out["guardians"]] == ["*" in p for p in phones[:2]]
    assert (out["grade"], out["class_name"], out["version"]) == (3, "三年级2班", 2)


def test_contacts_survive_a_round_trip_through_dynamodb_format() -> None:
    s, _ = _student()
    again = Student.from_raw_data(s.serialize())
    assert again.guardians == s.guardians and again.state() == s.state()
    assert again.gsi1pk == "T#SCHOOL#CLASS#C" and again.gsi1sk == "2023001"
