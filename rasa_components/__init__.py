"""Custom Rasa NLU components (run by Rasa's Python 3.10 in .venv-rasa, not by the app).

config.yml names them by module path (``rasa_components.normalizing_tokenizer.…``); Rasa puts
the working directory on ``sys.path``, so run ``rasa train/run/test`` from the project root
(scripts/ and bot.run do).
"""
