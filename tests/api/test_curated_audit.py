"""Curated answers, the route and audit record of every reply, statistics, the review queue and
knowledge versions, through the API (fake-embedder knowledge base, real action server, Rasa's
REST channel stood in by keyword NLU: see conftest.py). The fake embedder has no notion of
meaning, so here a curated answer is asked in one of its own wordings; the paraphrase is the
end-to-end test's (tests/e2e/test_curated_system.py, real Rasa and e5)."""

from __future__ import annotations

import csv
import io
import shutil

import pytest

from bot.api.routes.insight import AUDIT_ID_PATTERN

CURATED_ANSWER = "【人工审定】请携带身份证到窗口办理，工作人员会当场告诉您结果。"
QUESTION = "农保中心电话是多少"  # the stand-in's NLU calls it ask_phone → action_answer_phone


def ask(client, sender: str, message: str) -> dict:
    r = client.post("/api/chat", json={"sender_id": sender, "message": message})
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"sender_id", "message_id", "replies", "sources", "route", "audit_id"}
    return body


def passage_ids(client, q: str, k: int = 2) -> list[str]:
    r = client.get("/api/search", params={"q": q, "k": k})
    assert r.status_code == 200
    return [h["id"] for h in r.json()["results"]]


ADMIN_ROUTES = [
    ("GET", "/api/admin/answers", None),
    ("POST", "/api/admin/answers", {"question": "q", "answer": "a", "sources": ["x"]}),
    ("GET", "/api/admin/answers/1", None),
    ("PUT", "/api/admin/answers/1", {"question": "q", "answer": "a", "sources": ["x"]}),
    ("DELETE", "/api/admin/answers/1", None),
    ("GET", "/api/admin/answers/test?q=电话", None),
    ("GET", "/api/admin/audit", None),
    ("GET", "/api/admin/audit/" + "0" * 32, None),
    ("GET", "/api/admin/stats?days=7", None),
    ("GET", "/api/admin/stats?days=7&format=csv", None),
    ("GET", "/api/admin/review", None),
    ("GET", "/api/admin/knowledge/versions", None),
    ("GET", "/api/admin/knowledge/diff", None),
]


@pytest.mark.parametrize(("method", "path", "body"), ADMIN_ROUTES)
def test_every_new_admin_route_needs_the_token(client, method, path, body):
    for headers in ({}, {"X-Admin-Token": "wrong-token"}):
        r = client.request(method, path, json=body, headers=headers)
        assert r.status_code == 401, (method, path, r.text)
        assert r.json()["detail"] == "管理口令不正确。/ Missing or wrong X-Admin-Token."


def test_an_answer_without_a_valid_source_is_422(client, admin):
    base = {"question": "社保卡丢了怎么办", "answer": "到窗口挂失补办。"}
    for sources in ([], ["  "], ["no-such-passage"], [*passage_ids(client, "社会保险", 1), "nope-1"]):
        r = client.post("/api/admin/answers", json={**base, "sources": sources}, headers=admin)
        assert r.status_code == 422, (sources, r.text)
        assert "。/ " in r.json()["detail"]
    r = client.post("/api/admin/answers", json={"question": " ", "answer": "x", "sources": passage_ids(client, "工资")},
                    headers=admin)
    assert r.status_code == 422 and "不能为空" in r.json()["detail"]
    r = client.post("/api/admin/answers", json={"answer": "x"}, headers=admin)
    assert r.status_code == 422 and "question" in r.json()["detail"]
    assert client.get("/api/admin/answers", headers=admin).json()["answers"] == []


def test_curated_texts_are_masked_but_published_numbers_stay(client, admin):
    phone = next(o.phone for o in client.app.state.kb.offices() if o.phone)
    r = client.post("/api/admin/answers", headers=admin, json={
        "question": "我手机13912345678怎么查社保", "answer": f"请拨打 {phone}，或联系张科长 13812345678。",
        "sources": passage_ids(client, "社会保险", 1)})
    assert r.status_code == 201
    a = r.json()["answer"]
    assert "13912345678" not in a["question"] and "13812345678" not in a["answer"] and phone in a["answer"]
    assert client.delete(f"/api/admin/answers/{a['id']}", headers=admin).status_code == 200


