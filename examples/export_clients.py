"""A partner's nightly export script: every client as CSV on stdout. Standard library only, synchronous.

    python export_clients.py --url http://127.0.0.1:8080 --key cc_test_default_key
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import urllib.parse
import urllib.request

COLUMNS = ["id", "name", "status", "createdAt"]


def fetch_all(url: str, key: str, resource: str = "clients") -> list[dict]:
    items, page = [], 1
    while True:
        query = urllib.parse.urlencode({"page": page, "pageSize": 100})
        request = urllib.request.Request(f"{url}/api/v1/{resource}?{query}", headers={"x-api-key": key})
        with urllib.request.urlopen(request, timeout=10) as resp:
            body = json.load(resp)
        items += body["data"]
        if not body["pagination"]["hasMore"]:
            return items
        page += 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--key", required=True)
    args = parser.parse_args(argv)
    writer = csv.DictWriter(sys.stdout, COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(fetch_all(args.url, args.key))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
