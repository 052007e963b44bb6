"""``action_default_fallback``: the NLU was unsure (nlu_fallback) or no rule applied.

Retrieval alone may still find the answer (``knowledge.answer(intent=None)``); if it does not,
say so and offer help or a human. Either way the user message is reverted, as Rasa's own
fallback does, so that the unclear turn does not steer the next prediction; the kb context of
a found answer is kept for follow-ups.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions import common, messages


class ActionDefaultFallback(Action):
    def name(self) -> str:
        return "action_default_fallback"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        question = common.latest_text(tracker)
        hit = common.curated_answer(question, None, common.latest_query_vector(tracker))
        if hit is not None:
            common.utter_answer(dispatcher, hit.answer, question=question, curated=hit.payload)
            return [UserUtteranceReverted(), *common.context_slot(hit.answer)]
        answer = None
        if question:
            answer = common.ask_knowledge(
                question, None, common.entities_of(tracker), common.kb_context(tracker),
                query_vector=common.latest_query_vector(tracker),
            )
        if answer is not None and answer.found:
            common.utter_answer(dispatcher, answer, question=question)
            return [UserUtteranceReverted(), *common.context_slot(answer)]
        dispatcher.utter_message(text=messages.not_found(), buttons=list(messages.NOT_FOUND_BUTTONS),
                                 json_message={"route": "not_found"})
        return [UserUtteranceReverted(), *(common.context_slot(answer) if answer is not None else [])]


class ActionAnswerOutOfScope(Action):
    """The NLU calls the question out of scope: decline, unless the list clearly covers it
    (the knowledge layer decides; e.g. "失业证在哪办理" is in the list under another name)."""

    def name(self) -> str:
        return "action_answer_out_of_scope"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        question = common.latest_text(tracker)
        hit = common.curated_answer(question, "out_of_scope", common.latest_query_vector(tracker))
        if hit is not None:
            common.utter_answer(dispatcher, hit.answer, question=question, curated=hit.payload)
            return list(common.context_slot(hit.answer))
        # the conversation's context too: "要是只考了58分呢" may be called out of scope on its own
        # and the NLU's confidence: a call it is unsure of answers on a strong passage
        answer = (common.ask_knowledge(question, "out_of_scope", common.entities_of(tracker), common.kb_context(tracker),
                                       common.latest_confidence(tracker), common.latest_query_vector(tracker))
                  if question else None)
        if answer is not None and answer.found:
            common.utter_answer(dispatcher, answer, question=question)
            return list(common.context_slot(answer))
        dispatcher.utter_message(text=messages.out_of_scope(), json_message={"route": "not_found"})
        # (the context notes the miss: a "那…" after it leans on the refused matter)
        return list(common.context_slot(answer)) if answer is not None else []
