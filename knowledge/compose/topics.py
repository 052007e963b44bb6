"""The topics of a conversation before its current one, and going back to one of them.

A caller asks about their mother's pension, then their father's retirement, then "回到俺娘那个事，
那个单位电话多少？": the phone is the pension office's, two answers back. Each answer's context
keeps the topics before it (latest first, a few), so a message that goes back to one is read
with that topic's context.
"""

from __future__ import annotations

import re

from ..normalize import STOPWORDS, clean
from ..retrieval import HybridRetriever

# A message that goes back to a topic before the current one ("回到俺娘那个事", "回到头一个问的那个证"),
# and one that goes back to the first.
# ("刚才第一个那个部门电话多少？": the first topic, pointed at)
RETURN = re.compile(r"回到|说回|再回|返回到?|(头一个|第一个|一开始|最开始|最早)(问|说|提)的|(头一个|第一个|最开始|一开始)(那个|那)")
# "前面那个要是案子复杂…": an earlier one, or the one just answered; the words said decide
EARLIER_ONE = re.compile(r"(前面|前头|之前|先前|上一个|上个)(那个|问的|说的|那)")
FIRST_TOPIC = re.compile(r"头一个|第一个|一开始|最开始|最早")
# How many topics before the current one a conversation keeps.
MAX_EARLIER = 3
# What a topic keeps for going back to it.
TOPIC_KEYS = ("intent", "office", "ids", "cited", "system", "question", "topic", "score", "complaint_office")


class TopicHistory:
    def __init__(self, retriever: HybridRetriever):
        self.retriever = retriever

    def _said(self, text: str) -> set[str]:
        """The words of ``text`` as said (HybridRetriever.said)."""
        return set(self.retriever.query_tokens(self.retriever.said(text)))

    @staticmethod
    def earlier(before: dict, now: dict) -> list[dict]:
        """The topics before the conversation's current one, latest first: the context before this
        answer joins them when this answer opened a topic of its own."""
        earlier = list(before.get("earlier") or [])
        # (a follow-up that moved to another passage keeps its topic, but what it left is a topic
        # to go back to: "城乡居民养老保险归哪个中心管？" → "那职称申报呢？" → "第一个那个部门电话多少？")
        moved = (before.get("ids") or [None])[:1] != (now.get("ids") or [None])[:1]
        if before.get("topic") and (before.get("topic") != now.get("topic") or moved):
            earlier.insert(0, {k: before[k] for k in TOPIC_KEYS if k in before})
        return earlier[:MAX_EARLIER]

    def returned_to(self, question: str, context: dict) -> dict | None:
        """The context of the topic a message goes back to: the earliest for "头一个问的", else the
        one whose question and passages hold most of the message's words ("回到刚才那个处理决定书"),
        the one before the current topic on a tie. It keeps the topics before it. None when the
        message goes back to none (or the conversation has had one topic)."""
        text = clean(question)
        weak = RETURN.search(text) is None
        if not context.get("earlier") or (weak and not EARLIER_ONE.search(text)):
            return None
        candidates = [context, *context["earlier"]]
        if FIRST_TOPIC.search(text):
            chosen = candidates[-1]
        else:
            retriever = self.retriever
            # (every word the message says counts: "俺娘" names the topic though the list lacks it;
            # the words said, not the list's terms the synonym table adds: "那个单位" is no 用人单位)
            words = {t for t in self._said(EARLIER_ONE.sub(" ", RETURN.sub(" ", text))) if len(t) > 1 and t not in STOPWORDS}

            def overlap(ctx: dict) -> int:
                ids = [*(ctx.get("ids") or []), *(ctx.get("cited") or [])]
                return len(words & (retriever.words_of(ids) | self._said(ctx.get("topic", ""))))

            chosen = max(candidates[1:], key=overlap)
            if overlap(context) > overlap(chosen) or (weak and overlap(context) >= overlap(chosen)):
                # the current topic it is ("前面那个" may be the answer just given, unless the words
                # said are an earlier topic's)
                return None
        return {**chosen, "earlier": candidates[candidates.index(chosen) + 1:]}
