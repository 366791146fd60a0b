"""The console's live event stream (server-sent events): a user hears about tickets in their
scope or assigned to them, nothing about other branches, and an open stream does not hold up
a shutdown. Callbacks on the same stream: a task given to an agent reaches that agent and not
another; moved to someone else, the first hears it was taken and the second that it is theirs;
the assignee hears when it is due soon and when the customer answered the survey link."""

import datetime
import http.client
import json
import threading
import time
import unittest

from harness import PASSWORD, ServerTestCase

STREAM = "/api/v1/events/stream"


class Listener:
    """Reads one SSE connection in a thread and keeps the frames."""

    def __init__(self, server, client):
        self.conn = http.client.HTTPConnection(server.host, server.port, timeout=60)
        cookie = "; ".join("%s=%s" % kv for kv in client.cookies.items())
        self.conn.request("GET", STREAM, headers={"Cookie": cookie, "Accept": "text/event-stream"})
        self.resp = self.conn.getresponse()
        self.events = []
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self.read, daemon=True)
        self.thread.start()

    def read(self):
        event = None
        try:
            while True:
                line = self.resp.fp.readline()
                if not line:
                    return
                line = line.decode().rstrip("\n")
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: "):
                    with self.lock:
                        self.events.append((event, json.loads(line[6:])))
        except Exception:  # noqa: BLE001 - the connection closes at the end of the test
            return

    def wait_for(self, pred, timeout=10):
        end = time.time() + timeout
        while time.time() < end:
            with self.lock:
                hits = [d for e, d in self.events if pred(e, d)]
            if hits:
                return hits[0]
            time.sleep(0.05)
        return None

    def close(self):
        self.conn.close()


class LiveStreamTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        a = cls.admin
        cls.branch_a = a.create_unit(cls.head["id"], "lv-a", "一店", "branch")
        cls.branch_b = a.create_unit(cls.head["id"], "lv-b", "二店", "branch")
        cls.dept = a.create_unit(cls.head["id"], "lv-d", "售后部", "department")
        a.create_user("lv_agent", cls.branch_a["id"], roles=["agent"])
        a.create_user("lv_agent_b", cls.branch_b["id"], roles=["agent"])
        cls.handler = a.create_user("lv_handler", cls.dept["id"], roles=["handler"])
        cls.agent = cls.server.login("lv_agent", PASSWORD)
        cls.agent_b = cls.server.login("lv_agent_b", PASSWORD)
        cls.handler_c = cls.server.login("lv_handler", PASSWORD)

    def test_needs_sign_in(self):
        r = self.server.client().get(STREAM)
        self.assertProblem(r, 401)

    def test_routed_ticket_reaches_the_department_only(self):
        handler = Listener(self.server, self.handler_c)
        other = Listener(self.server, self.agent_b)
        try:
            self.assertEqual(handler.resp.status, 200)
            self.assertTrue(handler.resp.getheader("Content-Type").startswith("text/event-stream"))
            time.sleep(0.8)  # the feed starts from "now"
            r = self.agent.post("/api/v1/tickets", {"kind": "complaint", "channel": "hotline",
                                                    "subject": "实时推送", "contact_name": "赵"})
            self.assertStatus(r, 201)
            tid = r.body["id"]
            self.assertStatus(self.agent.post("/api/v1/tickets/%d/steps" % tid, {"action": "accept"}), 200)
            self.assertStatus(self.agent.post("/api/v1/tickets/%d/steps" % tid,
                                              {"action": "route", "resp_unit_id": self.dept["id"],
                                               "assignee_id": self.handler["id"]}), 200)
            got = handler.wait_for(lambda e, d: e == "ticket" and d["ticket_id"] == tid and d["type"] == "ticket.routed")
            self.assertIsNotNone(got, "the department's handler heard nothing")
            self.assertEqual((got["state"], got["assignee_id"], got["by_me"]), ("routed", self.handler["id"], False))
            # events before routing were not the department's business
            self.assertIsNone(handler.wait_for(lambda e, d: d.get("type") == "ticket.created", timeout=0.5))
            time.sleep(1)
            with other.lock:
                self.assertEqual([d for e, d in other.events if d.get("ticket_id") == tid], [],
                                 "another branch heard about the ticket")
        finally:
            handler.close()
            other.close()

    def test_zz_open_stream_does_not_block_shutdown(self):
        l = Listener(self.server, self.agent)
        try:
            t0 = time.time()
            rc = self.server.stop(timeout=30)
            self.assertEqual(rc, 0)
            self.assertLess(time.time() - t0, 20)
        finally:
            l.close()


BJ = datetime.timezone(datetime.timedelta(hours=8))


def bj(*args):
    return int(datetime.datetime(*args, tzinfo=BJ).timestamp() * 1000)


