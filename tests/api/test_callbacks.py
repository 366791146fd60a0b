"""Callbacks for a car dealer, end to end on the adjustable clock: a delivery event → a
callback task due in 24 h in the least loaded agent's queue → two failed attempts and one
answered → a dissatisfied answer on the delivery-process dimension → a ticket routed to the
delivery department → closed → a verification callback → satisfied; the KPIs are the values
computed here by hand. Then a repair with the 3-working-day rule across a make-up working
weekend, consent and quiet hours, the SMS survey link answered once, rule refusals."""

import datetime
import json
import os
import tempfile
import time

from harness import PASSWORD, ServerTestCase, items_of

BJ = datetime.timezone(datetime.timedelta(hours=8))
HOUR = 3600 * 1000
CAPTURE = os.path.join(tempfile.mkdtemp(prefix="kefu-sms-"), "sms.jsonl")


def bj(*args):
    return int(datetime.datetime(*args, tzinfo=BJ).timestamp() * 1000)


# The car sales questionnaire (preset car_sales_ssi, scale 0–1000): everything fine but the
# car's condition at handover (q17 = 5 ≤ 6: dissatisfied, department "delivery").
SSI_ANSWERS = {"q01": 9, "q02": False, "q04": 9, "q06": 8, "q09": 9, "q11": 10, "q12": 10,
               "q13": 9, "q14": True, "q15": 8, "q17": 5, "q18": 8, "q20": True, "q21": 8}
# By hand: handover = mean(5/10, 8/10) × 1000 = 650; consultant = (10 + 10 + 1.5 × 9) / 3.5 / 10
# × 1000 = 957.142857…; overall = Σ dimension weight × index (weights sum to 1) =
# 0.13·900 + 0.12·900 + 0.14·800 + 0.13·900 + 0.20·957.142857 + 0.12·800 + 0.16·650
HANDOVER = 650.0
OVERALL = 0.13 * 900 + 0.12 * 900 + 0.14 * 800 + 0.13 * 900 + 0.20 * (33.5 / 3.5 * 100) + 0.12 * 800 + 0.16 * 650


