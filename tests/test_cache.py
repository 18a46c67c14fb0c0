"""The cache key covers everything that can change an output, and nothing else."""
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from snipexec import cache as cache_mod

COUNTING = """
# --8<-- [start:c]
with open({log!r}, "a") as log:  # outside the project: not a dependency
    log.write("run\\n")
{body}
# --8<-- [end:c]
"""


@pytest.fixture
def counted(project, tmp_path, monkeypatch):
    """A snippet that logs each real run, and a function returning how many happened."""
    log = tmp_path / "runs.log"

    def make(body="print('hi')"):
        return project.snippet("lesson/s.py", COUNTING.format(log=str(log), body=body))

    def runs():
        return len(log.read_text().splitlines()) if log.exists() else 0

    return make, runs


def test_second_run_is_a_hit_and_gives_the_same_output(project, counted):
    make, runs = counted
    rel = make()
    first, second = project.run(rel), project.run(rel)
    assert (first.cached, second.cached) == (False, True)
    assert second.cells["c"].output == first.cells["c"].output == "hi\n"
    assert runs() == 1


def test_editing_the_snippet_misses(project, counted):
    make, runs = counted
    rel = make()
    project.run(rel)
    make("print('changed')")
    assert project.run(rel).cells["c"].output == "changed\n"
    assert runs() == 2


def test_editing_an_imported_helper_misses(project, counted):
    make, runs = counted
    project.write("snippets/lesson/helper.py", "VALUE = 1\n")
    rel = make("from helper import VALUE\nprint(VALUE)")
    assert project.run(rel).cells["c"].output == "1\n"
    assert project.run(rel).cached
    project.write("snippets/lesson/helper.py", "VALUE = 2\n")
    result = project.run(rel)
    assert not result.cached and result.cells["c"].output == "2\n"
    assert "snippets/lesson/helper.py" in result.meta["deps"]


def test_a_data_file_the_run_reads_is_found_automatically(project, counted):
    make, runs = counted
    project.write("data/numbers.csv", "1,2,3\n")
    rel = make("print(open('../../data/numbers.csv').read().strip())")
    assert project.run(rel).cells["c"].output == "1,2,3\n"
    project.write("data/numbers.csv", "4,5,6\n")
    assert project.run(rel).cells["c"].output == "4,5,6\n"
    assert runs() == 2


def test_a_declared_data_file_is_in_the_key(project, counted, tmp_path):
    make, runs = counted
    project.write("data/big.bin", "v1")
    rel = project.snippet("lesson/s.py", "# snipexec: data=../../data/big.bin\n" + COUNTING.format(log=str(tmp_path / "runs.log"), body="pass"))
    project.run(rel)
    project.write("data/big.bin", "v2")
    assert not project.run(rel).cached
    (project.root / "data/big.bin").unlink()
    with pytest.raises(FileNotFoundError, match="declared data file data/big.bin does not exist"):
        project.run(rel)


def test_files_the_run_writes_itself_are_not_dependencies(project, counted):
    make, runs = counted
    rel = make("open('out.txt', 'w').write('x')\nprint(open('out.txt').read())")
    project.run(rel)
    assert project.run(rel).cached


def test_another_torch_version_misses(project, counted, monkeypatch):
    make, runs = counted
    rel = make("import torch\nprint(torch.__version__)")
    result = project.run(rel)
    assert "torch" in result.meta["dists"]
    real = cache_mod.installed_version
    monkeypatch.setattr(cache_mod, "installed_version", lambda d, **kw: "9.9.9" if d == "torch" else real(d, **kw))
    assert not project.run(rel).cached


def test_another_device_misses(project, counted, monkeypatch):
    make, runs = counted
    rel = make()
    project.run(rel)
    monkeypatch.setenv("SNIPEXEC_DEVICE", "cuda:NVIDIA H200:12.8")
    assert not project.run(rel).cached
    assert project.run(rel).cached
    monkeypatch.setenv("SNIPEXEC_DEVICE", "cpu")
    assert project.run(rel).cached  # the CPU entry is still there


