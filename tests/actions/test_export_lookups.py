from __future__ import annotations

import yaml

from actions import export_lookups


def test_render_is_a_rasa_lookup_table():
    doc = yaml.safe_load(export_lookups.render(["监察大队", "办公室", "劳动保障监察大队", "农保中心"]))
    [table] = doc["nlu"]
    assert table["lookup"] == "office"
    # longest first, so that the regex alternation prefers the full name
    assert table["examples"].splitlines() == ["- 劳动保障监察大队", "- 农保中心", "- 监察大队", "- 办公室"]


def test_render_empty_is_valid():
    assert yaml.safe_load(export_lookups.render([])) == {"version": "3.1", "nlu": []}


def test_traditional_forms_are_added():
    names = export_lookups.with_traditional(["职称科", "办公室"])
    assert names[:2] == ["职称科", "办公室"]
    assert "職稱科" in names and "辦公室" in names


def test_main_writes_only_on_change(tmp_path, monkeypatch):
    monkeypatch.setattr(export_lookups, "office_names", lambda: ["农保中心"])
    out = tmp_path / "lookups" / "offices.yml"
    assert export_lookups.main([str(out)]) == 0
    first = out.stat().st_mtime_ns
    assert "农保中心" in out.read_text(encoding="utf-8")
    assert export_lookups.main([str(out)]) == 0
    assert out.stat().st_mtime_ns == first


def test_main_without_knowledge_writes_an_empty_table(tmp_path, monkeypatch):
    def missing():
        raise ImportError("No module named 'knowledge.service'")

    monkeypatch.setattr(export_lookups, "office_names", missing)
    out = tmp_path / "offices.yml"
    assert export_lookups.main([str(out)]) == 0
    assert yaml.safe_load(out.read_text(encoding="utf-8"))["nlu"] == []
