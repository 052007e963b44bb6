"""Query and passage normalisation: the same function on both sides of the search.

Libraries do the character work (unicodedata NFKC for full-width forms, OpenCC for
traditional → simplified, jieba for words); the domain's vocabulary lives in data files under
``resources/`` (synonyms, typos, the jieba user dictionary), never in code.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from .numerals import CN_NUMERAL_CHARS, cn_to_int

RESOURCES = Path(__file__).resolve().parent / "resources"
USER_DICT = RESOURCES / "jieba" / "userdict.txt"
SYNONYMS = RESOURCES / "synonyms.tsv"
TYPOS = RESOURCES / "typos.tsv"
QUESTION_WORDS = RESOURCES / "question_words.txt"
PARTIES = RESOURCES / "parties.tsv"
PEOPLE = RESOURCES / "people.txt"

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u2028-\u202f\ufeff]")
_SPACE = re.compile(r"\s+")
_HAS_CONTENT = re.compile(r"[0-9A-Za-z\u4e00-\u9fff]")
# Words that carry no meaning for retrieval (question words, politeness, particles).
STOPWORDS = frozenset(
    "的 了 吗 呢 吧 啊 呀 么 嘛 是 在 有 和 与 及 或 我 你 他 她 它 我们 你们 他们 请问 请 问 一下 "
    "什么 怎么 怎样 如何 哪个 哪些 哪里 哪儿 谁 多少 几 会 能 可以 要 想 该 去 找 这 那 这个 那个 "
    "就 都 也 还 又 被 把 给 对 让 吗 啥 咋 为什么 是不是 有没有 个 些 么 嗯 哦 喂 您好 你好 谢谢".split()
) | frozenset(
    word
    for line in (QUESTION_WORDS.read_text(encoding="utf-8").splitlines() if QUESTION_WORDS.exists() else [])
    for word in line.split("#", 1)[0].split()
)
# In a synonym phrase, "*" stands for up to twelve characters said in between, within one sentence ("不*交社保" also
# matches "不给我们交社保").
SYNONYM_GAP = "[^。！？!?]{0,12}?"


def load_pairs(path: Path) -> list[tuple[str, list[str]]]:
    pairs: list[tuple[str, list[str]]] = []
    if not path.exists():
        return pairs
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip() or "\t" not in line:
            continue
        phrase, targets = line.split("\t", 1)
        pairs.append((phrase.strip(), [t.strip() for t in targets.split(",") if t.strip()]))
    return pairs


@lru_cache(maxsize=1)
def _t2s():
    import opencc  # opencc-python-reimplemented

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _typos() -> tuple[tuple[str, str], ...]:
    return tuple((a, b[0]) for a, b in load_pairs(TYPOS) if b)


# A synonym row for an age said below a limit: "岁<16" (十五岁, 才十四, 不到十六, 15周岁), or from
# one age up to a limit: "16≤岁<18" (十六岁半, 才十七).
# The age from which a person is no minor, and the list's words for minors.
ADULT_AGE = 18
_MINOR = re.compile(r"未成年|童工|十六周岁")
_AGE_ROW = re.compile(r"(?:(\d+)≤)?岁<(\d+)")
_AGE_FOLLOWS = r"(?![\d" + CN_NUMERAL_CHARS + r"元块天个号点分钟小时年月斤米钱倍次])"
_AGE = r"\d{1,2}|[一二两三四五六七八九十]{1,3}"
_BELOW = r"不到|还不到|没满|未满|不满"
_SAID_AGE = re.compile(
    rf"(?P<below>{_BELOW})?(?P<n>{_AGE})(?:周)?岁"
    rf"|(?:才|刚|只有|刚满)(?P<n2>{_AGE}){_AGE_FOLLOWS}"
    rf"|(?P<below2>{_BELOW})(?P<n3>{_AGE}){_AGE_FOLLOWS}"
)


# The age of someone a story names, told without 岁: "孩子十九了", "俺闺女今年都二十啦".
_KIN = "孩子|娃|小孩"


@lru_cache(maxsize=1)
def _age_of_person() -> re.Pattern[str]:
    people = "|".join(sorted((w for w in _people()[0] if re.fullmatch(r"[\u4e00-\u9fff]+", w)), key=len, reverse=True))
    return re.compile(rf"(?:{_KIN}|{people})(?:今年|都|已经|刚)*(?P<n>{_AGE})(?:了|啦)")


def said_ages(text: str) -> list[int]:
    """The ages a question states, as the oldest the person can be ("不到十六" → 15)."""
    ages = []
    for m in _SAID_AGE.finditer(text):
        number = m.group("n") or m.group("n2") or m.group("n3")
        try:
            age = cn_to_int(number)
        except ValueError:
            continue
        ages.append(age - 1 if m.group("below") or m.group("below2") else age)
    for m in _age_of_person().finditer(text):
        try:
            ages.append(cn_to_int(m.group("n")))
        except ValueError:
            continue
    return ages


@lru_cache(maxsize=1)
def _age_rows() -> tuple[tuple[int, int, tuple[str, ...]], ...]:
    return tuple((int(m.group(1) or 0), int(m.group(2)), tuple(b))
                 for a, b in load_pairs(SYNONYMS) if (m := _AGE_ROW.fullmatch(a)))


@lru_cache(maxsize=1)
def _synonyms() -> tuple[tuple[re.Pattern[str], tuple[str, ...]], ...]:
    return tuple(
        (re.compile(SYNONYM_GAP.join(re.escape(part) for part in a.split("*"))), tuple(b)) for a, b in _synonym_rows()
    )


@lru_cache(maxsize=1)
def parties() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Everyday names of supervised parties → words of their system's title (parties.tsv)."""
    return tuple((phrase, tuple(names)) for phrase, names in load_pairs(PARTIES))


