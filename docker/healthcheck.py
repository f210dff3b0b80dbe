"""The image's HEALTHCHECK: exit 0 when the sandbox answers on its port (slim images have no curl)."""

import os
import sys
import urllib.error
import urllib.request

HEALTH = "/_mockcasa/health"
# Until the admin API serves HEALTH, a 404 there falls back to the public OpenAPI document.
FALLBACK = "/api/v1/openapi.json"


def status(path: str) -> int:
    url = f"http://127.0.0.1:{os.environ.get('MOCKCASA_PORT', '8080')}{path}"
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code


def main() -> int:
    try:
        code = status(HEALTH)
        if code == 404 and FALLBACK:
            code = status(FALLBACK)
    except OSError as exc:
        print(f"unhealthy: {exc}")
        return 1
    print("healthy" if code == 200 else f"unhealthy: HTTP {code}")
    return 0 if code == 200 else 1


if __name__ == "__main__":
    sys.exit(main())
