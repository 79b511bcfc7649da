"""``/docs``: a readable API reference rendered on the server from the OpenAPI document.

No JavaScript and no CDN, so it works offline and on a phone.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

STYLE = """body{font-family:system-ui,'PingFang SC','Noto Sans CJK SC',sans-serif;max-width:60rem;margin:auto;
padding:1rem;line-height:1.5}h2{border-bottom:1px solid #ccc}
section{margin:1rem 0;padding:.5rem 1rem;border:1px solid #ddd;
border-radius:6px}code{background:#f4f4f4;padding:0 .2rem}.m{font-weight:bold;display:inline-block;min-width:4rem}
pre{background:#f8f8f8;padding:.5rem;overflow:auto;font-size:.85rem}"""


def render(doc: dict[str, Any]) -> str:
    parts = [
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width,initial-scale=1'>"
        f"<title>{escape(doc['info']['title'])}</title><style>{STYLE}</style></head><body>",
        f"<h1>{escape(doc['info']['title'])} <small>{escape(doc['info']['version'])}</small></h1>",
        f"<p>{escape(doc['info']['description'])}</p>",
        "<p>Machine-readable: <a href='/openapi.json'>/openapi.json</a></p>",
    ]
    by_tag: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
    for path, methods in doc["paths"].items():
        for method, op in methods.items():
            by_tag.setdefault(op["tags"][0], []).append((method.upper(), path, op))
    for tag, ops in by_tag.items():
        parts.append(f"<h2>{escape(tag)}</h2>")
        for method, path, op in ops:
            parts.append(_operation(method, path, op))
    parts.append("<h2>Schemas</h2>")
    for name, schema in doc["components"]["schemas"].items():
        parts.append(
            f"<section id='schema-{escape(name)}'><h3>{escape(name)}</h3>"
            f"<pre>{escape(json.dumps(schema, indent=2, ensure_ascii=False))}</pre></section>"
        )
    parts.append("</body></html>")
    return "".join(parts)


def _operation(method: str, path: str, op: dict[str, Any]) -> str:
    auth = "public" if op.get("security") == [] else "bearer token"
    rows = "".join(
        f"<li><code>{escape(p['name'])}</code> ({escape(p['in'])}) {escape(p.get('description', ''))}</li>"
        for p in op.get("parameters", [])
    )
    body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {}).get("$ref", "")
    body_html = (
        f"<p>Body: <a href='#schema-{escape(body.rsplit('/', 1)[-1])}'>{escape(body.rsplit('/', 1)[-1])}</a></p>"
        if body
        else ""
    )
    responses = ", ".join(escape(code) for code in op["responses"])
    return (
        f"<section id='{escape(op['operationId'])}'><p><span class='m'>{method}</span><code>{escape(path)}</code>"
        f" — {escape(op['summary'])} <small>({auth})</small></p><p>{escape(op.get('description', ''))}</p>"
        f"{'<ul>' + rows + '</ul>' if rows else ''}{body_html}<p>Responses: {responses}</p></section>"
    )