@lru_cache(maxsize=1)
def _people() -> tuple[frozenset[str], str]:
    words: set[str] = set()
    surnames = ""
    for raw in PEOPLE.read_text(encoding="utf-8").splitlines() if PEOPLE.exists() else []:
        line = raw.split("#", 1)[0].strip()
        if line.startswith("@surnames"):
            surnames += line.removeprefix("@surnames").strip()
        else:
            words.update(line.split())
    return frozenset(words), surnames


def names_a_person(word: str) -> bool:
    """Whether ``word`` names a person (people.txt): "老爷子", "邻居", "老李"."""
    words, surnames = _people()
    return word in words or (len(word) == 2 and word[0] in "老小" and word[1] in surnames)


@lru_cache(maxsize=1)
def synonym_targets() -> frozenset[str]:
    """The list's terms the synonym table maps everyday phrases to ("拖欠工资")."""
    return frozenset(t for _, targets in load_pairs(SYNONYMS) for t in targets)


def phrase_parts_said(text: str) -> frozenset[str]:
    """The parts of the synonym table's phrases that ``text`` says whole ("小买卖" of "想在县里干点小
    买卖" by 想*小买卖): words the table reads as the list's, though alone they are not."""
    parts: set[str] = set()
    for (phrase, _), (raw, _) in zip(_synonyms(), _synonym_rows(), strict=True):
        if "*" in raw and phrase.search(text):
            parts.update(part for part in raw.split("*") if part)
    return frozenset(parts)


@lru_cache(maxsize=1)
def _synonym_rows() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The synonym table's rows, longest phrases first (so "不签劳动合同" wins over "合同")."""
    return tuple(sorted((p for p in load_pairs(SYNONYMS) if not _AGE_ROW.fullmatch(p[0])), key=lambda p: -len(p[0])))


def everyday_phrases() -> tuple[str, ...]:
    """The everyday phrases the synonym table maps to the list's words ("加班费", "欠薪"), without
    the ones that stand for words said in between."""
    return tuple(phrase for phrase, _ in load_pairs(SYNONYMS) if "*" not in phrase and not _AGE_ROW.fullmatch(phrase))


def clean(text: str) -> str:
    """Characters only: control characters out, full-width → half-width, traditional → simplified."""
    text = _CONTROL.sub("", text or "")
    text = unicodedata.normalize("NFKC", text)
    text = _t2s().convert(text)
    return _unspaced(_SPACE.sub(" ", text).strip())


_CJK_TOKEN = re.compile(r"[\u4e00-\u9fff]+")
_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])")


def _unspaced(text: str) -> str:
    """A message typed one character at a time ("稽 核 立 案 要 填 啥 单 子"): its characters
    together again; spaces between words are kept ("欠薪 找谁")."""
    tokens = _CJK_TOKEN.findall(text)
    singles = sum(1 for t in tokens if len(t) == 1)
    if singles >= 4 and singles >= 0.7 * len(tokens):
        return _CJK_GAP.sub("", text)
    return text


