#!/usr/bin/env python3
"""Runs the API test suite against the real kefu binary.

    python3 tests/api/run.py [--backend sqlite|postgres] [-k PATTERN] [--failfast] [--no-crash]

SQLite: each test class gets a fresh database file in a temporary directory; the SQLite run
also includes crash_test.py (kill -9 durability).
PostgreSQL: uses KEFU_TEST_PG_URL when set; otherwise starts a temporary cluster on
loopback (initdb from Debian's postgresql package, as the `postgres` user when run as root)
and removes it afterwards. Each test class resets the `public` schema.
The binary is KEFU_BIN, default build/src/kefu.
"""

import argparse
import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TempPostgres:
    """A throwaway PostgreSQL cluster on 127.0.0.1, owned by a non-root user."""

    def __init__(self):
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
        if not bins:
            raise SystemExit("PostgreSQL not installed (apt-get install postgresql), or set KEFU_TEST_PG_URL")
        self.bin = os.path.dirname(bins[-1])
        self.dir = tempfile.mkdtemp(prefix="kefu-pg-")
        self.port = free_port()
        self.as_user = []
        if os.geteuid() == 0:
            user = "postgres"
            pw = pwd.getpwnam(user)
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
            self.as_user = ["runuser", "-u", user, "--"]

    def run(self, *cmd):
        subprocess.run(self.as_user + list(cmd), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       cwd=self.dir)

    def start(self):
        data = os.path.join(self.dir, "data")
        self.run(os.path.join(self.bin, "initdb"), "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8",
                 "--locale=C.UTF-8", "--no-sync")
        opts = "-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off " \
               "-c full_page_writes=off -c max_connections=300" % (self.port, self.dir)
        self.run(os.path.join(self.bin, "pg_ctl"), "-D", data, "-o", opts, "-l", os.path.join(self.dir, "log"),
                 "-w", "start")
        subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", "postgres",
                        "-q", "-v", "ON_ERROR_STOP=1",
                        "-c", "CREATE ROLE kefu LOGIN", "-c", "CREATE DATABASE kefu OWNER kefu"],
                       check=True, stdout=subprocess.DEVNULL)
        return "postgresql://kefu@127.0.0.1:%d/kefu" % self.port

    def stop(self):
        try:
            self.run(os.path.join(self.bin, "pg_ctl"), "-D", os.path.join(self.dir, "data"), "-m", "fast", "-w", "stop")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    ap.add_argument("-k", dest="patterns", action="append", help="only tests matching this substring")
    ap.add_argument("--failfast", action="store_true")
    ap.add_argument("--no-crash", action="store_true", help="skip crash_test.py in the SQLite run")
    args = ap.parse_args()

    kefu_bin = os.environ.get("KEFU_BIN") or os.path.join(REPO, "build", "src", "kefu")
    if not os.access(kefu_bin, os.X_OK):
        print("kefu binary not found at %s (build it, or set KEFU_BIN)" % kefu_bin, file=sys.stderr)
        return 2
    os.environ["KEFU_BIN"] = os.path.abspath(kefu_bin)

    pg = None
    own_db = None
    if args.backend == "postgres":
        if not os.environ.get("KEFU_TEST_PG_URL"):
            pg = TempPostgres()
            os.environ["KEFU_TEST_PG_URL"] = pg.start()
            print("temporary PostgreSQL cluster: %s" % os.environ["KEFU_TEST_PG_URL"])
        else:
            # A database of our own on the given server: other suites (the unit tests, the
            # schema comparison) use the server at the same time, and every test class here
            # resets its database's schema.
            shared = os.environ["KEFU_TEST_PG_URL"]
            own_db = "kefu_api_%d" % os.getpid()
            subprocess.run(["psql", shared, "-q", "-c", "CREATE DATABASE %s" % own_db], check=True,
                           stdout=subprocess.DEVNULL, timeout=60)
            os.environ["KEFU_TEST_PG_URL"] = shared.rsplit("/", 1)[0] + "/" + own_db
    else:
        os.environ.pop("KEFU_TEST_PG_URL", None)

    sys.path.insert(0, HERE)
    try:
        loader = unittest.TestLoader()
        if args.patterns:
            loader.testNamePatterns = ["*%s*" % p for p in args.patterns]
        suite = loader.discover(HERE, pattern="test_*.py", top_level_dir=HERE)
        if args.backend == "sqlite" and not args.no_crash:
            import crash_test
            suite.addTests(loader.loadTestsFromModule(crash_test))
        print("kefu API tests: backend=%s binary=%s" % (args.backend, kefu_bin), flush=True)
        t0 = time.time()
        result = unittest.TextTestRunner(verbosity=2, failfast=args.failfast).run(suite)
        print("backend=%s: %d tests in %.1fs, %d failures, %d errors, %d skipped" % (
            args.backend, result.testsRun, time.time() - t0, len(result.failures), len(result.errors),
            len(result.skipped)))
        return 0 if result.wasSuccessful() else 1
    finally:
        if pg is not None:
            pg.stop()
        if own_db is not None:
            subprocess.run(["psql", shared, "-q", "-c", "DROP DATABASE IF EXISTS %s WITH (FORCE)" % own_db],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)


if __name__ == "__main__":
    sys.exit(main())
