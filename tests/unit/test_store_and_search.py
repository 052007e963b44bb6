"""The store and the search path with the deterministic fake embedder: real SQLite, real FAISS."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from knowledge.dense_index import DenseIndex, IndexError_
from knowledge.retrieval import HybridRetriever
from knowledge.service import KnowledgeBase, build
from knowledge.settings import KnowledgeSettings
from knowledge.store import KnowledgeStore, StoreError
from tests.conftest import ROOT


def test_store_round_trip(fake_kb, records):
    store = fake_kb.store
    assert len(store.duties) == len(records.duties)
    assert len(store.penalties) == len(records.penalties)
    assert {o.name for o in store.offices} == {o.name for o in records.offices}
    office = next(o for o in store.offices if o.name == "农保中心")
    assert office.phone == "7591916" and office.duty_ids == ["duty-8.2"]
    assert store.passage_by_id["duty-8.2"].phone == "7591916"


def test_every_passage_has_a_citation_and_text(fake_kb):
    for p in fake_kb.store.passages:
        assert p.citation and p.text, p.id


def test_rebuild_is_skipped_when_up_to_date(fake_settings, fake_kb):
    report = build(fake_settings)
    assert report.rebuilt is False


def test_index_from_another_model_is_refused(fake_settings, fake_kb, tmp_path):
    from knowledge.embedder import FakeEmbedder

    store = KnowledgeStore(fake_settings.knowledge_db)
    index = DenseIndex.load(fake_settings.index_dir)
    with pytest.raises(IndexError_, match="built with"):
        HybridRetriever(store, FakeEmbedder(dim=32), index)


def test_missing_store_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="python -m knowledge build"):
        KnowledgeStore(tmp_path / "nope.db")


def test_keyword_search_finds_exact_terms(fake_kb):
    hits = fake_kb.retriever.search("人力资源服务许可证 涂改", k=5, mode="keyword")
    assert any("涂改" in h.text for h in hits)


@pytest.mark.parametrize("query", ["", "   ", "？？！！。。", "😀😀😀"])
def test_contentless_questions_give_no_results(fake_kb, query):
    assert fake_kb.search(query) == []


def test_huge_question_is_searched_without_error(fake_kb):
    hits = fake_kb.search("拖欠工资" * 1250, k=3)  # 5 000 characters
    assert len(hits) == 3


def test_english_question_is_not_found(fake_kb):
    hits = fake_kb.search("What is the weather in Paris tomorrow?", k=3)
    assert all(not h.found for h in hits)


def test_hostile_text_is_only_text(fake_kb):
    hits = fake_kb.search("<script>alert(1)</script>'; DROP TABLE passages; --", k=3)
    assert isinstance(hits, list)
    assert len(fake_kb.store.passages) == len(KnowledgeStore(fake_kb.settings.knowledge_db).passages)


def _cli(args, settings: KnowledgeSettings, stdin: str | None = None):
    env = {"JIZE_DATA_DIR": str(settings.data_dir), "JIZE_EMBEDDING_MODEL": settings.embedding_model,
           "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "knowledge", *args], input=stdin, capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=120)


def test_cli_search_json(fake_settings, fake_kb):
    out = _cli(["search", "农保中心 城乡居民养老保险", "--k", "3", "--json"], fake_settings)
    assert out.returncode == 0, out.stderr
    results = json.loads(out.stdout)
    assert len(results) == 3
    assert set(results[0]) == {"id", "kind", "citation", "text", "office", "phone", "score", "found"}


def test_cli_batch_mode_one_line_per_question(fake_settings, fake_kb):
    questions = "农保中心电话\n\n" + "很长" * 1500 + "\n劳动合同\n"
    out = _cli(["search", "--json", "--k", "2", "-"], fake_settings, stdin=questions)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().split("\n")
    assert len(lines) == 4
    assert json.loads(lines[1]) == []
    assert "error" in json.loads(lines[2])
    assert len(json.loads(lines[3])) == 2


def test_cli_rejects_bad_k(fake_settings):
    out = _cli(["search", "x", "--k", "0"], fake_settings)
    assert out.returncode == 2 and "--k" in out.stderr


def test_cli_build_names_the_bad_line(tmp_path):
    bad = tmp_path / "list.txt"
    bad.write_text("某县人力资源和社会保障局责任清单\n\n部门职责登记表\n\t序号\n\t主要职责\n", encoding="utf-8")
    settings = KnowledgeSettings(data_dir=tmp_path / "var", embedding_model="fake:16", source_path=bad)
    env = {"JIZE_DATA_DIR": str(settings.data_dir), "JIZE_EMBEDDING_MODEL": "fake:16",
           "JIZE_SOURCE_PATH": str(bad), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-m", "knowledge", "build"], capture_output=True, text=True,
                         cwd=ROOT, env=env, timeout=120)
    assert out.returncode == 1
    assert "line 4" in out.stderr


def test_knowledge_base_is_lazy(fake_settings):
    kb = KnowledgeBase(fake_settings)
    assert kb.ready is False
    kb.warm_up()
    assert kb.ready is True


def test_a_number_said_is_the_one_printed_with_or_without_its_area_code():
    from knowledge.phones import same_number

    assert same_number("0310-7523309", "7523309")
    assert same_number("7523309", "0310-7523309")
    assert not same_number("7523309", "7591916")


def test_a_boundary_cases_clauses_go_to_the_department_each_tells_of():
    from knowledge.passages import case_by_department

    told = case_by_department(
        "有人向安监部门举报，他得了某种职业病。安监、人社、卫生等部门联合进行了调查，卫生对该人进行了诊断鉴定，"
        "人社部门发现企业已为职工参加工伤保险。通过本次检查，该企业进行了申报。",
        ["卫生局", "安监局", "人社局"])
    # a clause naming no department is its sentence's last named one's ("他得了…" after 安监部门)
    assert "他得了某种职业病" in told["安监局"] and "工伤" not in told["安监局"]
    assert "工伤保险" in told["人社局"] and "工伤" not in told["卫生局"]
    # one naming several is each one's
    assert all("联合进行了调查" in told[d] for d in ("卫生局", "安监局", "人社局"))
    # a sentence naming none is no one's in particular
    assert told[""] == "通过本次检查，该企业进行了申报"


def test_a_boundary_rows_example_words_of_another_department_weigh_less(fake_kb):
    retriever = fake_kb.retriever
    example = retriever._example_words
    # the seed list's 职业病 item: its case tells of the 人社局's 工伤保险 on the 卫生局's first row
    first = next(b for b in fake_kb.store.boundaries if "职业病" in b.topic)
    assert "工伤" in example[first.id]
    # the department's own words are not discounted
    assert "职业病" not in example[first.id]
