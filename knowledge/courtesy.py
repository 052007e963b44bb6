"""Words that ask nothing: thanks, apologies, a request for a reply (resources/courtesy.txt).

Apart from :mod:`knowledge.normalize` on purpose: Rasa's tokenizer uses that module, and a
change to it retrains the NLU model (scripts/rasa_train.sh hashes it); this is read by the
answer composer only.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .normalize import RESOURCES, clean

COURTESY = RESOURCES / "courtesy.txt"


@lru_cache(maxsize=1)
def _courtesy() -> re.Pattern:
    words = {w for line in (COURTESY.read_text(encoding="utf-8").splitlines() if COURTESY.exists() else [])
             for w in line.split("#", 1)[0].split()}
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) or "(?!)"
    return re.compile(rf"(?:(?:{alternatives})[了啦呀啊哈嘛哦喔~～\s，,。.！!、…]*)+")


def only_courtesy(text: str) -> bool:
    """True for text made of thanks, apologies or a request for a reply only ("多谢", "麻烦您了",
    "着急，在线等"): words that ask nothing."""
    text = clean(text).strip()
    return bool(text) and _courtesy().fullmatch(text) is not None


# A courtesy said before the next question ("知道了谢谢。再问下，…", "行，谢谢啊。另外…"): whole
# clauses of courtesy words, then a filler that only announces the question.
_ASKING_AGAIN = re.compile(r"^(?:再问(?:一)?下|再问问|还想问(?:一下|问)?|顺便问(?:一)?下)[，,：:\s]*")


def after_courtesy(text: str) -> str:
    """``text`` without the courtesy it opens with, when a question follows it ("好嘞谢谢。那对我们
    乡里用工多的企业…" → "那对我们乡里用工多的企业…"); ``text`` itself otherwise."""
    m = _courtesy().match(text)
    rest = text[m.end():] if m and m.end() and text[m.end() - 1] in "，,。.！!～~ " else text
    rest = _ASKING_AGAIN.sub("", rest)
    return rest if clean(rest).strip() else text

# A question announced as another matter ("另外问下，…", "还有个事，…", "换个问题，…"): not a
# follow-up on the passage the conversation is at.
_ANOTHER_MATTER = re.compile(r"^(?:另外|还有(?:一)?件事|还有个事|换个(?:话题|问题|事)|再问个别的|问个别的)")


def announces_another_matter(text: str) -> bool:
    """Whether the message opens by announcing a question on another matter."""
    return _ANOTHER_MATTER.match(clean(text).strip()) is not None


# A correction that denies what was said before naming what is meant ("哦不对，不是中介，是厂子自己
# 招的"): the denied thing is no word of the question
_DENIED = re.compile(r"(?:(?:哦|噢|啊)?(?:不对|说错了|说岔了|搞错了)[，,。！!\s]*)?不是([^，,。？?！!\s]{1,8})[，,]?\s*(?:而)?是(?=[\u4e00-\u9fff])")


def without_denied(text: str) -> str:
    """``text`` without the thing a correction denies before the one it names ("不是中介，是厂子自己
    招工…" → "是厂子自己招工…"); ``text`` itself when it denies nothing."""
    return _DENIED.sub("是", text)
