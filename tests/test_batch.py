"""Results as they come: a build can use a fast file's result while a slow one still runs."""
from __future__ import annotations


def test_a_fast_files_result_is_there_while_a_slow_file_still_runs(project, tmp_path):
    go = tmp_path / "go"
    # The slow file finishes only once the test has the fast file's result (or gives up after 60 s).
    project.snippet("slow.py", f"""
        # --8<-- [start:c]
        import os, time
        deadline = time.time() + 60
        while not os.path.exists({str(go)!r}) and time.time() < deadline:
            time.sleep(0.05)
        print("saw go" if os.path.exists({str(go)!r}) else "gave up")
        # --8<-- [end:c]
        """)
    project.snippet("fast.py", "# --8<-- [start:c]\nprint('fast')\n# --8<-- [end:c]\n")
    batch = project.engine(workers=2).start(["slow.py", "fast.py"])
    assert batch.result("fast.py").cells["c"].output == "fast\n"
    go.touch()
    assert batch.result("slow.py").cells["c"].output == "saw go\n"
    assert [r.path for r in batch.wait().values()] == ["slow.py", "fast.py"]


def test_cached_files_are_ready_at_once_and_nothing_runs(project):
    project.snippet("a.py", "# --8<-- [start:c]\nprint('a')\n# --8<-- [end:c]\n")
    project.run("a.py")
    batch = project.engine().start(["a.py"])
    assert not batch.ran and batch.result("a.py").cached


def test_results_in_hand_are_used_while_their_file_is_unchanged(project, monkeypatch):
    """A translation built in the same process (serve) takes the main language's results: no second
    look-up or run. A file saved since, or a failed result, is looked up (and run) as usual."""
    project.snippet("a.py", "# --8<-- [start:c]\nprint('a')\n# --8<-- [end:c]\n")
    project.snippet("b.py", "# --8<-- [start:c]\nprint('b')\n# --8<-- [end:c]\n")
    engine = project.engine()
    first = engine.start(["a.py", "b.py"]).wait()
    looked_up = []
    lookup = engine._lookup
    monkeypatch.setattr(engine, "_lookup", lambda job: looked_up.append(job["rel"]) or lookup(job))
    again = engine.start(["b.py", "a.py"], known={"a.py": first["a.py"]}).wait()
    assert looked_up == ["b.py"]
    assert again["a.py"] is first["a.py"] and again["b.py"].cells["c"].output == "b\n"
    assert list(again) == ["b.py", "a.py"]

    # Saved while the main language's build ran: a new cell the translation's page may already ask for.
    project.snippet("a.py", "# --8<-- [start:c]\nprint('a2')\n# --8<-- [end:c]\n# --8<-- [start:d]\nprint('d')\n# --8<-- [end:d]\n")
    newer = engine.start(["a.py"], known={"a.py": first["a.py"]}).result("a.py")
    assert newer.cells["c"].output == "a2\n" and newer.cells["d"].output == "d\n"

    looked_up.clear()
    broken = type(first["b.py"])("b.py", False, False, 0.0, {}, {}, key=first["b.py"].key)
    assert engine.start(["b.py"], known={"b.py": broken}).result("b.py").ok
    assert looked_up == ["b.py"]