def test_another_python_misses(project, counted, monkeypatch):
    make, runs = counted
    rel = make()
    project.run(rel)
    monkeypatch.setattr(cache_mod, "python_fingerprint", lambda: "CPython-3.99.0-x86_64")
    assert not project.run(rel).cached


def test_other_run_options_miss(project, counted):
    make, runs = counted
    rel = make()
    project.run(rel)
    assert not project.run(rel, timeout=123).cached
    assert not project.run(rel, output_limit=10).cached


def test_force_reruns_once_and_env_variable_too(project, counted, monkeypatch):
    make, runs = counted
    rel = make()
    project.run(rel)
    engine = project.engine(force=True)
    assert not engine.results([rel])[rel].cached
    assert runs() == 2
    monkeypatch.setenv("SNIPEXEC_FORCE", "1")
    assert not project.run(rel).cached
    assert runs() == 3


def test_old_entries_are_pruned(project, counted):
    make, runs = counted
    for n in range(5):
        make(f"print({n})")
        project.run(rel := "lesson/s.py")
    folder = next((project.cache / "entries").iterdir())
    assert len(list(folder.iterdir())) == cache_mod.KEEP_PER_SNIPPET
    (project.snippets / rel).unlink()
    assert project.engine().prune() == cache_mod.KEEP_PER_SNIPPET
    assert not list((project.cache / "entries").iterdir())


def _cli(project, *args, **kw):
    return subprocess.Popen(
        [sys.executable, "-m", "snipexec", "--snippets", str(project.snippets), "--cache", str(project.cache), "run", *args],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True, **kw,
    )


def test_a_build_killed_mid_run_leaves_no_half_entry(project, counted):
    make, runs = counted
    rel = make("import time\ntime.sleep(2)\nprint('slow')")
    proc = _cli(project)
    deadline = time.time() + 30
    while runs() == 0 and time.time() < deadline:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # the whole build, snippets and all
    proc.wait()
    assert not list((project.cache / "entries").rglob("result.json"))
    result = project.run(rel)
    assert result.ok and not result.cached and result.cells["c"].output == "slow\n"
    assert project.run(rel).cached


