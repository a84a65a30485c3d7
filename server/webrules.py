"""web/js/rules.js: the day's vocabulary (server/domain/rules.py) as an ES module for the pages.

The browser checks the same rules as the server (phases, groups, plan fields, text limits), so
it reads them from one generated module instead of typing them again. Every constant of
rules.py is written out, with the comments above it, in the order of rules.py:

    python -m server.webrules            # write web/js/rules.js
    python -m server.webrules --check    # exit 1 if web/js/rules.js is not what it would write

tests/test_shared_rules.py holds the committed file to this, and no other file of web/js may
define one of these names. The file is committed (web/ is served as it is, and copied into
the wheel by setup.py): regenerate it after changing rules.py.
"""
from __future__ import annotations

import ast
import io
import json
import sys
import tokenize
from pathlib import Path

from .domain import rules

COMMAND = "python -m server.webrules"
SOURCE = Path(rules.__file__)
TARGET = Path(__file__).resolve().parent.parent / "web" / "js" / "rules.js"


def names() -> list[str]:
    """The rules, in the order rules.py defines them: its module-level UPPER_CASE constants."""
    tree = ast.parse(SOURCE.read_text(encoding="utf-8"))
    out = []
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name.isupper() and name not in out:
                out.append(name)
    return out


def _comments() -> dict[int, tuple[int, str]]:
    """line number -> (column, text) of every comment in rules.py."""
    src = SOURCE.read_text(encoding="utf-8")
    return {tok.start[0]: (tok.start[1], tok.string[1:].strip())
            for tok in tokenize.generate_tokens(io.StringIO(src).readline) if tok.type == tokenize.COMMENT}


def _literal(name: str, value: object) -> str:
    if isinstance(value, dict):
        # A table (the agenda's: segment -> phase, round -> room phases), frozen with its values.
        if not all(isinstance(k, str) for k in value):
            raise TypeError(f"rules.{name}: only tables keyed by strings are written to web/js/rules.js")
        inner = ", ".join(f"{json.dumps(k)}: {_literal(name, v)}" for k, v in value.items())
        return f"Object.freeze({{{inner}}})"
    if isinstance(value, bool) or not isinstance(value, (str, int, tuple)):
        raise TypeError(f"rules.{name}: a {type(value).__name__} has no place in web/js/rules.js")
    if isinstance(value, tuple):
        if not all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in value):
            raise TypeError(f"rules.{name}: only tuples of strings and numbers are written to web/js/rules.js")
        return f"Object.freeze({json.dumps(list(value), ensure_ascii=False)})"
    return json.dumps(value, ensure_ascii=False)


def javascript() -> str:
    """The text of web/js/rules.js for the rules as they are now."""
    text = SOURCE.read_text(encoding="utf-8")
    source = text.splitlines()
    tree = ast.parse(text)
    comments = _comments()
    doc = (ast.get_docstring(tree) or "").strip().splitlines()
    lines = [f"// generated from server/domain/rules.py by `{COMMAND}`; do not edit.",
             *(f"// {line}".rstrip() for line in doc),
             "// Tuples are frozen arrays; the comments are rules.py's own.",
             ""]
    wanted = set(names())
    previous = 0
    for node in tree.body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
            continue
        name = node.targets[0].id
        if name not in wanted:
            continue
        above = []
        line = node.lineno - 1
        while line in comments and comments[line][0] == 0:
            above.insert(0, comments[line][1])
            line -= 1
        # A blank line where rules.py has one between this rule (with its comments) and the one before.
        if previous and any(not source[n - 1].strip() for n in range(previous + 1, line + 1)):
            lines.append("")
        previous = node.end_lineno
        lines += [f"// {text}" for text in above]
        after = [text for n, (col, text) in comments.items() if node.lineno <= n <= node.end_lineno and col > 0]
        tail = f"  // {'; '.join(after)}" if after else ""
        lines.append(f"export const {name} = {_literal(name, getattr(rules, name))};{tail}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args not in ([], ["--check"]):
        print(f"usage: {COMMAND} [--check]", file=sys.stderr)
        return 2
    text = javascript()
    current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else None
    if args == ["--check"]:
        if current != text:
            print(f"{TARGET.name} is not what server/domain/rules.py gives: run `{COMMAND}`", file=sys.stderr)
            return 1
        return 0
    if current != text:
        TARGET.write_text(text, encoding="utf-8")
        print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
