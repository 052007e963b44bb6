"""Curated answers (X-Admin-Token): write, correct (a new version each time), retire, list, and
try a question against them.

An answer must cite at least one passage of the list (ids as ``/api/search`` gives them): a
curated answer is still grounded in the list. Served ahead of retrieval by the answering
actions (``actions/curated.py``) when a question is close enough in meaning
(``JIZE_CURATED_THRESHOLD``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, status
from pydantic import BaseModel, Field

from appdata.privacy import Masker
from appdata.store import AppStore, CuratedAnswer
from bot.api.deps import AdminDep, KnowledgeDep, MaskerDep, SettingsDep, StoreDep
from bot.api.routes.knowledge import clean_query
from bot.text import clean_text

router = APIRouter(prefix="/api/admin/answers", tags=["admin"], dependencies=[AdminDep])

MAX_SOURCES = 20
MAX_PHRASINGS = 50
MAX_ANSWER_CHARS = 4000


class CuratedBody(BaseModel):
    question: str = Field(description="the question as citizens ask it")
    answer: str = Field(description="the answer to give")
    sources: list[str] = Field(default_factory=list, description="passage ids from /api/search (at least one)")
    phrasings: list[str] = Field(default_factory=list, description="other ways of asking the same")
    author: str = Field("admin", max_length=64, description="who wrote this version")


class CuratedDraft:
    """A body checked against the list: cleaned texts, masked as the logs are (personal numbers;
    the bureau's published ones stay), every source an existing passage."""

    def __init__(self, body: CuratedBody, kb: Any, max_chars: int, masker: Masker) -> None:
        self.question = masker.mask(clean_text(body.question))
        lines = (masker.mask(clean_text(x)) for x in body.answer.splitlines())
        self.answer = "\n".join(line for line in lines if line)
        self.phrasings = list(dict.fromkeys(p for p in (masker.mask(clean_text(x)) for x in body.phrasings) if p))
        self.sources = list(dict.fromkeys(s.strip() for s in body.sources if s.strip()))
        self.author = clean_text(body.author) or "admin"
        if not self.question or not self.answer:
            raise _unprocessable("问题和答案都不能为空。/ The question and the answer must not be empty.")
        if len(self.question) > max_chars or any(len(p) > max_chars for p in self.phrasings):
            raise _unprocessable(f"问题和说法不超过 {max_chars} 个字。/ Questions and phrasings are at most "
                                 f"{max_chars} characters.")
        if len(self.answer) > MAX_ANSWER_CHARS:
            raise _unprocessable(f"答案不超过 {MAX_ANSWER_CHARS} 个字。/ The answer is at most {MAX_ANSWER_CHARS} "
                                 "characters.")
        if len(self.phrasings) > MAX_PHRASINGS:
            raise _unprocessable(f"其他说法最多 {MAX_PHRASINGS} 条。/ At most {MAX_PHRASINGS} phrasings.")
        if not self.sources or len(self.sources) > MAX_SOURCES:
            raise _unprocessable(
                f"答案须引用清单中的 1–{MAX_SOURCES} 条内容（/api/search 给出的编号）。/ A curated answer must cite "
                f"1–{MAX_SOURCES} passages of the list (ids from /api/search).")
        unknown = [s for s in self.sources if not kb.has_passage(s)]
        if unknown:
            raise _unprocessable(f"清单中没有这些内容编号：{', '.join(unknown[:5])}。/ No passage of the list has "
                                 f"the id(s): {', '.join(unknown[:5])}.")

    def fields(self) -> dict[str, Any]:
        return {"question": self.question, "answer": self.answer, "sources": self.sources,
                "phrasings": self.phrasings, "author": self.author}


def _unprocessable(detail: str) -> HTTPException:
    return HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail)


def _not_found(answer_id: int) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND,
                         f"没有编号为 {answer_id} 的在用答案。/ No curated answer {answer_id} in use.")


