"""Developer aid: run the answer composer on eval cases with the intent their category implies
(no Rasa) and show which fail. Usage: python scripts/answer_dev.py CASES.jsonl"""

import json
import sys

from knowledge.service import get_knowledge

INTENT = {"office": "ask_office", "phone": "ask_phone", "complaint": "ask_complaint", "penalty": "ask_penalty",
          "boundary": "ask_boundary", "service": "ask_service", "supervision": "ask_supervision",
          "procedure": "ask_procedure", "robust": None, "oos": None, "multi": None}


def squash(s):
    return "".join(str(s).split())


kb = get_knowledge()
ok = 0
cases = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
for case in cases:
    context = {}
    for n, turn in enumerate(case["turns"]):
        intent = INTENT[case["cat"]]
        if case["cat"] == "multi":
            intent = "ask_office" if n == 0 else "ask_phone"
        if case["cat"] == "robust":
            intent = "ask_phone"
        a = kb.answer(turn, intent=intent, context=context)
        context = a.context
    flat = squash(a.text + " ".join(b["title"] for b in a.buttons))
    good = all(any(squash(x) in flat for x in g) for g in case["all"]) and not any(squash(x) in flat for x in case["none"])
    ok += good
    if not good or "-v" in sys.argv:
        print("FAIL" if not good else "ok", case["id"], case["turns"], "\n   ", a.text.replace("\n", "\n    ")[:500])
print(f"{ok}/{len(cases)}")

if "--scores" in sys.argv:
    for case in cases:
        hits = kb.search(case["turns"][0], k=3)
        print(case["id"], case["cat"], case["turns"][0], [(h.id, h.score, h.dense, h.keyword) for h in hits[:2]])
