"""Skills (技能) on users and callback rules that require them: the admin edits a user's skills
and capacity weight through the user API; a rule's `skills` make balanced assignment pick only
among the agents who have all of them, weighted by capacity; nobody skilled leaves the task
unassigned in the unit's queue, showing what it needs; a supervisor's reassignment to an agent
without the skills is refused (422) unless forced."""

import datetime
import time

from harness import PASSWORD, ServerTestCase

BJ = datetime.timezone(datetime.timedelta(hours=8))


def bj(*args):
    return int(datetime.datetime(*args, tzinfo=BJ).timestamp() * 1000)


class CallbackSkillsTest(ServerTestCase):
    server_config = {"clock": {"adjustable": True}, "jobs": {"poll_ms": 100}}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        r = cls.admin.post("/api/v1/test/clock", {"set": bj(2026, 11, 11, 10, 0)})  # a Wednesday
        assert r.status == 200, r
        cls.admin = cls.server.login()
        cls.n = 0

    def team(self, code):
        """A branch with three agents (ids in this order: plain < svc1 < svc2), a supervisor and
        a rule there; each test has its own, so the loads of one do not move another."""
        a = self.admin
        self.branch = a.create_unit(self.head["id"], "sk-" + code, "技能店" + code, "branch")
        self.u = {}
        for name, skills, capacity, roles in (("plain", [], 1, ["agent"]),
                                              ("svc1", ["service"], 1, ["agent"]),
                                              ("svc2", ["vip", "service"], 2, ["agent"]),
                                              ("sup", [], 1, ["supervisor"])):
            self.u[name] = a.create_user("sk_%s_%s" % (code, name), self.branch["id"], roles=roles,
                                         display_name="技能" + name, skills=skills, capacity=capacity)
        self.sup = self.server.login("sk_%s_sup" % code, PASSWORD)

    def rule(self, code, skills):
        r = self.admin.post("/api/v1/rules", {
            "code": code, "name": code, "unit_id": self.branch["id"],
            "definition": {"trigger": {"event": "sale.completed"}, "due": {"unit": "hours", "amount": 72},
                           "action": "callback",
                           "params": {"questionnaire": "store_purchase", "skills": skills}}})
        self.assertStatus(r, 201)
        return r.body

    def task_for_purchase(self):
        type(self).n += 1
        r = self.admin.post("/api/v1/customers", {"name": "技能客户%d" % self.n, "unit_id": self.branch["id"],
                                                  "phones": [{"number": "1390000%04d" % self.n}]})
        self.assertStatus(r, 201)
        cid = r.body["id"]
        r = self.admin.post("/api/v1/customers/%d/events" % cid,
                            {"kind": "purchase", "occurred_at": bj(2026, 11, 11, 9, 30), "unit_id": self.branch["id"]})
        self.assertStatus(r, 201)
        deadline = time.time() + 15
        while time.time() < deadline:
            r = self.sup.get("/api/v1/callbacks", query={"view": "unit", "customer_id": cid})
            self.assertStatus(r, 200)
            if r.body["items"]:
                return r.body["items"][0]
            time.sleep(0.2)
        self.fail("no callback task: %s" % self.server.logs()[-3000:])

    def test_a_user_skills_through_the_user_api(self):
        self.team("a")
        svc2 = self.admin.get("/api/v1/users/%d" % self.u["svc2"]["id"]).body
        self.assertEqual((svc2["skills"], svc2["capacity"]), (["service", "vip"], 2))
        self.assertEqual(self.u["plain"]["skills"], [])
        self.assertEqual(self.u["plain"]["capacity"], 1)
        u = self.admin.create_user("sk_edit", self.branch["id"], roles=["agent"])
        self.assertEqual((u["skills"], u["capacity"]), ([], 1), "defaults: no skills, capacity 1")
        r = self.admin.patch("/api/v1/users/%d" % u["id"], {"skills": ["en", "sales"], "capacity": 1.5})
        self.assertStatus(r, 200)
        self.assertEqual((r.body["skills"], r.body["capacity"]), (["en", "sales"], 1.5))
        before = self.admin.get("/api/v1/users/%d" % u["id"]).body
        # One entry per bad field, nothing changed.
        r = self.admin.patch("/api/v1/users/%d" % u["id"], {"skills": ["VIP", "en", "en", "售后"], "capacity": 11,
                                                           "display_name": "改不了"})
        self.assertProblem(r, 422)
        fields = {e["field"]: e["code"] for e in r.body["errors"]}
        self.assertEqual(fields, {"skills[0]": "org.skill_invalid", "skills[2]": "org.skill_duplicate",
                                  "skills[3]": "org.skill_invalid", "capacity": "org.capacity_range"})
        r = self.admin.patch("/api/v1/users/%d" % u["id"], {"capacity": "much"})
        self.assertProblem(r, 422)
        self.assertEqual(self.admin.get("/api/v1/users/%d" % u["id"]).body, before)
        en = self.server.login(lang="en")
        r = en.patch("/api/v1/users/%d" % u["id"], {"skills": ["A B"]})
        self.assertProblem(r, 422)
        self.assertIn("lower-case letters", r.body["errors"][0]["message"])
        # Skills are in the audit trail like any other change of a user.
        r = self.admin.get("/api/v1/audit", query={"entity": "user", "entity_id": str(u["id"])})
        self.assertStatus(r, 200)
        self.assertEqual(r.body["items"][0]["after"]["skills"], ["en", "sales"])

    def test_b_balanced_among_the_skilled_by_capacity(self):
        self.team("b")
        self.rule("sk-service", ["service"])
        got = [self.task_for_purchase() for _ in range(3)]
        for t in got:
            self.assertEqual(t["skills"], ["service"])
        who = [t["assignee_id"] for t in got]
        # svc2 (capacity 2): (0+1)/2 beats svc1's (0+1)/1; then 1 = 1, the lower id (svc1); then
        # svc2's 2/2 beats svc1's 2/1. The agent without the skill gets nothing although idle.
        self.assertEqual(who, [self.u["svc2"]["id"], self.u["svc1"]["id"], self.u["svc2"]["id"]])
        self.assertNotIn(self.u["plain"]["id"], who)

    def test_c_nobody_skilled_waits_unassigned_and_reassign_checks_skills(self):
        self.team("c")
        self.rule("sk-en", ["en"])
        t = self.task_for_purchase()
        self.assertIsNone(t["assignee_id"], "nobody speaks English: the task waits")
        self.assertEqual(t["skills"], ["en"])
        r = self.sup.get("/api/v1/callbacks", query={"view": "unassigned"})
        self.assertStatus(r, 200)
        waiting = [x for x in r.body["items"] if x["id"] == t["id"]]
        self.assertEqual(len(waiting), 1, "visible in the unit's unassigned queue")
        self.assertEqual(waiting[0]["skills"], ["en"])

        # A named agent without the skill: 422 on agent_id, nothing moves.
        r = self.sup.post("/api/v1/callbacks/reassign", {"ids": [t["id"]], "agent_id": self.u["svc1"]["id"]})
        self.assertProblem(r, 422)
        self.assertEqual([(e["field"], e["code"]) for e in r.body["errors"]],
                         [("agent_id", "callbacks.agent_lacks_skills")])
        self.assertIn("en", r.body["errors"][0]["message"])
        # Balanced: nobody has it either.
        r = self.sup.post("/api/v1/callbacks/reassign", {"ids": [t["id"]]})
        self.assertProblem(r, 422)
        self.assertEqual(r.body["errors"][0]["code"], "callbacks.no_skilled_agents")
        self.assertIsNone(self.sup.get("/api/v1/callbacks/%d" % t["id"]).body["assignee_id"])
        # force: the supervisor decides.
        r = self.sup.post("/api/v1/callbacks/reassign",
                          {"ids": [t["id"]], "agent_id": self.u["svc1"]["id"], "force": True})
        self.assertStatus(r, 200)
        self.assertEqual(r.body["reassigned"], 1)
        audit = self.admin.get("/api/v1/audit", query={"entity": "callback_task"})
        forced = [x for x in audit.body["items"] if x["action"] == "callback.reassign"][0]
        self.assertEqual(forced["after"], [{"id": t["id"], "from": None, "to": self.u["svc1"]["id"],
                                            "forced_skills": ["en"]}], "the override is on record")
        # Once someone learns the skill, balanced reassignment finds them.
        r = self.admin.patch("/api/v1/users/%d" % self.u["plain"]["id"], {"skills": ["en"]})
        self.assertStatus(r, 200)
        r = self.sup.post("/api/v1/callbacks/reassign", {"ids": [t["id"]]})
        self.assertStatus(r, 200)
        r = self.sup.get("/api/v1/callbacks", query={"view": "unit", "assignee_id": self.u["plain"]["id"]})
        self.assertIn(t["id"], [x["id"] for x in r.body["items"]])

    def test_d_rule_params_are_checked(self):
        self.team("d")
        r = self.admin.post("/api/v1/rules", {
            "code": "sk-bad", "name": "bad", "unit_id": self.branch["id"],
            "definition": {"trigger": {"event": "sale.completed"}, "due": {"unit": "hours", "amount": 72},
                           "action": "callback",
                           "params": {"questionnaire": "store_purchase", "skills": ["ok", "Not OK", "ok"]}}})
        self.assertProblem(r, 422)
        codes = {e["field"]: e["code"] for e in r.body["errors"]}
        self.assertEqual(codes.get("definition.params.skills[1]") or codes.get("params.skills[1]"), "org.skill_invalid", codes)
        r = self.admin.post("/api/v1/rules", {
            "code": "sk-bad2", "name": "bad", "unit_id": self.branch["id"],
            "definition": {"trigger": {"event": "sale.completed"}, "due": {"unit": "hours", "amount": 72},
                           "action": "callback", "params": {"questionnaire": "store_purchase", "skills": "vip"}}})
        self.assertProblem(r, 422)
