# SPDX-License-Identifier: MIT
"""FlowTrace installed to a prefix and run as a user would (suite 'install').

The prefix is compiled into the programs (the launcher's package folder,
the app's data and locale folders, the tracer it runs), so the files of
`meson install --destdir` would not work where they land.  This test
configures the source again with --prefix in a temporary folder
(-Dtests=false: about 20 s of building), installs it, deletes that build
folder so nothing can come from it, and runs the installed commands with
nothing set but PATH=/usr/bin:/bin and HOME (plus LANGUAGE where said).

Environment (tests/install/meson.build sets it):
  FT_SOURCE_ROOT  the source tree
  FT_PYTHON       the interpreter the tracer is built for (-Dpython)
  FT_APP_ID       the application id
  FT_MESON        the meson command
  FT_XVFB_RUN     xvfb-run (optional: the app tests skip without it)
"""

import glob
import json
import os
import re
import shutil
import struct
import subprocess
import tempfile
import unittest

SOURCE_ROOT = os.environ.get("FT_SOURCE_ROOT", "")
PYTHON = os.environ.get("FT_PYTHON", "")
APP_ID = os.environ.get("FT_APP_ID", "io.github.flowtrace.FlowTrace")
MESON = os.environ.get("FT_MESON", "meson")
XVFB_RUN = os.environ.get("FT_XVFB_RUN", "")

SAMPLE_ARGS = ["--customer", "ana maria", "--tier", "gold", "--coffee", "3"]
TIMEOUT = 120
BUILD_TIMEOUT = 900


def run(args, **kwargs):
    kwargs.setdefault("timeout", TIMEOUT)
    return subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, **kwargs)


def walk(node):
    yield node
    for child in node.get("calls") or []:
        yield from walk(child)


def callables(trace):
    return {node.get("callable") for root in trace for node in walk(root)}


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", head[16:24])


