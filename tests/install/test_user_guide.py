# SPDX-License-Identifier: MIT
"""docs/user-guide.md and its pictures (suite 'install').

Runs docs/make-screenshots.sh into a temporary folder, as a maintainer
would to redraw the guide's pictures, and checks that it draws exactly the
pictures the guide shows and docs/images holds, and that the guide's links
to other files lead somewhere.

Environment (tests/install/meson.build sets it):
  FT_SOURCE_ROOT  the source tree
  FT_BUILD_ROOT   the build folder the script uses
"""

import os
import re
import shutil
import subprocess
import tempfile
import unittest

from test_install import png_size

SOURCE_ROOT = os.environ.get("FT_SOURCE_ROOT", "")
BUILD_ROOT = os.environ.get("FT_BUILD_ROOT", "")


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


class UserGuide(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        if not SOURCE_ROOT or not BUILD_ROOT:
            raise unittest.SkipTest("FT_SOURCE_ROOT and FT_BUILD_ROOT must be set "
                                    "(run with `meson test --suite install`)")
        cls.guide_path = os.path.join(SOURCE_ROOT, "docs", "user-guide.md")
        cls.guide = read(cls.guide_path)

    def test_screenshots_script_draws_the_guides_pictures(self):
        if shutil.which("xvfb-run") is None:
            self.skipTest("xvfb-run is not installed (build-aux/deps.sh installs it)")
        with tempfile.TemporaryDirectory(prefix="ft-guide-test-") as tmp:
            out = os.path.join(tmp, "images")
            env = dict(os.environ, FT_SHOTS_OUT=out, FT_SHOTS_DEMO=os.path.join(tmp, "demo"))
            done = subprocess.run([os.path.join(SOURCE_ROOT, "docs", "make-screenshots.sh"),
                                   BUILD_ROOT], env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, timeout=300)
            self.assertEqual(done.returncode, 0, done.stderr)
            drawn = set(os.listdir(out))
            for name in drawn:
                size = png_size(os.path.join(out, name))
                self.assertIsNotNone(size, name)
                self.assertGreaterEqual(size[0], 1200, name)
            self.assertFalse(os.path.exists(os.path.join(tmp, "demo")),
                             "the script left its samples folder behind")
        shown = set(re.findall(r"\]\(images/([^)]+\.png)\)", self.guide))
        committed = {name for name in os.listdir(os.path.join(SOURCE_ROOT, "docs", "images"))
                     if name.endswith(".png")}
        self.assertEqual(drawn, shown)
        self.assertEqual(committed, shown)

    def test_links_lead_somewhere(self):
        docs = os.path.dirname(self.guide_path)
        for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", self.guide):
            if re.match(r"^[a-z]+:", target):
                continue
            self.assertTrue(os.path.exists(os.path.normpath(os.path.join(docs, target))),
                            "docs/user-guide.md links to %s, which does not exist" % target)

    def test_readme_links_the_guide(self):
        self.assertIn("(docs/user-guide.md)", read(os.path.join(SOURCE_ROOT, "README.md")))


if __name__ == "__main__":
    unittest.main()
