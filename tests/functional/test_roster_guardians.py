"""A guardian (监护人) signed in with a verified phone finds exactly their own children, and nobody else's."""

from __future__ import annotations

from tests.functional.conftest import Api, World
from tests.functional.isolation_roster import new_class, new_student

MOTHER = "+8613700000001"
NO_CHILDREN_ZH = "未找到与您手机号关联的学生，请联系班主任核对登记的手机号。"
NO_CHILDREN_EN = "No student is registered with your phone number; please ask the homeroom teacher to check it."


def _family(api: Api, w: World) -> tuple[dict[str, object], dict[str, object], dict[str, object]]:
    """Two siblings sharing their mother's phone, and an unrelated child."""
    a, b = new_class(api, w, grade=2, name="二年级1班"), new_class(api, w, grade=5, name="五年级3班")
    mother = {"name": "李丽", "relationship": "母亲", "phone": MOTHER}
    older = new_student(
        api,
        w,
        b["id"],
        name="王大明",
        guardians=[{**mother}, {"name": "王强", "relationship": "父亲", "phone": "13800000002"}],
    )
    younger = new_student(api, w, a["id"], name="王小明", guardians=[mother], pickup_adults=[])
    stranger = new_student(
        api, w, a["id"], name="李雷", guardians=[{"name": "李强", "relationship": "父亲", "phone": "13800000003"}]
    )
    return older, younger, stranger


def test_guardian_sees_exactly_their_children(api: Api, world: World) -> None:
    older, younger, stranger = _family(api, world)
    mother = api.tokens("guardian", tenant=world.school_id, phone=MOTHER)
    r = api.get(f"/schools/{world.school_id}/my/children", as_=mother)
    assert r.status_code == 200
    children = r.json["items"]
    assert [(c["id"], c["name"], c["grade"], c["class_name"]) for c in children] == [
        (younger["id"], "王小明", 2, "二年级1班"),
        (older["id"], "王大明", 5, "五年级3班"),
    ]
    # the caller's own number in full, the other guardian's masked
    assert [(g["phone"], g["phone_masked"]) for g in children[1]["guardians"]] == [
        (MOTHER, False),
        ("138****0002", True),
    ]
    assert api.get(f"/schools/{world.school_id}/students/{older['id']}", as_=mother).status_code == 200
    refused = api.get(f"/schools/{world.school_id}/students/{stranger['id']}", as_=mother)
    assert refused.status_code == 404 and "李雷" not in refused.body.decode()


def test_no_child_for_the_phone_says_so_in_the_callers_language(api: Api, world: World) -> None:
    _family(api, world)
    nobody = api.tokens("guardian", tenant=world.school_id, phone="+8613911112222")
    zh = api.get(f"/schools/{world.school_id}/my/children", as_=nobody)
    assert zh.status_code == 404 and zh.json["error"] == {"code": "no_children_for_phone", "message": NO_CHILDREN_ZH}
    en = api.get(f"/schools/{world.school_id}/my/children", as_=nobody, headers={"Accept-Language": "en"})
    assert en.json["error"]["message"] == NO_CHILDREN_EN


def test_a_guardian_token_without_a_verified_phone_is_refused(api: Api, world: World) -> None:
    _, younger, _ = _family(api, world)
    for url in (f"/schools/{world.school_id}/my/children", f"/schools/{world.school_id}/students/{younger['id']}"):
        r = api.get(url, as_=world.guardian)
        assert r.status_code == 403 and r.json["error"]["code"] == "phone_not_verified"


def test_the_same_phone_at_another_school_finds_nothing_here(api: Api, world: World, other: World) -> None:
    _, younger, _ = _family(api, world)
    elsewhere = api.tokens("guardian", tenant=other.school_id, phone=MOTHER)
    mine = api.get(f"/schools/{other.school_id}/my/children", as_=elsewhere)
    assert mine.status_code == 404 and mine.json["error"]["code"] == "no_children_for_phone"
    for url in (f"/schools/{world.school_id}/my/children", f"/schools/{world.school_id}/students/{younger['id']}"):
        r = api.get(url, as_=elsewhere)
        assert r.status_code == 404 and "王小明" not in r.body.decode()


def test_only_guardians_have_children_here(api: Api, world: World) -> None:
    for who in (world.school_admin, world.teacher, api.tokens("teacher", tenant=world.school_id, phone=MOTHER)):
        assert api.get(f"/schools/{world.school_id}/my/children", as_=who).status_code == 403
