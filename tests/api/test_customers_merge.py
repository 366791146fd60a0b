"""Merging duplicate customers and undoing it: everything moves to the survivor (assets,
events, phones once, tags, notes, tickets), the merged one is hidden and points at the
survivor, the audit keeps both before-images, and unmerge restores the records exactly.
Scope: branch A's people cannot merge B's customers."""

import json
import time
import unittest

from harness import PASSWORD, ServerTestCase, now_ms

CUSTOMERS = "/api/v1/customers"


def cpath(cid, rest=""):
    return "%s/%d%s" % (CUSTOMERS, cid, rest)


# What a merge + unmerge may change on a record: when it was last touched.
VOLATILE = {"updated_at"}


def same(a, b):
    return {k: v for k, v in a.items() if k not in VOLATILE} == {k: v for k, v in b.items() if k not in VOLATILE}


class CustomerMergeTest(ServerTestCase):
    server_config = {"jobs": {"poll_ms": 100}}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        a = cls.admin
        cls.A = a.create_unit(cls.head["id"], "mg-a", "合并甲公司", "branch")
        cls.B = a.create_unit(cls.head["id"], "mg-b", "合并乙公司", "branch")
        a.create_user("mgsup", cls.A["id"], ["supervisor"])
        a.create_user("mgagent", cls.A["id"], ["agent"])
        cls.sup = cls.server.login("mgsup", PASSWORD)
        cls.agent = cls.server.login("mgagent", PASSWORD)
        cats = a.get("/api/v1/ticket-categories", query={"kind": "complaint"}).body["items"]
        cls.category = next(c for c in cats if c["parent_id"] is None)

    def customer(self, **body):
        r = self.admin.post(CUSTOMERS, body)
        self.assertStatus(r, 201)
        return r.body

    def pair(self, tag):
        """Two records of one person: the survivor and the duplicate, each with history."""
        keep = self.customer(name="周杰%s" % tag, unit_id=self.A["id"], tags=["老客户"], notes="常来保养",
                             phones=[{"number": "1390000%s01" % tag}])
        dup = self.customer(name="周杰%s" % tag, unit_id=self.A["id"], tags=["老客户", "VIP"], notes="配件柜台登记",
                            address="上海市长宁区%s号" % tag, birthday="1980-05-06",
                            phones=[{"number": "1390000%s02" % tag}, {"number": "021-6000%s00" % tag}])
        r = self.admin.post(cpath(dup["id"], "/assets"), {"type": "vehicle", "attrs": {"plate": "沪M%s001" % tag}})
        self.assertStatus(r, 201)
        r = self.admin.post(cpath(dup["id"], "/events"), {"kind": "repair", "occurred_at": now_ms() - 5000,
                                                         "amount_fen": 12000, "asset_id": r.body["id"]})
        self.assertStatus(r, 201)
        r = self.admin.post(cpath(keep["id"], "/events"), {"kind": "visit", "occurred_at": now_ms() - 4000})
        self.assertStatus(r, 201)
        return keep, dup

    def snapshot(self, *ids):
        out = {}
        for cid in ids:
            out[cid] = {"customer": self.admin.get(cpath(cid)).body,
                        "events": sorted(e["id"] for e in self.admin.list_all(cpath(cid, "/events")))}
        return out

    def test_merge_moves_everything_and_unmerge_restores_exactly(self):
        keep, dup = self.pair("11")
        ticket = self.admin.post("/api/v1/tickets", {"kind": "complaint", "channel": "hotline", "subject": "保养后异响",
                                                      "customer_id": dup["id"], "category_id": self.category["id"]})
        self.assertStatus(ticket, 201)
        before = self.snapshot(keep["id"], dup["id"])
        audits = self.admin.audit_count()

        r = self.sup.post(cpath(dup["id"], "/merge"), {"into_id": keep["id"]})
        self.assertStatus(r, 200)
        s = r.body
        self.assertEqual(s["id"], keep["id"])
        self.assertEqual(sorted(p["number"] for p in s["phones"]), sorted(["13900001101", "13900001102", "021-60001100"]))
        self.assertEqual([p["number"] for p in s["phones"] if p["primary"]], ["13900001101"])
        self.assertEqual(s["tags"], ["老客户", "VIP"])
        self.assertIn("常来保养", s["notes"])
        self.assertIn("【合并自 %s 周杰11】配件柜台登记" % dup["code"], s["notes"])
        self.assertEqual((s["address"], s["birthday"]), ("上海市长宁区11号", "1980-05-06"))
        self.assertEqual([x["attrs"]["plate"] for x in s["assets"]], ["沪M11001"])
        events = self.admin.list_all(cpath(keep["id"], "/events"))
        self.assertEqual(sorted(e["id"] for e in events), sorted(before[keep["id"]]["events"] + before[dup["id"]]["events"]))
        # the ticket followed (tickets module, same transaction)
        self.assertEqual(self.admin.get("/api/v1/tickets/%d" % ticket.body["id"]).body["customer_id"], keep["id"])
        # the merged one: hidden from lists, search and duplicates; readable, pointing at the survivor
        gone = self.admin.get(cpath(dup["id"])).body
        self.assertEqual(gone["merged_into"], keep["id"])
        self.assertEqual((gone["phones"], gone["assets"]), ([], []))
        found = [c["id"] for c in self.admin.get(CUSTOMERS, query={"q": "周杰11"}).body["items"]]
        self.assertEqual(found, [keep["id"]])
        self.assertNotIn(dup["id"], [c["id"] for c in self.admin.list_all(CUSTOMERS, query={"unit_id": self.A["id"]})])
        self.assertEqual([c["id"] for c in self.admin.get(CUSTOMERS, query={"q": "13900001102"}).body["items"]], [keep["id"]])
        # read-only now; its events go to the survivor
        self.assertProblem(self.admin.patch(cpath(dup["id"]), {"notes": "改"}), 409, "customer.merged")
        self.assertProblem(self.admin.post(cpath(dup["id"], "/assets"), {"type": "vehicle", "attrs": {"plate": "沪M99999"}}),
                           409, "customer.merged")
        late = self.admin.post(cpath(dup["id"], "/events"), {"kind": "call", "occurred_at": now_ms() - 1000})
        self.assertStatus(late, 201)
        self.assertEqual(late.body["customer_id"], keep["id"])
        # audit: both before-images
        rec = self.admin.get("/api/v1/audit", query={"limit": 5}).body["items"]
        merge = next(x for x in rec if x["action"] == "customer.merge")
        b = merge["before"] if isinstance(merge["before"], dict) else json.loads(merge["before"])
        self.assertEqual(b["from"]["id"], dup["id"])
        self.assertEqual(b["into"]["id"], keep["id"])
        self.assertEqual(sorted(p["number"] for p in b["from"]["phones"]), ["021-60001100", "13900001102"])
        self.assertEqual(len(b["from"]["assets"]), 1)
        self.assertGreaterEqual(self.admin.audit_count(), audits + 1)
        # merging again is refused
        self.assertProblem(self.sup.post(cpath(dup["id"], "/merge"), {"into_id": keep["id"]}), 409, "customer.already_merged")

        # undo: the late event stays with the survivor (it arrived after the merge)
        r = self.sup.post(cpath(dup["id"], "/unmerge"), {})
        self.assertStatus(r, 200)
        self.assertIsNone(r.body["merged_into"])
        after = self.snapshot(keep["id"], dup["id"])
        self.assertTrue(same(after[dup["id"]]["customer"], before[dup["id"]]["customer"]),
                        (after[dup["id"]]["customer"], before[dup["id"]]["customer"]))
        self.assertEqual(after[dup["id"]]["events"], before[dup["id"]]["events"])
        self.assertTrue(same(after[keep["id"]]["customer"], before[keep["id"]]["customer"]),
                        (after[keep["id"]]["customer"], before[keep["id"]]["customer"]))
        self.assertEqual(after[keep["id"]]["events"], sorted(before[keep["id"]]["events"] + [late.body["id"]]))
        self.assertEqual(sorted(c["id"] for c in self.admin.get(CUSTOMERS, query={"q": "周杰11"}).body["items"]),
                         sorted([keep["id"], dup["id"]]))
        self.assertProblem(self.sup.post(cpath(dup["id"], "/unmerge"), {}), 409, "customer.not_merged")
        # and it can be merged again
        self.assertStatus(self.admin.post(cpath(dup["id"], "/merge"), {"into_id": keep["id"]}), 200)

    def test_refusals_change_nothing(self):
        keep, dup = self.pair("22")
        outsider = self.customer(name="乙方周杰", unit_id=self.B["id"], phones=[{"number": "13900002299"}])
        a_sup = self.sup
        before = self.snapshot(keep["id"], dup["id"])
        audits = self.admin.audit_count()
        cases = [
            (self.agent, dup["id"], {"into_id": keep["id"]}, 403, None),  # agent: no customer.merge
            (a_sup, outsider["id"], {"into_id": keep["id"]}, 404, None),  # B's customer: invisible
            (a_sup, dup["id"], {"into_id": outsider["id"]}, 404, None),
            (a_sup, dup["id"], {"into_id": dup["id"]}, 422, None),
            (a_sup, dup["id"], {"into_id": 99999999}, 404, None),
            (a_sup, dup["id"], {}, 422, None),
            (a_sup, dup["id"], {"into_id": "x"}, 422, None),
            (a_sup, dup["id"], {"into_id": keep["id"], "extra": 1}, 422, None),
        ]
        for client, cid, body, status, _ in cases:
            with self.subTest(body=body, cid=cid):
                r = client.post(cpath(cid, "/merge"), body)
                self.assertProblem(r, status)
                self.assertNotIn("乙方周杰", json.dumps(r.body, ensure_ascii=False))
        self.assertProblem(self.agent.post(cpath(dup["id"], "/unmerge"), {}), 403)
        self.assertProblem(a_sup.post(cpath(outsider["id"], "/unmerge"), {}), 404)
        self.assertProblem(a_sup.post(cpath(dup["id"], "/unmerge"), {}), 409, "customer.not_merged")
        self.assertEqual(self.snapshot(keep["id"], dup["id"]), before)
        self.assertEqual(self.admin.audit_count(), audits)

    def test_a_survivor_merged_again_must_be_undone_first(self):
        keep, dup = self.pair("33")
        third = self.customer(name="周杰33", unit_id=self.A["id"], phones=[{"number": "13900003399"}])
        self.assertStatus(self.admin.post(cpath(dup["id"], "/merge"), {"into_id": keep["id"]}), 200)
        r = self.admin.post(cpath(third["id"], "/merge"), {"into_id": dup["id"]})
        self.assertProblem(r, 422)
        self.assertEqual([(e["field"], e["code"]) for e in r.body["errors"]], [("into_id", "customer.merge_target_merged")])
        self.assertStatus(self.admin.post(cpath(keep["id"], "/merge"), {"into_id": third["id"]}), 200)
        self.assertProblem(self.admin.post(cpath(dup["id"], "/unmerge"), {}), 409, "customer.unmerge_survivor_merged")
        self.assertStatus(self.admin.post(cpath(keep["id"], "/unmerge"), {}), 200)
        self.assertStatus(self.admin.post(cpath(dup["id"], "/unmerge"), {}), 200)
        self.assertEqual(len(self.admin.get(cpath(dup["id"])).body["assets"]), 1)


    def wait_tasks(self, customer_id, n, timeout=15):
        deadline = time.time() + timeout
        while time.time() < deadline:
            r = self.admin.get("/api/v1/callbacks", query={"view": "unit", "customer_id": customer_id})
            self.assertStatus(r, 200)
            if len(r.body["items"]) >= n:
                return sorted(t["id"] for t in r.body["items"])
            time.sleep(0.2)
        self.fail("no callback task for customer %d: %s" % (customer_id, self.server.logs()[-3000:]))

    def tasks_of(self, customer_id):
        r = self.admin.get("/api/v1/callbacks", query={"view": "unit", "customer_id": customer_id})
        self.assertStatus(r, 200)
        return sorted(t["id"] for t in r.body["items"])

    def tickets_of(self, customer_id):
        r = self.admin.get("/api/v1/tickets", query={"customer_id": customer_id})
        self.assertStatus(r, 200)
        return sorted(t["id"] for t in r.body["items"])

    def test_unmerge_moves_tickets_and_callback_tasks_back(self):
        r = self.admin.post("/api/v1/rules", {
            "code": "mg-visit", "name": "未成交回访", "unit_id": self.A["id"],
            "definition": {"trigger": {"event": "store.visit_without_purchase"},
                           "due": {"unit": "hours", "amount": 48}, "action": "callback",
                           "params": {"questionnaire": "store_purchase", "max_attempts": 3, "retry_minutes": 60}}})
        self.assertStatus(r, 201)
        keep = self.customer(name="吴磊44", unit_id=self.A["id"], phones=[{"number": "13900004401"}])
        dup = self.customer(name="吴磊44", unit_id=self.A["id"], phones=[{"number": "13900004402"}])
        tickets, tasks = {}, {}
        for c in (keep, dup):
            t = self.admin.post("/api/v1/tickets", {"kind": "complaint", "channel": "hotline", "subject": "看车未成交",
                                                     "customer_id": c["id"], "category_id": self.category["id"]})
            self.assertStatus(t, 201)
            tickets[c["id"]] = [t.body["id"]]
            self.assertStatus(self.admin.post(cpath(c["id"], "/events"),
                                              {"kind": "visit_without_purchase", "occurred_at": now_ms() - 1000}), 201)
            tasks[c["id"]] = self.wait_tasks(c["id"], 1)
            self.assertEqual(len(tasks[c["id"]]), 1)

        self.assertStatus(self.sup.post(cpath(dup["id"], "/merge"), {"into_id": keep["id"]}), 200)
        self.assertEqual(self.tickets_of(keep["id"]), sorted(tickets[keep["id"]] + tickets[dup["id"]]))
        self.assertEqual(self.tickets_of(dup["id"]), [])
        self.assertEqual(self.tasks_of(keep["id"]), sorted(tasks[keep["id"]] + tasks[dup["id"]]))
        self.assertEqual(self.tasks_of(dup["id"]), [])
        # a ticket opened for the survivor while merged stays with it on undo
        t = self.admin.post("/api/v1/tickets", {"kind": "complaint", "channel": "hotline", "subject": "合并后投诉",
                                                 "customer_id": keep["id"], "category_id": self.category["id"]})
        self.assertStatus(t, 201)
        rec = next(x for x in self.admin.get("/api/v1/audit", query={"limit": 5}).body["items"]
                   if x["action"] == "customer.merge")
        after = rec["after"] if isinstance(rec["after"], dict) else json.loads(rec["after"])
        self.assertEqual(after["moved"]["hooks"], {"tickets": tickets[dup["id"]], "callback_tasks": tasks[dup["id"]]})

        self.assertStatus(self.sup.post(cpath(dup["id"], "/unmerge"), {}), 200)
        self.assertEqual(self.tickets_of(dup["id"]), tickets[dup["id"]])
        self.assertEqual(self.tickets_of(keep["id"]), sorted(tickets[keep["id"]] + [t.body["id"]]))
        self.assertEqual(self.tasks_of(dup["id"]), tasks[dup["id"]])
        self.assertEqual(self.tasks_of(keep["id"]), tasks[keep["id"]])
        for tid in tickets[dup["id"]]:
            self.assertEqual(self.admin.get("/api/v1/tickets/%d" % tid).body["customer_id"], dup["id"])
        for tid in tasks[dup["id"]]:
            self.assertEqual(self.admin.get("/api/v1/callbacks/%d" % tid).body["customer_id"], dup["id"])

if __name__ == "__main__":
    unittest.main(verbosity=2)
