"""Tests of papaours.py: the codec alone, then against a real papaoursd.

The daemon is $PAPAOURSD (the end-to-end suite sets it to the built one); without it the
daemon tests are skipped. Run: PAPAOURSD=.build/debug/papaoursd python3 -m unittest test_papaours
"""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest

import papaours


class Codec(unittest.TestCase):
    def test_words_stay_bare_and_the_rest_is_quoted(self):
        self.assertEqual(papaours.quote("web"), "web")
        self.assertEqual(papaours.quote("Clé"), "Clé")
        self.assertEqual(papaours.quote(""), '""')
        self.assertEqual(papaours.quote("a b"), '"a b"')
        self.assertEqual(papaours.quote("x=1"), '"x=1"')
        self.assertEqual(papaours.quote('say "hi"\\\n\t\r'), '"say \\"hi\\"\\\\\\n\\t\\r"')
        with self.assertRaises(ValueError):
            papaours.quote("bell\x07")

    def test_reply_lines_are_read_as_tokens(self):
        first, words, attributes = papaours.parse_line(
            'OK machine=m_1 name="a \\"b\\" = c" label= roles=api,ops note="x\\ny"')
        self.assertEqual((first, words), ("OK", []))
        self.assertEqual(attributes, {"machine": "m_1", "name": 'a "b" = c', "label": "", "roles": "api,ops", "note": "x\ny"})
        for broken in ['OK a="unterminated', 'OK a="bad \\q escape"', 'OK a="x"y', ""]:
            with self.assertRaises(papaours.ProtocolError, msg=broken):
                papaours.parse_line(broken)


class Daemon:
    """papaoursd on a socket and database of its own, in a temporary directory."""

    def __init__(self, binary):
        self.binary = binary
        self.directory = tempfile.mkdtemp(prefix="papaours-py-")
        self.socket = os.path.join(self.directory, "papaoursd.sock")
        self.config = os.path.join(self.directory, "papaoursd.conf")
        with open(self.config, "w", encoding="utf-8") as conf:
            conf.write(f'socket "{self.socket}"\nsocket-mode 0600\ndatabase "{self.directory}/db"\n')
        self.process = None
        self.start()

    def start(self):
        log = open(os.path.join(self.directory, "papaoursd.log"), "ab")
        self.process = subprocess.Popen([self.binary, "--config", self.config], stdout=log, stderr=log)
        log.close()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                probe.connect(self.socket)
                return
            except OSError:
                time.sleep(0.02)
            finally:
                probe.close()
        raise RuntimeError("papaoursd did not start")

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=15)

    def remove(self):
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


