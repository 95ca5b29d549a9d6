# SPDX-License-Identifier: MIT
"""Redaction: arguments, dict keys and attributes named like a secret are
written as "***" in inputs, inputs_after and output; the secret is nowhere in
the file, nor in the OTLP export; --redact NAME adds names, --no-redact turns
it off."""

import json
import os
import re
import unittest

from ftsupport import TraceTestCase, env_for, find_one, run_flowtrace
from test_export import FLOWTRACE_GTK, Receiver, spans_of

# Every secret below contains "S3CR3T" so a test can look for it in raw bytes.
SCRIPT = '''
import sys

class Client:
    def __init__(self, user, token):
        self.user = user
        self._token = token
        self.settings = {"privateKey": "S3CR3T-pk", "region": "eu"}

def login(user, password, user_password, apiKey):
    return {"user": user, "token": "S3CR3T-issued", "expires": 60}

def request(url, headers, **extra):
    return len(headers)

def remember(store):
    store["session_cookie"] = "S3CR3T-cookie"
    store["visits"] = 1

def connect(client):
    return client

def custom(session_id, page):
    return page

def main():
    login("ana", "S3CR3T-pw", "S3CR3T-upw", "S3CR3T-ak")
    request("https://x", {"Authorization": "Bearer S3CR3T-bearer",
                          "X-Api-Key": "S3CR3T-xak", "Accept": "json"},
            auth_token="S3CR3T-kw", retries=3)
    store = {}
    remember(store)
    connect(Client("ana", "S3CR3T-attr"))
    custom("S3CR3T-sid", 2)
    nested({"a": {"b": {"passwd": "S3CR3T-deep"}}})
    print("args", len(sys.argv[1:]), sys.argv[-1])

def nested(config):
    return config

main()
'''


class RedactTest(TraceTestCase):
    def setUp(self):
        super().setUp()
        self.script = self.write_script("app.py", SCRIPT)
        self.out = os.path.join(self.tmp, "trace.json")

    def raw(self):
        with open(self.out, "rb") as f:
            return f.read()

    def secrets_in_file(self):
        return set(re.findall(rb"S3CR3T-[a-z0-9]+", self.raw()))

    def test_default_names_are_written_as_stars(self):
        trace, _ = self.trace(self.script, output=self.out)
        login = find_one(self, trace, "login")
        self.assertEqual(login["inputs"], {"user": "ana", "password": "***",
                                           "user_password": "***", "apiKey": "***"})
        self.assertEqual(login["inputs_after"], login["inputs"])
        self.assertEqual(login["output"], {"user": "ana", "token": "***", "expires": 60})
        request = find_one(self, trace, "request")
        self.assertEqual(request["inputs"]["headers"],
                         {"Authorization": "***", "X-Api-Key": "***", "Accept": "json"})
        self.assertEqual(request["inputs"]["extra"], {"auth_token": "***", "retries": 3})
        remember = find_one(self, trace, "remember")
        self.assertEqual(remember["inputs"]["store"], {})
        self.assertEqual(remember["inputs_after"]["store"],
                         {"session_cookie": "***", "visits": 1})
        connect = find_one(self, trace, "connect")
        self.assertEqual(connect["inputs"]["client"],
                         {"user": "ana", "_token": "***",
                          "settings": {"privateKey": "***", "region": "eu"}})
        self.assertEqual(connect["output"], connect["inputs"]["client"])
        nested = find_one(self, trace, "nested")
        self.assertEqual(nested["inputs"]["config"], {"a": {"b": {"passwd": "***"}}})
        # not a default name
        self.assertEqual(find_one(self, trace, "custom")["inputs"]["session_id"], "S3CR3T-sid")
        self.assertEqual(self.secrets_in_file(), {b"S3CR3T-sid"})
        flags = trace[0]["flowtrace"]["flags"]
        self.assertEqual(flags["redact"], [
            "password", "passwd", "secret", "token", "api_key", "apikey",
            "authorization", "cookie", "private_key"])

    def test_redact_adds_a_name(self):
        trace, _ = self.trace(self.script, output=self.out,
                              flags=["--redact", "Session-ID"])
        self.assertEqual(find_one(self, trace, "custom")["inputs"],
                         {"session_id": "***", "page": 2})
        self.assertNotIn(b"S3CR3T", self.raw())
        self.assertEqual(trace[0]["flowtrace"]["flags"]["redact"][-1], "Session-ID")

    def test_no_redact_records_everything(self):
        trace, _ = self.trace(self.script, output=self.out, flags=["--no-redact"])
        self.assertEqual(find_one(self, trace, "login")["inputs"]["password"], "S3CR3T-pw")
        self.assertEqual(self.secrets_in_file(), {
            b"S3CR3T-" + s for s in (b"pw", b"upw", b"ak", b"issued", b"bearer", b"xak",
                                     b"kw", b"cookie", b"attr", b"pk", b"sid", b"deep")})
        self.assertEqual(trace[0]["flowtrace"]["flags"]["redact"], [])

    def test_secret_options_of_the_script_are_hidden_in_argv(self):
        trace, proc = self.trace(self.script, output=self.out, script_args=[
            "--user", "ana", "--password", "S3CR3T-a1", "--api-key=S3CR3T-a2",
            "--token=", "-v", "S3CR3T-a3"])
        # the script itself gets its arguments unchanged
        self.assertIn(b"args 8 S3CR3T-a3", proc.stdout)
        root = trace[0]
        expected = ["--user", "ana", "--password", "***", "--api-key=***",
                    "--token=***", "-v", "S3CR3T-a3"]
        self.assertEqual(root["inputs"]["argv"], expected)
        self.assertEqual(root["flowtrace"]["argv"][1:], expected)
        # custom()'s argument and the value after -v, which is not a secret's
        self.assertEqual(self.secrets_in_file(), {b"S3CR3T-sid", b"S3CR3T-a3"})

    def test_bad_names_are_refused(self):
        for flags in (["--redact", ""], ["--redact", "--"], ["--redact", "pass word"],
                      ["--redact", "contraseña"], ["--redact", "x", "--no-redact"]):
            proc = run_flowtrace(["-s", self.script, "-o", self.out] + flags)
            self.assertEqual(proc.returncode, 2, flags)
            self.assertIn("--redact", proc.stderr.decode())
            self.assertFalse(os.path.exists(self.out))

    def test_secret_never_reaches_the_otlp_export(self):
        if not FLOWTRACE_GTK or not os.access(FLOWTRACE_GTK, os.X_OK):
            self.skipTest("flowtrace-gtk is not built (FLOWTRACE_GTK=%r)" % FLOWTRACE_GTK)
        receiver = Receiver()
        self.addCleanup(receiver.close)
        proc = run_flowtrace(["-s", self.script, "-o", self.out, "--redact", "session_id",
                              "--export-otlp-endpoint", receiver.url,
                              "--export-otlp-encoding", "json"],
                             env=env_for({"FLOWTRACE_GTK": FLOWTRACE_GTK}))
        self.assertEqual(proc.returncode, 0, proc.stderr)
        spans, _service = spans_of(receiver.requests)
        names = {s["name"] for s in spans}
        self.assertIn("__main__::login", names)
        self.assertIn("__main__::Client.__init__", {n.split("#")[0] for n in names})
        # Spans carry names, times and errors, not values (docs/export.md);
        # this guards that no redacted value finds its way in.
        body = b"".join(data for _path, _headers, data in receiver.requests)
        self.assertNotIn(b"S3CR3T", body)
        self.assertNotIn(b"S3CR3T", json.dumps(spans).encode())


if __name__ == "__main__":
    unittest.main()
