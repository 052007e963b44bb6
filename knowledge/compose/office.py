"""An office's profile (what it handles, its phone) and an office's phone number."""

from __future__ import annotations

from .base import Answer, Kit

# A phone printed in a clause answers a phone question only within this score of the best match.
PRINTED_PHONE_MARGIN = 0.05


class OfficeComposer:
    def __init__(self, kit: Kit):
        self.kit = kit

    def profile(self, office: str, question: str) -> Answer:
        store = self.kit.store
        record = next((o for o in store.offices if o.name == office), None)
        if record is None:
            return self.kit.not_found(question, [])
        duties = [d for d in store.duties if d.id in record.duty_ids]
        lines = [f"{office}（联系电话：{record.phone or '清单未载明'}）负责："]
        sources = []
        for d in duties[:4]:
            excerpt = d.work_item if len(d.work_item) <= 120 else d.work_item[:120] + "……"
            lines.append(f"· {excerpt}（{d.citation}）")
            sources.append({"id": d.id, "citation": d.citation, "excerpt": excerpt})
        if not duties:
            lines.append("清单的职责登记表中没有单列该科室的事项。")
        return Answer("\n".join(lines), sources, [], True,
                      {"intent": "ask_office", "office": office, "ids": [d.id for d in duties[:4]],
                       "question": question})

    def phone(self, question: str, entities: dict, context: dict) -> Answer:
        kit, store = self.kit, self.kit.store
        office = kit.mentioned_office(question, entities)
        if office is None and context.get("office"):
            office = context["office"]
        if office is None:
            # "举报社保基金问题打什么电话": a phone printed in a clause, or the office of the best match
            hits = kit.retriever.search(question, k=5)
            for h in hits:
                if not h.found or h.score < hits[0].score - PRINTED_PHONE_MARGIN:
                    break  # a hotline printed in a clause far below the matter found is another matter's
                for c in kit.contacts_by_clause.get(store.passage_by_id[h.id].record_id, []):
                    if c.kind == "phone":
                        return Answer(f"{c.context}。\n出处：{c.citation}。", [kit.source(h.id)], [], True,
                                      {"intent": "ask_phone", "office": h.office or None, "ids": [h.id],
                                       "question": question})
            if hits and hits[0].found and hits[0].office:
                office = hits[0].office.split("、")[0]
            else:
                return kit.not_found(question, hits, "抱歉，我没能确定您要找哪个科室的电话。")
        record = next((o for o in store.offices if o.name == office), None)
        if record is None or not record.phone:
            return kit.not_found(question, [], f"抱歉，责任清单没有载明{office}的电话。")
        duty = next((d for d in store.duties if d.id in record.duty_ids), None)
        citation = duty.citation if duty else "责任清单"
        sources = [{"id": duty.id, "citation": duty.citation, "excerpt": f"{office} {record.phone}"}] if duty else []
        text = f"{office}的联系电话：{record.phone}。\n出处：{citation}（责任科室及联系方式）。"
        return Answer(text, sources, [], True,
                      {"intent": "ask_phone", "office": office, "ids": [s["id"] for s in sources],
                       "question": question})
