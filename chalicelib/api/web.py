"""The web shell at ``/app/``: static files packaged with the app (no CDN)."""

from __future__ import annotations

import json
from pathlib import Path

from chalice import Blueprint, Response

from chalicelib.core import i18n
from chalicelib.core.errors import NotFound

from . import container
from .routing import error_response

bp = Blueprint(__name__)
STATIC = Path(__file__).resolve().parent.parent / "web" / "static"
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".svg": "image/svg+xml",
}


@bp.route("/app")
def app_index() -> Response:
    # API Gateway (and chalice local) drop the trailing slash, so /app/ arrives here too.
    return _file("index.html")


@bp.route("/app/{name}")
def app_asset(name: str) -> Response:
    if name == "config.json":
        s = container.get().settings
        # The browser learns where to sign in; local sign-in is offered only by the devstack issuer.
        return Response(
            body=json.dumps({"issuer": s.oidc_issuer, "dev_signin": s.dev_signin, "stage": s.stage}),
            status_code=200,
            headers={"Content-Type": TYPES[".json"], "Cache-Control": "no-store"},
        )
    return _file(name)


def _file(name: str) -> Response:
    path = (STATIC / name).resolve()
    if path.parent != STATIC or not path.is_file() or path.suffix not in TYPES:
        headers = {k.lower(): v for k, v in (bp.current_request.headers or {}).items()}
        locale = i18n.negotiate(headers.get("accept-language"))
        return error_response(NotFound(), locale)
    return Response(
        body=path.read_text(encoding="utf-8"),
        status_code=200,
        headers={"Content-Type": TYPES[path.suffix], "Cache-Control": "no-cache"},
    )
