"""Pure kernel pieces: ids, language negotiation, cursors, claims, version headers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.core import i18n
from chalicelib.core.errors import PreconditionRequired, ValidationFailed
from chalicelib.core.identity import Role, principal_from_claims
from chalicelib.core.ids import is_id, new_id
from chalicelib.core.pagination import decode_cursor, encode_cursor
from chalicelib.core.versioning import expected_version as _expected_version


def test_ids_are_fixed_length_and_time_ordered() -> None:
    a, b = new_id(1_000), new_id(2_000)
    assert len(a) == len(b) == 26 and is_id(a) and is_id(b)
    assert a < b
    assert not is_id("01K0SEED000000000000000D0")  # 25 chars
    assert not is_id("01K0SEED00000000000000ILOU")  # letters Crockford excludes


@given(st.integers(min_value=0, max_value=2**48 - 1))
def test_no_id_is_a_prefix_of_another(ms: int) -> None:
    a, b = new_id(ms), new_id(ms)
    assert not (a != b and (a.startswith(b) or b.startswith(a)))


@pytest.mark.parametrize(
    ("header", "locale"),
    [
        (None, "zh-CN"),
        ("", "zh-CN"),
        ("en-US,en;q=0.9", "en"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh-CN"),
        ("fr-FR, en;q=0.5", "en"),
        ("de", "zh-CN"),
        ("zh-TW;q=0.2, en;q=0.9", "en"),
        ("en;q=abc", "zh-CN"),
    ],
)
def test_language_negotiation(header: str | None, locale: str) -> None:
    assert i18n.negotiate(header) == locale


def test_every_message_has_both_languages() -> None:
    for code, texts in i18n.MESSAGES.items():
        assert set(texts) == {"zh-CN", "en"}, code


@given(st.dictionaries(st.sampled_from(["gsi1pk", "gsi1sk", "pk", "sk"]), st.text(min_size=1), min_size=1))
def test_cursor_round_trip(key: dict[str, str]) -> None:
    raw = {k: {"S": v} for k, v in key.items()} | {"gsi1pk": {"S": "T#D#SCHOOLS"}}
    assert decode_cursor(encode_cursor(raw), partition_attr="gsi1pk", partition_value="T#D#SCHOOLS") == raw


@pytest.mark.parametrize(
    "cursor",
    [
        "%%%",
        "bm90IGpzb24",
        "W10",
        encode_cursor({"gsi1pk": {"S": "T#OTHER#SCHOOLS"}}),
        encode_cursor({"gsi1pk": {"S": "T#D#SCHOOLS"}, "x": {"N": "1"}}),
    ],
)
def test_bad_cursors_are_refused(cursor: str | None) -> None:
    with pytest.raises(ValidationFailed) as err:
        decode_cursor(cursor, partition_attr="gsi1pk", partition_value="T#D#SCHOOLS")
    assert err.value.code == "invalid_cursor"


def test_claims_map_to_principal() -> None:
    p = principal_from_claims({"sub": "u1", "roles": ["school_admin", "teacher", "wizard"], "tenant": "S"})
    assert p.roles == {Role.SCHOOL_ADMIN, Role.TEACHER} and p.tenant == "S" and p.district is None
    assert p.belongs_to_school("S") and not p.belongs_to_school("T")
    c = principal_from_claims({"sub": "u2", "custom:roles": "district_admin", "custom:district": "D"})
    assert c.administers_district("D") and not c.administers_district("E")


@pytest.mark.parametrize(
    ("if_match", "body", "expected"), [('"3"', None, 3), ('W/"4"', None, 4), ("5", 9, 5), (None, 2, 2)]
)
def test_expected_version(if_match: str | None, body: int | None, expected: int) -> None:
    assert _expected_version(if_match, body) == expected


@pytest.mark.parametrize(("if_match", "body"), [(None, None), ("*", None), ('"abc"', 1)])
def test_expected_version_required(if_match: str | None, body: int | None) -> None:
    with pytest.raises(PreconditionRequired):
        _expected_version(if_match, body)
