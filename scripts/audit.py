"""Known vulnerabilities in the locked dependencies, and plainly what could not be checked.

pip-audit prints "No known vulnerabilities found" even when it skipped every package: a package
index without PyPI's advisory data answers each query with 404 ("Dependency not found on PyPI
and could not be audited"). So this runs pip-audit on requirements/*.lock with JSON output and
reads that instead; it claims nothing about a package that was not checked.

    python scripts/audit.py [-r LOCK ...] [pip-audit options, e.g. -s osv]

Exit status:
    0  every package was checked and none has a known vulnerability
    1  a known vulnerability (whatever else happened)
    2  the audit itself failed (pip-audit missing, a bad lock file): see its output
    3  no known vulnerability in what was checked, but some or all packages could not be checked
       (the advisory source did not answer); CI reports this and goes on
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCKS = sorted((ROOT / "requirements").glob("*.lock"))

OK, FOUND, BROKEN, UNCHECKED = 0, 1, 2, 3

# What pip-audit says, with no JSON written, when the advisory service cannot be reached at all.
NO_ANSWER = (
    "ConnectionError",
    "Could not connect",
    "network may be blocking",
    "ServiceError",
    "Timeout",
)


def locked_packages(locks: list[Path]) -> set[str]:
    """Names pinned in the lock files that apply to this interpreter and platform."""
    from packaging.requirements import InvalidRequirement, Requirement

    names = set()
    for lock in locks:
        for line in lock.read_text(encoding="utf-8").splitlines():
            if not line[:1].isalnum():
                continue  # comments and hash continuation lines
            try:
                req = Requirement(line.split(" --")[0].rstrip(" \\"))  # no --hash
            except InvalidRequirement:
                continue
            if req.marker is None or req.marker.evaluate():
                names.add(req.name.lower())
    return names


def interpret(report: dict) -> tuple[int, list[str]]:
    """The exit status and the lines to print for pip-audit's JSON report."""
    deps = report.get("dependencies", [])
    skipped = [d for d in deps if d.get("skip_reason")]
    checked = [d for d in deps if not d.get("skip_reason")]
    vulnerable = [d for d in checked if d.get("vulns")]
    lines = []
    if vulnerable:
        count = sum(len(d["vulns"]) for d in vulnerable)
        lines.append(f"Known vulnerabilities: {count} in {len(vulnerable)} of {len(deps)} packages")
        for dep in vulnerable:
            for vuln in dep["vulns"]:
                ids = ", ".join([vuln["id"], *vuln.get("aliases", [])])
                fix = ", ".join(vuln.get("fix_versions", [])) or "no fixed release"
                lines.append(f"  {dep['name']} {dep['version']}: {ids} (fixed in: {fix})")
                if vuln.get("description"):
                    lines.append(f"    {vuln['description'][:200]}")
    elif checked:
        lines.append(f"No known vulnerabilities in the {len(checked)} packages checked.")
    if skipped:
        example = skipped[0]
        lines.append(
            f"Could not check {len(skipped)} of {len(deps)} packages: the advisory source did not"
            f" answer for them (e.g. {example['name']}: {example['skip_reason']});"
            " no claim is made about them."
        )
        lines.append("  not checked: " + " ".join(sorted(d["name"] for d in skipped)))
    if vulnerable:
        return FOUND, lines
    if skipped or not deps:
        return UNCHECKED, lines
    return OK, lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-r", "--requirement", action="append", type=Path, dest="locks")
    args, passthrough = parser.parse_known_args(argv)
    locks = args.locks or LOCKS
    if not locks:
        print("audit: no lock files (requirements/*.lock); run `make lock`", file=sys.stderr)
        return BROKEN
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "audit.json"
        command = [sys.executable, "-m", "pip_audit", "--disable-pip", "--require-hashes"]
        for lock in locks:
            command += ["-r", str(lock)]
        command += ["--format", "json", "--output", str(out), "--progress-spinner", "off"]
        run = subprocess.run([*command, *passthrough], capture_output=True, text=True)
        report = json.loads(out.read_text()) if out.exists() else None
    where = ", ".join(
        str(lock.relative_to(ROOT)) if lock.is_relative_to(ROOT) else str(lock) for lock in locks
    )
    options = f" (pip-audit {' '.join(passthrough)})" if passthrough else ""
    print(f"Audit of {where}{options}:")
    if report is None:
        if run.returncode != 0 and any(s in run.stderr for s in NO_ANSWER):
            total = len(locked_packages(locks))
            count = f"{total} of {total} packages" if total else "any package"
            last = run.stderr.strip().splitlines()[-1]
            print(
                f"Could not check {count}: the advisory source did not answer"
                f" ({last[:300]}); no claim is made about them."
            )
            return UNCHECKED
        print(f"audit: pip-audit failed (exit {run.returncode}):", file=sys.stderr)
        print(run.stdout + run.stderr, file=sys.stderr)
        return BROKEN
    status, lines = interpret(report)
    print("\n".join(lines))
    return status


if __name__ == "__main__":
    sys.exit(main())