class CallbackCase(ServerTestCase):
    server_config = {"clock": {"adjustable": True}, "jobs": {"poll_ms": 100},
                     "notify": {"capture_file": CAPTURE, "poll_ms": 100}}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        a = cls.admin
        cls.set_clock(bj(2026, 11, 2, 10, 0))  # a Monday
        cls.branch = a.create_unit(cls.head["id"], "cb-4s", "杭州西湖4S店", "branch")
        cls.delivery = a.create_unit(cls.branch["id"], "cb-delivery", "交付部", "department")
        cls.workshop = a.create_unit(cls.branch["id"], "cb-workshop", "售后车间", "department")
        cls.users, cls.c = {}, {}
        for name, unit, roles in (("a1", cls.branch, ["agent"]), ("a2", cls.branch, ["agent"]),
                                  ("sup", cls.branch, ["supervisor"]),
                                  ("handler", cls.delivery, ["handler"]),
                                  ("ws", cls.workshop, ["handler"]),
                                  ("manager", cls.head, ["manager"])):
            cls.users[name] = a.create_user("cb_" + name, unit["id"], roles=roles, display_name="回访" + name)
            cls.c[name] = cls.server.login("cb_" + name, PASSWORD)

    @classmethod
    def set_clock(cls, ms):
        r = cls.admin.post("/api/v1/test/clock", {"set": ms})
        assert r.status == 200, r
        # Sessions expire on the same clock: sign everyone in again at the new time.
        cls.admin = cls.server.login()
        for name in getattr(cls, "c", {}):
            cls.c[name] = cls.server.login("cb_" + name, PASSWORD)

    def customer(self, name, phone, gender="male", **extra):
        body = {"name": name, "gender": gender, "unit_id": self.branch["id"], "phones": [{"number": phone}]}
        body.update(extra)
        r = self.admin.post("/api/v1/customers", body)
        self.assertStatus(r, 201)
        return r.body

    def vehicle(self, cid, plate):
        r = self.admin.post("/api/v1/customers/%d/assets" % cid, {"type": "vehicle", "attrs": {"plate": plate, "model": "帕萨特"}})
        self.assertStatus(r, 201)
        return r.body

    def event(self, cid, kind, at, asset_id=None):
        body = {"kind": kind, "occurred_at": at, "unit_id": self.branch["id"]}
        if asset_id:
            body["asset_id"] = asset_id
        r = self.admin.post("/api/v1/customers/%d/events" % cid, body)
        self.assertStatus(r, 201)
        return r.body

    def rule(self, code, trigger, due, questionnaire, **params):
        p = {"questionnaire": questionnaire, "max_attempts": 3, "retry_minutes": 60}
        p.update(params)
        r = self.admin.post("/api/v1/rules", {
            "code": code, "name": code, "unit_id": self.branch["id"],
            "definition": {"trigger": {"event": trigger}, "due": due, "action": "callback", "params": p}})
        self.assertStatus(r, 201)
        return r.body

    def wait_task(self, customer_id, kind="callback", timeout=15):
        deadline = time.time() + timeout
        while time.time() < deadline:
            r = self.c["sup"].get("/api/v1/callbacks", query={"view": "unit", "customer_id": customer_id, "state": "pending"})
            self.assertStatus(r, 200)
            found = [t for t in r.body["items"] if t["kind"] == kind]
            if found:
                return found[0]
            time.sleep(0.2)
        self.fail("no %s task for customer %d: %s" % (kind, customer_id, self.server.logs()[-3000:]))

    def attempt(self, who, tid, outcome, expect=200, **fields):
        body = {"outcome": outcome}
        body.update(fields)
        r = self.c[who].post("/api/v1/callbacks/%d/attempts" % tid, body)
        self.assertStatus(r, expect, "%s %s" % (who, outcome))
        return r.body

    def ticket_step(self, who, tid, action, **fields):
        body = {"action": action}
        body.update(fields)
        client = self.admin if who == "admin" else self.c[who]
        r = client.post("/api/v1/tickets/%d/steps" % tid, body)
        self.assertStatus(r, 200, action)
        return r.body


