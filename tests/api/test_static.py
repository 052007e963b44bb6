"""The static faces are served, offline (no CDN), and never build HTML from text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[2] / "bot" / "static"


@pytest.mark.parametrize(
    "path, marker", [("/", "widget.js"), ("/agent", "agent.js"), ("/station", "station.js")]
)
def test_pages_are_served_with_csp(client, path, marker):
    r = client.get(path)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert marker in r.text
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    "name", ["widget.js", "widget.css", "agent.js", "station.js", "pages.css", "index.js", "identity.js", "charts.js",
             "agent-review.js"]
)
def test_assets_are_served(client, name):
    r = client.get(f"/static/{name}")
    assert r.status_code == 200 and r.text


def test_no_external_resources():
    for f in STATIC.glob("*.html"):
        assert not re.search(r"(src|href)=\"(https?:)?//", f.read_text(encoding="utf-8")), f.name
    for f in STATIC.glob("*.css"):
        css = f.read_text(encoding="utf-8")
        assert "@import" not in css and not re.search(r"url\(\s*['\"]?(https?:)?//", css), f.name
    for f in STATIC.glob("*.js"):
        code = re.sub(r"/\*.*?\*/", "", f.read_text(encoding="utf-8"), flags=re.S)  # drop usage comments
        code = code.replace('"http://www.w3.org/2000/svg"', "")  # SVG's namespace name, never fetched
        assert not re.search(r"['\"](https?:)?//", code), f"{f.name} talks to a fixed outside address"


def test_no_html_injection_sinks():
    for f in STATIC.glob("*.js"):
        code = f.read_text(encoding="utf-8")
        for sink in (
            "innerHTML",
            "outerHTML",
            "insertAdjacentHTML",
            "document.write",
            "eval(",
            "new Function",
        ):
            assert sink not in code, f"{f.name} uses {sink}"


def test_no_inline_scripts_or_handlers():
    for f in STATIC.glob("*.html"):
        html = f.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), f"{f.name} has an inline script"
        assert not re.search(r"\son[a-z]+=", html), f"{f.name} has an inline event handler"
        assert "style=" not in html, f"{f.name} has an inline style (blocked by the CSP)"


def test_cors_is_off_by_default(client):
    r = client.options(
        "/api/chat", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    )
    assert "access-control-allow-origin" not in r.headers


def test_cors_allows_configured_origin(app_settings):
    from fastapi.testclient import TestClient

    from bot.main import create_app

    with TestClient(create_app(app_settings(cors_origins=["https://hrss.example"]))) as c:
        r = c.options(
            "/api/chat", headers={"Origin": "https://hrss.example", "Access-Control-Request-Method": "POST"}
        )
        assert r.headers["access-control-allow-origin"] == "https://hrss.example"
        r = c.options(
            "/api/chat", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
        )
        assert "access-control-allow-origin" not in r.headers


# Everything that can turn a string into markup, code or a navigation.
HTML_SINKS = [
    r"\.innerHTML\b",
    r"\.outerHTML\b",
    r"insertAdjacentHTML",
    r"document\.write",
    r"DOMParser",
    r"createContextualFragment",
    r"\bsrcdoc\b",
    r"javascript:",
    r"\beval\s*\(",
    r"new\s+Function\b",
    r"set(?:Timeout|Interval)\s*\(\s*['\"]",
    r"setAttribute\(\s*['\"]on",
    r"\.on[a-z]+\s*=\s*['\"]",
    r"\.html\s*\(",
    r"location\s*=|location\.href\s*=|\.assign\s*\(|window\.open\s*\(",
]


@pytest.mark.parametrize("name", ["widget.js", "agent.js", "station.js", "index.js", "charts.js", "agent-review.js"])
def test_server_and_user_text_only_ever_goes_through_textContent(name):
    """Widget, agent console, station page and its printed slip: text is text."""
    code = re.sub(r"/\*.*?\*/|//[^\n]*", "", (STATIC / name).read_text(encoding="utf-8"), flags=re.S)
    for sink in HTML_SINKS:
        assert not re.search(sink, code), f"{name} uses {sink}"
    # URLs are only ever set from the script's own location, never from a server answer.
    for m in re.finditer(r"\.(href|src)\s*=\s*([^;]+);", code):
        # (or a blob the script made itself: the statistics CSV fetched with the admin token)
        assert m.group(2).strip().startswith(("STATIC", "URL.createObjectURL(")), f"{name}: {m.group(0)}"
    assert not re.search(r"setAttribute\(\s*['\"](href|src|style)['\"]", code)
    if name == "charts.js":
        assert re.search(r"n\.textContent\s*=\s*String\(text\)", code), "charts.js: labels not textContent"
    elif name not in ("index.js", "agent-review.js"):  # agent-review.js uses agent.js's helper
        # the element helper writes text with textContent
        assert re.search(r"e\.textContent\s*=\s*String\(text\)", code), f"{name}: no textContent helper"


def test_printed_slip_fields_are_filled_with_textContent():
    code = (STATIC / "station.js").read_text(encoding="utf-8")
    for field in ("slip-q", "slip-a", "slip-office", "slip-phone", "slip-cite", "slip-date"):
        assert re.search(rf'\$\("{field}"\)\.textContent\s*=', code), field
