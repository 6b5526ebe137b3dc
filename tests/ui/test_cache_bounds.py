"""Memory stays bounded: every Streamlit cache in the app has ``max_entries``.

An unbounded ``st.cache_data`` keyed by user input grows by one entry per distinct matrix
(≈20 KB each, measured in benchmarks/README.md) until the process is killed. The check reads
the source (AST), so it also sees caches on pages no test opens, wrappers such as
``st.cache_data(fn, ...)`` and ``st.cache_resource(...)(fn)``, and bare ``@st.cache_data``.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted([ROOT / "app.py", *(ROOT / "app_pages").glob("*.py"), *(ROOT / "ui").rglob("*.py")])
ST_CACHES = {"cache_data", "cache_resource"}
# Unbounded functools caches allowed, with the reason their key space is finite.
LRU_ALLOWED = {("ui/i18n.py", "catalog"): "keyed by language: two entries"}


def _keyword(call: ast.Call, name: str):
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    return None


def _positive_int(node, names: dict[str, object] | None = None) -> bool:
    """A positive int literal, or a name bound to one (a module constant or a parameter's default)."""
    if isinstance(node, ast.Name) and names is not None:
        node = names.get(node.id)
    return isinstance(node, ast.Constant) and isinstance(node.value, int) and node.value > 0


def _bound_names(tree: ast.Module) -> dict[str, object]:
    """Module-level ``NAME = <int>`` and function parameters' int defaults (``max_entries: int = 128``)."""
    names: dict[str, object] = {}
    for stmt in tree.body:
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None:
            for target in (stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]):
                if isinstance(target, ast.Name):
                    names[target.id] = stmt.value
    for f in ast.walk(tree):
        if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)):
            args = f.args.args[len(f.args.args) - len(f.args.defaults):]
            names.update({a.arg: d for a, d in zip(args, f.args.defaults)})
            names.update({a.arg: d for a, d in zip(f.args.kwonlyargs, f.args.kw_defaults) if d is not None})
    return names


def unbounded_caches(source: str, filename: str = "<src>") -> list[str]:
    """Every cache in ``source`` without a bound, as ``"file:line what"``."""
    tree = ast.parse(source)
    names = _bound_names(tree)
    calls = {id(node.func): node for node in ast.walk(tree) if isinstance(node, ast.Call)}
    functions = {id(d): f.name for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
                 for d in f.decorator_list}
    # a bare ``cache`` / ``lru_cache`` is functools' only when imported from it (``cache`` may name a module)
    functools_names = {alias.asname or alias.name for node in ast.walk(tree)
                       if isinstance(node, ast.ImportFrom) and node.module == "functools" for alias in node.names
                       if alias.name in {"lru_cache", "cache"}}
    found = []
    for node in ast.walk(tree):
        name = node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else None
        if name in ST_CACHES:
            call = calls.get(id(node))
            if call is None or not _positive_int(_keyword(call, "max_entries"), names):
                found.append(f"{filename}:{node.lineno} {name} without max_entries")
        elif (name in functools_names if isinstance(node, ast.Name)
              else name in {"lru_cache", "cache"} and getattr(node.value, "id", "") == "functools"):
            call = calls.get(id(node))
            bounded = call is not None and _positive_int(_keyword(call, "maxsize") or (call.args[0] if call.args else None))
            owner = functions.get(id(call if call is not None else node))
            if not bounded and (filename, owner) not in LRU_ALLOWED:
                found.append(f"{filename}:{node.lineno} {name} without maxsize")
    return found


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_cache_in_the_app_is_bounded(path):
    name = str(path.relative_to(ROOT))
    assert unbounded_caches(path.read_text(encoding="utf-8"), name) == []


def test_the_app_has_caches_to_check():
    count = sum(path.read_text(encoding="utf-8").count(".cache_") for path in SOURCES)
    assert count >= 20  # the pages cache their traces and figures; a vanished glob must not pass silently


@pytest.mark.parametrize("snippet, bad", [
    ("@st.cache_data\ndef f(x): return x", 1),
    ("@st.cache_data(show_spinner=False)\ndef f(x): return x", 1),
    ("f = st.cache_data(g, show_spinner=False)", 1),
    ("f = st.cache_resource(show_spinner=False)(g)", 1),
    ("c = st.cache_data\nf = c(g, max_entries=4)", 1),
    ("f = st.cache_data(g, max_entries=None)", 1),
    ("@functools.lru_cache(maxsize=None)\ndef f(x): return x", 1),
    ("from functools import lru_cache\n@lru_cache\ndef f(x): return x", 1),
    ("from functools import cache as memo\n@memo\ndef f(x): return x", 1),
    ("from ui import conv_multi_cache as cache\nf = cache.steps_payload", 0),
    ("@functools.cache\ndef f(x): return x", 1),
    ("@st.cache_data(max_entries=64, show_spinner=False)\ndef f(x): return x", 0),
    ("f = st.cache_data(g, max_entries=256, show_spinner=False)", 0),
    ("f = st.cache_resource(show_spinner=False, max_entries=8)(g)", 0),
    ("from functools import lru_cache\n@lru_cache(maxsize=32)\ndef f(x): return x", 0),
    ("from functools import lru_cache\n@lru_cache(128)\ndef f(x): return x", 0),
    ("N = 64\n@st.cache_resource(max_entries=N)\ndef f(x): return x", 0),
    ("N = None\n@st.cache_resource(max_entries=N)\ndef f(x): return x", 1),
    ("def wrap(g, n: int = 8):\n    return st.cache_resource(max_entries=n)(g)", 0),
    ("def wrap(g, n=None):\n    return st.cache_resource(max_entries=n)(g)", 1),
])
def test_the_check_finds_unbounded_caches(snippet, bad):
    assert len(unbounded_caches(snippet)) == bad
