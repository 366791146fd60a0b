"""Classification and lifecycle on the adjustable clock: presets, events moving classes,
the nightly job moving active → at risk → churned (counts worked out by hand), the list's
class filter, counts per unit with their scope, rule changes recomputing everyone, and bad
rules refused with nothing changed."""

import datetime
import time

from harness import PASSWORD, ServerTestCase, items_of

BJ = datetime.timezone(datetime.timedelta(hours=8))
DAY = 24 * 3600 * 1000
CLASSES = "/api/v1/customer-classifications"
CUSTOMERS = "/api/v1/customers"


def bj(*args):
    return int(datetime.datetime(*args, tzinfo=BJ).timestamp() * 1000)


T0 = bj(2026, 11, 2, 10, 0)


class ClassificationCase(ServerTestCase):
    server_config = {"clock": {"adjustable": True}, "jobs": {"poll_ms": 100}}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        a = cls.admin
        cls.set_clock(T0)
        cls.branch_a = a.create_unit(cls.head["id"], "cl-a", "上海分部", "branch")
        cls.store_a1 = a.create_unit(cls.branch_a["id"], "cl-a1", "徐汇店", "store")
        cls.store_a2 = a.create_unit(cls.branch_a["id"], "cl-a2", "浦东店", "store")
        cls.branch_b = a.create_unit(cls.head["id"], "cl-b", "广州分部", "branch")
        a.create_user("cl_agent_a", cls.branch_a["id"], ["agent"])
        a.create_user("cl_agent_b", cls.branch_b["id"], ["agent"])
        cls.login_all()
        # The lifecycle cast (T0 = 2026-11-02 10:00):
        #   c1 service today                → active
        #   c2 service 60 days ago          → active
        #   c3 service 100 days ago          → at risk (≥ 90 days)
        #   c4 came, did not buy, today     → prospect
        #   c5 nothing                      → new (the blank class, no row)
        #   b1 (branch B) repair 10 days ago → active
        cls.c = {}
        for name, unit, event in (("c1", cls.store_a1, ("service", 0, 0)),
                                  ("c2", cls.store_a1, ("service", 60, 0)),
                                  ("c3", cls.store_a2, ("service", 100, 0)),
                                  ("c4", cls.store_a2, ("visit_without_purchase", 0, 0)),
                                  ("c5", cls.store_a2, None),
                                  ("b1", cls.branch_b, ("repair", 10, 30000))):
            r = a.post(CUSTOMERS, {"name": "分类" + name, "unit_id": unit["id"]})
            assert r.status == 201, r
            cls.c[name] = r.body["id"]
            if event:
                kind, days_ago, fen = event
                r = a.post("%s/%d/events" % (CUSTOMERS, r.body["id"]),
                           {"kind": kind, "occurred_at": T0 - days_ago * DAY, "amount_fen": fen})
                assert r.status == 201, r

    @classmethod
    def login_all(cls):
        cls.admin = cls.server.login()
        if getattr(cls, "branch_b", None):  # the agents exist once setUpClass made them
            cls.agent_a = cls.server.login("cl_agent_a", PASSWORD)
            cls.agent_b = cls.server.login("cl_agent_b", PASSWORD)

    @classmethod
    def set_clock(cls, ms):
        r = cls.admin.post("/api/v1/test/clock", {"set": ms})
        assert r.status == 200, r
        cls.login_all()  # sessions expire on the same clock

    def lifecycle(self, name):
        r = self.admin.get("%s/%d" % (CUSTOMERS, self.c[name]))
        self.assertStatus(r, 200)
        return r.body["classes"]["lifecycle"]

    def lifecycles(self):
        return {n: self.lifecycle(n) for n in ("c1", "c2", "c3", "c4", "c5", "b1")}

    def filtered(self, cls, client=None, **query):
        q = {"class": cls, "limit": 100}
        q.update(query)
        r = (client or self.admin).get(CUSTOMERS, query=q)
        self.assertStatus(r, 200)
        return sorted(c["id"] for c in r.body["items"])

    def ids(self, *names):
        return sorted(self.c[n] for n in names)

    def counts(self, client=None, **query):
        r = (client or self.admin).get(CLASSES + "/lifecycle/counts", query=query)
        self.assertStatus(r, 200)
        return r.body

    def wait_run(self, timeout=15):
        deadline = time.time() + timeout
        while time.time() < deadline:
            runs = items_of(self.admin.get(CLASSES + "/runs").body)
            if runs and runs[0]["finished_at"] is not None:
                return runs[0]
            time.sleep(0.1)
        self.fail("the recomputation did not finish: %s" % self.server.logs()[-2000:])

    # --- in order: the clock only moves forward

    def test_1_presets_and_measures(self):
        body = self.admin.get(CLASSES).body
        by_code = {c["code"]: c for c in body["items"]}
        self.assertEqual(set(by_code), {"value_tier", "arpu_tier", "visit_frequency", "lifecycle"})
        self.assertFalse(by_code["arpu_tier"]["active"], "ARPU tiers are for telecom companies")
        self.assertEqual([k["code"] for k in by_code["lifecycle"]["classes"]],
                         ["prospect", "churned", "at_risk", "loyal", "active"])
        self.assertEqual(by_code["lifecycle"]["blank"], "new")
        self.assertIn("days_since_last", {m["code"] for m in body["measures"]})
        self.assertIn("between", body["operators"])
        # Readers see the rules too (an agent filters by them).
        self.assertStatus(self.agent_a.get(CLASSES), 200)

    def test_2_events_place_customers(self):
        self.assertEqual(self.lifecycles(), {"c1": "active", "c2": "active", "c3": "at_risk",
                                             "c4": "prospect", "c5": "new", "b1": "active"})
        c = self.admin.get("%s/%d" % (CUSTOMERS, self.c["c5"])).body
        self.assertEqual(c["classes"], {"value_tier": "none", "visit_frequency": "none", "lifecycle": "new"})
        # A purchase of ¥12,000 moves c5 at once: active, high value, an occasional visitor.
        r = self.admin.post("%s/%d/events" % (CUSTOMERS, self.c["c5"]),
                            {"kind": "purchase", "occurred_at": T0 - DAY, "amount_fen": 1200000})
        self.assertStatus(r, 201)
        c = self.admin.get("%s/%d" % (CUSTOMERS, self.c["c5"])).body
        self.assertEqual(c["classes"], {"value_tier": "high", "visit_frequency": "occasional",
                                        "lifecycle": "active"})
        # The list carries the classes as well.
        listed = {x["id"]: x for x in items_of(self.admin.get(CUSTOMERS, query={"unit_id": self.store_a2["id"]}).body)}
        self.assertEqual(listed[self.c["c5"]]["classes"]["value_tier"], "high")

    def test_3_filter_and_counts_at_t0(self):
        self.assertEqual(self.filtered("lifecycle:active"), self.ids("c1", "c2", "c5", "b1"))
        self.assertEqual(self.filtered("lifecycle:at_risk"), self.ids("c3"))
        self.assertEqual(self.filtered("lifecycle:prospect"), self.ids("c4"))
        # The filter combines with the others (unit) and with the caller's scope.
        self.assertEqual(self.filtered("lifecycle:active", unit_id=self.store_a1["id"]), self.ids("c1", "c2"))
        self.assertEqual(self.filtered("lifecycle:active", client=self.agent_b), self.ids("b1"))
        # The blank class: customers nobody wrote a row for (the admin user's own: none).
        self.assertEqual(self.filtered("value_tier:none", unit_id=self.branch_a["id"]),
                         self.ids("c1", "c2", "c3", "c4"))
        for bad in ("lifecycle:sleeping", "mood:happy", "lifecycle", "arpu_tier:butler"):
            r = self.admin.get(CUSTOMERS, query={"class": bad})
            self.assertProblem(r, 422)
            self.assertEqual([e["field"] for e in r.body["errors"]], ["class"], bad)
        body = self.counts(unit_id=self.branch_a["id"])
        per_unit = {u["unit_id"]: u["counts"] for u in body["units"]}
        self.assertEqual(per_unit, {self.store_a1["id"]: {"active": 2},
                                    self.store_a2["id"]: {"active": 1, "at_risk": 1, "prospect": 1}})
        self.assertEqual(body["totals"], {"active": 3, "at_risk": 1, "prospect": 1})

    def test_4_counts_scope(self):
        # Branch A's agent: his branch by default; branch B does not exist for him.
        mine = self.counts(client=self.agent_a)
        self.assertEqual(mine["unit_id"], self.branch_a["id"])
        r = self.agent_a.get(CLASSES + "/lifecycle/counts", query={"unit_id": self.branch_b["id"]})
        self.assertProblem(r, 404)
        self.assertNotIn("totals", r.body)
        theirs = self.counts(client=self.agent_b)
        self.assertEqual(theirs["totals"], {"active": 1})
        # From the head office: one row per branch.
        top = {u["unit_id"]: u["total"] for u in self.counts()["units"]}
        self.assertEqual(top[self.branch_a["id"]], 5)
        self.assertEqual(top[self.branch_b["id"]], 1)
        self.assertProblem(self.admin.get(CLASSES + "/nosuch/counts"), 404)

    def test_5_nightly_moves_customers_with_time(self):
        # +30 days: c1 30 d active, c2 90 d at risk, c3 130 d at risk, c5 31 d active, b1 40 d active.
        self.set_clock(T0 + 30 * DAY)
        self.assertEqual(self.lifecycles(), {"c1": "active", "c2": "at_risk", "c3": "at_risk",
                                             "c4": "prospect", "c5": "active", "b1": "active"})
        self.assertEqual(self.counts(unit_id=self.branch_a["id"])["totals"],
                         {"active": 2, "at_risk": 2, "prospect": 1})
        # +90 days: c1 90 at risk, c2 150 at risk, c3 190 churned, c5 91 at risk, b1 100 at risk.
        self.set_clock(T0 + 90 * DAY)
        self.assertEqual(self.lifecycles(), {"c1": "at_risk", "c2": "at_risk", "c3": "churned",
                                             "c4": "prospect", "c5": "at_risk", "b1": "at_risk"})
        self.assertEqual(self.filtered("lifecycle:churned"), self.ids("c3"))
        # +200 days: everyone who came is churned; the prospect stays a prospect.
        self.set_clock(T0 + 200 * DAY)
        self.assertEqual(self.lifecycles(), {"c1": "churned", "c2": "churned", "c3": "churned",
                                             "c4": "prospect", "c5": "churned", "b1": "churned"})
        self.assertEqual(self.counts()["totals"], {"churned": 5, "prospect": 1})
        nightly = [r for r in items_of(self.admin.get(CLASSES + "/runs").body) if r["reason"] == "nightly"]
        self.assertGreaterEqual(len(nightly), 3, "one run each time the clock crossed a night")
        self.assertTrue(all(r["finished_at"] for r in nightly))
        self.assertEqual(nightly[0]["done"], 6, "customers with events: all six")

    def test_6_bad_rules_refused_nothing_changed(self):
        before = self.admin.get(CLASSES + "/value_tier").body
        english = self.server.login(lang="en")  # signing in is audited: before counting
        audits = self.admin.audit_count()
        bad = {k: before[k] for k in ("label_zh", "label_en", "active", "classes", "default")}
        bad["classes"] = [dict(k) for k in before["classes"]]
        bad["classes"][0], bad["classes"][1] = bad["classes"][1], bad["classes"][0]  # ¥10k before ¥50k
        bad["classes"][2] = dict(bad["classes"][2], conditions=[{"measure": "mood", "op": ">=", "values": [1]}])
        bad["classes"][3] = dict(bad["classes"][3], conditions=[{"measure": "spend", "op": "~", "values": [1],
                                                                  "kinds": ["teleport"], "days": 365}])
        r = self.admin.put(CLASSES + "/value_tier", bad)
        self.assertProblem(r, 422)
        fields = {e["field"]: e["code"] for e in r.body["errors"]}
        self.assertEqual(fields, {"classes[2].conditions[0].measure": "classify.measure_unknown",
                                  "classes[3].conditions[0].op": "classify.op_unknown",
                                  "classes[3].conditions[0].kinds[0]": "classify.kind_unknown"})
        # In English too.
        en = english.put(CLASSES + "/value_tier", bad)
        self.assertIn("unknown measure", [e["message"] for e in en.body["errors"]])
        # Bands in the wrong order on their own.
        swapped = dict(bad, classes=[dict(k) for k in before["classes"]])
        swapped["classes"][0], swapped["classes"][1] = swapped["classes"][1], swapped["classes"][0]
        r = self.admin.put(CLASSES + "/value_tier", swapped)
        self.assertProblem(r, 422)
        self.assertEqual([(e["field"], e["code"]) for e in r.body["errors"]],
                         [("classes[1].conditions[0].values", "classify.band_unreachable")])
        r = self.admin.put(CLASSES + "/value_tier", dict(swapped, unknown_field=1))
        self.assertProblem(r, 422)
        self.assertProblem(self.admin.post(CLASSES + "/dry-run", dict(swapped, code="value_tier")), 422)
        # An agent may not change rules.
        clean = {k: before[k] for k in ("label_zh", "label_en", "active", "classes", "default")}
        self.assertProblem(self.agent_a.put(CLASSES + "/value_tier", clean), 403)
        after = self.admin.get(CLASSES + "/value_tier").body
        self.assertEqual(after["version"], before["version"])
        self.assertEqual(self.admin.audit_count(), audits, "no audit row for a refusal")

    def test_7_rule_change_recomputes_everyone(self):
        # New rule for lifecycle's neighbour: spend in all time (days 0), VIP from ¥100.
        tier = self.admin.get(CLASSES + "/value_tier").body
        body = {k: tier[k] for k in ("label_zh", "label_en", "active", "default")}
        body["classes"] = [{"code": "vip", "label_zh": "VIP", "label_en": "VIP", "colour": "#722ed1",
                            "conditions": [{"measure": "spend", "op": ">=", "values": [10000]}]},
                           {"code": "low", "label_zh": "低价值", "label_en": "Low", "colour": "#389e0d",
                            "conditions": [{"measure": "spend", "op": ">=", "values": [1]}]}]
        dry = self.admin.post(CLASSES + "/dry-run", dict(body, code="value_tier"))
        self.assertStatus(dry, 200)
        # c5 spent ¥12,000 (VIP), b1 ¥300 (VIP); the four others nothing — plus the head's none.
        counts = {x["class"]: x["customers"] for x in dry.body["counts"]}
        self.assertEqual(counts, {"vip": 2, "low": 0, "none": 4})
        self.assertEqual(self.filtered("value_tier:vip"), [], "a dry run writes nothing")
        r = self.admin.put(CLASSES + "/value_tier", body)
        self.assertStatus(r, 200)
        self.assertEqual(r.body["version"], tier["version"] + 1)
        run = self.wait_run()
        self.assertEqual((run["reason"], run["classification"]), ("rule", "value_tier"))
        self.assertEqual(run["done"], run["total"])
        self.assertEqual(self.filtered("value_tier:vip"), self.ids("c5", "b1"))
        # Recompute on request, and its status.
        r = self.admin.post(CLASSES + "/recompute", {"classification": "lifecycle"})
        self.assertStatus(r, 202)
        self.assertEqual(self.wait_run()["id"], r.body["id"])
        self.assertProblem(self.agent_a.post(CLASSES + "/recompute", {}), 403)
        self.assertEqual(self.admin.get(CLASSES + "/value_tier").body["version"], tier["version"] + 1)

    def test_8_rules_condition_on_classes(self):
        # A callback rule may say "only customers at risk": the field is in the catalogue.
        r = self.admin.post("/api/v1/rules/dry-run", {"definition": {
            "trigger": {"event": "repair.closed"},
            "conditions": [{"field": "customer.class.lifecycle", "op": "=", "values": ["at_risk"]}],
            "due": {"unit": "hours", "amount": 24}, "action": "callback",
            "params": {"questionnaire": "car_service_csi", "max_attempts": 3, "retry_minutes": 60}}})
        self.assertStatus(r, 200)
        r = self.admin.post("/api/v1/rules/dry-run", {"definition": {
            "trigger": {"event": "repair.closed"},
            "conditions": [{"field": "customer.shoe_size", "op": "=", "values": ["at_risk"]}],
            "due": {"unit": "hours", "amount": 24}, "action": "callback",
            "params": {"questionnaire": "car_service_csi", "max_attempts": 3, "retry_minutes": 60}}})
        self.assertProblem(r, 422)
