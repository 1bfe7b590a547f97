"""SQL lives only in queries/*.sql: no module under dashboard/ holds a SQL statement in a string
literal (plain or f-string), nor hands a literal to a DuckDB `execute`/`sql` call."""
from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "dashboard"

# A literal that starts like a statement (after blanks and SQL comments). Prose does not: "Select a
# category" has no FROM and no expression after it, "update" alone is a word, not `update items set`.
_STATEMENT = re.compile(
    r"""^\s*(?:--[^\n]*\n\s*)*(?:
        select\s.+?\bfrom\b | select\s+(?:\d|'|\*|\(|\$|\w+\s*\() |
        with\s+\w+\s+as\s*\( | with\s+recursive\s |
        insert\s+(?:or\s+\w+\s+)?into\s | update\s+\w+\s+set\s | delete\s+from\s |
        create\s+(?:or\s+replace\s+)?(?:temp\w*\s+)?(?:table|view|macro|function|sequence|index|schema|type)\s |
        drop\s+(?:table|view|macro|function|sequence|index|schema|type)\s | alter\s+table\s |
        begin(?:\s+transaction)?\s*;?\s*$ | start\s+transaction | commit\s*;?\s*$ | rollback\s*;?\s*$ | abort\s*;?\s*$ |
        set\s+\w+\s*(?:=|to)\s | reset\s+\w+ | pragma\s | copy\s.+\b(?:to|from)\b | attach\s | detach\s |
        checkpoint | vacuum | install\s+\w+ | load\s+\w+\s*;?\s*$ | export\s+database | import\s+database |
        call\s+\w+\s*\( | describe\s+\w+ | summarize\s | explain\s | truncate\s
    )""",
    re.IGNORECASE | re.DOTALL | re.VERBOSE,
)
_RUNNERS = {"execute", "executemany", "sql", "query"}

# (file relative to dashboard/, the statement): what may stay, and why. Keep it short.
# Transaction control needs no SQL text: cursor.begin()/commit()/rollback().
ALLOWED: dict = {}


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def _text(node: ast.AST) -> str | None:
    """The literal's text; an f-string's placeholders read as `?`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "?" for v in node.values)
    return None


def sql_literals(source: str) -> list[tuple[int, str]]:
    """(line, text) of every string literal in `source` that is a SQL statement or is run as one."""
    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    inside_fstring = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
    run = {id(n.args[0]) for n in ast.walk(tree)
           if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in _RUNNERS
           and n.args and _text(n.args[0]) is not None}
    found = []
    for node in ast.walk(tree):
        text = _text(node)
        if text is None or id(node) in docstrings or id(node) in inside_fstring:
            continue
        if id(node) in run or _STATEMENT.match(text):
            found.append((node.lineno, text))
    return found


def test_the_scanner_finds_statements_and_leaves_prose_alone():
    source = '''
"""Select the items a period covers; update the rollup."""
a = "select id from items"
b = f"SELECT {x} FROM items"
c = """
    -- a comment first
    with t as (select 1) select * from t"""
d = "insert into items values (1)"
con.execute("checkpoint")
con.execute("begin transaction")
e = "update items set title = 1"
f = "create or replace macro m() as 1"
g = "set enable_progress_bar = false"
h = "commit"
j = "select 1"
k = "Select a category"
m = "update"
n = "数据库正被看板占用"
o = "with care"
p = "delete"
'''
    assert sorted(line for line, _ in sql_literals(source)) == [3, 4, 5, 8, 9, 10, 11, 12, 13, 14, 15]  # not k … p


def test_no_sql_statements_in_python():
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = str(path.relative_to(PACKAGE))
        for line, text in sql_literals(path.read_text(encoding="utf-8")):
            if (rel, text) not in ALLOWED:
                found.setdefault(f"{rel}:{line}", text)
    assert not found, "SQL belongs in queries/*.sql (run it with store.execute/fetch/run_query):\n" + "\n".join(
        f"  {where}: {text!r}" for where, text in found.items())


def test_the_allow_list_holds_nothing_stale():
    present = {(str(p.relative_to(PACKAGE)), text) for p in PACKAGE.rglob("*.py")
               for _, text in sql_literals(p.read_text(encoding="utf-8"))}
    assert set(ALLOWED) <= present, set(ALLOWED) - present