class CarDealerLoopTest(CallbackCase):

    def test_delivery_to_verified(self):
        self.rule("delivery-24h", "vehicle.delivered", {"unit": "hours", "amount": 24}, "car_sales_ssi")
        t0 = bj(2026, 11, 2, 10, 0)
        # A first delivery loads agent a1 (equal loads: the lower id wins) ...
        other = self.customer("赵先生", "13700001111")
        self.event(other["id"], "delivery", t0, self.vehicle(other["id"], "浙A00001")["id"])
        first = self.wait_task(other["id"])
        self.assertEqual(first["assignee_id"], self.users["a1"]["id"])
        # ... so the next one goes to a2, due 24 h after the delivery.
        li = self.customer("李建国", "13800138000")
        car = self.vehicle(li["id"], "浙A12345")
        self.event(li["id"], "delivery", t0, car["id"])
        task = self.wait_task(li["id"])
        self.assertEqual(task["assignee_id"], self.users["a2"]["id"], "balanced: a2 had no open task")
        self.assertEqual(task["due_at"], t0 + 24 * HOUR)
        self.assertEqual(task["questionnaire_name"], "新车销售满意度回访")
        self.assertTrue(task["phone_masked"], "the supervisor is not the assignee")
        tid = task["id"]

        # a2's queue, with the script filled in and the phone shown to the assignee
        q = self.c["a2"].get("/api/v1/callbacks").body
        self.assertEqual([x["id"] for x in q["items"]], [tid])
        d = self.c["a2"].get("/api/v1/callbacks/%d" % tid).body
        self.assertEqual(d["phone"], "13800138000")
        self.assertIn("李建国", d["script"]["opening"])
        self.assertIn("浙A12345", d["script"]["opening"], "the asset's fields are filled in")
        self.assertEqual(len(d["questionnaire"]["questions"]), 23)
        # another agent may not record on it
        self.attempt("a1", tid, "no_answer", expect=403)

        # two failed attempts, each pushing the next try by the rule's 60 minutes
        t = self.attempt("a2", tid, "no_answer", note="无人接听")
        self.assertEqual((t["state"], t["attempts"]), ("pending", 1))
        self.assertEqual(self.c["a2"].get("/api/v1/callbacks").body["items"], [], "not offered before the retry")
        self.set_clock(t0 + 61 * 60 * 1000)
        t = self.attempt("a2", tid, "busy")
        self.assertEqual((t["state"], t["attempts"]), ("pending", 2))
        self.set_clock(t0 + 3 * HOUR)
        # a bad answer is refused and changes nothing
        bad = dict(SSI_ANSWERS, q17=11)
        del bad["q21"]
        r = self.c["a2"].post("/api/v1/callbacks/%d/attempts" % tid, {"outcome": "answered", "answers": bad})
        self.assertProblem(r, 422, "validation.failed")
        fields = {e["field"] for e in r.body["errors"]}
        self.assertTrue({"answers.q17", "answers.q21"} <= fields, fields)
        self.assertEqual(self.c["a2"].get("/api/v1/callbacks/%d" % tid).body["attempts"], 2)

        t = self.attempt("a2", tid, "answered", answers=SSI_ANSWERS, note="交车时发现划痕")
        self.assertEqual((t["state"], t["attempts"], t["satisfied"], t["dissatisfied"]), ("done", 3, True, 1))
        self.assertEqual(len(t["ticket_ids"]), 1)
        # answering twice is refused
        self.attempt("a2", tid, "answered", expect=409, answers=SSI_ANSWERS)

        d = self.c["a2"].get("/api/v1/callbacks/%d" % tid).body
        dims = {x["code"]: x["index"] for x in d["answer"]["scored"]["dimensions"]}
        self.assertAlmostEqual(dims["handover"], HANDOVER, places=6)
        self.assertAlmostEqual(d["answer"]["scored"]["overall"], OVERALL, places=6)

        # the ticket: a complaint from a callback, accepted and routed to the delivery department
        ticket_id = t["ticket_ids"][0]
        tk = self.admin.get("/api/v1/tickets/%d" % ticket_id).body
        self.assertEqual((tk["channel"], tk["state"], tk["resp_unit_id"]), ("callback", "routed", self.delivery["id"]))
        self.assertEqual(tk["customer_id"], li["id"])
        self.assertIsNotNone(tk["resolve_due_at"])

        # the department handles it, the supervisor approves, the agent verifies and closes
        cause = items_of(self.admin.get("/api/v1/ticket-root-causes").body)[0]
        self.ticket_step("handler", ticket_id, "investigate", root_cause_id=cause["id"], findings="交车前未复检")
        self.ticket_step("handler", ticket_id, "propose", solutions=["免费抛光修复划痕"])
        self.ticket_step("sup", ticket_id, "approve", solution_index=0)
        self.ticket_step("handler", ticket_id, "implement", implementation="已预约抛光")
        closed = self.ticket_step("a2", ticket_id, "verify", satisfied=True)
        self.assertEqual(closed["state"], "closed")

        # closing it creates a verification callback, back with the agent who heard it
        v = self.wait_task(li["id"], kind="verification")
        self.assertEqual(v["verifies_ticket_id"], ticket_id)
        self.assertEqual(v["assignee_id"], self.users["a2"]["id"])
        self.assertEqual(v["questionnaire_name"], "投诉处理回访验证")
        v = self.attempt("a2", v["id"], "answered", answers={"v01": True, "v02": 5, "v03": 5, "v04": True})
        self.assertEqual((v["state"], v["satisfied"]), ("done", True))
        self.assertEqual(self.admin.get("/api/v1/tickets/%d" % ticket_id).body["state"], "closed")

        # KPIs for 11-03, the day three callbacks were due: the first delivery's (still open),
        # Li's (done at the 3rd attempt) and the verification (closed at 13:00 on 11-02, due
        # one working day later; done at the 1st attempt).
        # callback rate 2 / 3 = 66.67 %; first-call success 1 / 2 = 50.00 %; attempts
        # (3 + 1) / 2 = 2.00; satisfied 2 of 2 answered; per channel sales 1/1 and complaint
        # 1/1, overall = mean of the channels = 100.00 %; 400 mentioned 1 of 1; 1 task with a
        # dissatisfied answer.
        k = self.c["sup"].get("/api/v1/callbacks/kpis", query={"from": "2026-11-03", "to": "2026-11-03"}).body
        tot = k["total"]
        self.assertEqual((tot["counts"]["due"], tot["counts"]["done"]), (3, 2))
        self.assertEqual(tot["callback_rate"], 66.67)
        self.assertEqual(tot["first_call_rate"], 50.0)
        self.assertEqual(tot["avg_attempts"], 2.0)
        self.assertEqual(tot["satisfaction_rate"], 100.0)
        self.assertEqual(tot["hotline_rate"], 100.0)
        self.assertEqual(tot["counts"]["dissatisfied_tasks"], 1)
        self.assertEqual(k["channels"], [
            {"channel": "complaint", "answered": 1, "satisfied": 1, "satisfaction_rate": 100.0},
            {"channel": "sales", "answered": 1, "satisfied": 1, "satisfaction_rate": 100.0}])
        self.assertEqual(k["overall_satisfaction"], 100.0)
        # the supervisor's backlog: nothing open but the first delivery's task
        b = self.c["sup"].get("/api/v1/callbacks/backlog")
        self.assertStatus(b, 200)
        self.assertEqual(sum(d["open"] for d in b.body["by_day"]), 1)
        # the day before has nothing due: no figures, not zeros
        k0 = self.c["sup"].get("/api/v1/callbacks/kpis", query={"from": "2026-11-02", "to": "2026-11-02"}).body
        self.assertIsNone(k0["total"]["callback_rate"])
        self.assertEqual(k["tickets"]["opened"], 1)
        self.assertEqual(k["tickets"]["closed"], 1)
        # the dimension report of the surveys module holds the same index
        rep = self.c["sup"].get("/api/v1/survey-reports/dimensions", query={
            "questionnaire_id": d["questionnaire_id"], "from": "2026-11", "to": "2026-11", "group": "month"})
        self.assertStatus(rep, 200)

    def test_verification_not_satisfied_reopens_to_manager(self):
        self.rule("delivery-verify-b", "vehicle.delivered", {"unit": "hours", "amount": 24}, "car_sales_ssi",
                  retry_minutes=30)
        self.set_clock(bj(2026, 11, 4, 10, 0))
        c = self.customer("孙丽", "13600136000", gender="female")
        self.event(c["id"], "delivery", bj(2026, 11, 4, 9, 0), self.vehicle(c["id"], "浙A55555")["id"])
        task = self.wait_task(c["id"])
        who = "a1" if task["assignee_id"] == self.users["a1"]["id"] else "a2"
        d = self.c[who].get("/api/v1/callbacks/%d" % task["id"]).body
        self.assertIn("孙丽", d["script"]["opening"])
        t = self.attempt(who, task["id"], "answered", answers=dict(SSI_ANSWERS, q17=9, q21=4))
        self.assertEqual((t["satisfied"], t["dissatisfied"]), (False, 1), "only the overall question is low")
        ticket_id = t["ticket_ids"][0]
        # no "sales" department in this branch: the ticket goes to the branch itself
        self.assertEqual(self.admin.get("/api/v1/tickets/%d" % ticket_id).body["resp_unit_id"], self.branch["id"])
        cause = items_of(self.admin.get("/api/v1/ticket-root-causes").body)[0]
        self.ticket_step("admin", ticket_id, "investigate", root_cause_id=cause["id"])
        self.ticket_step("admin", ticket_id, "propose", solutions=["致歉并赠送保养"])
        self.ticket_step("admin", ticket_id, "approve", solution_index=0)
        self.ticket_step("admin", ticket_id, "implement", implementation="已致歉")
        self.ticket_step("admin", ticket_id, "verify", satisfied=True)
        v = self.wait_task(c["id"], kind="verification")
        v = self.attempt(who, v["id"], "answered",
                         answers={"v01": False, "v02": 2, "v03": 3, "v04": False, "v05": "还是不满意，要求店长处理"})
        self.assertEqual(v["satisfied"], False)
        tk = self.admin.get("/api/v1/tickets/%d" % ticket_id).body
        self.assertNotEqual(tk["state"], "closed")
        self.assertEqual(tk["escalation"], 2, "still not satisfied: to a manager")


