"""Tickets: the closed loop end to end with the role that takes each step, refusals (403 for
the wrong role, 409 with the allowed actions for the wrong state, 422 for bad input — each
changing nothing), scope between branches, money and sanctions, merge, bulk work, statistics."""

import unittest

from harness import PASSWORD, ServerTestCase, items_of
from test_bad_input import raw_http

TICKETS = "/api/v1/tickets"


def tpath(tid, rest=""):
    return "%s/%s%s" % (TICKETS, tid, rest)


class TicketCase(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        a = cls.admin
        cls.branch_a = a.create_unit(cls.head["id"], "tk-a", "一店", "branch")
        cls.branch_b = a.create_unit(cls.head["id"], "tk-b", "二店", "branch")
        cls.dept = a.create_unit(cls.head["id"], "tk-sales", "销售部", "department")
        cls.workshop = a.create_unit(cls.head["id"], "tk-ws", "车间", "department")
        users = {
            "agent": (cls.branch_a, ["agent"]),
            "agent_b": (cls.branch_b, ["agent"]),
            "handler": (cls.dept, ["handler"]),
            "ws_handler": (cls.workshop, ["handler"]),
            "supervisor": (cls.head, ["supervisor"]),
            "manager": (cls.head, ["manager"]),
            "viewer": (cls.branch_a, ["viewer"]),
        }
        cls.users, cls.c = {}, {}
        for name, (unit, roles) in users.items():
            uname = "tk_" + name
            cls.users[name] = a.create_user(uname, unit["id"], roles=roles, display_name="员工" + name)
            cls.c[name] = cls.server.login(uname, PASSWORD)
        r = a.post("/api/v1/customers", {"name": "王女士", "unit_id": cls.branch_a["id"],
                                          "phones": [{"number": "13912345678"}]})
        assert r.status == 201, r
        cls.customer = r.body
        causes = items_of(a.get("/api/v1/ticket-root-causes").body)
        cls.cause = causes[0]
        cats = items_of(a.get("/api/v1/ticket-categories", query={"kind": "complaint"}).body)
        cls.category = next(c for c in cats if c["parent_id"] is None)

    def new_ticket(self, client=None, **fields):
        body = {"kind": "complaint", "channel": "hotline", "subject": "交车延迟三天",
                "customer_id": self.customer["id"], "category_id": self.category["id"]}
        body.update(fields)
        r = (client or self.c["agent"]).post(TICKETS, body)
        self.assertStatus(r, 201, "create %r" % body)
        return r.body

    def step(self, who, tid, action, expect=200, **fields):
        body = {"action": action}
        body.update(fields)
        r = self.c[who].post(tpath(tid, "/steps"), body)
        self.assertStatus(r, expect, "%s %s" % (who, action))
        return r.body


class LoopTest(TicketCase):

    def test_whole_loop(self):
        t = self.new_ticket(asked_fen=500000)
        self.assertRegex(t["number"], r"^TS-\d{4}-\d{6}$")
        self.assertEqual(t["state"], "new")
        self.assertEqual(t["unit_id"], self.branch_a["id"], "unit defaults to the customer's")
        self.assertEqual(t["contact_name"], "王女士")
        self.assertIn("accept", t["allowed_actions"])
        self.assertNotIn("investigate", t["allowed_actions"])
        tid = t["id"]

        t = self.step("agent", tid, "accept")
        self.assertEqual(t["state"], "accepted")
        self.assertIsNotNone(t["responded_at"])
        t = self.step("agent", tid, "route", resp_unit_id=self.dept["id"],
                      assignee_id=self.users["handler"]["id"], comment="请销售部三日内处理")
        self.assertEqual((t["state"], t["resp_unit_id"], t["assignee_id"]),
                         ("routed", self.dept["id"], self.users["handler"]["id"]))
        # the handler of the department sees it in the department's queue and in "mine"
        mine = items_of(self.c["handler"].get(TICKETS, query={"queue": "mine"}).body)
        self.assertIn(tid, [x["id"] for x in mine])
        t = self.step("handler", tid, "investigate", root_cause_id=self.cause["id"],
                      findings="销售顾问未及时告知到车时间", responsible_staff_id=self.users["handler"]["id"])
        self.assertEqual(t["state"], "investigated")
        t = self.step("handler", tid, "propose", solutions=["赠送两次保养", "补偿 1,200 元"], asked_fen=500000)
        self.assertEqual(t["state"], "proposed")
        t = self.step("supervisor", tid, "approve", solution_index=1)
        self.assertEqual((t["state"], t["approved_solution"]), ("approved", 1))
        t = self.step("handler", tid, "implement", implementation="已补偿 1,200 元，客户签字确认", paid_fen=120000)
        self.assertEqual((t["state"], t["paid_fen"], t["saved_fen"]), ("implemented", 120000, 380000))
        t = self.step("agent", tid, "verify", satisfied=True, comment="客户满意")
        self.assertEqual((t["state"], t["resolution"]), ("closed", "resolved"))
        self.assertIsNotNone(t["closed_at"])

        d = self.admin.get(tpath(tid)).body
        self.assertEqual([s["action"] for s in d["steps"]],
                         ["create", "accept", "route", "investigate", "propose", "approve", "implement", "verify"])
        self.assertEqual(d["steps"][2]["actor_name"], "员工agent")
        self.assertEqual(d["resp_unit_name"], "销售部")
        # reopen with a reason goes back to the department
        t = self.step("agent", tid, "reopen", comment="客户再次来电")
        self.assertEqual(t["state"], "routed")

    def test_not_satisfied_twice_goes_to_manager(self):
        t = self.new_ticket()
        tid = t["id"]
        self.step("agent", tid, "accept")
        self.step("agent", tid, "route", resp_unit_id=self.dept["id"])
        for attempt in (1, 2):
            self.step("handler", tid, "investigate", root_cause_id=self.cause["id"])
            self.step("handler", tid, "propose", solutions=["道歉并上门说明"])
            self.step("supervisor", tid, "approve", solution_index=0)
            self.step("handler", tid, "implement", implementation="已上门")
            t = self.step("agent", tid, "verify", satisfied=False, comment="客户仍不满意")
            self.assertEqual((t["state"], t["verify_failures"]), ("routed", attempt))
            self.assertEqual(t["escalation"], 0 if attempt == 1 else 2)

    def test_reject_and_answer_close_at_once(self):
        t = self.new_ticket()
        r = self.c["agent"].post(tpath(t["id"], "/steps"), {"action": "reject"})
        self.assertProblem(r, 422, "validation.failed")
        t = self.step("agent", t["id"], "reject", comment="经核实，送达时间符合约定")
        self.assertEqual((t["state"], t["resolution"]), ("closed", "not_valid"))
        d = self.admin.get(tpath(t["id"])).body
        self.assertEqual([c["visibility"] for c in d["comments"]], ["public"])
        q = self.new_ticket(kind="inquiry", category_id=None, subject="保养周期咨询")
        self.assertTrue(q["number"].startswith("ZX-"))
        q = self.step("agent", q["id"], "answer", comment="首保 5000 公里")
        self.assertEqual((q["state"], q["resolution"]), ("closed", "answered"))

    def test_pause_and_resume(self):
        t = self.new_ticket()
        self.step("agent", t["id"], "accept")
        self.step("agent", t["id"], "route", resp_unit_id=self.dept["id"])
        t = self.step("handler", t["id"], "pause", comment="等客户提供发票")
        self.assertTrue(t["paused"])
        self.assertEqual(t["due_state"], "paused")
        self.assertNotIn("pause", t["allowed_actions"])
        t = self.step("handler", t["id"], "resume")
        self.assertFalse(t["paused"])


class RefusalTest(TicketCase):

    def snapshot(self, tid):
        d = self.admin.get(tpath(tid)).body
        return d, self.admin.audit_count()

    def test_wrong_role_and_wrong_state(self):
        t = self.new_ticket()
        tid = t["id"]
        before = self.snapshot(tid)
        # a handler may not judge; an agent may not investigate; a viewer may not create
        self.assertProblem(self.c["handler"].post(tpath(tid, "/steps"), {"action": "accept"}), 404)
        r = self.c["agent"].post(tpath(tid, "/steps"), {"action": "investigate", "root_cause_id": self.cause["id"]})
        b = self.assertProblem(r, 409, "ticket.transition_refused")
        self.assertEqual(b["allowed"], ["accept", "reject", "answer"])
        self.assertIn("待受理判定", b["detail"])
        self.assertProblem(self.c["viewer"].post(TICKETS, {"kind": "complaint", "channel": "hotline",
                                                           "subject": "x", "contact_name": "张"}), 403)
        self.assertEqual(self.snapshot(tid), before)

        self.step("agent", tid, "accept")
        self.step("agent", tid, "route", resp_unit_id=self.dept["id"])
        before = self.snapshot(tid)
        self.assertProblem(self.c["agent"].post(tpath(tid, "/steps"),
                                                {"action": "investigate", "root_cause_id": self.cause["id"]}), 403)
        # the workshop's handler is not responsible for a ticket routed to sales
        self.assertProblem(self.c["ws_handler"].post(tpath(tid, "/steps"),
                                                     {"action": "investigate", "root_cause_id": self.cause["id"]}),
                           404)
        self.assertProblem(self.c["handler"].post(tpath(tid, "/steps"), {"action": "approve", "solution_index": 0}),
                           409)
        self.assertProblem(self.c["handler"].post(tpath(tid, "/steps"), {"action": "fly"}), 422)
        self.assertProblem(self.c["handler"].post(tpath(tid, "/steps"),
                                                  {"action": "investigate", "root_cause_id": 999999}), 422)
        self.assertProblem(self.c["handler"].post(tpath(tid, "/steps"),
                                                  {"action": "investigate", "root_cause_id": self.cause["id"],
                                                   "version": 1}), 409, "ticket.version_conflict")
        self.assertEqual(self.snapshot(tid), before)

    def test_bad_create_input(self):
        count = len(self.admin.list_all(TICKETS))
        audit = self.admin.audit_count()
        cases = [
            ({"kind": "rant", "channel": "hotline", "subject": "x", "contact_name": "张"}, "kind"),
            ({"kind": "complaint", "channel": "pigeon", "subject": "x", "contact_name": "张"}, "channel"),
            ({"kind": "complaint", "channel": "hotline", "subject": "", "contact_name": "张"}, "subject"),
            ({"kind": "complaint", "channel": "hotline", "subject": "x"}, "customer_id"),
            ({"kind": "complaint", "channel": "hotline", "subject": "x", "customer_id": 999999}, "customer_id"),
            ({"kind": "complaint", "channel": "hotline", "subject": "x", "contact_name": "张",
              "contact_phone": "12345"}, "contact_phone"),
            ({"kind": "complaint", "channel": "hotline", "subject": "x", "contact_name": "张",
              "asked_fen": -1}, "asked_fen"),
            ({"kind": "repair", "channel": "hotline", "subject": "x", "contact_name": "张",
              "category_id": self.category["id"]}, "category_id"),
            ({"kind": "complaint", "channel": "hotline", "subject": "x", "contact_name": "张",
              "severity": "apocalyptic"}, "severity"),
            ({"kind": "complaint", "channel": "hotline", "subject": 5, "contact_name": "张"}, "subject"),
        ]
        for body, field in cases:
            r = self.c["agent"].post(TICKETS, body)
            b = self.assertProblem(r, 422, msg=repr(body))
            self.assertIn(field, [e["field"] for e in b.get("errors", [])], repr(b))
        r = self.c["agent"].post(TICKETS, cases[0][0], headers={"Accept-Language": "en"})
        self.assertProblem(r, 422)
        self.assertEqual(len(self.admin.list_all(TICKETS)), count)
        self.assertEqual(self.admin.audit_count(), audit)


class ScopeTest(TicketCase):

    def test_branch_b_cannot_see_branch_a(self):
        t = self.new_ticket()
        self.assertProblem(self.c["agent_b"].get(tpath(t["id"])), 404)
        self.assertNotIn(t["id"], [x["id"] for x in self.c["agent_b"].list_all(TICKETS)])
        self.assertIn(t["id"], [x["id"] for x in self.c["viewer"].list_all(TICKETS)])
        self.assertIn(t["id"], [x["id"] for x in self.c["supervisor"].list_all(TICKETS)])
        # the department sees it only once routed there
        self.assertProblem(self.c["handler"].get(tpath(t["id"])), 404)
        self.step("agent", t["id"], "accept")
        self.step("agent", t["id"], "route", resp_unit_id=self.dept["id"])
        self.assertStatus(self.c["handler"].get(tpath(t["id"])), 200)

    def test_search_by_number_words_and_phone(self):
        t = self.new_ticket(subject="地下车库渗水严重", contact_phone="13566667777", contact_name="吴先生",
                            customer_id=None, description="雨天后积水到脚踝")
        ids = lambda client, q: [x["id"] for x in client.list_all(TICKETS, query={"q": q})]
        self.assertEqual(ids(self.admin, t["number"]), [t["id"]])
        self.assertIn(t["id"], ids(self.admin, "渗水"))
        self.assertIn(t["id"], ids(self.admin, "积水 车库"))
        self.assertIn(t["id"], ids(self.admin, "6677"))
        self.assertNotIn(t["id"], ids(self.admin, "渗水 表扬"))
        self.assertEqual(ids(self.c["agent_b"], "渗水"), [], "search stays inside the scope")
        r = self.c["agent"].patch(tpath(t["id"]), {"subject": "地下车库漏水"})
        self.assertStatus(r, 200)
        self.assertIn(t["id"], ids(self.admin, "漏水"))
        self.assertNotIn(t["id"], ids(self.admin, "渗水"))

    def test_a_store_routes_to_any_department(self):
        store = self.admin.create_unit(self.branch_a["id"], "tk-a-s1", "一店门店", "store")
        self.admin.create_user("tk_store_agent", store["id"], roles=["agent"])
        clerk = self.server.login("tk_store_agent", PASSWORD)
        # outside the store's own subtree, yet offered and accepted
        targets = items_of(clerk.get("/api/v1/ticket-route-targets").body)
        self.assertIn(self.dept["id"], [u["id"] for u in targets])
        people = items_of(clerk.get("/api/v1/ticket-route-targets/%d/people" % self.dept["id"]).body)
        self.assertEqual([p["id"] for p in people], [self.users["handler"]["id"]], "handlers only")
        self.assertProblem(self.c["handler"].get("/api/v1/ticket-route-targets"), 403)
        self.assertProblem(clerk.get("/api/v1/ticket-route-targets/999999/people"), 404)

    def test_phone_masked_for_viewer(self):
        t = self.new_ticket(contact_phone="13800138000", contact_name="李先生", customer_id=None)
        v = self.c["viewer"].get(tpath(t["id"])).body
        self.assertEqual(v["contact_phone"], "138****8000")
        self.assertTrue(v["phone_masked"])
        self.assertEqual(self.c["supervisor"].get(tpath(t["id"])).body["contact_phone"], "13800138000")


class MoneyAndBulkTest(TicketCase):

    def test_money_ratio_like_seed_002(self):
        # seed 002: asked 135,726 yuan, paid 75,432 → saved 60,294 = 44.42%
        for asked, paid in ((10000000, 5000000), (3572600, 2543200)):
            t = self.new_ticket(asked_fen=asked)
            self.step("agent", t["id"], "accept")
            self.step("agent", t["id"], "route", resp_unit_id=self.dept["id"])
            self.step("handler", t["id"], "investigate", root_cause_id=self.cause["id"])
            self.step("handler", t["id"], "propose", solutions=["赔偿"])
            self.step("supervisor", t["id"], "approve", solution_index=0)
            self.step("handler", t["id"], "implement", implementation="已赔付", paid_fen=paid)
        m = self.admin.get("/api/v1/ticket-stats/money").body
        self.assertEqual((m["asked_fen"], m["paid_fen"], m["saved_fen"], m["saved_bp"]),
                         (13572600, 7543200, 6029400, 4442))

    def test_sanction_needs_a_manager(self):
        t = self.new_ticket()
        r = self.c["supervisor"].post(tpath(t["id"], "/sanctions"),
                                      {"kind": "penalty", "user_id": self.users["handler"]["id"],
                                       "amount_fen": 5000, "reason": "未按时回电"})
        self.assertStatus(r, 201)
        x = r.body
        self.assertEqual((x["state"], x["unit_id"]), ("proposed", self.dept["id"]))
        self.assertProblem(self.c["supervisor"].post("/api/v1/ticket-sanctions/%d/decision" % x["id"],
                                                     {"approve": True}), 403)
        r = self.c["manager"].post("/api/v1/ticket-sanctions/%d/decision" % x["id"], {"approve": True})
        self.assertEqual(r.body["state"], "approved")
        self.assertProblem(self.c["manager"].post("/api/v1/ticket-sanctions/%d/decision" % x["id"],
                                                  {"approve": False}), 409)
        month = x["month"]
        listed = items_of(self.c["manager"].get("/api/v1/ticket-sanctions",
                                                query={"month": month, "user_id": self.users["handler"]["id"]}).body)
        self.assertEqual([s["id"] for s in listed], [x["id"]])
        # the ledger names the person and the unit, in the list, the decision and the ticket page
        self.assertEqual((x["user_name"], x["unit_name"]), ("员工handler", self.dept["name"]))
        self.assertEqual((listed[0]["user_name"], listed[0]["unit_name"]), ("员工handler", self.dept["name"]))
        self.assertEqual(r.body["user_name"], "员工handler")
        page = self.c["manager"].get(tpath(t["id"])).body["sanctions"]
        self.assertEqual([(s["user_name"], s["unit_name"]) for s in page], [("员工handler", self.dept["name"])])
        # staff see their own month only
        own = self.c["handler"].get("/api/v1/ticket-sanctions",
                                    query={"month": month, "user_id": self.users["handler"]["id"]})
        self.assertEqual([s["id"] for s in items_of(own.body)], [x["id"]])
        self.assertProblem(self.c["handler"].get("/api/v1/ticket-sanctions", query={"month": month}), 403)

    def test_saved_views_follow_the_person_and_can_be_shared(self):
        V = "/api/v1/ticket-views"
        ag = self.c["agent"]
        r = ag.post(V, {"name": "我的投诉", "filters": {"queue": "mine", "kind": "complaint", "q": ""}})
        self.assertStatus(r, 201)
        self.assertEqual((r.body["filters"], r.body["mine"], r.body["shared"], r.body["owner_name"]),
                         ({"queue": "mine", "kind": "complaint"}, True, False, "员工agent"))
        again = ag.post(V, {"name": "我的投诉", "filters": {"queue": "due_soon"}})  # same name: replaced
        self.assertStatus(again, 200)
        self.assertEqual(again.body["id"], r.body["id"])
        # another browser, another session: the same views
        other = self.server.login("tk_agent", PASSWORD)
        mine = [v for v in items_of(other.get(V).body) if v["mine"]]
        self.assertEqual([(v["name"], v["filters"]) for v in mine], [("我的投诉", {"queue": "due_soon"})])
        # bad input: every bad field in one answer, nothing saved
        bad = ag.post(V, {"name": "", "filters": {"kind": "nope", "queue": "x", "colour": "red"}, "extra": 1})
        self.assertProblem(bad, 422, "validation.failed")
        fields = {e["field"] for e in bad.body["errors"]}
        self.assertTrue({"name", "filters.kind", "filters.queue", "filters.colour", "extra"} <= fields, fields)
        self.assertProblem(ag.post(V, {"name": "x", "filters": []}), 422, "validation.failed")
        self.assertEqual([v["name"] for v in items_of(ag.get(V).body) if v["mine"]], ["我的投诉"])
        # only supervisors share, and with their own unit's subtree
        self.assertProblem(ag.post(V, {"name": "全店", "filters": {"queue": "unit"}, "shared": True}), 403)
        self.admin.create_user("tk_sup_a", self.branch_a["id"], roles=["supervisor"], display_name="一店主管")
        sa = self.server.login("tk_sup_a", PASSWORD)
        r = sa.post(V, {"name": "一店超时", "filters": {"queue": "breached"}, "shared": True})
        self.assertStatus(r, 201)
        self.assertEqual((r.body["shared"], r.body["shared_unit_name"]), (True, "一店"))
        seen = lambda c: {v["name"]: v for v in items_of(c.get(V).body)}
        self.assertFalse(seen(ag)["一店超时"]["mine"])  # branch A's agent sees it, not as theirs
        self.assertNotIn("一店超时", seen(self.c["agent_b"]))  # branch B does not
        self.assertNotIn("我的投诉", seen(self.c["agent_b"]))  # nor anyone's private view
        # only the owner removes a view
        self.assertProblem(ag.delete("%s/%d" % (V, r.body["id"])), 404)
        self.assertStatus(sa.delete("%s/%d" % (V, r.body["id"])), 204)
        self.assertNotIn("一店超时", seen(ag))

    def test_queue_counts_match_the_queues(self):
        self.new_ticket(subject="计数用工单")
        self.assertGreater(self.c["agent"].get("/api/v1/ticket-queue-counts").body["counts"]["due_soon"] +
                           self.c["agent"].get("/api/v1/ticket-queue-counts").body["counts"]["unassigned"], 0)
        for who in ("agent", "handler", "supervisor", "agent_b"):
            c = self.c[who]
            r = c.get("/api/v1/ticket-queue-counts")
            self.assertStatus(r, 200)
            cap = r.body["cap"]
            for queue, n in r.body["counts"].items():
                listed = len(c.list_all(TICKETS, query={"queue": queue}))
                self.assertEqual(n, min(listed, cap + 1), "%s, queue %s" % (who, queue))

    def test_merge_bulk_assign_and_close(self):
        a = self.new_ticket(subject="重复来电一")
        b = self.new_ticket(subject="重复来电二")
        r = self.c["agent"].post(tpath(b["id"], "/merge"), {"into_id": a["id"]})
        self.assertStatus(r, 200)
        d = self.admin.get(tpath(b["id"])).body
        self.assertEqual((d["state"], d["merged_into"], d["resolution"]), ("closed", a["id"], "merged"))
        self.assertNotIn(b["id"], [x["id"] for x in self.admin.list_all(TICKETS)])
        self.assertProblem(self.c["agent"].post(tpath(b["id"], "/steps"), {"action": "reopen", "comment": "x"}),
                           409, "ticket.merged")

        c = self.new_ticket()
        r = self.c["agent"].post(TICKETS + "/bulk/assign", {"ids": [a["id"], c["id"]],
                                                           "assignee_id": self.users["agent"]["id"]})
        self.assertProblem(r, 403)
        r = self.c["supervisor"].post(TICKETS + "/bulk/assign", {"ids": [a["id"], c["id"]],
                                                                "assignee_id": self.users["agent"]["id"]})
        self.assertEqual(r.body["changed"], 2)
        mine = [x["id"] for x in self.c["agent"].list_all(TICKETS, query={"queue": "mine"})]
        self.assertTrue({a["id"], c["id"]} <= set(mine))
        # all or nothing: an unknown id refuses the batch
        r = self.c["manager"].post(TICKETS + "/bulk/close", {"ids": [a["id"], 999999], "reason": "清理"})
        self.assertProblem(r, 404)
        self.assertEqual(self.admin.get(tpath(a["id"])).body["state"], "new")
        r = self.c["manager"].post(TICKETS + "/bulk/close", {"ids": [a["id"], c["id"]], "reason": "客户撤诉"})
        self.assertEqual(r.body["changed"], 2)

    def test_category_statistics(self):
        before = self.admin.get("/api/v1/ticket-stats/categories", query={"kind": "complaint", "year": 2026}).body
        self.new_ticket()
        after = self.admin.get("/api/v1/ticket-stats/categories", query={"kind": "complaint", "year": 2026}).body
        self.assertEqual(len(after["months"]), 12)
        self.assertEqual(sum(after["totals"]) - sum(before["totals"]), 1)
        row = next(r for r in after["rows"] if r["category_id"] == self.category["id"])
        self.assertEqual(row["name"], self.category["name"])


if __name__ == "__main__":
    unittest.main()


class PublicFormTest(TicketCase):
    """The complaint form customers reach without signing in."""

    def challenge(self, anon):
        r = anon.post("/api/v1/public/challenges", {})
        self.assertStatus(r, 201)
        a, _, b = r.body["question"].partition(" + ")
        return r.body["id"], str(int(a) + int(b.split(" ")[0]))

    def test_file_and_follow(self):
        anon = self.server.client()
        units = items_of(anon.get("/api/v1/public/units").body)
        self.assertIn(self.branch_a["id"], [u["id"] for u in units])
        self.assertNotIn(self.dept["id"], [u["id"] for u in units], "departments are not offered")
        cid, answer = self.challenge(anon)
        r = anon.post("/api/v1/public/tickets", {"kind": "repair", "name": "陈先生", "phone": "13700001111",
                                                 "subject": "卫生间漏水", "description": "楼上渗水到我家天花板",
                                                 "unit_id": self.branch_a["id"], "challenge_id": cid, "answer": answer})
        self.assertStatus(r, 201)
        number, token = r.body["number"], r.body["token"]
        self.assertTrue(number.startswith("BX-"))
        self.assertIn(token, r.body["follow_url"])
        st = anon.get("/api/v1/public/tickets/%s" % number, query={"t": token}).body
        self.assertEqual((st["state"], st["state_label"], st["replies"]), ("new", "待受理判定", []))
        self.assertNotIn("contact_phone", st)
        # staff see it with the web channel and answer in public
        t = next(x for x in self.admin.list_all(TICKETS, query={"q": number}))
        self.assertEqual((t["channel"], t["unit_id"]), ("web_form", self.branch_a["id"]))
        self.assertStatus(self.c["agent"].post(tpath(t["id"], "/comments"),
                                               {"visibility": "internal", "body": "内部：先联系物业工程部"}), 201)
        self.assertStatus(self.c["agent"].post(tpath(t["id"], "/comments"),
                                               {"visibility": "public", "body": "已安排维修师傅明天上午上门"}), 201)
        st = anon.get("/api/v1/public/tickets/%s" % number, query={"t": token}).body
        self.assertEqual([x["body"] for x in st["replies"]], ["已安排维修师傅明天上午上门"])
        self.assertProblem(anon.get("/api/v1/public/tickets/%s" % number, query={"t": "0" * 32}), 404)
        self.assertProblem(anon.get("/api/v1/public/tickets/%s" % number), 404)

    def test_wrong_answer_spends_the_question(self):
        anon = self.server.client()
        before = len(self.admin.list_all(TICKETS))
        cid, answer = self.challenge(anon)
        body = {"name": "陈先生", "phone": "13700001111", "subject": "投诉", "challenge_id": cid,
                "answer": str(int(answer) + 1)}
        self.assertProblem(anon.post("/api/v1/public/tickets", body), 422)
        body["answer"] = answer
        self.assertProblem(anon.post("/api/v1/public/tickets", body), 422)
        body["phone"] = "110"
        b = self.assertProblem(anon.post("/api/v1/public/tickets", body), 422)
        self.assertIn("phone", [e["field"] for e in b["errors"]])
        self.assertEqual(len(self.admin.list_all(TICKETS)), before)

    def test_zz_rate_limited(self):
        anon = self.server.client()
        codes = [anon.post("/api/v1/public/challenges", {}).status for _ in range(25)]
        self.assertIn(429, codes)
        self.assertProblem(anon.post("/api/v1/public/challenges", {}), 429)


PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
       b"\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82")


