"""Each snippet file runs in a fresh, fixed environment."""


def test_environment_is_fixed(project, tmp_path):
    rel = project.snippet(
        "lesson/env.py",
        """
        # --8<-- [start:c]
        import os, shutil, time
        print(os.getcwd().endswith("snippets/lesson"))
        print(os.environ["HOME"] != os.path.expanduser("~root"), os.path.isdir(os.environ["HOME"]))
        print(time.strftime("%Z"), os.environ["MPLBACKEND"], os.environ["NO_COLOR"])
        print(shutil.get_terminal_size().columns)
        # --8<-- [end:c]
        """,
    )
    assert project.run(rel).cells["c"].output == "True\nTrue True\nUTC Agg 1\n100\n"


def test_seeds_make_runs_repeatable(project):
    rel = project.snippet(
        "seeds.py",
        """
        # --8<-- [start:c]
        import random, numpy, torch
        print(random.random(), numpy.random.rand(), torch.rand(1).item(), hash("abc"))
        # --8<-- [end:c]
        """,
    )
    first = project.run(rel, force=True).cells["c"].output
    second = project.run(rel, force=True).cells["c"].output
    assert first == second


def test_cells_share_one_namespace_in_order(project):
    rel = project.snippet(
        "ns.py",
        """
        # --8<-- [start:a]
        total = 1
        # --8<-- [end:a]
        total += 1
        # --8<-- [start:b]
        print(total, __name__)
        # --8<-- [end:b]
        """,
    )
    assert project.run(rel).cells["b"].output == "2 __main__\n"


def test_one_crash_does_not_stop_other_files(project):
    good = project.snippet("good.py", "# --8<-- [start:c]\nprint('ok')\n# --8<-- [end:c]\n")
    bad = project.snippet("bad.py", "# --8<-- [start:c]\nimport os\nos.abort()\n# --8<-- [end:c]\n")
    results = project.engine().results([good, bad])
    assert results[good].ok and results[good].cells["c"].output == "ok\n"
    assert not results[bad].ok and "SIGABRT" in results[bad].error


def test_engine_works_from_any_main_program(project):
    """multiprocessing would re-run the caller's __main__ in each snippet process; a script
    read from stdin (or a CLI that must not run twice) has to be left alone."""
    import subprocess
    import sys

    project.snippet("s.py", "# --8<-- [start:c]\nprint('ok')\n# --8<-- [end:c]\n")
    script = (
        "from pathlib import Path\nfrom snipexec import Engine\n"
        f"e = Engine(Path({str(project.snippets)!r}), cache_dir=Path({str(project.cache)!r}))\n"
        "print('MAIN RAN')\n"
        "r = e.results(['s.py'])['s.py']\nprint(r.ok, r.cells['c'].output.strip())\n"
    )
    out = subprocess.run([sys.executable, "-"], input=script, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["MAIN RAN", "True ok"]
    assert "Traceback" not in out.stderr


def test_files_started_at_once_all_get_the_preloaded_torch(project):
    """A fresh build starts several files in parallel; none may fork before torch is preloaded
    (each would then import torch itself, ~1.5 s a file). The build process itself never imports it."""
    import subprocess
    import sys

    rels = [project.snippet(f"p{i}.py", "# --8<-- [start:c]\nimport sys\nprint('torch' in sys.modules)\n# --8<-- [end:c]\n")
            for i in range(4)]
    script = (
        "from pathlib import Path\nfrom snipexec import Engine\n"
        f"e = Engine(Path({str(project.snippets)!r}), cache_dir=Path({str(project.cache)!r}), workers=4)\n"
        f"print(sorted(r.cells['c'].output for r in e.results({rels!r}).values()))\n"
        "import sys\nprint('torch in the build process:', 'torch' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [str(["True\n"] * 4), "torch in the build process: False"]


def test_files_started_together_start_longest_first(project):
    """On an empty cache the committed durations decide the order, so the slow file does not start last."""
    log = project.root / "order.log"
    rels = [project.snippet(f"{name}.py", f"""
        # --8<-- [start:c]
        with open({str(log)!r}, "a") as f:
            print("{name}", file=f)
        # --8<-- [end:c]
        """) for name in ("a", "b", "c")]
    (project.snippets / "durations.json").write_text('{"c.py": 12.5, "a.py": 0.5}')
    project.engine(workers=1).results(rels)
    assert log.read_text().split() == ["c", "b", "a"]  # b: never run anywhere, counted as 1 s


def test_parallel_files_share_the_cores_and_the_builder_can_override(project, monkeypatch):
    """Two torch processes each using every core run several times slower than one after the other."""
    import os

    rel = project.snippet("threads.py", """
        # --8<-- [start:c]
        import os, torch
        print(torch.get_num_threads(), os.environ["OMP_NUM_THREADS"])
        # --8<-- [end:c]
        """)
    cores = len(os.sched_getaffinity(0))
    share = max(1, cores // 2)
    assert project.run(rel, workers=2, force=True).cells["c"].output == f"{share} {share}\n"
    assert project.run(rel, workers=1, force=True).cells["c"].output == f"{cores} {cores}\n"
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    assert project.run(rel, workers=2, force=True).cells["c"].output == "3 3\n"
    monkeypatch.setenv("OMP_NUM_THREADS", "4,2")  # nested OpenMP: 4 at the outer level
    assert project.run(rel, workers=2, force=True).cells["c"].output == "4 4,2\n"
    for nonsense in ("abc", "0", "-1"):  # not a thread count: the share, for subprocesses too
        monkeypatch.setenv("OMP_NUM_THREADS", nonsense)
        assert project.run(rel, workers=2, force=True).cells["c"].output == f"{share} {share}\n"


def test_a_different_thread_share_is_a_different_result(project, monkeypatch):
    """Numbers can change with torch's thread count, so the worker count that sets it is in the key."""
    import os

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3})  # 4 cores on any machine
    rel = project.snippet("share.py", "# --8<-- [start:c]\nimport torch\nprint(torch.get_num_threads())\n# --8<-- [end:c]\n")
    assert project.run(rel, workers=2).cells["c"].output == "2\n"
    assert project.run(rel, workers=2).cached
    again = project.run(rel, workers=1)
    assert not again.cached and again.cells["c"].output == "4\n"


def test_compiler_caches_start_empty_in_every_run(project):
    """torch.compile's on-disk caches (kernels, and precompiled headers under the temp folder) would
    otherwise carry over from earlier builds, and a lesson timing its first call would show a cache hit."""
    rel = project.snippet("inductor.py", """
        # --8<-- [start:c]
        import os
        import tempfile
        from torch._inductor import codecache
        from torch._inductor.runtime.cache_dir_utils import cache_dir
        home = os.environ["HOME"]
        print(cache_dir().startswith(home), os.listdir(cache_dir()) if os.path.isdir(cache_dir()) else [])
        print(tempfile.gettempdir().startswith(home), codecache._HEADER_DIR.startswith(home))
        os.makedirs(cache_dir(), exist_ok=True)
        open(os.path.join(cache_dir(), "left-by-this-run"), "w").close()
        # --8<-- [end:c]
        """)
    for _ in range(2):
        assert project.run(rel, force=True).cells["c"].output == "True []\nTrue True\n"
