"""Ticket deadlines on the Chinese working calendar, with the adjustable test clock: a
complaint taken on the eve of the National Day week, the breach escalating to the supervisor
and then to a manager through the durable job runner, pausing while waiting for the customer,
and (PostgreSQL) exactly one escalation per ticket while two server processes share the
database."""

import datetime
import threading
import unittest

from harness import PG_URL, KefuServer, ServerTestCase
from test_live import Listener

BJ = datetime.timezone(datetime.timedelta(hours=8))
TICKETS = "/api/v1/tickets"
CLOCK = {"clock": {"adjustable": True}, "jobs": {"poll_ms": 200}}


def bj(*args):
    return int(datetime.datetime(*args, tzinfo=BJ).timestamp() * 1000)


def complaint(client, subject="国庆前夜的投诉"):
    r = client.post(TICKETS, {"kind": "complaint", "channel": "hotline", "subject": subject, "contact_name": "周女士"})
    assert r.status == 201, r
    return r.body


class DeadlineTest(ServerTestCase):
    server_config = CLOCK

    def set_clock(self, ms):
        r = self.admin.post("/api/v1/test/clock", {"set": ms})
        self.assertStatus(r, 200)

    def assertNear(self, got, want, msg):
        self.assertIsNotNone(got, msg)
        self.assertLess(abs(got - want), 60 * 1000, "%s: got %s, want %s" % (
            msg, datetime.datetime.fromtimestamp(got / 1000, BJ), datetime.datetime.fromtimestamp(want / 1000, BJ)))

    def test_national_day_eve_breach_escalates_twice(self):
        self.set_clock(bj(2026, 9, 30, 16, 0))
        t = complaint(self.admin)
        # 3 working days = 24 working hours: 2 h on 9-30, the week off, 10-08 and 10-09,
        # then 6 h on Saturday 10-10, a make-up working day (调休上班).
        self.assertNear(t["respond_due_at"], bj(2026, 9, 30, 18, 0), "first answer")
        self.assertNear(t["resolve_due_at"], bj(2026, 10, 10, 16, 0), "resolution")
        self.assertNear(t["manager_due_at"], bj(2026, 10, 12, 11, 0), "manager (Sunday 10-11 is off)")
        self.assertEqual(t["due_state"], "ok")

        # 80 % of the time used: 9-30 16:00 + 192 h; the live stream hears "due soon"
        self.assertNear(t["warn_at"], bj(2026, 10, 8, 16, 0), "warning")
        listener = Listener(self.server, self.admin)
        try:
            import time
            time.sleep(0.8)  # the live feed starts from "now"
            self.set_clock(bj(2026, 10, 9, 9, 0))
            got = listener.wait_for(lambda e, d: d.get("type") == "ticket.due_soon" and d["ticket_id"] == t["id"])
            self.assertIsNotNone(got, "no due-soon event on the live stream")
        finally:
            listener.close()
        self.assertEqual(self.admin.get("%s/%d" % (TICKETS, t["id"])).body["due_state"], "due_soon")

        self.set_clock(bj(2026, 10, 10, 16, 1))  # the runner works through what became due
        d = self.admin.get("%s/%d" % (TICKETS, t["id"])).body
        self.assertEqual((d["breached"], d["escalation"], d["due_state"]), (True, 1, "breached"))
        esc = [s for s in d["steps"] if s["action"] == "escalate"]
        self.assertEqual([(s["data"]["level"], s["actor_name"]) for s in esc], [(1, "system")])
        self.assertIn(t["id"], [x["id"] for x in self.admin.list_all(TICKETS, query={"queue": "breached"})])

        self.set_clock(bj(2026, 10, 12, 11, 1))
        d = self.admin.get("%s/%d" % (TICKETS, t["id"])).body
        self.assertEqual(d["escalation"], 2)
        self.assertEqual([s["data"]["level"] for s in d["steps"] if s["action"] == "escalate"], [1, 2])
        # nothing more happens later, and closing leaves no job behind
        self.set_clock(bj(2026, 10, 20, 9, 0))
        d = self.admin.get("%s/%d" % (TICKETS, t["id"])).body
        self.assertEqual(len([s for s in d["steps"] if s["action"] == "escalate"]), 2)

    def test_pause_moves_the_deadline_by_working_time(self):
        self.set_clock(bj(2026, 10, 12, 11, 0))  # Monday
        t = complaint(self.admin, "等待客户补充材料")
        self.assertNear(t["resolve_due_at"], bj(2026, 10, 15, 11, 0), "Thursday")
        a = self.admin
        self.assertStatus(a.post("%s/%d/steps" % (TICKETS, t["id"]), {"action": "accept"}), 200)
        self.assertStatus(a.post("%s/%d/steps" % (TICKETS, t["id"]), {"action": "pause", "comment": "等发票"}), 200)
        self.set_clock(bj(2026, 10, 16, 10, 0))  # after the old deadline: paused, so no breach
        d = a.get("%s/%d" % (TICKETS, t["id"])).body
        self.assertEqual((d["breached"], d["due_state"]), (False, "paused"))
        self.set_clock(bj(2026, 10, 14, 11, 0) + 4 * 24 * 3600 * 1000 - 2 * 24 * 3600 * 1000)  # Friday 10-16 11:00
        r = a.post("%s/%d/steps" % (TICKETS, t["id"]), {"action": "resume"})
        self.assertStatus(r, 200)
        # 24 working hours were left at the pause: Friday 11:00 + 24 h → Wednesday 10-21 11:00
        self.assertNear(r.body["resolve_due_at"], bj(2026, 10, 21, 11, 0), "after resume")