class AttachmentTest(TicketCase):

    def upload(self, who, tid, name, data, ctype):
        from urllib.parse import quote
        return self.c[who].post(tpath(tid, "/attachments?name=%s" % quote(name)), raw_body=data,
                                headers={"Content-Type": ctype})

    def test_upload_and_download(self):
        t = self.new_ticket()
        r = self.upload("agent", t["id"], "破损照片.png", PNG, "image/png")
        self.assertStatus(r, 201)
        a = r.body
        self.assertEqual((a["name"], a["size"], a["content_type"]), ("破损照片.png", len(PNG), "image/png"))
        d = self.c["viewer"].get(tpath(t["id"])).body
        self.assertEqual([x["id"] for x in d["attachments"]], [a["id"]])
        got = self.c["viewer"].get(a["url"])
        self.assertStatus(got, 200)
        self.assertEqual(got.content_type, "image/png")
        body = got.body if isinstance(got.body, bytes) else got.body.encode("latin-1")
        self.assertEqual(body, PNG)
        self.assertIn("inline", got.header("Content-Disposition"))
        self.assertIn("%E7%A0%B4", got.header("Content-Disposition"))  # 破, UTF-8 encoded
        self.assertEqual(got.header("X-Content-Type-Options"), "nosniff")
        # the same bytes again are stored once; a text note downloads instead of opening
        self.assertStatus(self.upload("agent", t["id"], "again.png", PNG, "image/png"), 201)
        note = self.upload("agent", t["id"], "说明.txt", "客户口述经过".encode(), "text/plain")
        self.assertStatus(note, 201)
        self.assertIn("attachment;", self.c["agent"].get(note.body["url"]).header("Content-Disposition"))

    def test_refusals_change_nothing(self):
        t = self.new_ticket()
        audit = self.admin.audit_count()
        self.assertProblem(self.upload("agent", t["id"], "virus.png", b"MZ\x90\x00" * 10, "image/png"), 422)
        self.assertProblem(self.upload("agent", t["id"], "tool.exe", b"MZ\x90\x00" * 10,
                                       "application/x-msdownload"), 422)
        self.assertProblem(self.upload("agent", t["id"], "empty.txt", b"", "text/plain"), 422)
        # claiming more than 10 MiB: refused from the header alone, before the body is read
        cookie = "; ".join("%s=%s" % kv for kv in self.c["agent"].cookies.items())
        head = ("POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\nCookie: %s\r\n"
                "X-CSRF-Token: %s\r\nContent-Length: %d\r\n\r\n"
                % (tpath(t["id"], "/attachments?name=big.png"), cookie, self.c["agent"].csrf, (10 << 20) + 1))
        status, raw = raw_http(self.server, head.encode(), read_timeout=10)
        self.assertEqual(status, 413, raw[:300])
        self.assertProblem(self.upload("viewer", t["id"], "x.png", PNG, "image/png"), 403)
        self.assertProblem(self.upload("agent_b", t["id"], "x.png", PNG, "image/png"), 404)
        self.assertProblem(self.c["agent_b"].get(tpath(t["id"], "/attachments/1")), 404)
        self.assertEqual(self.admin.get(tpath(t["id"])).body["attachments"], [])
        self.assertEqual(self.admin.audit_count(), audit)