def test_two_builds_at_once_share_the_cache_and_run_each_file_once(project, counted):
    make, runs = counted
    make("import time\ntime.sleep(1)\nprint('shared')")
    procs = [_cli(project), _cli(project)]
    outs = [p.communicate(timeout=120)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert runs() == 1
    assert sorted("cached" in o for o in outs) == [False, True]
    entries = list((project.cache / "entries").rglob("result.json"))
    assert len(entries) == 1 and json.loads(entries[0].read_text())["cells"][-1]["output"] == "shared\n"


def test_editing_one_file_reruns_that_file_only(project):
    rels = [project.snippet(f"f{i}.py", f"# --8<-- [start:c]\nprint({i})\n# --8<-- [end:c]\n") for i in range(3)]
    project.engine().results(rels)
    project.snippet("f1.py", "# --8<-- [start:c]\nprint('edited')\n# --8<-- [end:c]\n")
    results = project.engine().results(rels)
    assert [r for r in rels if not results[r].cached] == ["f1.py"]
    assert results["f1.py"].cells["c"].output == "edited\n"


def test_environment_that_changes_outputs_is_in_the_key_and_the_rest_never_reaches_snippets(project, counted, monkeypatch):
    make, runs = counted
    rel = make("import os\nprint(os.environ.get('OPENBLAS_CORETYPE'), os.environ.get('MY_SECRET'))")
    monkeypatch.setenv("MY_SECRET", "hunter2")
    assert project.run(rel).cells["c"].output == "None None\n"
    monkeypatch.setenv("OPENBLAS_CORETYPE", "Haswell")
    result = project.run(rel)
    assert not result.cached and result.cells["c"].output == "Haswell None\n"


def test_remembered_package_versions_follow_an_upgrade(tmp_path, monkeypatch):
    """Versions are remembered on disk between builds; an install or upgrade (a changed package folder) is seen."""
    site = tmp_path / "site"
    (site / "fakepkg-1.0.dist-info").mkdir(parents=True)
    (site / "fakepkg-1.0.dist-info/METADATA").write_text("Metadata-Version: 2.1\nName: fakepkg\nVersion: 1.0\n")
    monkeypatch.syspath_prepend(str(site))
    memo = tmp_path / "installed.json"
    assert cache_mod.installed_version("fakepkg", memo=memo) == "1.0"
    assert "fakepkg" in memo.read_text()
    cache_mod._installed_remembered.cache_clear()  # as a new build process would start
    assert cache_mod.installed_version("fakepkg", memo=memo) == "1.0"
    (site / "fakepkg-1.0.dist-info").rename(site / "fakepkg-2.0.dist-info")
    (site / "fakepkg-2.0.dist-info/METADATA").write_text("Metadata-Version: 2.1\nName: fakepkg\nVersion: 2.0\n")
    os.utime(site, ns=(0, os.stat(site).st_mtime_ns + 1_000_000))  # pip's rename changes the folder's mtime
    cache_mod._installed_remembered.cache_clear()
    assert cache_mod.installed_version("fakepkg", memo=memo) == "2.0"


FIGURE = "import matplotlib.pyplot as plt\nplt.plot([1, 2])\nprint('drawn')"


def _entry(project):
    (entry,) = (project.cache / "entries").glob("*/*")
    return entry


@pytest.mark.parametrize("damage", ["cut result.json", "lost figure", "cut figure"])
def test_a_damaged_entry_is_run_again_and_replaced(project, counted, damage):
    """A cut artifact download or a lost file must cost one re-run, not every build from then on."""
    make, runs = counted
    rel = make(FIGURE)
    assert project.run(rel).ok
    entry = _entry(project)
    if damage == "cut result.json":
        (entry / "result.json").write_text((entry / "result.json").read_text()[:40])
    elif damage == "lost figure":
        next(entry.glob("*.png")).unlink()
    else:
        with open(next(entry.glob("*.png")), "r+b") as png:
            png.truncate(100)
    again = project.run(rel)
    assert not again.cached and again.cells["c"].output == "drawn\n"
    assert all(f.is_file() for f in again.cells["c"].figures)
    third = project.run(rel)
    assert third.cached and runs() == 2, "the damaged entry was not replaced"


def test_merge_leaves_damaged_entries_out_and_prune_removes_them(project, counted, tmp_path):
    make, _ = counted
    rel = make(FIGURE)
    assert project.run(rel).ok
    next(_entry(project).glob("*.png")).unlink()
    other = cache_mod.Cache(tmp_path / "other", project.root)
    assert other.merge_from(project.cache) == (0, 1)
    assert project.engine().prune() == 1
    assert not list((project.cache / "entries").glob("*/*"))


def test_stray_files_in_the_cache_neither_break_a_build_nor_outlive_prune(project, counted):
    """A file where a snippet's folder belongs (a botched restore, a hand edit) and one beside the folders."""
    make, runs = counted
    rel = make("print('ok')")
    assert project.run(rel).ok
    (folder,) = (project.cache / "entries").iterdir()
    shutil.rmtree(folder)
    folder.write_text("junk")
    (project.cache / "entries" / "junkfile").write_text("junk")
    again = project.run(rel)
    assert again.ok and not again.cached and folder.is_dir()
    assert project.run(rel).cached and runs() == 2
    (folder / "junk-inside").write_text("junk")
    assert project.engine().prune() == 2
    assert sorted(p.name for p in (project.cache / "entries").iterdir()) == [folder.name]
    assert [p.name for p in folder.iterdir() if not p.is_dir()] == []
    assert list((project.cache / "tmp").iterdir()) == [], "removed files linger in tmp"
