"""What a reader sees: every byte a snippet prints, in order, cleaned and safe."""
import re

from snipexec import render


def output(project, body, cell="c"):
    rel = project.snippet("s.py", f"# --8<-- [start:{cell}]\n{body}\n# --8<-- [end:{cell}]\n")
    result = project.run(rel)
    assert result.ok, result.error
    return result.cells[cell].output


def test_c_level_and_subprocess_output_land_in_the_cell_in_order(project):
    text = output(
        project,
        """
import ctypes, os, subprocess, sys
print("1 python stdout")
ctypes.CDLL(None).printf(b"2 from C printf\\n")
ctypes.CDLL(None).fflush(None)
os.write(2, b"3 raw fd 2\\n")
subprocess.run(["echo", "4 from a subprocess"])
print("5 python stderr", file=sys.stderr)
ctypes.CDLL(None).printf(b"6 unflushed C printf\\n")
""".strip(),
    )
    assert [line[0] for line in text.splitlines()] == list("123456")


def test_each_cell_gets_only_its_own_output(project):
    rel = project.snippet(
        "s.py",
        """
        # --8<-- [start:a]
        print("in a")
        # --8<-- [end:a]
        # --8<-- [start:b]
        print("in b")
        # --8<-- [end:b]
        """,
    )
    cells = project.run(rel).cells
    assert cells["a"].output == "in a\n" and cells["b"].output == "in b\n"


def test_warnings_name_the_snippet_line_not_library_internals(project):
    text = output(project, "import torch\ntorch.nn.Softmax()(torch.ones(2, 3))")
    assert text.startswith("s.py:3: UserWarning: Implicit dimension choice for softmax")
    assert "site-packages" not in text


def test_carriage_return_progress_collapses_to_its_final_frame(project):
    text = output(project, 'import sys\nfor i in range(101):\n    sys.stdout.write(f"\\r{i}%")\nprint()\nprint("done")')
    assert text == "100%\ndone\n"


def test_tqdm_bar_shows_final_state_only(project):
    text = output(project, "from tqdm import tqdm\nfor _ in tqdm(range(50), ncols=60): pass")
    assert text.count("50/50") == 1 and "\r" not in text and "0/50" not in text.replace("50/50", "")


def test_ansi_colour_is_stripped_not_shown_as_escapes(project):
    text = output(project, 'print("\\x1b[1;31mred\\x1b[0m plain \\x1b]8;;http://x\\x1b\\\\link\\x1b]8;;\\x1b\\\\")')
    assert text == "red plain link\n"


def test_flood_is_cut_with_a_visible_note(project):
    text = output(project, 'print("x" * 50_000)')
    assert len(text) < 21_000
    assert re.search(r"30,001 more characters cut", text)


def test_html_in_output_is_escaped_everywhere(project):
    rel = project.snippet(
        "s.py",
        """
        # --8<-- [start:c]
        print('<script>alert(1)</script> ``` --8<-- "/etc/passwd" & it\\'s')
        # --8<-- [end:c]
        """,
    )
    engine = project.engine()
    result = engine.results([rel])[rel]
    md = render.cell_markdown("code\n", "s.py", result.cells["c"], str)
    out = md.split("snipexec-output", 1)[1]
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "```" not in out and '"/etc/passwd"' not in out
    # One line of HTML: no Markdown or include syntax can start inside it.
    assert len([line for line in md.splitlines() if "snipexec-output" in line]) == 1


def test_matplotlib_figures_become_files_after_their_cell(project):
    rel = project.snippet(
        "plot.py",
        """
        import matplotlib.pyplot as plt
        # --8<-- [start:draw]
        plt.plot([1, 2, 3], [1, 4, 9])
        plt.title("squares")
        # --8<-- [end:draw]
        # --8<-- [start:after]
        print(len(plt.get_fignums()))
        # --8<-- [end:after]
        """,
    )
    first = project.run(rel, force=True)
    figs = first.cells["draw"].figures
    assert len(figs) == 1 and figs[0].read_bytes().startswith(b"\x89PNG")
    assert first.cells["after"].output == "0\n"  # figures are closed after being saved
    second = project.run(rel, force=True)
    assert second.cells["draw"].figures[0].read_bytes() == figs[0].read_bytes()  # stable bytes
    from snipexec.pages import public_figures

    assert list(public_figures(second).values()) == ["plot/draw-1.png"]
