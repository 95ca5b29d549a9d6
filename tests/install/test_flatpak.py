# SPDX-License-Identifier: MIT
"""The flatpak manifest against the tree it builds (suite 'install').

No flatpak is built here (that needs the GNOME runtime from Flathub): this
checks what can go wrong without one.  The manifest must parse, with
flatpak-builder's own parser when it is installed; name the app id, the
installed command and meson options that exist; point at sources that
exist; and grant exactly the permissions flatpak/README.md explains.

Environment (tests/install/meson.build sets it):
  FT_SOURCE_ROOT  the source tree
  FT_APP_ID       the application id
"""

import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

SOURCE_ROOT = os.environ.get("FT_SOURCE_ROOT") or os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
APP_ID = os.environ.get("FT_APP_ID", "io.github.flowtrace.FlowTrace")
FLATPAK_DIR = os.path.join(SOURCE_ROOT, "flatpak")
MANIFEST = os.path.join(FLATPAK_DIR, APP_ID + ".json")


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


class FlatpakManifest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.manifest = json.loads(read(MANIFEST))
        cls.readme = read(os.path.join(FLATPAK_DIR, "README.md"))
        cls.module = next(m for m in cls.manifest["modules"]
                          if isinstance(m, dict) and m.get("name") == "flowtrace")

    def test_runtime(self):
        self.assertEqual(self.manifest.get("id") or self.manifest.get("app-id"), APP_ID)
        self.assertEqual(self.manifest["runtime"], "org.gnome.Platform")
        self.assertEqual(self.manifest["sdk"], "org.gnome.Sdk")
        version = self.manifest["runtime-version"]
        # flatpak-builder wants a string; GNOME 43 is the first with GTK
        # 4.8, libadwaita 1.2 and libsoup 3.
        self.assertIsInstance(version, str)
        self.assertGreaterEqual(int(version), 43)
        self.assertIn("org.gnome.Platform//" + version, self.readme,
                      "flatpak/README.md does not name the runtime the manifest uses")

    def test_command_is_the_installed_app(self):
        desktop = read(os.path.join(SOURCE_ROOT, "data", APP_ID + ".desktop.in"))
        exec_line = re.search(r"^Exec=(\S+)", desktop, re.M)
        self.assertEqual(self.manifest["command"], exec_line.group(1))
        self.assertIn("executable('%s'" % self.manifest["command"],
                      read(os.path.join(SOURCE_ROOT, "src", "meson.build")))

    def test_meson_options_exist(self):
        self.assertEqual(self.module["buildsystem"], "meson")
        options = read(os.path.join(SOURCE_ROOT, "meson_options.txt"))
        known = set(re.findall(r"^option\('([^']+)'", options, re.M))
        given = {}
        for opt in self.module.get("config-opts", []):
            found = re.match(r"^-D([^=]+)=(.*)$", opt)
            self.assertIsNotNone(found, opt)
            self.assertIn(found.group(1), known, "%s is not in meson_options.txt" % opt)
            given[found.group(1)] = found.group(2)
        # The tracer must be built for the runtime's own interpreter.
        self.assertEqual(given.get("python"), "/usr/bin/python3")
        self.assertEqual(given.get("tests"), "false")

    def test_sources_exist(self):
        sources = [s for m in self.manifest["modules"] if isinstance(m, dict)
                   for s in m.get("sources", [])]
        self.assertTrue(sources)
        for source in sources:
            if "path" not in source:
                continue
            path = os.path.normpath(os.path.join(FLATPAK_DIR, source["path"]))
            self.assertTrue(os.path.exists(path), "%s names %s, which does not exist"
                            % (source["type"], path))
            if source["type"] == "dir":
                self.assertRegex(read(os.path.join(path, "meson.build")), r"project\('flowtrace'")

    def test_permissions_are_the_documented_ones(self):
        # The first cell of each row of the permissions table.
        cells = [line.split("|")[1] for line in self.readme.splitlines()
                 if line.startswith("| `--")]
        documented = set(re.findall(r"`(--[^`]+)`", "\n".join(cells)))
        self.assertEqual(set(self.manifest["finish-args"]), documented)

    def test_flatpak_builder_reads_it(self):
        tool = shutil.which("flatpak-builder")
        if tool is None:
            self.skipTest("flatpak-builder is not installed (build-aux/deps.sh installs it)")
        # It makes its .flatpak-builder state folder where it runs.
        with tempfile.TemporaryDirectory(prefix="ft-flatpak-test-") as tmp:
            done = subprocess.run([tool, "--show-manifest", MANIFEST], cwd=tmp,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True, timeout=60)
        self.assertEqual(done.returncode, 0, done.stderr)
        # Unknown properties and wrong types are only warnings to it.
        self.assertNotIn("WARNING", done.stderr)
        self.assertEqual(json.loads(done.stdout)["id"], APP_ID)


if __name__ == "__main__":
    unittest.main()
