"""Roster objects for the cross-tenant matrix (``PARAMS``/``objects``), and helpers the roster tests share."""

from __future__ import annotations

import base64
import io
import uuid
from typing import Any

from tests.functional.conftest import Api, World

PARAMS = ("class_id", "student_id")

HEADER = ["学号", "姓名", "年级", "班级", "班主任账号", "班主任", "监护人1姓名", "监护人1关系", "监护人1手机"]


def phone_number(i: int) -> str:
    """A distinct, valid mainland mobile per i (139 + 8 digits)."""
    return f"139{i:08d}"


def new_class(api: Api, w: World, **over: Any) -> dict[str, Any]:
    body = {"grade": 3, "name": f"三年级{uuid.uuid4().hex[:4]}班", **over}
    r = api.post(f"/schools/{w.school_id}/classes", body, as_=w.school_admin)
    assert r.status_code == 201, r.body
    return dict(r.json)


def new_student(api: Api, w: World, class_id: str, **over: Any) -> dict[str, Any]:
    body = {
        "student_number": f"S{uuid.uuid4().hex[:8]}",
        "name": "王小明",
        "class_id": class_id,
        "guardians": [{"name": "王强", "relationship": "父亲", "phone": "138 0000 0000"}],
        "pickup_adults": [{"name": "张秀英", "relationship": "外婆", "phone": "13900000000"}],
        **over,
    }
    r = api.post(f"/schools/{w.school_id}/students", body, as_=w.school_admin)
    assert r.status_code == 201, r.body
    return dict(r.json)


def objects(api: Api, owner: World) -> dict[str, str]:
    klass = new_class(api, owner)
    student = new_student(api, owner, klass["id"])
    return {"class_id": klass["id"], "student_id": student["id"]}


def csv_body(rows: list[list[str]], header: list[str] | None = None, bom: bool = False) -> dict[str, str]:
    text = "\n".join(",".join(r) for r in [header or HEADER, *rows]) + "\n"
    data = ("\ufeff" if bom else "").encode() + text.encode()
    return {"format": "csv", "content_base64": base64.b64encode(data).decode()}


def xlsx_body(rows: list[list[Any]], header: list[str] | None = None) -> dict[str, str]:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for r in [header or HEADER, *rows]:
        sheet.append(r)
    out = io.BytesIO()
    book.save(out)
    return {"format": "xlsx", "content_base64": base64.b64encode(out.getvalue()).decode()}


def import_roster(api: Api, w: World, body: dict[str, str], **kw: Any) -> Any:
    return api.post(f"/schools/{w.school_id}/roster/import", body, as_=kw.pop("as_", w.school_admin), **kw)