class RepairAndConsentTest(CallbackCase):

    def test_repair_three_working_days_across_makeup_weekend(self):
        self.rule("repair-3wd", "repair.closed", {"unit": "working_days", "amount": 3}, "car_service_csi")
        # Friday 2026-09-18 15:00; Saturday off; Sunday 09-20 a make-up working day (调休上班):
        # 3 h + 9 h (Sun) + 9 h (Mon) + 6 h → Tuesday 09-22 15:00, not Wednesday.
        self.set_clock(bj(2026, 9, 18, 15, 0))
        c = self.customer("周明", "13500135000")
        self.event(c["id"], "repair", bj(2026, 9, 18, 15, 0), self.vehicle(c["id"], "浙A66666")["id"])
        task = self.wait_task(c["id"])
        self.assertEqual(task["due_at"], bj(2026, 9, 22, 15, 0))

    def test_no_consent_no_task_and_quiet_hours(self):
        self.rule("visit-call", "store.visit_without_purchase", {"unit": "hours", "amount": 48}, "store_purchase")
        self.set_clock(bj(2026, 11, 9, 10, 0))
        refused = self.customer("钱多多", "13400134000", may_call=False)
        self.event(refused["id"], "visit_without_purchase", bj(2026, 11, 9, 9, 0))
        quiet = self.customer("吴静", "13300133000", gender="female", quiet_start="12:00", quiet_end="14:00")
        self.event(quiet["id"], "visit_without_purchase", bj(2026, 11, 9, 9, 0))
        task = self.wait_task(quiet["id"])
        # the refusing customer got no task, and the rule's firing says why
        rules = items_of(self.admin.get("/api/v1/rules").body)
        rid = next(r["id"] for r in rules if r["code"] == "visit-call")
        firings = items_of(self.admin.get("/api/v1/rules/%d/firings" % rid).body)
        outcomes = {f["customer_id"]: f["outcome"] for f in firings}
        self.assertEqual(outcomes[refused["id"]], "skipped:callbacks.no_consent")
        self.assertEqual(outcomes[quiet["id"]], "created")
        who = "a1" if task["assignee_id"] == self.users["a1"]["id"] else "a2"
        # 12:30 is inside her quiet hours: not offered, an attempt is refused unless overridden
        self.set_clock(bj(2026, 11, 9, 12, 30))
        q = self.c[who].get("/api/v1/callbacks").body
        self.assertNotIn(task["id"], [x["id"] for x in q["items"]])
        self.assertGreaterEqual(q["held"], 1)
        self.attempt(who, task["id"], "no_answer", expect=409)
        self.assertEqual(self.c[who].get("/api/v1/callbacks/%d" % task["id"]).body["attempts"], 0)
        # the same at 22:00 (the company's window 21:00–09:00)
        self.set_clock(bj(2026, 11, 9, 22, 0))
        self.attempt(who, task["id"], "no_answer", expect=409)
        self.set_clock(bj(2026, 11, 10, 10, 0))
        self.attempt(who, task["id"], "call_back_later", expect=422)  # needs the agreed time
        t = self.attempt(who, task["id"], "call_back_later", call_back_at=bj(2026, 11, 10, 16, 0))
        self.assertEqual((t["state"], t["due_at"]), ("pending", bj(2026, 11, 10, 16, 0)), "the agreed time is the new due time")

    def test_sms_survey_link_answered_once(self):
        self.rule("store-sms", "sale.completed", {"unit": "hours", "amount": 72}, "store_purchase")
        self.set_clock(bj(2026, 11, 11, 10, 0))
        c = self.customer("郑欣", "13200132000", gender="female")
        self.event(c["id"], "purchase", bj(2026, 11, 11, 9, 30))
        task = self.wait_task(c["id"])
        who = "a1" if task["assignee_id"] == self.users["a1"]["id"] else "a2"
        r = self.c[who].post("/api/v1/callbacks/%d/survey-link" % task["id"], {})
        self.assertStatus(r, 201)
        link = r.body["link"]
        token = link.rsplit("/", 1)[1]
        # the message leaves through the capture gateway
        deadline = time.time() + 10
        sent = []
        while time.time() < deadline and not sent:
            if os.path.exists(CAPTURE):
                with open(CAPTURE) as f:
                    sent = [json.loads(x) for x in f if token in x]
            time.sleep(0.2)
        self.assertEqual(len(sent), 1)
        self.assertEqual(sent[0]["recipient"], "13200132000")
        self.assertIn("郑女士", sent[0]["body"])
        anon = self.server.client()
        page = anon.get("/api/v1/public/surveys/" + token)
        self.assertStatus(page, 200)
        self.assertEqual(page.body["greeting"], "郑女士")
        self.assertNotIn("13200132000", json.dumps(page.body, ensure_ascii=False))
        qs = page.body["questionnaire"]["questions"]
        answers = {}
        for q in qs:
            if q["required"] and q["show_if"] is None:
                if q["type"] == "scale":
                    answers[q["code"]] = q["scale_max"]
                elif q["type"] == "yes_no":
                    answers[q["code"]] = True
                elif q["type"] == "single":
                    answers[q["code"]] = q["options"][0]["code"]
                elif q["type"] == "multi":
                    answers[q["code"]] = [q["options"][0]["code"]]
                else:
                    answers[q["code"]] = "很好"
        # a forged or cut token is refused without saying more
        self.assertProblem(anon.get("/api/v1/public/surveys/" + token[:-2] + "00"), 404, "callbacks.link_invalid")
        self.assertProblem(anon.post("/api/v1/public/surveys/" + token, {"answers": {"nope": 1}}), 422, "validation.failed")
        r = anon.post("/api/v1/public/surveys/" + token, {"answers": answers})
        self.assertStatus(r, 201)
        self.assertProblem(anon.post("/api/v1/public/surveys/" + token, {"answers": answers}), 409,
                           "callbacks.survey_answered")
        t = self.c[who].get("/api/v1/callbacks/%d" % task["id"]).body
        self.assertEqual((t["state"], t["channel"]), ("done", "sms"))
        # expired links say so
        self.set_clock(bj(2026, 11, 19, 10, 0))
        self.assertProblem(anon.get("/api/v1/public/surveys/" + token), 404, "callbacks.link_expired")


