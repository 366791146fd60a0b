"""A private Postfix (Debian's `postfix` package) for the email tests.

    with PrivatePostfix(mailboxes=["zheng"]) as mail:
        ... kefu sends to 127.0.0.1:mail.port ...
        msg = mail.wait_for("zheng@kefu.test")   # an email.message.EmailMessage

Everything the instance owns lives under one temporary directory: its config_directory
(main.cf, master.cf), queue_directory, data_directory, the Maildirs it delivers to and its
log. It listens on 127.0.0.1 on a free port only, accepts mail for the listed mailboxes at
`kefu.test` (delivered by virtual(8) into Maildirs), answers 550 for any other address
there and 554 for every other domain (nothing ever leaves this machine). It never uses or changes the system main.cf
(only the package's file lists in /etc/postfix are read) and runs beside (or without) a system-wide Postfix:
`postfix -c DIR post-install create-missing` lays out the queue, then Postfix's own
master(8) runs with `-c DIR -d`, in the foreground as a child of the test, which stops it
by its pid (SIGTERM: master stops its daemons itself).
Needs root: master(8) binds its port and hands mail to the `postfix` user.

With `tls=True` the instance offers STARTTLS (smtpd_tls_security_level = may) with a
self-signed certificate for 127.0.0.1 that `openssl req` makes in its directory (`cert_file`,
for a client that should trust it), and records TLS in the Received header ("with ESMTPS").
"""

import email
import email.policy
import glob
import os
import pwd
import grp
import shutil
import socket
import subprocess
import tempfile
import time

DOMAIN = "kefu.test"
MASTER = "/usr/lib/postfix/sbin/master"

