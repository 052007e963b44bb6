"""knowledge.curated.CuratedMatcher with the deterministic fake embedder."""

from __future__ import annotations

from dataclasses import dataclass, field

from knowledge.curated import CuratedMatcher
from knowledge.embedder import FakeEmbedder


@dataclass
class Entry:
    id: int
    version: int
    question: str
    phrasings: list[str] = field(default_factory=list)

    def texts(self) -> list[str]:
        return [self.question, *self.phrasings]


class CountingEmbedder(FakeEmbedder):
    def __init__(self) -> None:
        super().__init__(64)
        self.batches: list[list[str]] = []

    def embed_queries(self, texts):
        self.batches.append(list(texts))
        return super().embed_queries(texts)


def test_a_wording_of_the_answer_matches_and_passes():
    m = CuratedMatcher(CountingEmbedder(), threshold=0.96)
    entries = [Entry(1, 1, "社保卡丢了怎么补办", ["社保卡掉了"]), Entry(2, 3, "农保中心电话是多少")]
    hit = m.closest("社保卡掉了", entries)
    assert hit.entry.id == 1 and hit.text == "社保卡掉了" and hit.passes and hit.score > 0.999
    assert hit.to_dict()["version"] == 1 and hit.to_dict()["passes"] is True
    other = m.closest("工伤认定需要哪些材料", entries)
    assert other is not None and not other.passes and other.score < 0.96


def test_texts_are_embedded_again_only_when_a_version_changes():
    emb = CountingEmbedder()
    m = CuratedMatcher(emb, threshold=0.9)
    entries = [Entry(1, 1, "社保卡丢了怎么补办")]
    m.closest("问题一", entries)
    m.closest("问题二", entries)
    assert len(emb.batches) == 3  # the curated texts once, then one question each
    m.closest("问题三", [Entry(1, 2, "社保卡丢失如何补办")])
    assert len(emb.batches) == 5  # a new version: its texts again


def test_nothing_to_match():
    m = CuratedMatcher(FakeEmbedder(64), threshold=0.9)
    assert m.closest("社保卡", []) is None
    assert m.closest("  ", [Entry(1, 1, "社保卡")]) is None
