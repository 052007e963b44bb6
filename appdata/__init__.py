"""What the gateway (``bot/``) and the custom actions (``actions/``) share, and nothing else.

* :mod:`appdata.settings` — where the app's records live (``JIZE_APP_DB_PATH``, default
  ``<JIZE_DATA_DIR>/app.db``) and the bureau's time zone;
* :mod:`appdata.store` — those records in SQLite: conversations, feedback, tickets
  (the actions create tickets, the gateway logs turns and serves the admin views);
* :mod:`appdata.privacy` — masking of personal numbers before anything is stored or logged;
* :mod:`appdata.turns` — the report of each action call that travels back to the gateway in
  Rasa's reply (action, intent, contact details to keep out of the log).

It imports neither ``bot`` nor ``actions`` (tests/unit/test_layers.py); ``knowledge`` only for
the data directory setting.
"""
