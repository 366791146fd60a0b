"""Bulk assignment of customers: to one person, or balanced by each agent's current load and
capacity weight (org::balance); all or nothing, one audit row per batch, in scope."""

import json
import unittest

from harness import PASSWORD, ServerTestCase

CUSTOMERS = "/api/v1/customers"
ASSIGN = CUSTOMERS + "/assign"


class CustomerAssignTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        a = cls.admin
        cls.A = a.create_unit(cls.head["id"], "as-a", "分配甲公司", "branch")
        cls.SA = a.create_unit(cls.A["id"], "as-sa", "分配甲门店", "store")
        cls.B = a.create_unit(cls.head["id"], "as-b", "分配乙公司", "branch")
        cls.ag1 = a.create_user("asag1", cls.A["id"], ["agent"])
        cls.ag2 = a.create_user("asag2", cls.A["id"], ["agent"])
        cls.ag3 = a.create_user("asag3", cls.SA["id"], ["agent"])
        cls.agB = a.create_user("asagb", cls.B["id"], ["agent"])
        a.create_user("assup", cls.A["id"], ["supervisor"])
        cls.sup = cls.server.login("assup", PASSWORD)
        cls.agent = cls.server.login("asag1", PASSWORD)

    def customers(self, n, unit, tag, owner=None):
        out = []
        for i in range(n):
            body = {"name": "分配客户%s%d" % (tag, i), "unit_id": unit["id"], "tags": [tag]}
            if owner:
                body["owner_id"] = owner["id"]
            r = self.admin.post(CUSTOMERS, body)
            self.assertStatus(r, 201)
            out.append(r.body["id"])
        return out

    def owners(self, ids):
        return {cid: self.admin.get("%s/%d" % (CUSTOMERS, cid)).body["owner_id"] for cid in ids}

    def test_balanced_by_load_and_weight_among_the_unit_agents(self):
        # ag1 already owns 3, ag2 none, ag3 (in the store) one
        self.customers(3, self.A, "bal-old1", owner=self.ag1)
        self.customers(1, self.SA, "bal-old3", owner=self.ag3)
        ids = self.customers(6, self.A, "bal")
        audits = self.admin.audit_count()
        r = self.sup.post(ASSIGN, {"filter": {"tag": "bal"}, "mode": "balanced"})
        self.assertStatus(r, 200)
        self.assertEqual(r.body["assigned"], 6)
        agents = {g["id"]: g for g in r.body["agents"]}
        # the narrowest unit holding the customers is A: its agents, the store's included
        self.assertEqual(set(agents), {self.ag1["id"], self.ag2["id"], self.ag3["id"]})
        self.assertEqual({k: v["load_before"] for k, v in agents.items()},
                         {self.ag1["id"]: 3, self.ag2["id"]: 0, self.ag3["id"]: 1})
        # loads 3/0/1 + 6 → everyone ends at 3 or 4: ag2 gets 3 or more, ag1 at most 1
        got = {k: v["assigned"] for k, v in agents.items()}
        self.assertEqual(sum(got.values()), 6)
        final = {self.ag1["id"]: 3 + got[self.ag1["id"]], self.ag2["id"]: got[self.ag2["id"]],
                 self.ag3["id"]: 1 + got[self.ag3["id"]]}
        self.assertLessEqual(max(final.values()) - min(final.values()), 1, final)
        owners = self.owners(ids)
        self.assertEqual(sorted(owners.values()), sorted(i["to"] for i in r.body["items"]))
        self.assertEqual(self.admin.audit_count(), audits + 1)
        last = self.admin.get("/api/v1/audit", query={"limit": 1}).body["items"][0]
        self.assertEqual(last["action"], "customer.assign")

    def test_weights_given_agents_and_deterministic_ties(self):
        ids = self.customers(6, self.A, "wt")
        r = self.admin.post(ASSIGN, {"customer_ids": ids, "mode": "balanced",
                                     "agent_ids": [self.ag2["id"], self.ag3["id"]],
                                     "weights": {str(self.ag3["id"]): 2}})
        self.assertStatus(r, 200)
        loads = {g["id"]: g["load_before"] for g in r.body["agents"]}
        got = {g["id"]: g["assigned"] for g in r.body["agents"]}
        self.assertEqual(set(got), {self.ag2["id"], self.ag3["id"]})
        self.assertEqual(sum(got.values()), 6)
        # after the batch, (load / weight) differs by at most one share
        l2 = loads[self.ag2["id"]] + got[self.ag2["id"]]
        l3 = loads[self.ag3["id"]] + got[self.ag3["id"]]
        self.assertLessEqual(abs(l2 - l3 / 2.0), 1.0, (loads, got))

    def test_to_one_person_and_refusals(self):
        ids = self.customers(2, self.A, "to")
        outsider = self.customers(1, self.B, "to-b")
        before = (self.owners(ids + outsider), self.admin.audit_count())
        cases = [
            (self.agent, {"customer_ids": ids, "mode": "to", "agent_id": self.ag1["id"]}, 403),  # no customer.assign
            (self.sup, {"customer_ids": ids + outsider, "mode": "to", "agent_id": self.ag1["id"]}, 422),
            (self.sup, {"customer_ids": ids, "mode": "to", "agent_id": self.agB["id"]}, 422),  # B's agent
            (self.sup, {"customer_ids": ids, "mode": "to"}, 422),
            (self.sup, {"customer_ids": ids, "mode": "fair"}, 422),
            (self.sup, {"mode": "balanced"}, 422),
            (self.sup, {"customer_ids": ids, "mode": "balanced", "agent_ids": [self.agB["id"]]}, 422),
            (self.sup, {"customer_ids": ids, "mode": "balanced", "weights": {str(self.ag1["id"]): 0}}, 422),
            (self.sup, {"customer_ids": ["x"], "mode": "balanced"}, 422),
            (self.sup, {"filter": {"tag": "无此标签"}, "mode": "balanced"}, 422),
            (self.sup, {"filter": {"colour": "red"}, "mode": "balanced"}, 422),
        ]
        for client, body, status in cases:
            with self.subTest(body=body):
                r = client.post(ASSIGN, body)
                self.assertProblem(r, status)
                self.assertNotIn("分配客户to-b", json.dumps(r.body, ensure_ascii=False))
        self.assertEqual((self.owners(ids + outsider), self.admin.audit_count()), before)
        r = self.sup.post(ASSIGN, {"customer_ids": ids, "mode": "to", "agent_id": self.ag2["id"]})
        self.assertStatus(r, 200)
        self.assertEqual(set(self.owners(ids).values()), {self.ag2["id"]})
        # the new owner sees the phones of their customers; completeness no longer misses the owner
        c = self.admin.get("%s/%d" % (CUSTOMERS, ids[0])).body
        self.assertNotIn("owner", c["completeness"]["missing"])

    def test_no_agents_in_the_units(self):
        unit = self.admin.create_unit(self.head["id"], "as-empty", "无专员公司", "branch")
        sup = self.admin.create_user("asemptysup", unit["id"], ["supervisor"])
        client = self.server.login("asemptysup", PASSWORD)
        ids = []
        for i in range(2):
            r = self.admin.post(CUSTOMERS, {"name": "无人客户%d" % i, "unit_id": unit["id"]})
            ids.append(r.body["id"])
        self.assertTrue(sup)
        self.assertProblem(client.post(ASSIGN, {"customer_ids": ids, "mode": "balanced"}), 422, "customer.assign_no_agents")


if __name__ == "__main__":
    unittest.main(verbosity=2)
