"""The image's HEALTHCHECK: exit 0 when the admin health endpoint answers 200 (slim images have no curl)."""

import os
import sys
import urllib.error
import urllib.request

HEALTH = "/_mockcasa/health"  # no admin token needed


def main() -> int:
    url = f"http://127.0.0.1:{os.environ.get('MOCKCASA_PORT', '8080')}{HEALTH}"
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            code = resp.status
    except urllib.error.HTTPError as exc:
        code = exc.code
    except OSError as exc:
        print(f"unhealthy: {exc}")
        return 1
    print("healthy" if code == 200 else f"unhealthy: HTTP {code}")
    return 0 if code == 200 else 1


if __name__ == "__main__":
    sys.exit(main())