@unittest.skipUnless(os.environ.get("PAPAOURSD"), "PAPAOURSD names no papaoursd to test against")
class AgainstTheDaemon(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.daemon = Daemon(os.environ["PAPAOURSD"])

    @classmethod
    def tearDownClass(cls):
        cls.daemon.remove()

    def setUp(self):
        self.client = papaours.Client(self.daemon.socket)
        self.addCleanup(self.client.close)

    def make_key(self, machine, label, **machine_attributes):
        made = self.client.request("MACHINE", "CREATE", machine, **machine_attributes)
        self.assertEqual(made.status, "OK", made)
        key = self.client.request("KEY", "CREATE", made.attributes["id"], label=label)
        self.assertEqual(key.status, "OK", key)
        return made.attributes, key.attributes

    def test_a_valid_key_says_whose_it_is_with_values_quoted_both_ways(self):
        name, label = 'billing "api" = v2', 'Clé "production" \\ n°1'
        machine, key = self.make_key(name, label, organization="Acme Corp", roles="api,ops")
        result = self.client.verify(key["secret"], ip="192.0.2.7")
        self.assertIsInstance(result, papaours.Valid)
        self.assertTrue(result)
        self.assertEqual((result.machine, result.name, result.key, result.label, result.organization, result.roles),
                         (machine["id"], name, key["id"], label, "Acme Corp", ("api", "ops")))
        self.assertNotIn(key["secret"], repr(result))

    def test_rights_come_with_a_valid_key_and_a_missing_one_is_refused(self):
        self.assertEqual(self.client.request("ROLE", "CREATE", "lecteur-contrats", rights="contrats:read").status, "OK")
        self.assertEqual(self.client.request("GROUP", "CREATE", "facturation", roles="lecteur-contrats", perimeter="CFA Jean Bosco").status, "OK")
        _, key = self.make_key("Service de facturation", "Production", organization="CFA Jean Bosco", groups="facturation")
        result = self.client.verify(key["secret"], require=["contrats:read"])
        self.assertTrue(result)
        self.assertEqual((result.groups, result.rights), (("facturation",), ("contrats:read",)))
        refused = self.client.verify(key["secret"], require="formations:read")
        self.assertEqual(refused.code, "missing-right")

    def test_each_refusal_is_an_invalid_result_with_its_code(self):
        machine, key = self.make_key("refusals", "k")
        secret = key["secret"]
        unknown = secret[:-6] + ("000000" if not secret.endswith("000000") else "111111")
        cases = [("papa_short", "malformed-key"), ("p" * 300, "malformed-key"), ("with\x01control" * 2, "malformed-key"),
                 (unknown, "malformed-key"), ("an-imported-key-never-registered", "unknown-key")]
        for presented, code in cases:
            result = self.client.verify(presented)
            self.assertIsInstance(result, papaours.Invalid, presented)
            self.assertFalse(result)
            self.assertEqual(result.code, code, presented)
        self.assertEqual(self.client.request("KEY", "EDIT", key["id"], status="inactive").status, "OK")
        self.assertEqual(self.client.verify(secret).code, "inactive-key")
        self.client.request("KEY", "EDIT", key["id"], status="active")
        self.client.request("MACHINE", "EDIT", machine["id"], status="inactive")
        self.assertEqual(self.client.verify(secret).code, "inactive-machine")

    def test_an_expired_key_is_invalid(self):
        made = self.client.request("MACHINE", "CREATE", "expiring")
        soon = time.time() + 2
        expires = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(soon))
        key = self.client.request("KEY", "CREATE", made.attributes["id"], label="soon", expires=expires)
        self.assertEqual(key.status, "OK", key.code)
        self.assertTrue(self.client.verify(key.attributes["secret"]))
        time.sleep(max(0.0, int(soon) + 1 - time.time()))
        result = self.client.verify(key.attributes["secret"])
        self.assertIsInstance(result, papaours.Invalid)
        self.assertEqual(result.code, "expired-key")

    def test_one_connection_is_reused_and_reopened_once_when_the_daemon_restarts(self):
        _, key = self.make_key("reuse", "k")
        self.assertTrue(self.client.verify(key["secret"]))
        first = self.client._sock
        for _ in range(5):
            self.assertTrue(self.client.verify(key["secret"]))
        self.assertIs(self.client._sock, first, "every request on the first connection")
        self.daemon.stop()
        self.daemon.start()
        self.assertTrue(self.client.verify(key["secret"]), "the closed connection is replaced once")
        self.assertIsNot(self.client._sock, first)

    def test_the_module_verify_uses_papaours_socket_and_one_shared_client(self):
        _, key = self.make_key("module", "k")
        os.environ["PAPAOURS_SOCKET"] = self.daemon.socket
        self.addCleanup(os.environ.pop, "PAPAOURS_SOCKET")
        papaours._default_client = None
        self.assertTrue(papaours.verify(key["secret"]))
        shared = papaours._default_client
        self.assertTrue(papaours.verify(key["secret"], ip="198.51.100.1"))
        self.assertIs(papaours._default_client, shared)
        shared.close()

    def test_require_is_sent_and_a_daemon_without_it_says_bad(self):
        _, key = self.make_key("rights", "k")
        try:
            result = self.client.verify(key["secret"], require=["no.such-right", "invoices.write"])
        except papaours.BadRequest as error:
            # A version-1 papaoursd knows no require=, and says so: the attribute was sent.
            self.assertEqual(error.code, "syntax")
            self.assertIn("require=", error.text)
        else:
            self.assertEqual(result.code, "missing-right", "a right nobody holds is missing")

    def test_no_daemon_is_unreachable(self):
        with self.assertRaises(papaours.Unreachable) as raised:
            papaours.Client(os.path.join(self.daemon.directory, "nothing.sock")).verify("x" * 30)
        self.assertEqual(raised.exception.code, "cannot-connect")


if __name__ == "__main__":
    unittest.main()
