"""The office lookup also lists the misspellings the knowledge layer's typo table corrects."""

from __future__ import annotations

from actions import export_lookups


def test_typo_variants_are_added():
    pairs = [("社报", "社保"), ("监查大队", "监察大队")]
    names = export_lookups.with_typos(["社保中心", "劳动监察大队", "办公室"], pairs)
    assert names[:3] == ["社保中心", "劳动监察大队", "办公室"]
    assert names[3:] == ["社报中心", "劳动监查大队"]


def test_typo_pairs_come_from_the_knowledge_table():
    pairs = export_lookups.typo_pairs()
    assert ("社报", "社保") in pairs
    assert all(wrong != right for wrong, right in pairs)


def test_main_writes_typo_and_traditional_forms(tmp_path, monkeypatch):
    monkeypatch.setattr(export_lookups, "offices", lambda: [("社会保障中心", ["社保中心"]), ("职称科", [])])
    assert export_lookups.main([str(tmp_path)]) == 0
    lookup = (tmp_path / export_lookups.LOOKUP_FILE).read_text(encoding="utf-8")
    synonyms = (tmp_path / export_lookups.SYNONYMS_FILE).read_text(encoding="utf-8")
    for name in ("社保中心", "社报中心", "职称科", "职秤科", "職稱科"):
        assert f"- {name}\n" in lookup
    for name in ("社保中心", "社报中心", "职秤科", "職稱科"):  # each mapped to its office's name
        assert f"- {name}\n" in synonyms
