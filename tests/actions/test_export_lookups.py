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
    monkeypatch.setattr(export_lookups, "offices", lambda: [("农保中心", ["农保"])])
    out = tmp_path / "nlu-generated"
    assert export_lookups.main([str(out)]) == 0
    lookup, synonyms = out / export_lookups.LOOKUP_FILE, out / export_lookups.SYNONYMS_FILE
    first = lookup.stat().st_mtime_ns, synonyms.stat().st_mtime_ns
    assert "农保中心" in lookup.read_text(encoding="utf-8")
    assert export_lookups.main([str(out)]) == 0
    assert (lookup.stat().st_mtime_ns, synonyms.stat().st_mtime_ns) == first


def test_main_writes_into_the_data_dir_by_default(tmp_path, monkeypatch):
    monkeypatch.setenv("JIZE_DATA_DIR", str(tmp_path / "county-b"))
    monkeypatch.setattr(export_lookups, "offices", lambda: [("农保中心", [])])
    from knowledge.settings import get_settings

    get_settings.cache_clear()
    try:
        assert export_lookups.main([]) == 0
    finally:
        get_settings.cache_clear()
    assert (tmp_path / "county-b" / "nlu-generated" / export_lookups.LOOKUP_FILE).exists()
    assert (tmp_path / "county-b" / "nlu-generated" / export_lookups.SYNONYMS_FILE).exists()


def test_main_without_knowledge_writes_empty_tables(tmp_path, monkeypatch):
    def missing():
        raise ImportError("No module named 'knowledge.service'")

    monkeypatch.setattr(export_lookups, "offices", missing)
    assert export_lookups.main([str(tmp_path)]) == 0
    for name in (export_lookups.LOOKUP_FILE, export_lookups.SYNONYMS_FILE):
        assert yaml.safe_load((tmp_path / name).read_text(encoding="utf-8"))["nlu"] == []


def test_synonyms_map_every_other_name_to_the_office_name():
    groups = [("劳动监察保障大队", ["监察大队", "劳动保障监察大队"]), ("社会保障中心", ["社保中心"])]
    pairs = [("社报", "社保"), ("监查大队", "监察大队")]
    syn = export_lookups.synonyms(groups, pairs)
    assert syn["劳动监察保障大队"][:2] == ["监察大队", "劳动保障监察大队"]
    assert "监查大队" in syn["劳动监察保障大队"]  # the typo table's misspelling
    assert "勞動監察保障大隊" in syn["劳动监察保障大队"]  # the traditional form of the name itself
    assert {"社保中心", "社报中心", "社會保障中心"} <= set(syn["社会保障中心"])
    assert all(name not in variants for name, variants in syn.items())


def test_a_name_maps_to_one_office_only():
    syn = export_lookups.synonyms([("甲科", ["综合股"]), ("乙科", ["综合股", "甲科"])], [])
    assert "综合股" in syn["甲科"]
    assert "综合股" not in syn.get("乙科", []) and "甲科" not in syn.get("乙科", [])


def test_render_synonyms_is_rasa_nlu_data():
    doc = yaml.safe_load(export_lookups.render_synonyms({"社会保障中心": ["社保中心", "社报中心"]}))
    assert doc["nlu"] == [{"synonym": "社会保障中心", "examples": "- 社保中心\n- 社报中心\n"}]
