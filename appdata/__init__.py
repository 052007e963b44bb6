"""What the gateway (``bot/``) and the custom actions (``actions/``) share, and nothing else.

* :mod:`appdata.settings` — where the app's records live (``JIZE_APP_DB_PATH``, default
  ``<JIZE_DATA_DIR>/app.db``) and the bureau's time zone;
* :mod:`appdata.store` — those records in SQLite: conversations, feedback, tickets
  (the actions create tickets, the gateway logs turns and serves the admin views);
* :mod:`appdata.privacy` — masking of personal numbers before anything is stored or logged.

It imports neither ``bot`` nor ``actions`` (tests/unit/test_layers.py); ``knowledge`` only for
the data directory setting.
"""
