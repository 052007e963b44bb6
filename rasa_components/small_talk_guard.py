"""Small talk that asks something is a question.

The classifier may call "那要是停下来了，啥时候再接着查？" goodbye (0.49, above the fallback's
0.4): its words look like a farewell ("停下来了"). The bot then says 再见 to a caller in the middle
of a question. A greeting, thanks or a goodbye that also asks something, with words beyond the
courtesy ("谢谢，那农保中心电话呢？"), or typed in pinyin in as many syllables, is read by the next intent of the ranking that is not small
talk; the FallbackClassifier after this component sends it to retrieval when that intent is
unsure. "好的谢谢，再见" and "你好" keep their intents.
"""

from __future__ import annotations

import re
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

_CJK = re.compile(r"[\u4e00-\u9fff]")


def asks_beyond_courtesy(text: str, min_chars: int) -> bool:
    """Whether ``text`` asks something in at least ``min_chars`` Chinese characters besides the
    courtesy it opens with ("谢谢。再问下，…"), or, typed in pinyin, in as many syllables."""
    # imported here, as the tokenizer does: a missing knowledge/ fails where the component is made
    from knowledge.aspects import asks
    from knowledge.courtesy import after_courtesy, only_courtesy
    from knowledge.homophones import syllables_typed, typed_in_pinyin
    from knowledge.normalize import clean

    text = clean(text)
    if not text or only_courtesy(text):
        return False
    if typed_in_pinyin(text):
        # letters the classifier was not trained on ("zhicheng shenbao … na ge ke" read as goodbye):
        # a message of as many syllables is no courtesy ("xie xie, zai jian" is one)
        return syllables_typed(text) >= min_chars
    rest = after_courtesy(text)
    return asks(rest) and len(_CJK.findall(rest)) >= min_chars


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SmallTalkGuard(GraphComponent, IntentClassifier):
    """``intents``: the small-talk intents a question is not; ``min_chars``: how many Chinese
    characters a message needs besides its courtesy to be a question."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [IntentClassifier]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"intents": ["greet", "goodbye", "thanks"], "min_chars": 6}

    def __init__(self, config: dict[str, Any]) -> None:
        self.small_talk = frozenset(config["intents"])
        self.min_chars = int(config["min_chars"])

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> SmallTalkGuard:
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            if intent.get("name") not in self.small_talk:
                continue
            if not asks_beyond_courtesy(message.get(TEXT) or "", self.min_chars):
                continue
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") not in self.small_talk]
            if ranking:
                message.set(INTENT, ranking[0], add_to_output=True)
                message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages
