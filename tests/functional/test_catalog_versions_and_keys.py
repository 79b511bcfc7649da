"""Catalog gaps the school admin pages needed: the list of published versions, an optional
Idempotency-Key on provider registration, the public program's ``Vary: Accept-Language``, and the
provider listing's masking for the school admin too."""

from __future__ import annotations

import uuid
from typing import Any

from pynamodb.connection import Connection

from chalicelib.api.container import Container
from chalicelib.core.idempotency import IdempotencyRecord
from chalicelib.core.ids import new_id
from chalicelib.enrollment.catalog import schemas
from chalicelib.enrollment.catalog.models import ProgramVersion, Provider
from chalicelib.enrollment.catalog.services import CatalogService
from tests.functional.conftest import Api, World
from tests.functional.test_catalog import (
    FOOTBALL,
    PHONE,
    PROVIDER,
    admin,
    paid,
    program,
    program_path,
    provider,
    public,
    publish,
    put,
    term,
)


def versions(api: Api, w: World, term_id: str, query: str = "", as_: str | None = None) -> Any:
    return api.get(program_path(w, term_id) + "/versions" + query, as_=as_ or w.school_admin)


def register(api: Api, w: World, body: dict[str, Any], key: str | None, as_: str | None = None) -> Any:
    headers = {"Idempotency-Key": key} if key is not None else None
    return api.post(f"/schools/{w.school_id}/providers", body, as_=as_ or w.school_admin, headers=headers)


def providers_of(api: Api, w: World) -> list[dict[str, Any]]:
    return list(api.get(f"/schools/{w.school_id}/providers?limit=100", as_=w.school_admin).json["items"])


# -- GET …/program/versions ----------------------------------------------------------------------------


def test_versions_list_newest_first_with_counts(api: Api, world: World) -> None:
    term_id = term(api, world)
    assert versions(api, world, term_id).json == {"items": [], "next_cursor": None}  # nothing published yet
    assert put(api, world, term_id, program(FOOTBALL), 0).status_code == 200
    first = publish(api, world, term_id).json
    pid = provider(api, world, "approved")
    chess = paid(pid, name="围棋", category="traditional_culture")
    assert put(api, world, term_id, program(FOOTBALL, chess), 1).status_code == 200
    second = publish(api, world, term_id).json
    assert publish(api, world, term_id).status_code == 200  # unchanged draft: no third version
    r = versions(api, world, term_id)
    assert r.status_code == 200, r.body
    sa = api.get("/me", as_=world.school_admin).json["sub"]
    assert r.json == {
        "items": [
            {"version": 2, "published_at": second["published_at"], "published_by": sa, "activity_count": 2},
            {"version": 1, "published_at": first["published_at"], "published_by": sa, "activity_count": 1},
        ],
        "next_cursor": None,
    }
    assert "activities" not in r.body.decode()  # summaries only; each version is one GET away
    # every member of staff reads it; paging newest first
    provider_staff = api.tokens("provider_staff", tenant=world.school_id)
    for who in (world.teacher, provider_staff):
        assert versions(api, world, term_id, as_=who).json == r.json
    page1 = versions(api, world, term_id, "?limit=1").json
    assert [v["version"] for v in page1["items"]] == [2] and page1["next_cursor"]
    page2 = versions(api, world, term_id, f"?limit=1&cursor={page1['next_cursor']}").json
    assert [v["version"] for v in page2["items"]] == [1] and page2["next_cursor"] is None


def test_versions_published_before_the_count_attribute_are_counted_from_the_document(api: Api, world: World) -> None:
    term_id = term(api, world)
    assert put(api, world, term_id, program(FOOTBALL, {**FOOTBALL, "name": "篮球"}), 0).status_code == 200
    assert publish(api, world, term_id).status_code == 201
    stored = ProgramVersion.get(*ProgramVersion.key(world.school_id, term_id, 1))
    stored.update(actions=[ProgramVersion.activity_count.remove()])  # as written before the attribute existed
    assert versions(api, world, term_id).json["items"][0]["activity_count"] == 2


def test_versions_refusals_and_bad_input(api: Api, world: World, other: World) -> None:
    term_id = term(api, world)
    assert versions(api, world, term_id, as_=world.guardian).status_code == 403  # staff only: names the publisher
    assert versions(api, world, new_id()).status_code == 404  # unknown term
    assert versions(api, world, "not-a-term").status_code == 404
    other_term = term(api, other)
    assert versions(api, world, other_term).status_code == 404  # another school's term, through my school
    r = api.get(f"/schools/{other.school_id}/terms/{other_term}/program/versions", as_=world.school_admin)
    assert r.status_code == 404
    assert api.get(f"/schools/{world.school_id}/terms/{term_id}/program/versions").status_code == 401
    for query, field in (
        ("?limit=0", "limit"),
        ("?limit=101", "limit"),
        ("?limit=x", "limit"),
        ("?cursor=%%%", "cursor"),
    ):
        bad = versions(api, world, term_id, query)
        assert bad.status_code == 400, query
        assert bad.json["error"]["code"] in ("validation_error", "invalid_cursor")
        assert bad.json["error"]["details"][0]["field"] == field
    assert versions(api, world, term_id, "?unknown=1").status_code == 400


# -- Idempotency-Key on POST /schools/{id}/providers ---------------------------------------------------


