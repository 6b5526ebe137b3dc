"""The public API of issue #3 is exported from cnn_core, and the core never pulls in the UI stack."""

import subprocess
import sys
from pathlib import Path

import cnn_core

ROOT = Path(__file__).resolve().parents[2]
API = ("conv_output_size", "same_padding", "conv2d", "conv2d_backward", "pool2d", "pool2d_backward",
       "conv_transpose2d")


def test_the_api_names_are_exported_and_callable():
    for name in API:
        assert name in cnn_core.__all__, name
        assert callable(getattr(cnn_core, name)), name


def test_importing_every_core_module_loads_neither_streamlit_nor_plotly():
    """Every module of cnn_core (found on disk, so a new one is covered), imported in a fresh interpreter."""
    modules = sorted(f"cnn_core.{p.stem}" for p in (ROOT / "cnn_core").glob("*.py") if p.stem != "__init__")
    assert "cnn_core.conv" in modules and "cnn_core.worked_examples" in modules
    code = (f"import sys, importlib; [importlib.import_module(m) for m in {modules!r}]; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('streamlit', 'plotly')]; "
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
