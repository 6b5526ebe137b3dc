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


def test_importing_the_core_loads_neither_streamlit_nor_plotly():
    code = ("import sys, cnn_core, cnn_core.worked_examples; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('streamlit', 'plotly')]; "
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_core_source_mentions_the_ui_stack():
    for path in (ROOT / "cnn_core").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "import streamlit" not in text and "import plotly" not in text, path.name