def test_provider_registration_replays_with_the_same_key_and_body(api: Api, world: World) -> None:
    key = uuid.uuid4().hex
    first = register(api, world, PROVIDER, key)
    assert first.status_code == 201, first.body
    again = register(api, world, PROVIDER, key)
    assert again.status_code == 200 and again.json["id"] == first.json["id"]
    assert again.json["contact_phone"] == PHONE  # the school admin's own write response, like the first one
    assert [p["id"] for p in providers_of(api, world)] == [first.json["id"]]
    # the idempotency record holds no bare phone number, not even hashed on its own
    record = IdempotencyRecord.get(f"T#{world.school_id}#IDEM#register_provider#{key}")
    assert record.resource_id == first.json["id"] and PHONE not in str(record.attribute_values)


def test_provider_key_reused_with_another_body_is_refused(api: Api, world: World) -> None:
    key = uuid.uuid4().hex
    assert register(api, world, PROVIDER, key).status_code == 201
    for changed in ({**PROVIDER, "name": "别的机构"}, {**PROVIDER, "contact_phone": "13900000000"}):
        r = register(api, world, changed, key)
        assert r.status_code == 422 and r.json["error"]["code"] == "idempotency_key_reused"
    r = api.post(
        f"/schools/{world.school_id}/providers",
        {**PROVIDER, "name": "别的机构"},
        as_=world.school_admin,
        headers={"Idempotency-Key": key, "Accept-Language": "en"},
    )
    assert r.json["error"]["message"] == "This Idempotency-Key was already used with a different request body."
    assert len(providers_of(api, world)) == 1


def test_provider_keys_are_optional_per_school_and_checked(api: Api, world: World, other: World) -> None:
    assert register(api, world, PROVIDER, None).status_code == 201  # no key: as before
    assert register(api, world, PROVIDER, None).status_code == 201  # …and no replay protection
    assert register(api, world, PROVIDER, "  ").status_code == 201  # a blank key counts as none
    key = uuid.uuid4().hex
    assert register(api, world, PROVIDER, key).status_code == 201
    assert register(api, other, PROVIDER, key).status_code == 201  # keys are per school
    assert len(providers_of(api, world)) == 4 and len(providers_of(api, other)) == 1
    long = register(api, world, PROVIDER, "k" * 256)
    assert long.status_code == 400 and long.json["error"]["details"][0]["field"] == "Idempotency-Key"
    # authorization comes first: another school's admin learns nothing from a key
    assert register(api, other, PROVIDER, key, as_=world.school_admin).status_code == 404
    assert register(api, world, PROVIDER, key, as_=world.teacher).status_code == 403
    bad = register(api, world, {**PROVIDER, "contact_phone": "123"}, uuid.uuid4().hex)
    assert bad.status_code == 400 and bad.json["error"]["details"][0]["field"] == "contact_phone"


def test_a_registration_that_loses_the_race_for_its_key_answers_as_a_replay(
    api: Api, container: Container, world: World
) -> None:
    """Deterministic race: a retry with the same key commits after our check, before our commit."""
    key, cmd = uuid.uuid4().hex, schemas.ProviderCreate.model_validate(PROVIDER)
    rival: list[Provider] = []

    def connection_with_rival_first() -> Connection:
        if not rival:
            rival.append(container.catalog.register_provider_with_key(admin(world), world.school_id, cmd, key)[0])
        return container.data.connection()

    svc = CatalogService(
        connection_with_rival_first,
        container.clock,
        lambda: None,
        container.calendar,
        container.tenants,
        container.vault,
    )
    mine, created = svc.register_provider_with_key(admin(world), world.school_id, cmd, key)
    assert not created and mine.provider_id == rival[0].provider_id
    assert [p["id"] for p in providers_of(api, world)] == [mine.provider_id]


# -- the public program's caching headers, and masking in the provider listing ------------------------


def test_public_json_varies_by_language_and_the_zh_page_does_not(api: Api, world: World) -> None:
    term_id = term(api, world)
    assert put(api, world, term_id, program(FOOTBALL), 0).status_code == 200
    assert publish(api, world, term_id).status_code == 201
    zh = public(api, world.school_id)
    en = public(api, world.school_id, headers={"Accept-Language": "en"})
    for r in (zh, en):
        assert r.status_code == 200
        assert r.headers["Cache-Control"] == "public, max-age=60"
        assert r.headers["Vary"] == "Accept-Language"
    assert zh.json["activities"][0]["category_label"] != en.json["activities"][0]["category_label"]
    page = f"/public/schools/{world.school_id}/program/page"
    zh_page, en_page = api.get(page), api.get(page, headers={"Accept-Language": "en"})
    assert zh_page.status_code == en_page.status_code == 200
    assert zh_page.body == en_page.body  # always zh-CN: one cached copy serves everyone
    assert "Vary" not in zh_page.headers and zh_page.headers["Cache-Control"] == "public, max-age=60"


def test_provider_listing_masks_phones_for_the_school_admin_too(api: Api, world: World) -> None:
    pid = provider(api, world)
    (listed,) = providers_of(api, world)
    assert (listed["contact_phone"], listed["contact_phone_masked"]) == ("138****0000", True)
    one = api.get(f"/schools/{world.school_id}/providers/{pid}", as_=world.school_admin).json
    assert (one["contact_phone"], one["contact_phone_masked"]) == (PHONE, False)
    doc = api.get("/openapi.json").json
    listing = doc["paths"]["/schools/{school_id}/providers"]["get"]["description"]
    assert "masked" in listing and "for everyone" in listing
