"""Rasa custom actions (rasa_sdk, Python 3.11): thin adapters between Rasa and knowledge/.

Served by the app (bot/actions_server.py registers this whole package), so every module here
must be cheap and side-effect free to import. Modules by feature:

* :mod:`actions.answering`  – ``action_answer_*``: one question → ``knowledge.answer`` → reply
* :mod:`actions.fallback`   – ``action_default_fallback``: retrieval-only answer or "not found"
* :mod:`actions.handoff`    – ``action_handoff``: handoff ticket + the bureau's phone
* :mod:`actions.greeting`   – ``action_greet``, ``action_help``: texts that name the bureau
* :mod:`actions.complaint`  – ``validate_complaint_form`` and ``action_submit_complaint``
* :mod:`actions.common`     – knowledge/store access, entities, the sources payload
* :mod:`actions.report`     – the executor the action server runs them with: each call's reply
  ends with a report for the gateway (:mod:`appdata.turns`)
* :mod:`actions.export_lookups` – build tool, not an action (office lookup table for NLU)
"""
