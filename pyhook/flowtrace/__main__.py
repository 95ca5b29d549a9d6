# SPDX-License-Identifier: MIT
"""python3 -m flowtrace: same as the ``flowtrace`` command."""

import sys

from flowtrace.cli import main

sys.exit(main())
