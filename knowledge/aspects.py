"""What a question asks about: a time limit, a frequency, who, the legal basis, appeal rights …

An aspect pairs the way questions ask for something with the way the list's sentences state
it (``resources/aspects.tsv``). Retrieval prefers passages that contain an answering sentence
for the question's aspects, and answers quote those sentences first. This is the "kind of
question" below the NLU intent: "处罚决定不服怎么办" and "罚多少" are both penalty questions,
but only the first is answered by the sentence on 行政复议.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .normalize import RESOURCES

ASPECTS = RESOURCES / "aspects.tsv"
_SENTENCE_END = re.compile(r"(?<=[。；;！？!?])")


@dataclass(frozen=True)
class Aspect:
    name: str
    question: re.Pattern[str]
    answer: re.Pattern[str]

    def answered_in(self, text: str) -> bool:
        return bool(self.answer.search(text))


class AspectError(ValueError):
    """A malformed line in the aspects file; ``line`` is 1-based."""

    def __init__(self, path: Path, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")
        self.line = line


def pattern_rows(path: Path, fields: tuple[str, ...], error: type[AspectError]) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) of a tab-separated resource file of patterns; comments and blank
    lines skipped, a line with another number of fields refused with ``error`` naming it."""
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        parts = [part.strip() for part in raw.split("\t")]
        if len(parts) != len(fields):
            raise error(path, n, f"expected {', '.join(fields)}; got {len(parts)} fields")
        yield n, parts


def compile_at(path: Path, line: int, pattern: str, error: type[AspectError]) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as e:
        raise error(path, line, f"bad pattern: {e}") from e


def load_aspects(path: Path = ASPECTS) -> tuple[Aspect, ...]:
    return tuple(Aspect(name, compile_at(path, n, question, AspectError), compile_at(path, n, answer, AspectError))
                 for n, (name, question, answer) in pattern_rows(
                     path, ("name", "question pattern", "answer pattern"), AspectError))


@lru_cache(maxsize=1)
def default_aspects() -> tuple[Aspect, ...]:
    return load_aspects()


# "几" beside a numeral tells a rough number ("十几个人", "二十几天", "几十家", "好几个人"), as after
# a word that points ("这几个人", "前几天"); it asks nothing.
_ROUGH_NUMBER = re.compile(r"(?<=[一二两三四五六七八九十百千万\d好这那前])几|几(?=[十百千万])")


def told_numbers_read(question: str) -> str:
    """The question with a rough number's "几" read as "多" ("拖了我们十几个人三个月工资" asks no
    head count)."""
    return _ROUGH_NUMBER.sub("多", question)


def aspects_of(question: str, aspects: tuple[Aspect, ...] | None = None) -> tuple[Aspect, ...]:
    """The aspects a (cleaned) question asks about, in the file's order."""
    question = told_numbers_read(question)
    return tuple(a for a in (aspects or default_aspects()) if a.question.search(question))


# A sentence that asks (the rest of a long message tells the story: "结果等了三个礼拜" is no
# question about a result)
ASKING = re.compile(r"[？?]|吗|呢|怎么|咋|多少|哪|谁|什么|啥|几|是否|能否|能不能|可不可以|有没有|会不会")
_STORY_SENTENCES = 3


def asks(text: str) -> bool:
    """Whether a sentence has a word that asks (a rough number's "几" is none: "十几个人")."""
    return bool(ASKING.search(told_numbers_read(text)))


# What opens the question in a long run without stops, and how much must follow it.
_ASK_OPENER = re.compile(r"(?:我?就?想|请|我要)问(?:一下|一句|问|下)?|想知道|想了解(?:一下)?|请教(?:一下)?")
_ASKED_CHARS = 4


