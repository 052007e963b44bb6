"""A conversation with the knowledge layer, as the action server holds one: each answer's context
is the next turn's."""

from __future__ import annotations


def talk(kb, *turns: tuple[str, str | None, float | None]):
    """The answer to the last of ``turns`` (message, NLU intent, its confidence)."""
    context: dict = {}
    answer = None
    for message, intent, confidence in turns:
        answer = kb.answer(message, intent=intent, confidence=confidence, context=context)
        context = answer.context
    return answer
