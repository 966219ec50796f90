"""The resident web widget: ``GET /widget.js`` (embeddable script) and ``GET /demo`` (a page that embeds it).

The script is read once per process and served with an ETag, so host pages that embed it revalidate
cheaply instead of downloading it on every page view. It carries no configuration from the server:
the widget finds the API at its own origin, and nothing secret is ever put into it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

router = APIRouter(tags=["widget"])

# An hour: a new widget release reaches embedding sites the same day, and the ETag makes revalidation a 304.
WIDGET_CACHE = "public, max-age=3600"


@dataclass(frozen=True)
class StaticFile:
    body: bytes
    etag: str


@lru_cache(maxsize=4)
def static_file(name: str) -> StaticFile:
    body = resources.files("bot").joinpath("static", name).read_bytes()
    return StaticFile(body=body, etag='"' + hashlib.sha256(body).hexdigest()[:32] + '"')


def _etag_matches(request: Request, etag: str) -> bool:
    header = request.headers.get("if-none-match", "")
    return any(tag.strip().removeprefix("W/") == etag for tag in header.split(",")) or header.strip() == "*"


@router.get("/widget.js", include_in_schema=False)
def widget_js(request: Request) -> Response:
    """The embeddable widget: ``<script src="https://HOST/widget.js" data-title="民生问答" defer></script>``."""
    f = static_file("widget.js")
    headers = {
        "Cache-Control": WIDGET_CACHE,
        "ETag": f.etag,
        "X-Content-Type-Options": "nosniff",
        # Any site may embed the script; which sites may call the API is decided by FAQBOT_CORS_ORIGINS.
        "Cross-Origin-Resource-Policy": "cross-origin",
    }
    if _etag_matches(request, f.etag):
        return Response(status_code=304, headers=headers)
    return Response(f.body, media_type="text/javascript; charset=utf-8", headers=headers)


@router.get("/demo", include_in_schema=False)
def demo_page() -> HTMLResponse:
    """A sample city-service page with the widget on it, for trying the widget and for the browser tests."""
    return HTMLResponse(static_file("demo.html").body, headers={"Cache-Control": "no-cache"})
