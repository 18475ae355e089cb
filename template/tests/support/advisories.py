"""A loopback stand-in for OSV's vulnerability API, for tests that audit dependencies.

pip-audit asks a vulnerability service about every locked dependency. Tests must not
depend on reaching one, so they start this server on 127.0.0.1 and point pip-audit at it
(``PIP_AUDIT_VULNERABILITY_SERVICE=osv``, ``PIP_AUDIT_OSV_URL``). It answers OSV's
``POST /v1/query`` from ``advisories.json``: copies of a few published advisories. A
clean result from it means "none of these advisories applies", not "no advisory exists":
only a real service (PyPI's, the default, or OSV) says that.

    uv run python -m tests.support.advisories   # prints the query URL, serves until stopped
"""

import json
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

ADVISORIES = Path(__file__).with_name("advisories.json")


def load_advisories(path: Path = ADVISORIES) -> list[dict[str, Any]]:
    vulns: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["vulns"]
    return vulns


def in_range(version: Version, events: list[dict[str, str]]) -> bool:
    """Whether ``version`` falls in an OSV ECOSYSTEM range (introduced/fixed events)."""
    affected = False
    for event in sorted(events, key=lambda e: Version(next(iter(e.values())))):
        if "introduced" in event and version >= Version(event["introduced"]):
            affected = True
        elif "fixed" in event and version >= Version(event["fixed"]):
            affected = False
    return affected


def matching(vulns: list[dict[str, Any]], name: str, version: str) -> list[dict[str, Any]]:
    try:
        parsed = Version(version)
    except InvalidVersion:
        return []
    wanted = canonicalize_name(name)
    found = []
    for vuln in vulns:
        for affected in vuln["affected"]:
            package = affected["package"]
            if package["ecosystem"] != "PyPI" or canonicalize_name(package["name"]) != wanted:
                continue
            ranges = [r for r in affected.get("ranges", []) if r["type"] == "ECOSYSTEM"]
            if any(in_range(parsed, r["events"]) for r in ranges):
                found.append(vuln)
                break
    return found


class QueryHandler(BaseHTTPRequestHandler):
    vulns: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        if self.path != "/v1/query":
            self.send_error(404)
            return
        length = int(self.headers.get("Content-Length", "0"))
        try:
            query = json.loads(self.rfile.read(length))
            name, version = query["package"]["name"], query["version"]
        except (ValueError, KeyError, TypeError):
            self.send_error(400, "expected an OSV query: package.name and version")
            return
        found = matching(self.vulns, name, version)
        body = json.dumps({"vulns": found} if found else {}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read pip-audit's report, not the server's log."""


def make_server(vulns: list[dict[str, Any]]) -> ThreadingHTTPServer:
    handler = type("Handler", (QueryHandler,), {"vulns": vulns})
    return ThreadingHTTPServer(("127.0.0.1", 0), handler)


def query_url(server: ThreadingHTTPServer) -> str:
    host, port = server.server_address[:2]
    return f"http://{host!s}:{port}/v1/query"


@contextmanager
def advisory_service(path: Path = ADVISORIES) -> Iterator[str]:
    """Serve ``path``'s advisories on loopback; yields the query URL for PIP_AUDIT_OSV_URL."""
    server = make_server(load_advisories(path))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield query_url(server)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def main() -> None:
    server = make_server(load_advisories())
    sys.stdout.write(query_url(server) + "\n")
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
