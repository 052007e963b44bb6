"""Answer composition, one composer per kind of answer (see :mod:`knowledge.answers`)."""
