"""Messages never sent before: the held-out questions wrapped in varied polite words.

The bench's mix (bench/questions.py) repeats every question, so under load nearly every message
finds both embeddings (Rasa's NLU and retrieval) cached. A citizen's question is new; the
"new messages" rows send only messages that no system of the run has seen: each of the 110
held-out questions (bench/cases/heldout.jsonl, with their follow-up turns) inside one of
20 x 20 greetings and closings, so no text repeats, neither as sent nor after the project's
normalisation (``knowledge.normalize.normalize_query``, which retrieval embeds, and
``rasa_components.nlu_data.example_key``, which the NLU data checks use).

Each system of a run (ours and every bare-Rasa baseline) gets the same sequence from its start:
:class:`FreshPool` hands out the conversations in order, thread-safe, each once, so the one-client
row and the 1/4/8-client rows of one system never share a message. The sequence is deterministic
(no randomness), so two runs send the same messages.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterator
from pathlib import Path

HELDOUT = Path(__file__).resolve().parent / "cases" / "heldout.jsonl"

# Openings and closings a citizen writes around a question (none of them is a question itself).
GREETINGS = (
    "", "您好，", "你好，", "请问，", "麻烦问一下，", "打扰一下，", "同志您好，", "领导好，", "不好意思，",
    "想咨询一下，", "劳驾问下，", "老师您好，", "工作人员你好，", "冒昧问一句，", "请教一下，", "问个事儿，",
    "您好，打扰了，", "早上好，", "下午好，", "晚上好，",
)
CLOSINGS = (
    "", "谢谢", "谢谢您", "多谢", "麻烦了", "辛苦了", "感谢", "谢谢啦", "先谢过了", "麻烦您了",
    "盼回复", "着急，谢谢", "在线等", "谢谢了", "劳驾", "请回复", "拜托了", "非常感谢", "万分感谢", "感激不尽",
)

Conversation = tuple[str, list[str]]


def heldout_conversations(path: Path = HELDOUT) -> list[Conversation]:
    """(category, turns) of every held-out question, in file order."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            out.append((str(row.get("cat") or "heldout"), [str(t) for t in row["turns"]]))
    return out


def _wrap(text: str, greeting: str, closing: str) -> str:
    if not closing:
        return greeting + text
    end = "" if text.endswith(("？", "?", "。", "！", "!")) else "？"
    return f"{greeting}{text}{end}{closing}"


def _keys(text: str) -> tuple[str, ...]:
    """The forms a message is compared in: as sent, and after each normalisation of the project."""
    from knowledge.normalize import normalize_query
    from rasa_components.nlu_data import example_key

    return (text, normalize_query(text), example_key(text))


def fresh_conversations(path: Path = HELDOUT) -> Iterator[Conversation]:
    """Every held-out conversation in every wrapping, wrapping-major (the questions of one
    wrapping follow each other), skipping any whose turn would repeat a text or a normalised
    text already produced. 110 conversations x 400 wrappings (about 44,000)."""
    base = heldout_conversations(path)
    seen: set[str] = set()
    n_greet, n_close = len(GREETINGS), len(CLOSINGS)
    for w in range(n_greet * n_close):
        # walk the wrappings diagonally, so that neighbouring rows differ in both parts
        greeting, closing = GREETINGS[w % n_greet], CLOSINGS[(w // n_greet + w) % n_close]
        for kind, turns in base:
            texts = [_wrap(t, greeting, closing) for t in turns]
            keys = [k for t in texts for k in _keys(t)]
            if any(k in seen for k in keys) or len(set(texts)) < len(texts):
                continue
            seen.update(keys)
            yield kind, texts


def fresh_list(n: int, path: Path = HELDOUT) -> list[Conversation]:
    """The first ``n`` of :func:`fresh_conversations` (made before a run: the normalisation
    would otherwise compete with the systems for the CPU during the rows)."""
    return list(itertools.islice(fresh_conversations(path), n))


class FreshPool:
    """Hands out ``conversations`` in order, each once (thread-safe). ``None`` once exhausted,
    which ends a load row early (``exhausted`` says so)."""

    def __init__(self, conversations: list[Conversation]) -> None:
        self._conversations = conversations
        self._lock = threading.Lock()
        self.taken = 0
        self.exhausted = False

    def take(self) -> Conversation | None:
        with self._lock:
            if self.taken >= len(self._conversations):
                self.exhausted = True
                return None
            self.taken += 1
            return self._conversations[self.taken - 1]

    def take_many(self, n: int) -> list[Conversation]:
        out = []
        for _ in range(n):
            conv = self.take()
            if conv is None:
                break
            out.append(conv)
        return out