def _described(store: AppStore, item: CuratedAnswer, kb: Any | None = None) -> dict[str, Any]:
    out = item.to_dict()
    out["versions"] = len(store.curated_history(item.id))
    if kb is not None:
        out["missing_sources"] = [s for s in item.sources if not kb.has_passage(s)]
    return out


AnswerId = Annotated[int, Path(ge=1, le=2**31)]


@router.get("")
def list_answers(
    store: StoreDep,
    kb: KnowledgeDep,
    include_retired: Annotated[bool, Query(alias="all")] = False,
) -> dict[str, Any]:
    """The curated answers (current versions); ``all=true`` includes retired ones."""
    return {"answers": [_described(store, a, kb) for a in store.curated(active_only=not include_retired)],
            "threshold": kb.settings.curated_threshold}


@router.post("", status_code=status.HTTP_201_CREATED)
def create_answer(body: CuratedBody, store: StoreDep, kb: KnowledgeDep, settings: SettingsDep,
                  masker: MaskerDep) -> dict[str, Any]:
    draft = CuratedDraft(body, kb, settings.message_max_chars, masker)
    item = store.add_curated(**draft.fields())
    return {"id": item.id, "version": item.version, "answer": _described(store, item, kb)}


@router.get("/test")
def test_question(kb: KnowledgeDep, store: StoreDep, settings: SettingsDep,
                  q: Annotated[str | None, Query()] = None) -> dict[str, Any]:
    """Which curated answer, or else which passages, would answer ``q``, and why (the scores)."""
    question = clean_query(q, settings.message_max_chars)
    entries = store.curated()
    match = kb.match_curated(question, entries)
    curated = None
    if match is not None:
        curated = {**match.to_dict(), "question": match.entry.question, "answer": match.entry.answer}
    if match is not None and match.passes:
        answer = kb.curated_answer(question, match.entry, match)
    else:
        answer = None
    route = "curated" if answer is not None else None
    if answer is None:
        answer = kb.answer(question)
        route = "knowledge" if answer.found else "not_found"
    return {
        "question": question,
        "route": route,
        "threshold": kb.settings.curated_threshold,
        "curated": curated,
        "answer": {"text": answer.text, "sources": list(answer.sources), "found": bool(answer.found)},
        "passages": [h.to_dict() for h in kb.search(question, k=5)],
    }


@router.get("/{answer_id}")
def get_answer(answer_id: AnswerId, store: StoreDep, kb: KnowledgeDep) -> dict[str, Any]:
    """The current version and every earlier one (with author and time)."""
    item = store.get_curated(answer_id)
    if item is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND,
                            f"没有编号为 {answer_id} 的答案。/ No curated answer {answer_id}.")
    return {"answer": _described(store, item, kb),
            "history": [v.to_dict() for v in store.curated_history(answer_id)]}


@router.put("/{answer_id}")
def update_answer(answer_id: AnswerId, body: CuratedBody, store: StoreDep, kb: KnowledgeDep,
                  settings: SettingsDep, masker: MaskerDep) -> dict[str, Any]:
    draft = CuratedDraft(body, kb, settings.message_max_chars, masker)
    item = store.update_curated(answer_id, **draft.fields())
    if item is None:
        raise _not_found(answer_id)
    return {"id": item.id, "version": item.version, "answer": _described(store, item, kb)}


@router.delete("/{answer_id}")
def retire_answer(answer_id: AnswerId, store: StoreDep,
                  author: Annotated[str, Query(max_length=64)] = "admin") -> dict[str, Any]:
    """Retire: no longer served; kept with its versions."""
    current = store.get_curated(answer_id)
    if current is None or current.status != "active":
        raise _not_found(answer_id)
    item = store.retire_curated(answer_id, author=clean_text(author) or "admin")
    return {"id": answer_id, "version": item.version if item else current.version, "status": "retired"}