class CallbackLiveTest(ServerTestCase):
    server_config = {"clock": {"adjustable": True}, "jobs": {"poll_ms": 100}, "live": {"poll_ms": 100}}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        r = cls.admin.post("/api/v1/test/clock", {"set": bj(2026, 11, 11, 10, 0)})  # a Wednesday
        assert r.status == 200, r
        a = cls.admin = cls.server.login()
        cls.branch = a.create_unit(cls.head["id"], "lc-a", "一店", "branch")
        cls.other = a.create_unit(cls.head["id"], "lc-b", "二店", "branch")
        cls.a = a.create_user("lc_a", cls.branch["id"], roles=["agent"])  # the lower id: first pick
        cls.b = a.create_user("lc_b", cls.branch["id"], roles=["agent"])
        a.create_user("lc_sup", cls.branch["id"], roles=["supervisor"])
        a.create_user("lc_sup2", cls.other["id"], roles=["supervisor"])
        cls.c = {n: cls.server.login("lc_" + n, PASSWORD) for n in ("a", "b", "sup", "sup2")}
        r = a.post("/api/v1/rules", {
            "code": "lc-sale", "name": "购物回访", "unit_id": cls.branch["id"],
            "definition": {"trigger": {"event": "sale.completed"}, "due": {"unit": "hours", "amount": 2},
                           "action": "callback", "params": {"questionnaire": "store_purchase"}}})
        assert r.status == 201, r

    def test_callback_events_reach_whom_they_concern(self):
        ears = {n: Listener(self.server, self.c[n]) for n in ("a", "b", "sup", "sup2")}
        try:
            time.sleep(0.8)  # the feed starts from "now"
            r = self.admin.post("/api/v1/customers", {"name": "钱女士", "gender": "female", "unit_id": self.branch["id"],
                                                      "phones": [{"number": "13900001234"}]})
            self.assertStatus(r, 201)
            cid = r.body["id"]
            self.assertStatus(self.admin.post("/api/v1/customers/%d/events" % cid, {
                "kind": "purchase", "occurred_at": bj(2026, 11, 11, 9, 45), "unit_id": self.branch["id"]}), 201)
            mine = lambda reason: (lambda e, d: e == "callback" and d.get("customer_id") == cid and d["reason"] == reason)
            got = ears["a"].wait_for(mine("assigned"))
            self.assertIsNotNone(got, "agent A heard nothing of the task given to them: %s" % self.server.logs()[-2000:])
            tid = got["task_id"]
            self.assertEqual((got["type"], got["assignee_id"], got["by_me"]), ("callback.created", self.a["id"], False))
            self.assertNotIn("phone", got, "no customer data on the stream")
            self.assertIsNotNone(ears["sup"].wait_for(lambda e, d: e == "callback" and d["task_id"] == tid
                                                      and d["reason"] == "changed"), "the unit's supervisor")
            time.sleep(0.5)
            for n in ("b", "sup2"):
                with ears[n].lock:
                    self.assertEqual([d for e, d in ears[n].events if e == "callback"], [],
                                     "%s heard about a task that is not theirs" % n)

            # The supervisor moves it to B: A hears it was taken, B that it is theirs.
            r = self.c["sup"].post("/api/v1/callbacks/reassign", {"ids": [tid], "agent_id": self.b["id"]})
            self.assertStatus(r, 200)
            taken = ears["a"].wait_for(lambda e, d: d.get("task_id") == tid and d["reason"] == "taken")
            self.assertIsNotNone(taken, "A was not told the task was taken")
            self.assertEqual((taken["from_assignee_id"], taken["assignee_id"]), (self.a["id"], self.b["id"]))
            given = ears["b"].wait_for(lambda e, d: d.get("task_id") == tid and d["reason"] == "assigned")
            self.assertIsNotNone(given, "B was not told about the task")
            self.assertEqual(given["type"], "callback.reassigned")

            # Due at 11:45; an hour before, B hears it is due soon (and nobody else does).
            self.assertStatus(self.admin.post("/api/v1/test/clock", {"set": bj(2026, 11, 11, 10, 50)}), 200)
            due = ears["b"].wait_for(lambda e, d: d.get("task_id") == tid and d["reason"] == "due_soon")
            self.assertIsNotNone(due, "B heard nothing at 10:50 about the task due at 11:45: %s" % self.server.logs()[-2000:])
            self.assertEqual(due["due_at"], bj(2026, 11, 11, 11, 45))
            self.assertIsNone(ears["a"].wait_for(lambda e, d: d.get("reason") == "due_soon", timeout=0.5))
            # Once: moving on does not tell it again.
            self.assertStatus(self.admin.post("/api/v1/test/clock", {"set": bj(2026, 11, 11, 11, 0)}), 200)
            time.sleep(1)
            with ears["b"].lock:
                self.assertEqual(len([d for e, d in ears["b"].events if d.get("reason") == "due_soon"]), 1)

            # The customer answers the survey link: B hears "answered".
            b = self.server.login("lc_b", PASSWORD)
            r = b.post("/api/v1/callbacks/%d/survey-link" % tid, {"channel": "sms"})
            self.assertStatus(r, 201)
            token = r.body["link"].rsplit("/", 1)[1]
            anon = self.server.client()
            page = anon.get("/api/v1/public/surveys/" + token)
            self.assertStatus(page, 200)
            answers = {}
            for q in page.body["questionnaire"]["questions"]:
                if q["required"] and q["show_if"] is None:
                    answers[q["code"]] = {"scale": q.get("scale_max"), "yes_no": True, "text": "很好",
                                          "single": (q.get("options") or [{}])[0].get("code"),
                                          "multi": [(q.get("options") or [{}])[0].get("code")]}[q["type"]]
            self.assertStatus(anon.post("/api/v1/public/surveys/" + token, {"answers": answers}), 201)
            done = ears["b"].wait_for(lambda e, d: d.get("task_id") == tid and d["reason"] == "answered")
            self.assertIsNotNone(done, "B was not told the customer answered")
            self.assertEqual((done["state"], done["channel"]), ("done", "sms"))
            with ears["a"].lock:
                self.assertFalse([d for e, d in ears["a"].events if d.get("reason") == "answered"])
        finally:
            for l in ears.values():
                l.close()


if __name__ == "__main__":
    unittest.main()
