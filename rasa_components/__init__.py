"""What runs inside Rasa's interpreter (Python 3.10, .venv-rasa), not in the app's.

* the custom NLU components config.yml names by module path (``normalizing_tokenizer``,
  ``e5_featurizer``, ``classifiers``, ``nlu_data``);
* ``tracker_store`` — the SQL tracker store with the conversations in use kept in memory,
  which ``python -m bot.run`` names in the endpoints file it gives Rasa;
* ``patches`` — fixes to Rasa's dependencies (jsonschema, SQLite), applied explicitly by
  ``__main__``;
* ``__main__`` — the project's Rasa entry point, ``python -m rasa_components <rasa args>``,
  which bot.run and the scripts under scripts/ run instead of the bare ``rasa`` command.

Rasa puts the working directory on ``sys.path``, so run it from the project root (scripts/ and
bot.run do).
"""
