"""Expected errors, unexpected errors and crashes: each reported precisely."""
import time

import pytest


def test_unexpected_exception_names_file_cell_line_and_exception(project):
    rel = project.snippet(
        "bad.py",
        """
        # --8<-- [start:ok]
        x = 1
        # --8<-- [end:ok]
        # --8<-- [start:broken]
        def f():
            return {}["missing"]
        f()
        # --8<-- [end:broken]
        # --8<-- [start:later]
        print("never")
        # --8<-- [end:later]
        """,
    )
    result = project.run(rel)
    assert not result.ok
    assert "bad.py:6 in cell 'broken'" in result.error  # the innermost snippet line
    assert "KeyError: 'missing'" in result.error
    assert result.cells["later"].status == "not-run"


def test_expected_error_is_shown(project):
    rel = project.snippet(
        "e.py",
        """
        # --8<-- [start:c] raises=ValueError
        print("before")
        int("abc")
        # --8<-- [end:c]
        # --8<-- [start:next]
        print("the file goes on")
        # --8<-- [end:next]
        """,
    )
    result = project.run(rel)
    assert result.ok
    cell = result.cells["c"]
    assert cell.status == "raised" and cell.output == "before\n"
    assert cell.exception == "ValueError: invalid literal for int() with base 10: 'abc'"
    assert result.cells["next"].output == "the file goes on\n"


def test_expected_error_with_traceback_hides_engine_frames(project):
    rel = project.snippet(
        "e.py",
        """
        def inner():
            raise LookupError("deep")
        # --8<-- [start:c] raises=LookupError traceback
        inner()
        # --8<-- [end:c]
        """,
    )
    exc = project.run(rel).cells["c"].exception
    assert exc.startswith("Traceback (most recent call last):")
    assert 'File "e.py", line 4, in <module>' in exc and 'line 2, in inner' in exc
    assert "snipexec" not in exc and exc.endswith("LookupError: deep")


def test_expected_error_that_does_not_happen_fails(project):
    rel = project.snippet("e.py", "# --8<-- [start:c] raises=ValueError\nx = 1\n# --8<-- [end:c]\n")
    result = project.run(rel)
    assert not result.ok and "expected ValueError but the cell raised nothing" in result.error


def test_expected_error_of_another_type_fails(project):
    rel = project.snippet("e.py", "# --8<-- [start:c] raises=ValueError\n[][1]\n# --8<-- [end:c]\n")
    result = project.run(rel)
    assert not result.ok and "expected ValueError but got IndexError" in result.error


def test_base_class_counts_as_expected(project):
    rel = project.snippet("e.py", "# --8<-- [start:c] raises=LookupError\n[][1]\n# --8<-- [end:c]\n")
    assert project.run(rel).ok


@pytest.mark.parametrize(
    "body, message",
    [
        ("import sys\nsys.exit(3)", "SystemExit: 3"),
        ("import os\nos._exit(7)", "exit code 7"),
        ("import ctypes\nctypes.string_at(0)", "crashed with SIGSEGV"),
        ("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)", "SIGKILL (out of memory?)"),
        ("x = bytearray(1 << 50)", "MemoryError"),
        ("import sys\nwhile True: sys.stdout.write('y' * 65536)", "File too large (a snippet may print or write at most 8,388,608 bytes"),
    ],
)
def test_crashes_are_that_snippets_failure_not_the_builds(project, body, message, monkeypatch):
    monkeypatch.setattr("snipexec.engine.MAX_OUTPUT_BYTES", 8 * 1024 * 1024)
    rel = project.snippet("crash.py", f"# --8<-- [start:c]\n{body}\n# --8<-- [end:c]\n")
    result = project.run(rel)
    assert not result.ok
    assert "crash.py:" in result.error and "cell 'c'" in result.error
    assert message in result.error


def test_timeout_kills_the_whole_tree_and_names_the_hung_cell(project, tmp_path):
    pidfile = tmp_path / "grandchild.pid"
    rel = project.snippet(
        "hang.py",
        f"""
        # snipexec: timeout=2
        # --8<-- [start:quick]
        print("fine")
        # --8<-- [end:quick]
        # --8<-- [start:stuck]
        import subprocess, time
        p = subprocess.Popen(["sleep", "300"])
        open({str(pidfile)!r}, "w").write(str(p.pid))
        time.sleep(300)
        # --8<-- [end:stuck]
        """,
    )
    t0 = time.time()
    result = project.run(rel)
    assert time.time() - t0 < 30
    assert not result.ok
    assert "cell 'stuck'" in result.error and "did not finish within 2 s" in result.error
    pid = int(pidfile.read_text())
    assert not _running(pid)  # the grandchild was killed too


def _running(pid: int) -> bool:
    for _ in range(50):
        try:
            state = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            return False
        if state in ("Z", "X"):  # dead, waiting for init to reap it
            return False
        time.sleep(0.1)
    return True


def test_failed_runs_are_never_cached(project):
    rel = project.snippet("flaky.py", "# --8<-- [start:c]\nraise RuntimeError('no')\n# --8<-- [end:c]\n")
    assert not project.run(rel).ok
    again = project.run(rel)
    assert not again.ok and not again.cached
    assert not list((project.cache / "entries").rglob("result.json"))
