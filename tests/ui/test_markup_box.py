"""ui.components.markup_box: one script for every markup box (the SVG box and the math box)."""

from __future__ import annotations

import pytest

from ui.components import math_box, svg_box
from ui.components.markup_box import box_script


@pytest.mark.parametrize("box_class", ["svg-box", "math-box"])
def test_the_script_makes_and_keeps_a_box_of_its_class(box_class):
    script = box_script(box_class)
    assert "BOX" not in script
    assert f'keptBox(parentElement, "{box_class}").innerHTML = markup' in script
    assert script.startswith("function keptBox(")


def test_the_two_boxes_share_one_script_but_their_class():
    assert box_script("svg-box").replace("svg-box", "X") == box_script("math-box").replace("math-box", "X")
    assert svg_box.NAME != math_box.NAME
    assert ".svg-box" in svg_box.CSS and ".math-box" in math_box.CSS


@pytest.mark.parametrize("bad", ['x" onload="alert(1)', "a b", "", "<b>"])
def test_a_class_name_is_a_plain_name(bad):
    with pytest.raises(ValueError):
        box_script(bad)


def test_every_markup_component_keeps_its_box_with_the_one_helper():
    """The claim index and the sidebar's menu draw into the same kept box as the markup boxes (one helper)."""
    from ui.components import claim_index, sidebar_menu
    from ui.components.markup_box import KEPT_BOX_JS

    for script, box_class in ((claim_index.JS, "claim-index"), (sidebar_menu.JS, "sidebar-menu")):
        assert script.startswith(KEPT_BOX_JS) and script.count("function keptBox(") == 1
        assert f'keptBox(parentElement, "{box_class}", ' in script
        assert "createElement" not in script.removeprefix(KEPT_BOX_JS)