def asking_part(question: str) -> str:
    """Of a (cleaned) message that tells a story before its question, the sentences that ask:
    those ending in a question mark ("…结果到了厂里根本没这回事，…也不知道该咋弄。想问一下，
    中介提供假招工信息会怎么罚？"), else, in a story of three sentences or more, those with a
    word that asks; else the whole message."""
    told = sentences(question)
    if len(told) == 1 and len(question) >= _LONG_SENTENCE:
        # one long run without stops ("…我们老板就有点不乐意了说你们凭啥录音录像啊我就想问一句他们
        # 到底有没有权力录音录像"): what follows the last "I want to ask" asks
        opened = list(_ASK_OPENER.finditer(question))
        if opened and len(question) - opened[-1].end() >= _ASKED_CHARS:
            return question[opened[-1].end():]
    if len(told) >= 2:
        marked = [s for s in told if s[-1:] in "？?"]
        if marked and len(marked) < len(told):
            return "".join(marked)
    if len(told) >= _STORY_SENTENCES:
        asking = [s for s in told if asks(s)]
        if asking:
            return "".join(asking)
    return question


# A message this long that is one sentence chained by commas tells its story and asks in the
# same sentence.
_LONG_SENTENCE = 60
_CLAUSE_END = re.compile(r"(?<=[，,、])")


def asking_clauses(question: str) -> str:
    """Of a long (cleaned) message, the part that asks (:func:`asking_part`), and of a long
    sentence chained by commas the clauses with a word that asks ("…以前一直是乡卫生院管着，
    …俺们村医这块的事在人社局到底是哪个科室在管，我好过去当面问问"); the message itself
    when nothing narrower asks."""
    part = asking_part(question)
    if len(part) < _LONG_SENTENCE:
        return part
    clauses = [c for c in (x.strip() for x in _CLAUSE_END.split(part)) if c]
    asking = [c for c in clauses if asks(c)]
    return "".join(asking) if asking and len(asking) < len(clauses) else part


def told_clauses(question: str) -> str:
    """Of a (cleaned) message that tells a story and asks of it ("俺侄子才十五，让中介介绍到外地厂子
    里干活去了，中介这么干合法不？归谁管？"), the clauses that ask nothing: the story; the message
    when every clause asks."""
    clauses = [c for c in (x.strip() for x in re.split(r"(?<=[，,。？?！!；;])", question)) if c]
    told = [c for c in clauses if not asks(c)]
    return "".join(told).rstrip("，,") if told else question


def asking_clause(question: str) -> str:
    """Of a (cleaned) message whose clauses tell a story before its question ("公司把我辞退了，…，
    是人社局哪个科管仲裁的？"), its last clause with a word that asks; the message when it has
    one clause or none asks."""
    clauses = [c for c in (x.strip() for x in _CLAUSE_END.split(question)) if c]
    asking = [c for c in clauses if asks(c)]
    return asking[-1] if len(clauses) > 1 and asking else question


# Aspects that are situations a story tells ("老板已经把工资补上了，问题也不大，这案子咋了结"), not
# things a sentence asks: found anywhere in the message.
SITUATIONS = frozenset({"refuse", "enforce", "corrected", "not_corrected"})
# What a question asks that a clause states as a number (its time limit, frequency, share, head
# count, score): a clause that states none of it does not answer it.
COUNTED_ASPECTS = frozenset({"time_limit", "frequency", "ratio", "headcount", "score"})
# ... and what a clause states or plainly does not: those, and what is done to the wrongdoer
# (追回, 罚款, 吊销 …).
STATED_OR_NOT = COUNTED_ASPECTS | {"sanction"}


def asked_aspects(question: str, aspects: tuple[Aspect, ...] | None = None) -> tuple[Aspect, ...]:
    """The aspects a (cleaned) message asks about (those of its asking part), with the situations
    its story tells."""
    asked = aspects_of(asking_part(question), aspects)
    told = tuple(a for a in aspects_of(question, aspects) if a.name in SITUATIONS and a not in asked)
    return asked + told


def without_asking(question: str, aspects: tuple[Aspect, ...] | None = None) -> str:
    """The question without the words that ask its aspects ("那是市政府第几号令？" → "那是市政府？"):
    what it names, not what it asks of it."""
    for aspect in aspects_of(question, aspects):
        question = aspect.question.sub(" ", question)
    return question


def sentences(text: str) -> list[str]:
    return [s for s in (p.strip() for p in _SENTENCE_END.split(text)) if s]


def answering_sentences(text: str, aspects: tuple[Aspect, ...]) -> list[str]:
    """The sentences of ``text`` that answer one of ``aspects``, in order."""
    return [s for s in sentences(text) if any(a.answered_in(s) for a in aspects)]
