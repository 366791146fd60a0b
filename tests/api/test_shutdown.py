"""Graceful shutdown: SIGTERM with requests in flight answers them all, then exits 0."""

import http.client
import json
import signal
import threading
import time
import unittest

from harness import PASSWORD, ServerTestCase

N = 20


class GracefulShutdownTest(ServerTestCase):

    def test_sigterm_with_requests_in_flight(self):
        srv = self.server
        unit = self.admin.create_unit(self.head["id"], "gs-b", "停机分公司", "branch")
        cookie = "; ".join("%s=%s" % kv for kv in self.admin.cookies.items())
        sent = threading.Semaphore(0)
        results = [None] * N

        # idle keep-alive connections must not hold the shutdown up
        idle = []
        for _ in range(5):
            c = http.client.HTTPConnection(srv.host, srv.port, timeout=30)
            c.request("GET", "/healthz")
            c.getresponse().read()
            idle.append(c)

        def worker(i):
            conn = http.client.HTTPConnection(srv.host, srv.port, timeout=30)
            try:
                body = json.dumps({"username": "gs%02d" % i, "display_name": "停机 %d" % i, "password": PASSWORD,
                                   "unit_id": unit["id"], "roles": ["agent"]})
                conn.request("POST", "/api/v1/users", body=body, headers={
                    "Content-Type": "application/json", "Cookie": cookie, "X-CSRF-Token": self.admin.csrf})
                sent.release()
                r = conn.getresponse()
                results[i] = (r.status, r.read()[:300])
            except Exception as e:  # noqa: BLE001 - recorded and judged below
                results[i] = ("error", repr(e))
                sent.release()
            finally:
                conn.close()

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(N)]
        for t in threads:
            t.start()
        for _ in range(N):
            self.assertTrue(sent.acquire(timeout=10), "requests were not sent")
        time.sleep(0.05)
        t0 = time.time()
        srv.proc.send_signal(signal.SIGTERM)
        for t in threads:
            t.join(30)
        srv.proc.wait(30)  # one SIGTERM is enough: stop() signals only a process still running
        rc = srv.stop(timeout=30)
        took = time.time() - t0
        for c in idle:
            c.close()

        answered = [r for r in results if r[0] != "error"]
        bad = [(i, r) for i, r in enumerate(results) if r[0] == "error" or not (200 <= r[0] < 300)]
        print("\n  graceful shutdown: %d/%d answered, exit %s after %.2fs" % (len(answered), N, rc, took))
        self.assertEqual(rc, 0, "exit code after SIGTERM")
        self.assertEqual(bad, [], "in-flight requests that did not get a 2xx")
        self.assertLess(took, 15, "shutdown took too long (idle keep-alive connections holding it?)")

        # every acknowledged user is there after a restart
        srv.serve()
        admin = srv.login()
        names = {u["username"] for u in admin.list_all("/api/v1/users", query={"unit_id": unit["id"]})}
        acked = {"gs%02d" % i for i, r in enumerate(results) if r[0] == 201}
        self.assertEqual(acked - names, set(), "acknowledged users lost")


if __name__ == "__main__":
    unittest.main(verbosity=2)
