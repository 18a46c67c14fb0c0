"""``output-as-mermaid``: what a cell prints becomes a diagram on the page."""
from html import unescape

import markdown
import pytest

from snipexec import directives
from snipexec.engine import CellResult
from snipexec.render import cell_markdown

MD_EXTENSIONS = ["pymdownx.superfences"]
MD_CONFIG = {"pymdownx.superfences": {"custom_fences": [
    {"name": "mermaid", "class": "mermaid", "format": __import__("pymdownx.superfences").superfences.fence_code_format}]}}


def cell(output, exception=None):
    return CellResult("d", "raised" if exception else "ok", output, exception, [], 0.0)


def html(md: str) -> str:
    return markdown.markdown(md, extensions=MD_EXTENSIONS, extension_configs=MD_CONFIG)


def test_directive_accepts_the_option():
    (d,) = directives.find("::: run a/b.py:diagram output-as-mermaid output-only\n")
    assert d.options == {"output-as-mermaid", "output-only"}


def test_output_becomes_a_mermaid_block_with_a_long_enough_fence():
    printed = 'flowchart TD\n  a["```x```"] --> b["<b>&"]\n'
    md = cell_markdown("print(chart)\n", "snippets/a.py", cell(printed), str, output_as="mermaid")
    assert "````mermaid\n" in md  # longer than the output's ``` run
    out = html(md)
    assert '<pre class="mermaid"><code>flowchart TD' in out
    assert "&lt;b&gt;&amp;" in out  # escaped: the diagram text never becomes page markup
    assert "snipexec-output" not in out


def test_a_raised_cell_shows_its_error_not_a_diagram():
    md = cell_markdown("x\n", "snippets/a.py", cell("", "ValueError: no"), str, output_as="mermaid")
    assert "mermaid" not in md and "ValueError: no" in unescape(md)


def test_include_markers_in_the_output_are_refused():
    with pytest.raises(ValueError, match="include marker"):
        cell_markdown("x\n", "snippets/a.py", cell('flowchart TD\n--8<-- "secret.txt"\n'), str, output_as="mermaid")
