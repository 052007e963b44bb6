"""What the action server tells the gateway about a turn, inside Rasa's own reply.

Rasa's REST channel returns the bot's messages, not the intent the NLU found nor the actions
that ran; the gateway wants both for its log (and the "unanswered" list), and it must know which
words of the turn are contact details to keep out of the log. So every custom action call adds
one message whose custom payload is ``{"jize_turn": {...}}`` (:meth:`TurnReport.payload`;
``actions.report`` writes it); Rasa passes it through like any ``json_message``, the gateway
reads it back (:meth:`TurnReport.from_custom`, in ``bot.rasa_client``) and never shows it to a
client. Nothing is kept between turns or shared between processes.

Rasa's tracker stores this message with the others, so it carries nothing the tracker does not
hold anyway (the intent of the user message, slot values) and is purged with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

TURN_KEY = "jize_turn"


@dataclass(frozen=True)
class TurnReport:
    """One custom action call, as the gateway needs it."""

    action: str
    intent: str | None = None  # the NLU intent of the latest user message
    confidence: float | None = None  # the NLU's confidence in it
    secrets: tuple[str, ...] = ()  # contact details typed into the complaint form (slot values)
    message_is_secret: bool = False  # the user message answers a question for contact details

    def payload(self) -> dict[str, Any]:
        """The custom payload (``json_message``) of the report message."""
        return {
            TURN_KEY: {
                "action": self.action,
                "intent": self.intent,
                "confidence": self.confidence,
                "secrets": list(self.secrets),
                "message_is_secret": self.message_is_secret,
            }
        }

    @classmethod
    def from_custom(cls, custom: Any) -> TurnReport | None:
        """The report in a bot message's custom payload, or None if it carries none."""
        data = custom.get(TURN_KEY) if isinstance(custom, dict) else None
        if not isinstance(data, dict) or not isinstance(data.get("action"), str):
            return None
        intent = data.get("intent")
        secrets = data.get("secrets")
        confidence = data.get("confidence")
        return cls(
            action=data["action"],
            intent=intent if isinstance(intent, str) else None,
            confidence=float(confidence) if isinstance(confidence, int | float) and not isinstance(confidence, bool)
            else None,
            secrets=tuple(s for s in secrets if isinstance(s, str)) if isinstance(secrets, list) else (),
            message_is_secret=data.get("message_is_secret") is True,
        )
