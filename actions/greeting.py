"""``action_greet`` and ``action_help``: the greeting and the help text, naming the bureau.

They are actions, not domain responses, because the bureau's name is the list's
(``kb.identity``), not something typed into domain.yml; the texts are in
:mod:`actions.messages`.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import messages


class ActionGreet(Action):
    def name(self) -> str:
        return "action_greet"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(text=messages.greeting(), buttons=list(messages.GREETING_BUTTONS))
        return []


class ActionHelp(Action):
    def name(self) -> str:
        return "action_help"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(text=messages.help_text(), buttons=list(messages.HELP_BUTTONS))
        return []
