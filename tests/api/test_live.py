"""The console's live event stream (server-sent events): a user hears about tickets in their
scope or assigned to them, nothing about other branches, and an open stream does not hold up
a shutdown."""

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


if __name__ == "__main__":
    unittest.main()
