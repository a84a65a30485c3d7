"""The service worker (web/sw.js) with its app shell and version filled in.

SHELL is every file a page needs to start without network: the pages' HTML (by their
addresses), the JS modules, the CSS, the translations and the socket.io client. VERSION is
a hash of those files and of sw.js, so a deployment that changes any of them gives the
browser a new worker, which replaces the old cache (web/sw.js). Never listed: API
addresses, the socket, QR codes, the after-the-day pages (their token is in the path).
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

STATIC = (("js", "*.js"), ("css", "*.css"), ("i18n", "*.json"), ("vendor", "*.js"))


def shell(web_root: Path, pages: dict[str, str]) -> list[tuple[str, Path]]:
    """(address, file) for every file of the app shell, in a stable order; `pages`: address -> HTML file."""
    out = [(path, web_root / name) for path, name in pages.items()]
    for folder, pattern in STATIC:
        for f in sorted((web_root / folder).glob(pattern)):
            out.append((f"/static/{folder}/{f.name}", f))
    return out


def script(web_root: Path, pages: dict[str, str]) -> str:
    source = (web_root / "sw.js").read_text(encoding="utf-8")
    files = shell(web_root, pages)
    digest = hashlib.sha256(source.encode("utf-8"))
    for path, f in files:
        digest.update(path.encode("utf-8") + b"\0" + f.read_bytes() + b"\0")
    return (source.replace('"__VERSION__"', json.dumps(digest.hexdigest()[:16]))
            .replace("__SHELL__", json.dumps([path for path, _ in files])))
