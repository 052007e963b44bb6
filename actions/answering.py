"""``action_answer_*``: one factual question → ``knowledge.answer`` → one reply with sources.

Each subclass only names the NLU intent it answers; the action name is derived from it
(``ask_office`` → ``action_answer_office``, ``follow_up`` → ``action_answer_follow_up``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import common


class AnswerAction(Action, ABC):
    """Answer the latest message as a question of kind :attr:`intent`."""

    @property
    @abstractmethod
    def intent(self) -> str:
        """The NLU intent (and ``knowledge.answer`` intent) this action answers."""

    def name(self) -> str:
        return "action_answer_" + self.intent.removeprefix("ask_")

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        return common.answer_turn(dispatcher, tracker, self.intent)


class ActionAnswerOffice(AnswerAction):
    intent = "ask_office"


class ActionAnswerPhone(AnswerAction):
    intent = "ask_phone"


class ActionAnswerComplaint(AnswerAction):
    intent = "ask_complaint"


class ActionAnswerPenalty(AnswerAction):
    intent = "ask_penalty"


class ActionAnswerBoundary(AnswerAction):
    intent = "ask_boundary"


class ActionAnswerService(AnswerAction):
    intent = "ask_service"


class ActionAnswerSupervision(AnswerAction):
    intent = "ask_supervision"


class ActionAnswerProcedure(AnswerAction):
    intent = "ask_procedure"


class ActionAnswerFollowUp(AnswerAction):
    intent = "follow_up"
