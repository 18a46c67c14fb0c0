import re
import textwrap
import markdown
import pytest

from snipexec.cells import SnippetSyntaxError, parse

SOURCE = textwrap.dedent(
    """\
    # snipexec: timeout=12
    import math

    # --8<-- [start:first]
    x = math.pi
    print(x)
    # --8<-- [end:first]

    # --8<-- [start:boom] raises=ZeroDivisionError traceback
    1 / 0
    # --8<-- [end:boom]
    """
)


def test_cells_keep_names_lines_and_marks(tmp_path):
    snippet = parse(tmp_path / "a.py", SOURCE)
    shown = [c for c in snippet.cells if c.shown]
    assert [c.name for c in shown] == ["first", "boom"]
    assert shown[0].first_line == 5 and shown[0].source == "x = math.pi\nprint(x)\n"
    assert shown[1].raises == "ZeroDivisionError" and shown[1].traceback
    assert snippet.timeout == 12
    # The import between markers still runs, as a hidden cell, before 'first'.
    assert snippet.cells[0].shown is False and "import math" in snippet.cells[0].source


@pytest.mark.parametrize(
    "text, message",
    [
        ("# --8<-- [start:a]\n# --8<-- [start:b]\n", "starts inside cell 'a'"),
        ("# --8<-- [start:a]\nx = 1\n", "never ended"),
        ("# --8<-- [end:a]\n", "without its start"),
        ("# --8<-- [start:a]\n# --8<-- [end:a]\n# --8<-- [start:a]\n# --8<-- [end:a]\n", "defined twice"),
        ("# --8<-- [start:a] raise=ValueError\n# --8<-- [end:a]\n", "unknown cell option"),
        ("# snipexec: timeout=soon\n", "timeout must be a number"),
        ("# snipexec: colour=red\n", "unknown file option"),
    ],
)
def test_malformed_files_say_where(tmp_path, text, message):
    with pytest.raises(SnippetSyntaxError, match=message) as err:
        parse(tmp_path / "bad.py", text)
    assert "bad.py:" in str(err.value)


def test_unknown_cell_name_lists_the_real_ones(tmp_path):
    with pytest.raises(KeyError, match="first, boom"):
        parse(tmp_path / "a.py", SOURCE).cell("nope")


def test_plain_pymdownx_snippets_include_sees_the_same_cell(tmp_path):
    """Cells are pymdownx.snippets sections, so builds without our plugin can still show the code."""
    (tmp_path / "a.py").write_text(SOURCE)
    html = markdown.markdown(
        '```python\n--8<-- "a.py:boom"\n```\n',
        extensions=["pymdownx.snippets", "pymdownx.superfences"],
        extension_configs={"pymdownx.snippets": {"base_path": [str(tmp_path)], "check_paths": True}},
    )
    text = re.sub(r"<[^>]+>", "", html)
    assert "1 / 0" in text and "math.pi" not in text
