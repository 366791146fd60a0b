"""Email over STARTTLS with a real Postfix (tests/api/mailserver.py with `tls=True`: a
self-signed certificate made by `openssl req`, smtpd_tls_security_level = may). The proof that
a message went encrypted is Postfix's own: the Received header it adds says "with ESMTPS"
(RFC 3848) and its log records the TLS connection. Four deployments:
- starttls (the default) with verify = false: TLS because the server offers it;
- required with the test certificate as the trusted CA: verified (chain and the name
  127.0.0.1) and sent;
- verify = true against the system's CAs: the handshake fails, nothing is handed over, the
  message waits for a retry (queued, not failed) and the reason names the certificate;
- required against a Postfix without TLS: failed, never sent in plain text;
- a password with no TLS on offer: failed, the password never sent in the clear; with TLS the
  client goes on to AUTH inside it."""

import re

from test_email import EmailCase, bj


def settled(m):
    """A try is over: sent, failed, or queued again after a try (never the in-flight 'sending')."""
    return m["state"] in ("sent", "failed") or (m["state"] == "queued" and m["tries"] > 0)


class TlsCase(EmailCase):
    postfix_tls = True

    def received(self, box):
        msgs = self.mail.wait_for(box)
        self.assertEqual(len(msgs), 1)
        return msgs[0].get_all("Received")


class StartTlsWhenOfferedTest(TlsCase):
    smtp = {"smtp_verify": False}  # the default smtp_tls: starttls

    def test_mail_goes_over_tls(self):
        self.set_clock(bj(2026, 11, 11, 10, 0))
        task = self.task_for("郑爽", email="zheng@kefu.test")
        self.send(task["id"])
        self.wait_message(task["id"], lambda m: m["state"] == "sent")
        received = self.received("zheng")
        self.assertTrue(any(re.search(r"\bwith ESMTPS\b", h) for h in received), received)
        self.assertTrue(any("using TLS" in h for h in received), received)
        self.assertRegex(self.mail.logs(), r"TLS connection established from [^\n]*127\.0\.0\.1")


class RequiredAndVerifiedTest(TlsCase):
    # The self-signed certificate is the CA this deployment trusts: the chain and the host name
    # (127.0.0.1, in its subjectAltName) are checked and pass.
    smtp = {"smtp_tls": "required", "smtp_verify": True, "smtp_ca_file": lambda mail: mail.cert_file}

    def test_verified_tls(self):
        self.set_clock(bj(2026, 11, 11, 10, 0))
        task = self.task_for("王霞", email="wang@kefu.test")
        self.send(task["id"])
        m = self.wait_message(task["id"], settled)
        self.assertEqual(m["state"], "sent", m)
        self.assertTrue(any("with ESMTPS" in h for h in self.received("wang")))


class UntrustedCertificateTest(TlsCase):
    smtp = {"smtp_verify": True}  # the system's CAs do not know the test certificate

    def test_unverified_server_gets_nothing(self):
        self.set_clock(bj(2026, 11, 11, 10, 0))
        task = self.task_for("赵雅", email="zhao@kefu.test")
        self.send(task["id"])
        m = self.wait_message(task["id"], settled)
        # Nothing was handed over, so another try is safe: queued again, not failed, not sent.
        self.assertEqual(m["state"], "queued", m)
        seen = self.messages(task["id"], client=self.admin)[-1]
        self.assertIn("TLS handshake", seen["error"])
        self.assertIn("certificate", seen["error"])
        self.assertEqual(self.mail.delivered("zhao"), [])


class RequiredButNotOfferedTest(EmailCase):
    postfix_tls = False
    smtp = {"smtp_tls": "required"}

    def test_no_tls_no_mail(self):
        self.set_clock(bj(2026, 11, 11, 10, 0))
        task = self.task_for("孙悦", email="sun@kefu.test")
        self.send(task["id"])
        m = self.wait_message(task["id"], settled)
        self.assertEqual(m["state"], "failed", m)
        seen = self.messages(task["id"], client=self.admin)[-1]
        self.assertIn("does not offer", seen["error"])
        self.assertIn("STARTTLS", seen["error"])
        self.assertEqual(self.mail.delivered("sun"), [])


class NoPasswordInTheClearTest(EmailCase):
    """A user and password are set but the server offers no STARTTLS: with smtp_tls = starttls
    the password is not sent in plain text, so the message fails saying why."""
    postfix_tls = False
    smtp = {"smtp_user": "kefu", "smtp_password": "Secret-2026"}

    def test_no_auth_without_tls(self):
        self.set_clock(bj(2026, 11, 11, 10, 0))
        task = self.task_for("周敏", email="zhou@kefu.test")
        self.send(task["id"])
        m = self.wait_message(task["id"], settled)
        self.assertEqual(m["state"], "failed", m)
        seen = self.messages(task["id"], client=self.admin)[-1]
        self.assertIn("not sent in the clear", seen["error"])
        self.assertEqual(self.mail.delivered("zhou"), [])


class AuthOnlyInsideTlsTest(TlsCase):
    """With TLS the client goes on to AUTH (inside it); this Postfix has no SASL, so it offers
    no AUTH and the message fails on that — after the TLS connection was made."""
    smtp = {"smtp_verify": False, "smtp_user": "kefu", "smtp_password": "Secret-2026"}

    def test_auth_is_tried_inside_tls(self):
        self.set_clock(bj(2026, 11, 11, 10, 0))
        task = self.task_for("吴丹", email="zhou@kefu.test")
        self.send(task["id"])
        m = self.wait_message(task["id"], settled)
        self.assertEqual(m["state"], "failed", m)
        seen = self.messages(task["id"], client=self.admin)[-1]
        self.assertIn("does not offer AUTH PLAIN", seen["error"])
        self.assertRegex(self.mail.logs(), r"TLS connection established from [^\n]*127\.0\.0\.1")
