"""Enforced layers: every dashboard.core module imports in a fresh interpreter without Streamlit, and
the modules that only compute import without plotly or matplotlib (only display/ and reports/ draw)."""
from __future__ import annotations

import json
import subprocess
import sys

from dashboard.core.config import PROJECT_ROOT

CORE = PROJECT_ROOT / "dashboard" / "core"
DRAWING = ("dashboard.core.display", "dashboard.core.reports")   # may load plotly / matplotlib
DRAWING_LIBRARIES = ("plotly", "matplotlib")

# Imports the modules in the given order and prints, for each watched library, the module being imported
# when it was loaded and the dashboard module whose import statement loaded it ("<start>" when it was
# loaded before any dashboard import, which would make the test meaningless).
_PROBE = """
import importlib, json, sys
watched = ("streamlit", "plotly", "matplotlib")
first = {lib: ["<start>", "<start>"] for lib in watched if lib in sys.modules}
current = ["<start>"]

class Watch:
    def find_spec(self, name, path=None, target=None):
        lib = name.partition(".")[0]
        if lib in watched and lib not in first:
            frame = sys._getframe(1)
            while frame and not frame.f_globals.get("__name__", "").startswith("dashboard."):
                frame = frame.f_back
            first[lib] = [current[0], frame.f_globals["__name__"] if frame else "?"]
        return None

sys.meta_path.insert(0, Watch())
for name in json.loads(sys.argv[1]):
    current[0] = name
    importlib.import_module(name)
print(json.dumps(first))
"""


def core_modules() -> list[str]:
    """Every module and package under dashboard/core, found on disk (walking by import would import
    the drawing packages before the test chooses to)."""
    names = []
    for path in sorted(CORE.rglob("*.py")):
        parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def is_drawing(name: str) -> bool:
    return any(name == d or name.startswith(d + ".") for d in DRAWING)


def test_core_modules_are_found():
    names = core_modules()
    assert {"dashboard.core", "dashboard.core.store", "dashboard.core.ingest", "dashboard.core.ingest.loader",
            *DRAWING} <= set(names)
    assert all(any(n.startswith(d + ".") for n in names) for d in DRAWING)   # modules inside them, too
    assert len(names) >= 30


def test_core_never_loads_streamlit_and_computing_modules_never_load_plotly():
    names = core_modules()
    computing = [n for n in names if not is_drawing(n)]
    order = computing + [n for n in names if is_drawing(n)]   # computing first: whatever they load is theirs
    run = subprocess.run([sys.executable, "-c", _PROBE, json.dumps(order)], cwd=PROJECT_ROOT,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    first = json.loads(run.stdout)
    assert all(stage != "<start>" for stage, _ in first.values()), f"loaded before any dashboard module: {first}"
    if "streamlit" in first:
        stage, importer = first["streamlit"]
        raise AssertionError(f"{importer} loads streamlit (importing {stage}): dashboard/core never may")
    for lib in DRAWING_LIBRARIES:
        stage, importer = first.get(lib, (None, None))
        assert stage is None or is_drawing(stage), (
            f"{importer} loads {lib} (importing {stage}): only {', '.join(DRAWING)} may draw")