class RuleRefusalTest(CallbackCase):

    def test_bad_rules_are_refused_with_every_problem(self):
        before = len(items_of(self.admin.get("/api/v1/rules").body))
        r = self.admin.post("/api/v1/rules", {"code": "bad", "name": "坏规则", "definition": {
            "trigger": {"event": "vehicle.exploded"},
            "conditions": [{"field": "customer.shoe_size", "op": ">", "values": ["40"]}],
            "due": {"unit": "fortnights", "amount": 1},
            "action": "callback", "params": {"questionnaire": "nope", "max_attempts": 99}}})
        self.assertProblem(r, 422, "validation.failed")
        fields = {e["field"]: e["code"] for e in r.body["errors"]}
        self.assertEqual(fields.get("definition.trigger.event"), "rules.trigger_unknown")
        self.assertEqual(fields.get("definition.due.unit"), "rules.span_unit")
        self.assertEqual(fields.get("definition.params.questionnaire"), "callbacks.questionnaire_unknown")
        self.assertEqual(fields.get("definition.params.max_attempts"), "callbacks.param_range")
        r = self.admin.post("/api/v1/rules", {"code": "bad2", "name": "坏规则", "definition": {
            "trigger": {"event": "vehicle.delivered"},
            "conditions": [{"field": "customer.shoe_size", "op": "=", "values": ["40"]},
                           {"field": "event.amount_fen", "op": "contains", "values": ["x"]}],
            "action": "callback", "params": {"questionnaire": "car_sales_ssi"}}})
        self.assertProblem(r, 422, "validation.failed")
        fields = {e["field"]: e["code"] for e in r.body["errors"]}
        self.assertEqual(fields.get("definition.conditions[0].field"), "rules.field_unknown")
        self.assertEqual(fields.get("definition.conditions[1].op"), "rules.op_unfit")
        # a callback rule triggered by the callbacks it creates would feed itself
        r = self.admin.post("/api/v1/rules", {"code": "loop", "name": "循环", "definition": {
            "trigger": {"event": "callback.created"}, "action": "callback",
            "params": {"questionnaire": "car_sales_ssi"}}})
        self.assertProblem(r, 422, "validation.failed")
        self.assertEqual(len(items_of(self.admin.get("/api/v1/rules").body)), before, "nothing saved")
        # an agent may not write rules
        r = self.c["a1"].post("/api/v1/rules", {"code": "x", "name": "x", "definition": {
            "trigger": {"event": "vehicle.delivered"}, "action": "callback",
            "params": {"questionnaire": "car_sales_ssi"}}})
        self.assertEqual(r.status, 403)

    def test_dry_run_and_backfill(self):
        self.set_clock(bj(2026, 11, 16, 10, 0))
        c = self.customer("冯涛", "13100131000")
        self.event(c["id"], "order", bj(2026, 11, 16, 9, 0))
        definition = {"trigger": {"event": "order.placed"}, "due": {"unit": "hours", "amount": 24},
                      "action": "callback", "params": {"questionnaire": "online_order"}}
        r = self.admin.post("/api/v1/rules/dry-run", {"unit_id": self.branch["id"], "days": 7, "definition": definition})
        self.assertStatus(r, 200)
        self.assertEqual(r.body["matched"], 1)
        self.assertEqual(r.body["sample"][0]["customer_id"], c["id"])
        self.assertEqual(r.body["sample"][0]["due_at"], bj(2026, 11, 17, 9, 0))
        # the rule added later: the live consumer has passed the event; a back-fill acts once
        rule = self.admin.post("/api/v1/rules", {"code": "orders-later", "name": "补跑", "unit_id": self.branch["id"],
                                                 "definition": definition})
        self.assertStatus(rule, 201)
        rid = rule.body["id"]
        b1 = self.admin.post("/api/v1/rules/%d/backfill?days=7" % rid, {}).body
        b2 = self.admin.post("/api/v1/rules/%d/backfill?days=7" % rid, {}).body
        # (the live consumer may have met the event after the rule was saved: then it is the
        # one that acted, and the back-fill finds it done)
        self.assertEqual((b1["created"] + b1["already"], b2["created"], b2["already"]), (1, 0, 1))
        tasks = self.c["sup"].get("/api/v1/callbacks", query={"view": "unit", "customer_id": c["id"]}).body["items"]
        self.assertEqual(len(tasks), 1)
        # a new version keeps the old one
        r = self.admin.patch("/api/v1/rules/%d" % rid, {"name": "补跑（改）"})
        self.assertEqual(r.body["version"], 2)
        self.assertEqual(len(items_of(self.admin.get("/api/v1/rules/%d/versions" % rid).body)), 2)