def test_curated_answer_lifecycle_through_chat(client, admin, store):
    sources = passage_ids(client, "农村社会养老保险 电话")
    r = client.post("/api/admin/answers", headers=admin, json={
        "question": QUESTION, "answer": CURATED_ANSWER + "\n第二行。", "sources": sources,
        "phrasings": ["农保中心的电话", "农保中心的电话"], "author": "张三"})
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["version"] == 1 and isinstance(created["id"], int)
    cid = created["id"]
    assert created["answer"]["phrasings"] == ["农保中心的电话"]  # de-duplicated
    assert created["answer"]["answer"] == CURATED_ANSWER + "\n第二行。"  # lines kept

    # a question in one of its wordings gets it, with its citations, route "curated"
    body = ask(client, "curated-sender-01", "农保中心的电话")
    assert body["route"] == "curated"
    text = "\n".join(rep["text"] for rep in body["replies"])
    assert CURATED_ANSWER in text and "出处：" in text
    assert [s["id"] for s in body["sources"]] == sources

    # its audit record names the curated answer, version, the sources with scores, the knowledge version
    assert __import__("re").fullmatch(AUDIT_ID_PATTERN, body["audit_id"])
    rec = client.get(f"/api/admin/audit/{body['audit_id']}", headers=admin).json()
    kb = client.app.state.kb
    assert rec["route"] == "curated" and rec["curated"]["id"] == cid and rec["curated"]["version"] == 1
    assert rec["curated"]["score"] >= kb.settings.curated_threshold
    assert rec["question"] == "农保中心的电话" and rec["intent"] == "ask_phone" and rec["confidence"] == 0.9
    assert rec["knowledge_version"] == kb.version and len(rec["knowledge_version"]["sha256"]) == 64
    assert [s["id"] for s in rec["sources"]] == sources
    assert all(isinstance(s["score"], float) and 0 <= s["score"] <= 1 for s in rec["sources"])
    assert isinstance(rec["latency_ms"], int) and rec["message_id"] == body["message_id"]
    assert rec["time"] and rec["action"] == "action_answer_phone"

    # "test a question" says the same, and why
    t = client.get("/api/admin/answers/test", params={"q": "农保中心的电话"}, headers=admin).json()
    assert t["route"] == "curated" and t["curated"]["id"] == cid and t["curated"]["passes"] is True
    assert t["curated"]["text"] == "农保中心的电话" and t["passages"]

    # a correction is a new version; the old one is kept with its author and time
    r = client.put(f"/api/admin/answers/{cid}", headers=admin, json={
        "question": QUESTION, "answer": "【第二版】农保中心电话请以清单为准。", "sources": sources[:1], "author": "李四"})
    assert r.status_code == 200 and r.json()["version"] == 2
    body = ask(client, "curated-sender-02", QUESTION)
    assert body["route"] == "curated" and "【第二版】" in body["replies"][0]["text"]
    assert [s["id"] for s in body["sources"]] == sources[:1]
    rec = client.get(f"/api/admin/audit/{body['audit_id']}", headers=admin).json()
    assert rec["curated"]["version"] == 2
    history = client.get(f"/api/admin/answers/{cid}", headers=admin).json()["history"]
    assert [(v["version"], v["author"]) for v in history] == [(1, "张三"), (2, "李四")]
    assert history[0]["answer"].startswith(CURATED_ANSWER) and history[0]["created_at"]

    # retired: no longer served, still in the history; a second retire or an edit is 404
    r = client.delete(f"/api/admin/answers/{cid}", headers=admin)
    assert r.status_code == 200 and r.json()["status"] == "retired"
    body = ask(client, "curated-sender-03", QUESTION)
    assert body["route"] == "knowledge"
    assert "【第二版】" not in body["replies"][0]["text"] and CURATED_ANSWER not in body["replies"][0]["text"]
    assert client.delete(f"/api/admin/answers/{cid}", headers=admin).status_code == 404
    assert client.put(f"/api/admin/answers/{cid}", headers=admin, json={
        "question": "x", "answer": "y", "sources": sources}).status_code == 404
    assert client.get("/api/admin/answers", headers=admin).json()["answers"] == []
    listed = client.get("/api/admin/answers?all=true", headers=admin).json()["answers"]
    assert (cid, "retired", 2) in [(a["id"], a["status"], a["versions"]) for a in listed]
    t = client.get("/api/admin/answers/test", params={"q": QUESTION}, headers=admin).json()
    assert t["route"] == "knowledge" and t["curated"] is None
    assert client.get("/api/admin/answers/999999", headers=admin).status_code == 404


