#!/usr/bin/env python3
"""Durability under kill -9 (SQLite): every write acknowledged with 201 survives.

32 threads POST units with unique codes over keep-alive connections for ~2 s; the server
is then killed with SIGKILL, restarted on the same database file, and every acknowledged
code must be there. Standalone: `python3 tests/api/crash_test.py`; run.py includes it in
the SQLite run.
"""

import collections
import http.client
import json
import os
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import KefuServer  # noqa: E402

THREADS = 32
LOAD_SECONDS = 2.0


class CrashDurabilityTest(unittest.TestCase):

    def test_kill9_loses_no_acknowledged_write(self):
        srv = KefuServer("crash", pg_url=None, log_level="warn")
        try:
            self.run_crash(srv)
        finally:
            if srv.running:
                srv.kill()
            srv.cleanup()

    def run_crash(self, srv):
        srv.start()
        admin = srv.login()
        head = admin.me()["unit"]["id"]
        token = admin.create_token("crash", ["read", "write"])["token"]

        stop = threading.Event()
        killed = threading.Event()
        acked = [[] for _ in range(THREADS)]
        statuses = collections.Counter()
        errors_before_kill = []
        lock = threading.Lock()

        def worker(t):
            conn = None
            n = 0
            while not stop.is_set():
                if conn is None:
                    conn = http.client.HTTPConnection(srv.host, srv.port, timeout=10)
                code = "c%02d-%05d" % (t, n)
                n += 1
                body = json.dumps({"parent_id": head, "code": code, "name": "崩溃测试 " + code,
                                   "kind": "department"})
                try:
                    conn.request("POST", "/api/v1/org/units", body=body,
                                 headers={"Content-Type": "application/json", "Authorization": "Bearer " + token})
                    r = conn.getresponse()
                    r.read()
                except (OSError, http.client.HTTPException) as e:
                    if not killed.is_set():
                        with lock:
                            errors_before_kill.append(repr(e))
                    conn.close()
                    conn = None
                    if killed.is_set():
                        return
                    time.sleep(0.01)
                    continue
                with lock:
                    statuses[r.status] += 1
                if r.status == 201:
                    acked[t].append(code)
                if r.will_close:
                    conn.close()
                    conn = None
            if conn is not None:
                conn.close()

        threads = [threading.Thread(target=worker, args=(t,), daemon=True) for t in range(THREADS)]
        t0 = time.time()
        for th in threads:
            th.start()
        time.sleep(LOAD_SECONDS)
        killed.set()
        srv.kill()  # SIGKILL: no chance to flush anything
        stop.set()
        for th in threads:
            th.join(15)
        load_time = time.time() - t0

        acknowledged = [c for lst in acked for c in lst]
        srv.serve()
        admin = srv.login()
        present = {u["code"] for u in admin.list_all("/api/v1/org/units", query={"parent_id": head})}
        lost = sorted(set(acknowledged) - present)
        unacked_present = sorted(c for c in present if c.startswith("c") and "-" in c and c not in set(acknowledged))

        print("\n  crash test: %d threads, %.1fs of load, %d acknowledged (%.0f/s), statuses %s" %
              (THREADS, load_time, len(acknowledged), len(acknowledged) / max(load_time, 1e-9), dict(statuses)))
        print("  after restart: %d present, %d lost, %d written but not acknowledged (in flight at the kill)" %
              (len(present & set(acknowledged)), len(lost), len(unacked_present)))

        # the audit chain survived the crash too
        rc = srv.stop()
        self.assertEqual(rc, 0, "exit code of the restarted server after SIGTERM")
        p = srv.cli("audit", "verify", check=False)
        print("  audit verify after the crash: exit %d: %s" % (p.returncode, (p.stdout + p.stderr).strip()[:200]))

        self.assertEqual(len(acknowledged), len(set(acknowledged)))
        self.assertGreater(len(acknowledged), 0, "no write was acknowledged at all")
        self.assertEqual(lost, [], "acknowledged writes lost after kill -9")
        self.assertEqual(errors_before_kill, [], "connection errors before the kill")
        self.assertEqual({s: n for s, n in statuses.items() if s != 201}, {}, "non-201 answers under load")
        self.assertEqual(p.returncode, 0, "audit verify after the crash")


def main():
    result = unittest.TextTestRunner(verbosity=2).run(
        unittest.defaultTestLoader.loadTestsFromTestCase(CrashDurabilityTest))
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
