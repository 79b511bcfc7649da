"""Health, the OpenAPI document, the readable reference and the web shell's static files."""

from __future__ import annotations

from openapi_spec_validator import validate

from tests.functional.conftest import Api


def test_health_is_public(api: Api) -> None:
    r = api.get("/health")
    assert r.status_code == 200 and r.json == {"status": "ok", "stage": "local"}


def test_openapi_document_is_valid_3_1_and_lists_the_contract(api: Api) -> None:
    r = api.get("/openapi.json")
    assert r.status_code == 200
    doc = r.json
    validate(doc)  # raises on any schema violation
    assert doc["openapi"].startswith("3.1")
    expected = {
        ("post", "/districts"),
        ("get", "/districts/{district_id}"),
        ("post", "/districts/{district_id}/schools"),
        ("get", "/districts/{district_id}/schools"),
        ("get", "/schools/{school_id}"),
        ("patch", "/schools/{school_id}"),
        ("post", "/schools/{school_id}/suspend"),
        ("post", "/schools/{school_id}/reactivate"),
        ("post", "/schools/{school_id}/staff"),
        ("get", "/schools/{school_id}/staff"),
        ("get", "/me"),
        ("get", "/health"),
        ("get", "/openapi.json"),
    }
    present = {(m, p) for p, ms in doc["paths"].items() for m in ms}
    assert expected <= present
    create = doc["paths"]["/districts/{district_id}/schools"]["post"]
    assert {p["name"] for p in create["parameters"]} == {"district_id", "Idempotency-Key"}
    school_create = doc["components"]["schemas"]["SchoolCreate"]
    assert school_create["additionalProperties"] is False
    assert school_create["properties"]["time_zone"]["default"] == "Asia/Shanghai"


def test_request_models_and_document_agree(api: Api) -> None:
    """The documented example bodies are accepted by the same models that validate requests."""
    from chalicelib.api.routing import OPERATIONS

    for op in OPERATIONS:
        if op.body is not None:
            assert op.example is not None, op.operation_id
            op.body.model.model_validate(op.example)


def test_docs_page_is_readable_html(api: Api) -> None:
    r = api.get("/docs")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    html = r.body.decode()
    assert "/districts/{district_id}/schools" in html and "provisionSchool" in html
    assert "http://" not in html.replace("http://localhost", "")  # nothing fetched from elsewhere: works offline


def test_web_shell_is_served_with_config(api: Api) -> None:
    for path in ("/app", "/app/"):
        r = api.get(path)
        assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    cfg = api.get("/app/config.json")
    assert cfg.json["dev_signin"] is True and cfg.json["issuer"].startswith("http://127.0.0.1:")
    assert api.get("/app/../app.py").status_code in (403, 404)
    assert api.get("/app/nothing.js").json["error"]["message"] == "未找到该资源。"
    missing = api.get("/app/nothing.js", headers={"Accept-Language": "en"})
    assert missing.status_code == 404 and missing.json["error"] == {"code": "not_found", "message": "Not found."}