class InstalledFlowTrace(unittest.TestCase):
    """One build and install for all the tests of the class."""

    @classmethod
    def setUpClass(cls):
        if not SOURCE_ROOT or not PYTHON:
            raise unittest.SkipTest("FT_SOURCE_ROOT and FT_PYTHON must be set "
                                    "(run with `meson test --suite install`)")
        cls.tmp = tempfile.mkdtemp(prefix="ft-install-test-")
        cls.prefix = os.path.join(cls.tmp, "prefix")
        cls.home = os.path.join(cls.tmp, "home")
        cls.work = os.path.join(cls.tmp, "work")
        os.makedirs(cls.home)
        os.makedirs(cls.work)
        try:
            cls.build_and_install()
        except BaseException:
            shutil.rmtree(cls.tmp, ignore_errors=True)
            raise
        cls.samples = os.path.join(SOURCE_ROOT, "samples")
        cls.bin = os.path.join(cls.prefix, "bin")
        cls.share = os.path.join(cls.prefix, "share")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def build_and_install(cls):
        build = os.path.join(cls.tmp, "build")
        steps = [
            [MESON, "setup", "--prefix", cls.prefix, "-Dpython=" + PYTHON,
             "-Dtests=false", SOURCE_ROOT, build],
            [MESON, "compile", "-C", build],
            [MESON, "install", "-C", build, "--no-rebuild"],
        ]
        for step in steps:
            done = run(step, timeout=BUILD_TIMEOUT)
            if done.returncode != 0:
                raise AssertionError("%s failed (%d):\n%s\n%s" % (
                    " ".join(step[:2]), done.returncode, done.stdout[-4000:],
                    done.stderr[-4000:]))
        # Nothing may come from the build folder from now on.
        shutil.rmtree(build)

    def clean_env(self, **extra):
        env = {"PATH": "/usr/bin:/bin", "HOME": self.home}
        env.update(extra)
        return env

    def xvfb(self, args):
        if not XVFB_RUN:
            self.skipTest("xvfb-run is not installed (build-aux/deps.sh installs it)")
        return [XVFB_RUN, "-a", "-s", "-screen 0 1600x1000x24"] + args

    def trace_sample(self, name):
        out = os.path.join(self.work, name)
        done = run([os.path.join(self.bin, "flowtrace"), "-s",
                    os.path.join(self.samples, "basic", "basic_sample.py"),
                    "-o", out] + SAMPLE_ARGS, cwd=self.work, env=self.clean_env())
        self.assertEqual(done.returncode, 0, done.stderr)
        return out, done

    def assert_window_shot(self, path):
        size = png_size(path)
        self.assertIsNotNone(size, "%s is not a PNG image" % path)
        # The window at its screenshot size (1280 x 800 less its shadow).
        self.assertGreaterEqual(size[0], 1200)
        self.assertGreaterEqual(size[1], 700)

    def assert_no_criticals(self, stderr):
        for word in ("-CRITICAL **", "-ERROR **"):
            self.assertNotIn(word, stderr)

    # Layout ---------------------------------------------------------------

    def test_files_in_their_places(self):
        expected = [
            "bin/flowtrace",
            "bin/flowtrace-gtk",
            "share/applications/%s.desktop" % APP_ID,
            "share/metainfo/%s.metainfo.xml" % APP_ID,
            "share/glib-2.0/schemas/%s.gschema.xml" % APP_ID,
            "share/glib-2.0/schemas/gschemas.compiled",
            "share/icons/hicolor/scalable/apps/%s.svg" % APP_ID,
            "share/icons/hicolor/symbolic/apps/%s-symbolic.svg" % APP_ID,
            "share/locale/es/LC_MESSAGES/flowtrace.mo",
        ]
        for path in expected:
            self.assertTrue(os.path.isfile(os.path.join(self.prefix, path)), path)
        for program in ("flowtrace", "flowtrace-gtk"):
            self.assertTrue(os.access(os.path.join(self.bin, program), os.X_OK), program)

    def test_launcher_points_into_the_prefix(self):
        with open(os.path.join(self.bin, "flowtrace"), encoding="utf-8") as f:
            text = f.read()
        found = re.search(r"^sys\.path\[0\] = '([^']+)'$", text, re.M)
        self.assertIsNotNone(found, "the launcher names no package folder")
        pkgdir = found.group(1)
        self.assertTrue(pkgdir.startswith(self.prefix + os.sep), pkgdir)
        self.assertTrue(glob.glob(os.path.join(pkgdir, "flowtrace", "_flowtrace*.so")),
                        "no extension module in %s" % pkgdir)
        self.assertTrue(text.startswith("#!" + PYTHON + "\n"), text.splitlines()[0])

    def test_desktop_file_names_installed_things(self):
        path = os.path.join(self.share, "applications", APP_ID + ".desktop")
        with open(path, encoding="utf-8") as f:
            entries = dict(line.split("=", 1) for line in f.read().splitlines()
                           if "=" in line and not line.startswith("#"))
        self.assertTrue(os.access(os.path.join(self.bin, entries["Exec"].split()[0]), os.X_OK))
        self.assertEqual(entries["Icon"], APP_ID)
        self.assertIn("Comment[es]", entries, "the Spanish translation was not merged")

    def test_metainfo_names_the_desktop_file(self):
        path = os.path.join(self.share, "metainfo", APP_ID + ".metainfo.xml")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        self.assertIn("<id>%s</id>" % APP_ID, text)
        self.assertIn('<launchable type="desktop-id">%s.desktop</launchable>' % APP_ID, text)
        self.assertIn('xml:lang="es"', text, "the Spanish translation was not merged")

    def test_installed_desktop_file_validates(self):
        tool = shutil.which("desktop-file-validate")
        if tool is None:
            self.skipTest("desktop-file-validate is not installed")
        done = run([tool, os.path.join(self.share, "applications", APP_ID + ".desktop")])
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)

    def test_installed_metainfo_validates(self):
        tool = shutil.which("appstreamcli")
        if tool is None:
            self.skipTest("appstreamcli is not installed")
        done = run([tool, "validate", "--no-net",
                    os.path.join(self.share, "metainfo", APP_ID + ".metainfo.xml")])
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)

    def test_schema_is_compiled(self):
        done = run(["gsettings", "--schemadir",
                    os.path.join(self.share, "glib-2.0", "schemas"), "list-keys", APP_ID],
                   env=self.clean_env())
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("style-variant", done.stdout.split())

    # The tracer -----------------------------------------------------------

    def test_tracer_records_a_sample(self):
        out, done = self.trace_sample("basic.json")
        self.assertRegex(done.stderr, r"\[FlowTrace\] Profiling finished in \d+\.\d{3}s "
                                      r"\(script=basic_sample\.py\)")
        untraced = run([PYTHON, os.path.join(self.samples, "basic", "basic_sample.py")]
                       + SAMPLE_ARGS, cwd=self.work, env=self.clean_env())
        self.assertEqual(done.stdout, untraced.stdout)
        with open(out, encoding="utf-8") as f:
            trace = json.load(f)
        self.assertTrue({"parse_args", "run_order_flow", "place_order"} <= callables(trace))
        self.assertEqual(trace[0].get("exit_status"), 0)

    # The app --------------------------------------------------------------

    def test_app_screenshot_of_a_trace(self):
        trace, _ = self.trace_sample("shot.json")
        shot = os.path.join(self.work, "shot.png")
        done = run(self.xvfb([os.path.join(self.bin, "flowtrace-gtk"),
                              "--screenshot", shot, trace]),
                   cwd=self.work, env=self.clean_env())
        # Without its schema the app says so and exits 1 instead.
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assert_window_shot(shot)
        self.assert_no_criticals(done.stderr)

    def test_app_runs_the_installed_tracer(self):
        trace = os.path.join(self.work, "run.json")
        shot = os.path.join(self.work, "run.png")
        done = run(self.xvfb([os.path.join(self.bin, "flowtrace-gtk"), "-o", trace,
                              "--screenshot", shot, "--run",
                              os.path.join(self.samples, "basic", "basic_sample.py")]
                             + SAMPLE_ARGS),
                   cwd=self.work, env=self.clean_env())
        self.assertEqual(done.returncode, 0, done.stderr)
        with open(trace, encoding="utf-8") as f:
            self.assertIn("place_order", callables(json.load(f)))
        self.assert_window_shot(shot)

    def test_translations_are_used(self):
        app = os.path.join(self.bin, "flowtrace-gtk")
        trace, _ = self.trace_sample("i18n.json")
        # Before GTK starts (a bad option), with no LANG at all.
        english = run([app, "--view", "nowhere", trace], env=self.clean_env())
        spanish = run([app, "--view", "nowhere", trace], env=self.clean_env(LANGUAGE="es"))
        self.assertEqual(english.returncode, 2)
        self.assertIn("unknown view “nowhere”", english.stderr)
        self.assertEqual(spanish.returncode, 2)
        self.assertIn("vista desconocida «nowhere»", spanish.stderr)

    def test_translations_are_used_once_gtk_runs(self):
        missing = os.path.join(self.work, "missing_script.py")
        done = run(self.xvfb([os.path.join(self.bin, "flowtrace-gtk"), "--run", missing]),
                   cwd=self.work, env=self.clean_env(LANGUAGE="es"))
        self.assertEqual(done.returncode, 1)
        self.assertIn("no se puede ejecutar «%s»" % missing, done.stderr)


if __name__ == "__main__":
    unittest.main()
