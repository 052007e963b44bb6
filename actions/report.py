"""The action server's executor: rasa_sdk's, plus a report of every action call for the gateway.

After an action has run, :class:`ReportingExecutor` adds one bot message whose custom payload is
an :class:`appdata.turns.TurnReport`: the action, the NLU intent of the latest user message,
the contact details of the complaint form seen in the call (slots and the events the action
returned) and whether the user message was the answer to the contact question. The actions
themselves stay as they are; every action the executor runs is reported, new ones included.
A call that fails (the action raised, or the server's time limit stopped it) reports nothing:
Rasa drops what it would have said.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import ActionExecutor, ActionExecutorRunResult, CollectingDispatcher

from appdata.turns import TurnReport

# Slots whose values identify a person (domain.yml): kept in the ticket, never in the app's logs.
SENSITIVE_SLOTS = ("complaint_contact",)


def _values(pairs: Any) -> list[str]:
    return [str(v).strip() for k, v in pairs if k in SENSITIVE_SLOTS and isinstance(v, str) and v.strip()]


def turn_report(action_call: dict[str, Any], events: list[dict[str, Any]] | None = None) -> TurnReport:
    """What the gateway needs to know about one action call (``action_call`` as Rasa sends it)."""
    tracker = action_call.get("tracker") if isinstance(action_call.get("tracker"), dict) else {}
    slots = tracker.get("slots") if isinstance(tracker.get("slots"), dict) else {}
    latest = tracker.get("latest_message") if isinstance(tracker.get("latest_message"), dict) else {}
    intent = latest.get("intent") if isinstance(latest.get("intent"), dict) else {}
    set_slots = [(e.get("name"), e.get("value")) for e in events or [] if isinstance(e, dict) and e.get("event") == "slot"]
    return TurnReport(
        action=str(action_call.get("next_action")),
        intent=intent.get("name") if isinstance(intent.get("name"), str) else None,
        confidence=float(intent["confidence"]) if isinstance(intent.get("confidence"), int | float) else None,
        secrets=tuple(dict.fromkeys(_values(slots.items()) + _values(set_slots))),
        message_is_secret=slots.get("requested_slot") in SENSITIVE_SLOTS,
    )


class ReportingExecutor(ActionExecutor):
    """rasa_sdk's ``ActionExecutor`` whose results end with the call's :class:`TurnReport`."""

    async def run(self, action_call: dict[str, Any], *args: Any, **kwargs: Any) -> ActionExecutorRunResult | None:
        result = await super().run(action_call, *args, **kwargs)
        if result is not None:
            dispatcher = CollectingDispatcher()
            dispatcher.utter_message(json_message=turn_report(action_call, result.events).payload())
            result.responses.extend(dispatcher.messages)
        return result


def build_executor(package: str = "actions") -> ReportingExecutor:
    """The executor with every action of ``package`` registered."""
    executor = ReportingExecutor()
    executor.register_package(package)
    return executor
