"""CNN Derivation Studio — entry point.

Run with ``streamlit run app.py``. The frame (language, navigation, sidebar) lives
in ``ui/frame.py``; each capability is one thin script in ``pages/``.
"""

from ui.frame import run_app

run_app()
