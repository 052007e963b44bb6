"""Every response carries the security headers; pages their CSP; the API is never cached."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.responses import HTMLResponse, PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from bot.headers import SecurityHeadersMiddleware


def test_api_responses_are_not_cached(client):
    for r in (client.get("/api/offices"), client.get("/api/no-such-route"),
              client.post("/api/chat", json={"sender_id": "h", "message": ""})):
        assert r.headers["cache-control"] == "no-store", r.request.url
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "same-origin"
        assert "content-security-policy" not in r.headers  # JSON, not a page


def test_pages_get_csp_and_frame_options(client):
    r = client.get("/")
    assert r.headers["x-frame-options"] == "SAMEORIGIN"
    assert r.headers["content-security-policy"]
    assert "cache-control" not in r.headers or r.headers["cache-control"] != "no-store"


def test_a_header_the_route_set_is_kept():
    def page(request):
        return HTMLResponse("<p>x</p>", headers={"X-Frame-Options": "DENY", "Content-Security-Policy": "mine"})

    def api(request):
        return PlainTextResponse("x", headers={"Cache-Control": "max-age=60"})

    app = Starlette(routes=[Route("/page", page), Route("/api/x", api)])
    app.add_middleware(SecurityHeadersMiddleware, csp="default-src 'self'")
    c = TestClient(app)
    r = c.get("/page")
    assert (r.headers["x-frame-options"], r.headers["content-security-policy"]) == ("DENY", "mine")
    assert r.headers["x-content-type-options"] == "nosniff"
    r = c.get("/api/x")
    assert r.headers["cache-control"] == "max-age=60"
    assert len(r.headers.get_list("cache-control")) == 1
