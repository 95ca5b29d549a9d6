# SPDX-License-Identifier: MIT
"""--export-otlp-endpoint/-service/-header/-encoding: the trace goes to an
OTLP/HTTP receiver right after the run (through flowtrace-gtk --export-otlp),
the script's exit status is kept and a failed export loses nothing.

The receiver is a tiny http.server on 127.0.0.1 (port 0) in this process.
Needs the built flowtrace-gtk, named by FLOWTRACE_GTK (tests/pyhook/meson.build
sets it when the app is built).
"""

import gzip
import http.server
import json
import os
import tempfile
import threading
import unittest

from ftsupport import (LAUNCHER, SAMPLES, check_setup, env_for, load_trace, run_flowtrace,
                       run_plain)

FLOWTRACE_GTK = os.environ.get("FLOWTRACE_GTK", "")


class Receiver:
    """Records every POST; answers with the status given."""

    def __init__(self, status=200, body=b"{}"):
        self.requests = []
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                data = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if self.headers.get("Content-Encoding") == "gzip":
                    data = gzip.decompress(data)
                owner.requests.append((self.path, dict(self.headers), data))
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d/v1/traces" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


def count_nodes(node):
    return 1 + sum(count_nodes(c) for c in node.get("calls") or [])


def spans_of(requests):
    spans, service = [], None
    for _path, _headers, data in requests:
        doc = json.loads(data)
        for rs in doc["resourceSpans"]:
            for kv in rs["resource"]["attributes"]:
                if kv["key"] == "service.name":
                    service = kv["value"]["stringValue"]
            for ss in rs["scopeSpans"]:
                spans.extend(ss["spans"])
    return spans, service


class ExportTest(unittest.TestCase):
    def setUp(self):
        check_setup()
        if not FLOWTRACE_GTK or not os.access(FLOWTRACE_GTK, os.X_OK):
            self.skipTest("flowtrace-gtk is not built (FLOWTRACE_GTK=%r): configure "
                          "with -Dapp=enabled to test the OTLP export" % FLOWTRACE_GTK)
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def receiver(self, **kwargs):
        r = Receiver(**kwargs)
        self.addCleanup(r.close)
        return r

    def run_export(self, script, args, extra_flags):
        out = os.path.join(self.tmp.name, "trace.json")
        env = env_for({"FLOWTRACE_GTK": FLOWTRACE_GTK})
        res = run_flowtrace(["-s", script, "-o", out] + extra_flags + list(args), env=env)
        return res, out

    def test_spans_reach_the_receiver_with_headers_and_service(self):
        r = self.receiver()
        script = os.path.join(SAMPLES, "complex", "complex_app.py")
        res, out = self.run_export(script, [], [
            "--export-otlp-endpoint", r.url, "--export-otlp-service", "shop",
            "--export-otlp-header", "X-Tenant=acme",
            "--export-otlp-header", "Authorization=Bearer tok=en",
            "--export-otlp-encoding", "json"])
        plain = run_plain(script)
        self.assertEqual(res.returncode, plain.returncode, res.stderr)
        self.assertEqual(res.stdout, plain.stdout)
        trace = load_trace(out)
        self.assertGreaterEqual(len(r.requests), 1)
        path, headers, _data = r.requests[0]
        self.assertEqual(path, "/v1/traces")
        self.assertEqual(headers["Content-Type"], "application/json")
        self.assertEqual(headers["X-Tenant"], "acme")
        self.assertEqual(headers["Authorization"], "Bearer tok=en")
        spans, service = spans_of(r.requests)
        self.assertEqual(service, "shop")
        self.assertEqual(len(spans), count_nodes(trace[0]))
        self.assertEqual(len({s["spanId"] for s in spans}), len(spans))
        names = {s["name"] for s in spans}
        self.assertIn("__main__::main", names)
        stderr = res.stderr.decode()
        self.assertRegex(stderr, r"\[FlowTrace\] .*trace\.json → %s: %d of %d spans exported"
                         % (r.url, len(spans), len(spans)))
        self.assertNotIn("tok=en", stderr)

    def test_exit_status_of_a_failing_script_is_kept(self):
        r = self.receiver()
        script = os.path.join(SAMPLES, "error", "error_sample.py")
        res, out = self.run_export(script, [], ["--export-otlp-endpoint", r.url])
        self.assertEqual(res.returncode, run_plain(script).returncode)
        self.assertNotEqual(res.returncode, 0)
        self.assertEqual(len(r.requests), 1)
        self.assertEqual(r.requests[0][1]["Content-Type"], "application/x-protobuf")
        self.assertTrue(load_trace(out)[0]["flowtrace"]["complete"])

    def test_rejected_export_keeps_trace_and_status(self):
        r = self.receiver(status=400, body=b'{"code":3,"message":"tenant unknown"}')
        script = os.path.join(SAMPLES, "basic", "basic_sample.py")
        res, out = self.run_export(script, [], [
            "--export-otlp-endpoint", r.url, "--export-otlp-header", "X-Api-Key=hunter2"])
        self.assertEqual(res.returncode, 0, res.stderr)
        stderr = res.stderr.decode()
        self.assertIn("[FlowTrace] OTLP export failed; the trace is kept in %s" % out, stderr)
        self.assertIn("HTTP 400: tenant unknown", stderr)
        self.assertNotIn("hunter2", stderr)
        self.assertEqual(len(r.requests), 1)          # a 400 is not retried
        self.assertGreater(count_nodes(load_trace(out)[0]), 3)

    def test_launcher_finds_flowtrace_gtk_beside_it(self):
        if not LAUNCHER:
            self.skipTest("no build-tree flowtrace launcher for this interpreter")
        r = self.receiver()
        out = os.path.join(self.tmp.name, "trace.json")
        env = env_for(with_pkg=False)
        env.pop("FLOWTRACE_GTK", None)
        env["PATH"] = "/usr/bin:/bin"          # not found on PATH either
        res = run_flowtrace(["-s", os.path.join(SAMPLES, "basic", "basic_sample.py"), "-o", out,
                             "--export-otlp-endpoint", r.url, "--export-otlp-encoding", "json"],
                            env=env, launcher=True)
        self.assertEqual(res.returncode, 0, res.stderr)
        spans, service = spans_of(r.requests)
        self.assertEqual(len(spans), count_nodes(load_trace(out)[0]))
        self.assertEqual(service, "trace")

    def test_header_without_value_is_refused_before_the_run(self):
        script = os.path.join(SAMPLES, "basic", "basic_sample.py")
        res, out = self.run_export(script, [], [
            "--export-otlp-endpoint", "http://127.0.0.1:9/v1/traces",
            "--export-otlp-header", "secret-token-only"])
        self.assertEqual(res.returncode, 2)
        self.assertIn("--export-otlp-header #1 must be KEY=VALUE", res.stderr.decode())
        self.assertNotIn("secret-token-only", res.stderr.decode())
        self.assertFalse(os.path.exists(out))

    def test_service_without_endpoint_is_refused(self):
        script = os.path.join(SAMPLES, "basic", "basic_sample.py")
        res, _out = self.run_export(script, [], ["--export-otlp-service", "x"])
        self.assertEqual(res.returncode, 2)
        self.assertIn("need --export-otlp-endpoint", res.stderr.decode())


if __name__ == "__main__":
    unittest.main()