@lru_cache(maxsize=1)
def _latin_words() -> tuple[re.Pattern[str] | None, dict[str, str]]:
    """The table's English words ("department" → 部门), matched whole and in any case."""
    words = {a.lower(): b for a, b in _typos() if a.isascii() and a.replace(" ", "").isalpha()}
    if not words:
        return None, {}
    names = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![A-Za-z])({names})(?![A-Za-z])", re.IGNORECASE), words


def fix_typos(text: str) -> str:
    for wrong, right in _typos():
        if not wrong.isascii():
            text = text.replace(wrong, right)
    pattern, words = _latin_words()
    if pattern is not None and pattern.search(text):
        text = pattern.sub(lambda m: words[m.group().lower()], text)
    return text


# "哪个单位", "什么部门": the place a question asks for, not a party it names (单位 is 用人单位 only
# when it is one: "单位不给交社保").
_ASKED_PLACE = re.compile(r"(哪个|哪家|哪一个|哪些|什么|啥)(单位|部门|机构|地方)")


def expand(text: str) -> str:
    """Append the list's own terms for the everyday phrases found in ``text``."""
    ages = said_ages(text)
    text = read_ages(text)
    extra: list[str] = []
    said = _ASKED_PLACE.sub("", text)
    # (a child said to be grown, "孩子十九了", is no minor of the list's)
    grown = bool(ages) and min(ages) >= ADULT_AGE
    for phrase, targets in _synonyms():
        if phrase.search(said):
            extra.extend(t for t in targets if t not in text and t not in extra and not (grown and _MINOR.search(t)))
    return text if not extra else text + " " + " ".join(extra)


def story_terms(message: str, asking: str) -> str:
    """The list's terms for the everyday phrases a message tells outside its asking part."""
    told, asked = expand(message), expand(asking)
    extra = told[len(message):].split() if told.startswith(message) else []
    return " ".join(t for t in extra if t not in asked)


def read_ages(text: str) -> str:
    """Append the list's terms for the ages a question states ("才十五" → 未满十六周岁)."""
    ages = said_ages(text)
    extra = [t for low, limit, targets in _age_rows() if any(low <= age < limit for age in ages) for t in targets
             if t not in text]
    return text if not extra else text + " " + " ".join(dict.fromkeys(extra))


def normalize_query(text: str, correct: Callable[[str], str] | None = None) -> str:
    """The text searched for a question: cleaned, its known misspellings fixed, ``correct``
    applied (words typed by sound, knowledge.homophones), the list's terms for its everyday
    phrases appended."""
    fixed = fix_typos(clean(text))
    return expand(correct(fixed) if correct else fixed)


def normalize_passage(text: str) -> str:
    return fix_typos(clean(text))


def has_content(text: str) -> bool:
    """False for empty, punctuation-only or emoji-only input."""
    return bool(_HAS_CONTENT.search(text or ""))


_jieba_lock = threading.Lock()
_jieba_ready: set[str] = set()


def tokenizer(extra_words: tuple[str, ...] = ()):
    """A jieba tokenizer with the user dictionary (and the given words) loaded once."""
    import jieba

    with _jieba_lock:
        if "base" not in _jieba_ready:
            jieba.setLogLevel(60)
            if USER_DICT.exists():
                jieba.load_userdict(str(USER_DICT))
            for _, targets in _synonyms():
                for t in targets:
                    jieba.add_word(t, freq=1000)
            _jieba_ready.add("base")
        for word in extra_words:
            if word not in _jieba_ready:
                jieba.add_word(word, freq=2000)
                _jieba_ready.add(word)
    return jieba


def tokens(text: str, extra_words: tuple[str, ...] = ()) -> list[str]:
    """Content words for keyword search: jieba words minus stopwords and punctuation.

    Search-engine mode also yields the sub-words of long compounds, so "劳动保障监察大队"
    matches "监察大队".
    """
    jieba = tokenizer(extra_words)
    out: list[str] = []
    for word in jieba.cut_for_search(text):
        word = word.strip().lower()
        if not word or word in STOPWORDS or not _HAS_CONTENT.search(word):
            continue
        out.append(word)
    return out
