"""CNN Derivation Studio — entry point.

Run with ``streamlit run app.py``. The frame (language, navigation, sidebar) lives
in ``ui/frame.py``; each capability is one thin script in ``app_pages/``
(not ``pages/``: see docs/ARCHITECTURE.md, "Why app_pages/").
"""

from ui.frame import run_app

run_app()