class DueSoonQueueTest(ServerTestCase):
    """The "due soon" queue runs by resolution deadline, most urgent first, through the
    deadline index's window (a window of 2 entries here) and then the scope's paths."""
    server_config = {**CLOCK, "tickets": {"list_scan_window": 2}}

    def test_most_urgent_first_across_pages(self):
        a = self.admin
        made = {}
        # ids run Z < X < Y, deadlines Z < Y < X: neither id order gives the deadline order
        for name, at in (("Z", bj(2026, 11, 12, 9, 0)), ("X", bj(2026, 11, 16, 9, 0)),
                         ("Y", bj(2026, 11, 13, 9, 0)), ("W", bj(2026, 11, 12, 10, 0)),
                         ("V", bj(2026, 11, 19, 9, 0))):
            self.assertStatus(a.post("/api/v1/test/clock", {"set": at}), 200)
            made[name] = complaint(a, "到期队列 " + name)
        r = a.post("%s/%d/steps" % (TICKETS, made["W"]["id"]), {"action": "reject", "comment": "不成立"})
        self.assertStatus(r, 200)
        self.assertStatus(a.post("/api/v1/test/clock", {"set": bj(2026, 11, 19, 9, 30)}), 200)
        for limit in (1, 2, 50):
            got = a.list_all(TICKETS, query={"queue": "due_soon"}, limit=limit)
            mine = [t["subject"][-1] for t in got if t["subject"].startswith("到期队列")]
            self.assertEqual(mine, ["Z", "Y", "X"], "limit %d" % limit)  # W closed, V not due yet
            keys = [(t["resolve_due_at"], t["id"]) for t in got]
            self.assertEqual(keys, sorted(keys), "limit %d: not in deadline order" % limit)
            self.assertEqual(len(keys), len(set(keys)), "limit %d: a ticket twice" % limit)
            self.assertTrue(all(t["state"] != "closed" for t in got))


@unittest.skipUnless(PG_URL, "two processes share one database only on PostgreSQL")
class TwoNodeEscalationTest(ServerTestCase):
    server_config = CLOCK

    def test_each_breach_escalates_exactly_once(self):
        a = self.admin
        a.post("/api/v1/test/clock", {"set": bj(2026, 11, 2, 9, 0)})
        ids = [complaint(a, "双节点 %d" % i)["id"] for i in range(120)]
        other = KefuServer("TwoNodeB", pg_url=self.server.pg_url, config=CLOCK)
        other.port = None
        try:
            other.cli("migrate")
            other.serve()
            b = other.login()
            late = bj(2026, 11, 9, 9, 0)
            # both nodes move their clocks at once and race for the same due jobs
            threads = [threading.Thread(target=c.post, args=("/api/v1/test/clock", {"set": late})) for c in (a, b)]
            for th in threads:
                th.start()
            for th in threads:
                th.join()
            for c in (a, b):
                c.post("/api/v1/test/clock", {"set": late + 1000})
            levels = {}
            for tid in ids:
                d = a.get("%s/%d" % (TICKETS, tid)).body
                levels[tid] = [s["data"]["level"] for s in d["steps"] if s["action"] == "escalate"]
            self.assertEqual({tid: lv for tid, lv in levels.items() if lv != [1, 2]}, {},
                             "tickets not escalated exactly once per level")
            audit = [r for r in a.list_all("/api/v1/audit", query={"entity": "ticket"})
                     if r["action"] == "ticket.escalate"]
            self.assertEqual(len(audit), 2 * len(ids))
            ran = [sum("ticket deadline" in line and "escalated" in line for line in srv.logs(tail=10 ** 9).splitlines())
                   for srv in (self.server, other)]
            print("\n  escalations run by node A / node B: %d / %d" % tuple(ran))
            self.assertEqual(sum(ran), 2 * len(ids))
        finally:
            other.stop()
            other.cleanup()


if __name__ == "__main__":
    unittest.main()
