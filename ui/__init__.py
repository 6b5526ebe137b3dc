"""Shared rendering for the pages: i18n, figures, formulas, matrix input, URL state."""
