"""A loopback stand-in for OSV's query API, answering from OSV's data dump of PyPI.

pip-audit's OSV service POSTs ``{"package": {"name", "ecosystem": "PyPI"}, "version"}``
to ``--osv-url`` and reads ``{"vulns": [...]}``; its PyPI service has a fixed host and
only an HTTP cache, so this is the one way it runs with no network. The data is OSV's
export of every PyPI advisory (PYSEC and GHSA), one JSON file per advisory in a ZIP:
``https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip``, fetched on a machine
with the network and copied here; it is only as current as that copy.

    python scripts/osv_offline.py PyPI-all.zip   # prints the port, serves until killed

A version is affected when listed in an advisory's ``versions``, or inside one of its
``ECOSYSTEM`` ranges (OSV's evaluation of ``introduced``/``fixed``/``last_affected``
events, versions compared as PEP 440 versions). Standard library and ``packaging`` only.
"""

from __future__ import annotations

import json
import re
import sys
import zipfile
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from packaging.version import InvalidVersion, Version


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _version(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


def in_range(version: Version, events: list[dict[str, str]]) -> bool:
    """OSV's evaluation of one range's events (sorted by version, "0" first)."""

    def key(event: dict[str, str]) -> tuple[int, Version]:
        value = next(iter(event.values()))
        parsed = Version("0") if value == "0" else _version(value)
        return (0, parsed) if parsed is not None else (1, Version("0"))

    affected = False
    for event in sorted(events, key=key):
        if "introduced" in event:
            start = event["introduced"]
            bound = Version("0") if start == "0" else _version(start)
            if bound is not None and version >= bound:
                affected = True
        elif "fixed" in event:
            bound = _version(event["fixed"])
            if bound is not None and version >= bound:
                affected = False
        elif "last_affected" in event:
            bound = _version(event["last_affected"])
            if bound is not None and version > bound:
                affected = False
    return affected


def affects(affected: dict[str, Any], version: str) -> bool:
    if version in affected.get("versions", []):
        return True
    parsed = _version(version)
    if parsed is None:
        return False
    return any(
        r.get("type") == "ECOSYSTEM" and in_range(parsed, r.get("events", []))
        for r in affected.get("ranges", [])
    )


class Advisories:
    def __init__(self, dump: str) -> None:
        self.by_package: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.count = 0
        self.newest = ""
        with zipfile.ZipFile(dump) as zf:
            for name in zf.namelist():
                if not name.endswith(".json"):
                    continue
                vuln = json.loads(zf.read(name))
                self.count += 1
                self.newest = max(self.newest, str(vuln.get("modified", "")))
                packages = {
                    canonical(a["package"]["name"])
                    for a in vuln.get("affected", [])
                    if a.get("package", {}).get("ecosystem") == "PyPI"
                }
                for package in packages:
                    self.by_package[package].append(vuln)

    def query(self, name: str, version: str) -> list[dict[str, Any]]:
        wanted = canonical(name)
        return [
            vuln
            for vuln in self.by_package.get(wanted, [])
            if any(
                canonical(a["package"]["name"]) == wanted and affects(a, version)
                for a in vuln.get("affected", [])
                if a.get("package", {}).get("ecosystem") == "PyPI"
            )
        ]


def serve(advisories: Advisories) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            try:
                body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))))
                package = body["package"]
                vulns = advisories.query(package["name"], str(body["version"]))
            except (ValueError, KeyError, TypeError):
                self.send_error(400, "expected an OSV query")
                return
            data = json.dumps({"vulns": vulns} if vulns else {}).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return ThreadingHTTPServer(("127.0.0.1", 0), Handler)


def main() -> None:
    advisories = Advisories(sys.argv[1])
    server = serve(advisories)
    print(
        f"offline OSV data {sys.argv[1]}: {advisories.count} advisories for "
        f"{len(advisories.by_package)} packages, newest modified {advisories.newest or '?'}",
        file=sys.stderr,
    )
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