# The services this instance needs, none chrooted (a chroot would need copies of /etc files).
SERVICES = """\
{listen} inet  n       -       n       -       -       smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
anvil     unix  -       -       n       -       1       anvil
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def available():
    """Why a private Postfix cannot run here, or None when it can."""
    if not os.path.exists(MASTER):
        return "postfix is not installed (scripts/setup.sh --test installs it)"
    if os.geteuid() != 0:
        return "a private Postfix needs root (master binds its port and runs as `postfix`)"
    return None


class PrivatePostfix:
    def __init__(self, mailboxes=(), port=None, tls=False):
        self.mailboxes = list(mailboxes)
        self.tls = tls
        self.port = port or free_port()
        self.dir = tempfile.mkdtemp(prefix="kefu-postfix-")
        self.conf = os.path.join(self.dir, "conf")
        self.queue = os.path.join(self.dir, "queue")
        self.data = os.path.join(self.dir, "data")
        self.mail = os.path.join(self.dir, "mail")
        self.log = os.path.join(self.dir, "maillog")
        self.cert_file = os.path.join(self.dir, "conf", "cert.pem")
        self.key_file = os.path.join(self.dir, "conf", "key.pem")
        self.proc = None
        self._configure()

    # ------------------------------------------------------------------ set-up

    def _configure(self):
        owner = pwd.getpwnam("postfix")
        nobody = pwd.getpwnam("nobody")
        nogroup = grp.getgrgid(nobody.pw_gid)
        # Postfix's daemons (as `postfix`, `nobody`) walk into these directories.
        os.chmod(self.dir, 0o755)
        for d in (self.conf, self.queue, self.data, self.mail):
            os.makedirs(d)
        os.chown(self.data, owner.pw_uid, owner.pw_gid)
        # virtual(8) writes the Maildirs as this uid; the test reads them as root.
        os.chown(self.mail, nobody.pw_uid, nogroup.gr_gid)
        main = {
            "compatibility_level": "3.6",
            "queue_directory": self.queue,
            "data_directory": self.data,
            "mail_owner": "postfix",
            "setgid_group": "postdrop",
            "syslog_name": "postfix-kefu-test",
            "maillog_file": self.log,
            "maillog_file_prefixes": self.dir,
            "myhostname": "mail." + DOMAIN,
            "mydomain": DOMAIN,
            "myorigin": DOMAIN,
            "mydestination": "",
            "inet_interfaces": "127.0.0.1",
            "inet_protocols": "ipv4",
            "mynetworks": "127.0.0.0/8",
            # Nothing leaves this machine: mail for other domains is refused at RCPT (554),
            # and anything that got queued anyway would bounce instead of being relayed.
            "smtpd_relay_restrictions": "reject_unauth_destination",
            "relayhost": "",
            "default_transport": "error:kefu tests send no mail outside",
            "alias_maps": "",
            "alias_database": "",
            "local_recipient_maps": "",
            "virtual_mailbox_domains": DOMAIN,
            "virtual_mailbox_base": self.mail,
            "virtual_mailbox_maps": "texthash:" + os.path.join(self.conf, "vmailbox"),
            "virtual_uid_maps": "static:%d" % nobody.pw_uid,
            "virtual_gid_maps": "static:%d" % nogroup.gr_gid,
            "smtpd_banner": "$myhostname ESMTP kefu-test",
            "biff": "no",
            "delay_warning_time": "0",
            # A Postfix that a test stops and starts again should come back at once.
            "queue_run_delay": "1s",
            "minimal_backoff_time": "1s",
            "maximal_backoff_time": "2s",
        }
        if self.tls:
            self._make_certificate()
            main.update({
                "smtpd_tls_security_level": "may",
                "smtpd_tls_cert_file": self.cert_file,
                "smtpd_tls_key_file": self.key_file,
                "smtpd_tls_loglevel": "1",
                "smtpd_tls_received_header": "yes",
                "smtpd_tls_session_cache_database": "",
            })
        with open(os.path.join(self.conf, "main.cf"), "w") as f:
            for k, v in main.items():
                f.write("%s = %s\n" % (k, v))
        with open(os.path.join(self.conf, "master.cf"), "w") as f:
            f.write(SERVICES.format(listen="127.0.0.1:%d" % self.port))
        with open(os.path.join(self.conf, "vmailbox"), "w") as f:
            for box in self.mailboxes:
                f.write("%s@%s %s/%s/\n" % (box, DOMAIN, DOMAIN, box))
        # Creates the queue's subdirectories with Postfix's owners and modes.
        self._postfix("post-install", "create-missing")

    def _make_certificate(self):
        """A throwaway self-signed certificate for 127.0.0.1 (and localhost), valid two days."""
        r = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                            "-keyout", self.key_file, "-out", self.cert_file,
                            "-subj", "/CN=127.0.0.1/O=kefu tests",
                            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                           capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            raise RuntimeError("openssl req failed: %s%s" % (r.stdout, r.stderr))
        os.chmod(self.key_file, 0o600)  # read by smtpd before it drops root
        os.chmod(self.cert_file, 0o644)

    def _postfix(self, *args):
        r = subprocess.run(["postfix", "-c", self.conf] + list(args), capture_output=True, text=True,
                           timeout=60)
        if r.returncode != 0:
            raise RuntimeError("postfix %s failed: %s%s" % (" ".join(args), r.stdout, r.stderr))
        return r

    # ------------------------------------------------------------------ running

    def start(self, timeout=20):
        if self.proc is not None:
            return self
        # -d: stays in the foreground as the process the test started (no pid file, no detaching).
        self.proc = subprocess.Popen([MASTER, "-c", self.conf, "-d"], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     start_new_session=True)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                err = self.proc.stderr.read().decode("utf-8", "replace")
                self.proc = None
                raise RuntimeError("postfix master exited: %s\n%s" % (err, self.logs()))
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    s.settimeout(5)
                    if s.recv(512).startswith(b"220"):
                        return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("postfix did not answer on port %d\n%s" % (self.port, self.logs()))

    def stop(self, timeout=20):
        """Stops master and its children (SIGTERM to master: it stops them itself)."""
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout)
        self.proc = None
        # The port is closed once master is gone; wait until connections are refused.
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                time.sleep(0.1)
            except OSError:
                return

    def cleanup(self):
        self.stop()
        if not os.environ.get("KEFU_TEST_KEEP"):
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.cleanup()

    def logs(self, tail=4000):
        try:
            with open(self.log, encoding="utf-8", errors="replace") as f:
                return f.read()[-tail:]
        except OSError:
            return "(no postfix log)"

    # ------------------------------------------------------------------ delivered mail

    def delivered(self, box, raw=False):
        """The messages delivered to box@kefu.test so far, oldest first (raw: their bytes)."""
        files = glob.glob(os.path.join(self.mail, DOMAIN, box, "new", "*")) + \
            glob.glob(os.path.join(self.mail, DOMAIN, box, "cur", "*"))
        out = []
        for path in sorted(files, key=os.path.getmtime):
            with open(path, "rb") as f:
                data = f.read()
            out.append(data if raw else email.message_from_bytes(data, policy=email.policy.default))
        return out

    def wait_for(self, box, count=1, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            got = self.delivered(box)
            if len(got) >= count:
                return got
            time.sleep(0.2)
        raise AssertionError("no mail for %s@%s within %ds\n%s" % (box, DOMAIN, timeout, self.logs()))
