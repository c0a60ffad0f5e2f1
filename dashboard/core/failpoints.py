"""Named points where a crash test can stop a process at a known moment, never by timing."""

from __future__ import annotations

import os
import sys
import threading

ENV = "ASB_FAILPOINT"


def failpoint(name: str) -> None:
    """When ASB_FAILPOINT names this point, say so on stderr and wait here until killed.

    Off (one environment lookup) unless a test sets the variable for a process it will kill:
    `tests/test_faults.py` kills a load mid-transaction this way, whatever the machine's speed.
    """
    if os.environ.get(ENV) != name:
        return
    sys.stderr.write(f"failpoint {name} reached\n")
    sys.stderr.flush()
    threading.Event().wait()  # until the test's SIGKILL