class SmallWindowListTest(TicketCase):
    """Lists with a scan window of 3 rows: pages come from the newest rows and, past them,
    from the path indexes, on both backends, in the same order and without gaps."""

    server_config = {"tickets": {"list_scan_window": 3}}

    def test_pages_through_both_ways(self):
        # branch A's tickets are older than a run of the department's own
        mine = [self.new_ticket(subject="一店 %d" % i)["id"] for i in range(7)]
        other = self.c["supervisor"]
        for i in range(6):
            r = other.post(TICKETS, {"kind": "internal", "channel": "head_office", "subject": "总部内部 %d" % i,
                                     "unit_id": self.head["id"]})
            self.assertStatus(r, 201)
        routed = mine[1]
        self.step("agent", routed, "accept")
        self.step("agent", routed, "route", resp_unit_id=self.dept["id"])
        # the agent's scope: branch A; pages of 2 through window and indexes
        got = [x["id"] for x in self.c["agent"].list_all(TICKETS, limit=2)]
        self.assertEqual(got, sorted(mine, reverse=True))
        # the department sees only the ticket routed there, found through resp_unit_path
        self.assertEqual([x["id"] for x in self.c["handler"].list_all(TICKETS)], [routed])
        # with a filter that only old rows pass
        got = [x["id"] for x in self.c["agent"].list_all(TICKETS, query={"state": "routed"})]
        self.assertEqual(got, [routed])
