"""Rasa as this project runs it: ``.venv-rasa/bin/python -m rasa_components <rasa arguments>``.

The same command line as ``rasa`` (``run``, ``train``, ``test``, ``data validate``, ...), after
:func:`rasa_components.patches.apply` (``JIZE_RASA_NO_PATCHES`` switches them off). ``python -m
bot.run`` starts Rasa with it and scripts/rasa_train.sh, rasa_checks.sh and rasa_nlu_eval.sh
call it, so what CI validates and tests is the Rasa that serves. Run it from the project root:
config.yml and endpoints files name this package's modules (the NLU components, the tracker
store), and Rasa puts the working directory on ``sys.path``.
"""

from __future__ import annotations

import sys

from rasa_components import patches


def main(argv: list[str] | None = None) -> None:
    patches.apply()
    sys.argv = ["rasa", *(sys.argv[1:] if argv is None else argv)]
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