def test_every_route_of_a_reply(client, admin):
    assert ask(client, "route-sender-01", "你好")["route"] == "chitchat"
    assert ask(client, "route-sender-02", "农保中心电话是多少")["route"] == "knowledge"
    assert ask(client, "route-sender-03", "火星移民签证怎么办理")["route"] == "not_found"
    assert ask(client, "route-sender-04", "我要转人工")["route"] == "handoff"
    body = ask(client, "route-sender-05", "__action__:validate_complaint_form")
    assert body["route"] == "form"
    rec = client.get(f"/api/admin/audit/{body['audit_id']}", headers=admin).json()
    assert rec["route"] == "form" and rec["curated"] is None


def test_audit_record_is_masked_and_404s(client, admin):
    body = ask(client, "audit-sender-01", "我的电话13912345678，农保中心电话是多少")
    rec = client.get(f"/api/admin/audit/{body['audit_id']}", headers=admin).json()
    assert "13912345678" not in rec["question"] and "农保中心" in rec["question"]
    assert client.get("/api/admin/audit/" + "f" * 32, headers=admin).status_code == 404
    assert client.get("/api/admin/audit/not-an-id", headers=admin).status_code == 422
    items = client.get("/api/admin/audit?limit=5", headers=admin).json()["items"]
    assert body["audit_id"] in [i["audit_id"] for i in items]


def test_stats_json_and_csv(client, admin):
    before = client.get("/api/admin/stats?days=7", headers=admin).json()
    ask(client, "stats-sender-01", "农保中心电话是多少")
    miss = ask(client, "stats-sender-01", "火星移民签证怎么办理")
    client.post("/api/feedback", json={"sender_id": "stats-sender-01", "message_id": miss["message_id"],
                                       "rating": "down"})
    s = client.get("/api/admin/stats?days=7", headers=admin).json()
    assert set(s) >= {"questions", "answered", "not_found", "feedback", "by_day", "top_unanswered",
                      "top_matters", "tickets"}
    assert s["questions"] == before["questions"] + 2
    assert s["answered"] == before["answered"] + 1 and s["not_found"] == before["not_found"] + 1
    assert s["feedback"]["down"] == before["feedback"]["down"] + 1
    assert len(s["by_day"]) == 7 and set(s["by_day"][-1]) >= {"date", "questions", "answered", "not_found"}
    assert sum(d["questions"] for d in s["by_day"]) == s["questions"]
    assert any(u["question"] == "火星移民签证怎么办理" for u in s["top_unanswered"])
    assert s["top_matters"] and {"id", "citation", "count"} <= set(s["top_matters"][0])
    assert set(s["tickets"]) == {"open", "done", "median_age_hours"}
    r = client.get("/api/admin/stats?days=7&format=csv", headers=admin)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.text.lstrip("\ufeff"))))
    assert rows[0] == ["date", "questions", "answered", "not_found", "up", "down"]
    total = next(row for row in rows if row and row[0] == "total")
    assert int(total[1]) == s["questions"] and int(total[3]) == s["not_found"]
    assert client.get("/api/admin/stats?days=0", headers=admin).status_code == 422


