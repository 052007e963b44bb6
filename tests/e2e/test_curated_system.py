"""Curated answers through the real system (``python -m bot.run``: real Rasa, real actions, the
real knowledge base with e5): a paraphrase of a curated question gets the curated answer, route
``curated``, with its audit record; follow-ups and the complaint form still work; once retired
the answer is gone."""

from __future__ import annotations

import re

import httpx
import pytest

pytestmark = pytest.mark.integration

CURATED = "【审定答复】申请人力资源服务许可，请带齐材料到劳动科窗口办理，符合条件的当场受理。"


def test_paraphrase_gets_the_curated_answer_until_it_is_retired(e2e_system):
    url, admin = e2e_system.url, {"X-Admin-Token": e2e_system.admin_token}
    with httpx.Client(base_url=url, timeout=60, trust_env=False) as c:
        ids = [h["id"] for h in c.get("/api/search", params={"q": "人力资源服务许可 办理", "k": 2}).json()["results"]]
        assert ids
        assert c.post("/api/admin/answers", json={"question": "人力资源服务许可", "answer": CURATED, "sources": []},
                      headers=admin).status_code == 422
        r = c.post("/api/admin/answers", headers=admin,
                   json={"question": "人力资源服务许可证怎么办理", "answer": CURATED, "sources": ids})
        assert r.status_code == 201, r.text
        cid = r.json()["id"]

        def chat(sender: str, message: str) -> dict:
            r = c.post("/api/chat", json={"sender_id": sender, "message": message})
            assert r.status_code == 200, r.text
            return r.json()

        body = chat("curated-e2e-0001", "办理人力资源服务许可需要什么条件")  # a paraphrase, not a phrasing
        text = "\n".join(rep["text"] for rep in body["replies"])
        assert body["route"] == "curated", text
        assert CURATED in text and "出处：" in text
        assert [s["id"] for s in body["sources"]] == ids
        rec = c.get(f"/api/admin/audit/{body['audit_id']}", headers=admin).json()
        assert rec["route"] == "curated" and rec["curated"]["id"] == cid and rec["curated"]["version"] == 1
        assert rec["intent"] and isinstance(rec["confidence"], float)
        assert re.fullmatch(r"sha256:[0-9a-f]{64}", rec["rasa_model"])
        assert len(rec["knowledge_version"]["sha256"]) == 64 and rec["knowledge_version"]["built_at"]
        assert all(isinstance(s["score"], float) for s in rec["sources"])

        # the conversation goes on: a follow-up is answered from the list, the form still starts
        follow = chat("curated-e2e-0001", "电话呢")
        assert follow["route"] == "knowledge" and re.search(r"\d{7}", follow["replies"][0]["text"])
        assert chat("curated-e2e-0002", "我要投诉单位拖欠工资")["route"] == "form"
        # a question about something else is not given the curated answer
        other = chat("curated-e2e-0003", "农保中心电话是多少")
        assert other["route"] == "knowledge" and CURATED not in other["replies"][0]["text"]

        assert c.delete(f"/api/admin/answers/{cid}", headers=admin).status_code == 200
        gone = chat("curated-e2e-0004", "办理人力资源服务许可需要什么条件")
        assert gone["route"] != "curated"
        assert all(CURATED not in rep["text"] for rep in gone["replies"])
