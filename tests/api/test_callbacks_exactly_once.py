"""Exactly once across two nodes (PostgreSQL): 10,000 business events processed by the
rules consumer of two kefu processes sharing one database create exactly one callback task
each — none twice, none lost — also when one process is killed with SIGKILL halfway."""

import os
import subprocess
import time
import unittest

from harness import PG_URL, KefuServer, ServerTestCase

EVENTS = int(os.environ.get("KEFU_EXACTLY_ONCE_EVENTS", "10000"))
CUSTOMERS = 100


def psql(url, sql):
    out = subprocess.run(["psql", url, "-At", "-c", sql], check=True, capture_output=True, text=True)
    return out.stdout.strip()


@unittest.skipUnless(PG_URL, "two processes share one database only on PostgreSQL")
class TwoNodeRulesTest(ServerTestCase):
    server_config = {"jobs": {"poll_ms": 50}}

    def test_ten_thousand_events_once_each_despite_kill(self):
        a = self.admin
        branch = a.create_unit(self.head["id"], "eo-br", "双节点门店", "branch")
        for i in range(4):
            a.create_user("eo_agent%d" % i, branch["id"], roles=["agent"])
        r = a.post("/api/v1/rules", {"code": "eo-sale", "name": "成交回访", "unit_id": branch["id"], "definition": {
            "trigger": {"event": "sale.completed"}, "due": {"unit": "hours", "amount": 48},
            "action": "callback", "params": {"questionnaire": "store_purchase"}}})
        self.assertStatus(r, 201)
        customers = []
        for i in range(CUSTOMERS):
            r = a.post("/api/v1/customers", {"name": "客户%03d" % i, "unit_id": branch["id"],
                                              "phones": [{"number": "139%08d" % i}]})
            self.assertStatus(r, 201)
            customers.append(r.body["id"])

        other = KefuServer("TwoNodeRulesB", pg_url=self.server.pg_url, config=self.server_config)
        other.port = None
        url = self.server.pg_url
        try:
            other.cli("migrate")
            other.serve()
            t0 = int(time.time() * 1000) - 3600 * 1000
            batch = []
            sent = 0
            for n in range(EVENTS):
                batch.append({"customer_id": customers[n % CUSTOMERS], "kind": "purchase",
                              "occurred_at": t0 + n, "unit_id": branch["id"], "amount_fen": 1000 + n})
                if len(batch) == 500:
                    r = a.post("/api/v1/customer-events/batch", {"events": batch})
                    self.assertStatus(r, 201)
                    sent += len(batch)
                    batch = []
                    if sent == EVENTS // 2:
                        # both nodes are consuming by now: kill one mid-batch, restart it later
                        time.sleep(0.3)
                        other.kill()
            count = lambda: int(psql(url, "SELECT COUNT(*) FROM callback_tasks WHERE rule_id IS NOT NULL"))
            mid = count()
            other.serve()
            deadline = time.time() + 600
            while time.time() < deadline and count() < EVENTS:
                time.sleep(1)
            time.sleep(2)  # anything late would show now
            self.assertEqual(count(), EVENTS, "tasks created (one per event)")
            self.assertEqual(int(psql(url, "SELECT COUNT(DISTINCT event_id) FROM callback_tasks WHERE rule_id IS NOT NULL")),
                             EVENTS)
            firings = psql(url, "SELECT outcome, COUNT(*) FROM rule_firings GROUP BY outcome")
            self.assertEqual(firings, "created|%d" % EVENTS)
            self.assertEqual(int(psql(url, "SELECT COUNT(*) FROM audit_log WHERE action = 'callback.create'")), EVENTS)
            loads = psql(url, "SELECT COUNT(*) FROM callback_tasks GROUP BY assignee_id ORDER BY 1")
            print("\n  tasks when node B was killed: %d; per agent: %s" % (mid, loads.replace("\n", ", ")))
            per_agent = [int(x) for x in loads.split()]
            self.assertLessEqual(max(per_agent) - min(per_agent), 1, "balanced over the four agents")
        finally:
            other.stop()
            other.cleanup()


if __name__ == "__main__":
    unittest.main()
