"""Benchmarks of the assistant (``python -m bench``; retrieval quality alone: ``python bench/retrieval.py``)."""