def test_review_queue_has_unanswered_and_thumbs_down(client, admin):
    for _ in range(2):
        ask(client, "review-sender-01", "月球上怎么交养老保险费")
    good = ask(client, "review-sender-02", "农保中心电话是多少")
    client.post("/api/feedback", json={"sender_id": "review-sender-02", "message_id": good["message_id"],
                                       "rating": "down"})
    items = client.get("/api/admin/review?limit=100", headers=admin).json()["items"]
    kinds = {(i["question"], i["kind"]) for i in items}
    assert ("月球上怎么交养老保险费", "unanswered") in kinds and ("农保中心电话是多少", "down") in kinds
    counts = [i["count"] for i in items]
    assert counts == sorted(counts, reverse=True)


def test_knowledge_versions_are_kept_and_compared(client, admin, data_dir, tmp_path):
    import knowledge.service as service
    from knowledge.versions import VersionArchive, diff

    r = client.get("/api/admin/knowledge/versions", headers=admin).json()
    assert [v["current"] for v in r["versions"]].count(True) == 1
    assert r["current"]["sha256"] == client.app.state.kb.version["sha256"]

    # another data dir: build a list, change an office's phone and a duty, build again
    base = client.app.state.settings
    source = tmp_path / "list.txt"
    shutil.copyfile(base.source_path, source)
    settings = base.model_copy(update={"data_dir": tmp_path / "data", "source_path": source})
    service.build(settings)
    text = source.read_text(encoding="utf-8")
    office = next(o for o in client.app.state.kb.offices() if o.phone and o.duty_ids)
    duty = next(d for d in client.app.state.kb.store.duties if d.work_item and d.work_item in text)
    source.write_text(text.replace(duty.work_item, duty.work_item + "（新增内容）", 1), encoding="utf-8")
    assert service.build(settings).rebuilt
    versions = VersionArchive(settings.data_dir).versions()
    assert len(versions) == 2 and versions[0].sha256 != versions[1].sha256
    changes = diff(versions[0].path, versions[1].path)
    assert [d["work_item"] for d in changes["duties"]["added"]] == [duty.work_item + "（新增内容）"]
    assert [d["work_item"] for d in changes["duties"]["removed"]] == [duty.work_item]
    assert changes["offices"] == {"added": [], "removed": [], "changed": []}
    assert office.name  # the office table is unchanged

    # the served data dir has one version only: no earlier one to compare with
    r = client.get("/api/admin/knowledge/diff", headers=admin)
    assert r.status_code == 404 and "。/ " in r.json()["detail"]
    sha = client.app.state.kb.version["sha256"]
    r = client.get(f"/api/admin/knowledge/diff?from={sha[:8]}&to={sha}", headers=admin)
    assert r.status_code == 200 and r.json()["duties"]["changed"] == []


def test_retention_deletes_old_audit_records_not_curated_answers(tmp_path):
    from appdata.store import AppStore

    s = AppStore(tmp_path / "app.db")
    s.add_audit({"id": "a" * 32, "sender_id": "x", "question": "旧问题", "route": "knowledge", "sources": [],
                 "created_at": "2000-01-01T00:00:00+08:00"})
    s.add_audit({"id": "b" * 32, "sender_id": "x", "question": "新问题", "route": "knowledge", "sources": []})
    curated = s.add_curated(question="q", answer="a", sources=["p1"], author="staff")
    s.retire_curated(curated.id)
    assert s.purge_conversations(30) == 1
    assert s.get_audit("a" * 32) is None and s.get_audit("b" * 32)["question"] == "新问题"
    assert [v.version for v in s.curated_history(curated.id)] == [1]
    s.close()
