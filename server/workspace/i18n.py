"""The workspace pages' words: the pages' catalogues (web/i18n/<lang>.json, keys `workspace.*` and the
few shared ones), the language from ?lang= (kept in a cookie), else the browser's, else English."""
from __future__ import annotations

import functools
import json

from flask import request

from ..config import web_root

RTL = ("fa", "ar", "ur", "he")
COOKIE = "cg_lang"


@functools.cache
def catalogues() -> dict[str, dict[str, str]]:
    paths = sorted((web_root() / "i18n").glob("*.json"), key=lambda p: (p.stem != "en", p.stem))
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in paths}


def languages() -> tuple[str, ...]:
    return tuple(catalogues())


def pick() -> str:
    """This request's page language."""
    wanted = request.args.get("lang") or request.cookies.get(COOKIE)
    if wanted in catalogues():
        return wanted
    best = request.accept_languages.best_match(languages())
    return best or "en"


class T:
    """`t(key, **kw)`: a word in `lang`, English where the language lacks it."""

    def __init__(self, lang: str):
        self.lang = lang if lang in catalogues() else "en"
        self.dir = "rtl" if self.lang in RTL else "ltr"

    def __call__(self, key: str, **kw) -> str:
        text = catalogues()[self.lang].get(key) or catalogues()["en"].get(key) or key
        return text.format(**kw) if kw else text

    def has(self, key: str) -> bool:
        return key in catalogues()["en"]

    def number(self, n) -> str:
        s = str(n)
        return s.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")) if self.lang == "fa" else s
