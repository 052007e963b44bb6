"""``action_handoff``: the user asks for a person.

Creates a handoff ticket (appdata.store) so staff see the request, then gives the bureau's own
contact, looked up in knowledge/ for :data:`HANDOFF_OFFICE` (``$JIZE_HANDOFF_OFFICE``, default
办公室; the phone is never typed here).
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import common, messages

logger = logging.getLogger(__name__)

HANDOFF_OFFICE = common.GENERAL_OFFICE


def _mask(texts: list[str], keep: list[str]) -> list[str]:
    """Mask personal numbers in what we store (appdata.privacy), keeping the bureau's phones."""
    from appdata.privacy import Masker

    masker = Masker(keep)
    return [masker.mask(t) for t in texts]


class ActionHandoff(Action):
    def name(self) -> str:
        return "action_handoff"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        answer = common.ask_knowledge(
            f"{HANDOFF_OFFICE}的联系电话", "ask_phone", {"office": [HANDOFF_OFFICE]}
        )
        phone = common.office_phone(HANDOFF_OFFICE)
        recent = _mask(common.user_texts(tracker, limit=3), [phone] if phone else [])
        fields = {"request": common.latest_text(tracker), "recent_questions": recent}
        ref = None
        try:
            ticket = common.get_store().create_ticket(
                kind="handoff", sender_id=tracker.sender_id, fields=fields, office=HANDOFF_OFFICE, phone=phone
            )
            ref = ticket.ref
        except Exception:
            logger.exception("could not create the handoff ticket")

        head = messages.HANDOFF_DONE.format(ref=ref) if ref else messages.HANDOFF_FAILED
        if answer is not None:
            common.utter_answer(dispatcher, answer, prefix=head + "\n" + messages.HANDOFF_CALL)
        else:
            dispatcher.utter_message(text=head)
        return []
