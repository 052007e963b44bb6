"""Talk to Rasa's REST channel: ``POST {rasa_url}/webhooks/rest/webhook {"sender","message"}``.

Rasa answers with a list of bot messages. One ``utter_message(text=..., buttons=...,
json_message={"sources": [...]})`` arrives as two items: ``{"text", "buttons"}`` and
``{"custom": {"sources": [...]}}``; a plain text with blank lines is split into several
items. This module folds that list into replies (text + buttons) and de-duplicated sources,
and takes out the action server's reports of the turn (``{"custom": {"jize_turn": ...}}``,
:mod:`appdata.turns`), which are for the gateway, never for a client.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from appdata.turns import TURN_KEY, TurnReport

REST_WEBHOOK = "/webhooks/rest/webhook"


class RasaUnavailable(Exception):
    """Rasa could not be reached, timed out or answered with an error status."""


@dataclass
class RasaTurn:
    replies: list[dict[str, Any]] = field(default_factory=list)
    sources: list[dict[str, str]] = field(default_factory=list)
    reports: list[TurnReport] = field(default_factory=list)  # one per custom action run
    # What the answering actions say about their answer (custom payload, never for a client):
    route: str | None = None  # "curated", "knowledge" or "not_found" (the last answer's)
    curated: dict[str, Any] | None = None  # {"id", "version", "score", "text"}
    scores: dict[str, float] = field(default_factory=dict)  # source id -> retrieval score


def _buttons(items: Any) -> list[dict[str, str]]:
    out = []
    for b in items or []:
        if not isinstance(b, dict):
            continue
        title = str(b.get("title") or "").strip()
        payload = str(b.get("payload") or title).strip()
        if title:
            out.append({"title": title, "payload": payload})
    return out


def _source(s: Any) -> dict[str, str] | None:
    if not isinstance(s, dict):
        return None
    sid = str(s.get("id") or "").strip()
    citation = str(s.get("citation") or "").strip()
    if not (sid or citation):
        return None
    return {"id": sid, "citation": citation, "excerpt": str(s.get("excerpt") or "").strip()}


ANSWER_ROUTES = ("curated", "knowledge", "not_found")


def _answer_facts(turn: RasaTurn, custom: dict[str, Any]) -> None:
    """Route, curated answer and source scores of an answering action's payload."""
    route = custom.get("route")
    if route in ANSWER_ROUTES:
        turn.route = route
    curated = custom.get("curated")
    if isinstance(curated, dict) and isinstance(curated.get("id"), int):
        turn.curated = {k: curated.get(k) for k in ("id", "version", "score", "text")}
    scores = custom.get("scores")
    if isinstance(scores, dict):
        for key, value in scores.items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                turn.scores.setdefault(str(key), float(value))


def parse_messages(messages: Any) -> RasaTurn:
    """Fold Rasa REST channel messages into replies and sources; collect the turn reports."""
    turn = RasaTurn()
    seen: set[str] = set()
    for m in messages if isinstance(messages, list) else []:
        if not isinstance(m, dict):
            continue
        text = m.get("text")
        buttons = _buttons(m.get("buttons"))
        if isinstance(text, str) and text.strip():
            turn.replies.append({"text": text.strip(), "buttons": buttons})
        elif buttons:
            if turn.replies and not turn.replies[-1]["buttons"]:
                turn.replies[-1]["buttons"] = buttons
            else:
                turn.replies.append({"text": "", "buttons": buttons})
        custom = m.get("custom")
        if isinstance(custom, dict) and TURN_KEY in custom:
            report = TurnReport.from_custom(custom)
            if report is not None:
                turn.reports.append(report)
            custom = {k: v for k, v in custom.items() if k != TURN_KEY}
        if isinstance(custom, dict):
            _answer_facts(turn, custom)
            for s in custom.get("sources") or []:
                src = _source(s)
                if src is None:
                    continue
                key = src["id"] or src["citation"]
                if key not in seen:
                    seen.add(key)
                    turn.sources.append(src)
            # A custom payload may carry its own text/buttons (e.g. json_message only).
            ctext = custom.get("text")
            if isinstance(ctext, str) and ctext.strip():
                turn.replies.append({"text": ctext.strip(), "buttons": _buttons(custom.get("buttons"))})
    return turn


class RasaClient:
    """Async client for one Rasa server, sharing the app's keep-alive httpx client."""

    def __init__(self, base_url: str, http: httpx.AsyncClient, timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.http = http
        self.timeout = timeout

    async def send(self, sender_id: str, message: str) -> RasaTurn:
        try:
            return await self.send_unchecked(sender_id, message)
        except httpx.HTTPError as e:  # connect errors, timeouts, protocol errors
            raise RasaUnavailable(f"{type(e).__name__}: {e}") from e

    async def send_unchecked(self, sender_id: str, message: str) -> RasaTurn:
        """:meth:`send`, but httpx's errors (not reachable, timeout) are raised as they are, so a
        caller can tell a replica that is gone from one that is slow (:mod:`bot.rasa_pool`)."""
        r = await self.http.post(
            self.base_url + REST_WEBHOOK,
            json={"sender": sender_id, "message": message},
            timeout=self.timeout,
        )
        if r.status_code != 200:
            raise RasaUnavailable(f"Rasa answered HTTP {r.status_code}")
        try:
            data = r.json()
        except ValueError as e:
            raise RasaUnavailable("Rasa answered with invalid JSON") from e
        return parse_messages(data)

    async def healthy(self, timeout: float = 2.0) -> bool:
        try:
            r = await self.http.get(self.base_url + "/", timeout=timeout)
        except httpx.HTTPError:
            return False
        return r.status_code == 200
