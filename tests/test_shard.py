"""Sharding: n machines split the files by recorded run time; their caches merge into one."""
import json
import subprocess
import sys

import pytest

from snipexec import shard


def test_every_file_lands_in_exactly_one_shard_balanced_by_time():
    seconds = {"a.py": 9.0, "b.py": 5.0, "c.py": 4.0, "d.py": 1.0, "e.py": 1.0}
    shards = shard.assign(list(seconds), seconds, 2)
    assert sorted(sum(shards, [])) == sorted(seconds)
    loads = [sum(seconds[f] for f in s) for s in shards]
    assert max(loads) - min(loads) <= 1.0  # 10 vs 10, where a naive alphabetical split gives 18 vs 2
    assert shards == shard.assign(list(reversed(seconds)), seconds, 2)  # same split whatever the order


def test_equal_durations_still_split_and_bad_specs_are_refused():
    shards = shard.assign([f"{i}.py" for i in range(5)], {f"{i}.py": 1.0 for i in range(5)}, 3)
    assert sorted(len(s) for s in shards) == [1, 2, 2]
    assert shard.parse_spec("2/3") == (2, 3)
    for bad in ("0/2", "3/2", "x", "1-2"):
        with pytest.raises(ValueError, match="--shard"):
            shard.parse_spec(bad)


def cli(project, cache, *args):
    return subprocess.run(
        [sys.executable, "-m", "snipexec", "--snippets", str(project.snippets), "--cache", str(cache), *args],
        capture_output=True, text=True, timeout=300,
    )


def test_two_shards_merge_into_a_cache_that_runs_nothing(project, tmp_path):
    for i in range(4):
        project.snippet(f"s{i}.py", f"# --8<-- [start:c]\nprint({i})\n# --8<-- [end:c]\n")
    outs = [cli(project, tmp_path / f"shard{i}", "run", "--shard", f"{i}/2") for i in (1, 2)]
    assert all(o.returncode == 0 for o in outs), outs
    assert all(f"shard {i}/2: 2 files" in o.stdout for i, o in zip((1, 2), outs))
    for i in (1, 2):
        assert "added" in cli(project, tmp_path / "merged", "merge", str(tmp_path / f"shard{i}")).stdout
    final = cli(project, tmp_path / "merged", "run")
    assert final.returncode == 0
    assert final.stdout.count("cached") == 4 and " ran " not in final.stdout


def test_a_fresh_clone_splits_by_the_committed_durations(project, tmp_path):
    """No cache on a fresh runner: durations.json still puts the slow file alone on its shard."""
    names = [project.snippet(f"s{i}.py", f"# --8<-- [start:c]\nprint({i})\n# --8<-- [end:c]\n") for i in range(4)]
    first = cli(project, tmp_path / "old", "run")
    assert first.returncode == 0
    wrote = cli(project, tmp_path / "old", "durations")
    assert wrote.returncode == 0 and "4 files" in wrote.stdout, wrote
    hint = json.loads((project.snippets / "durations.json").read_text())
    assert sorted(hint) == names
    hint["s2.py"] = 60.0  # as if s2 were the slow one
    (project.snippets / "durations.json").write_text(json.dumps(hint))
    out = cli(project, tmp_path / "fresh", "run", "--shard", "1/2")
    assert "shard 1/2: 1 files" in out.stdout and "s2.py" in out.stdout, out.stdout


@pytest.mark.parametrize("text", ["<<<<<<< HEAD\n", '["s.py", 1]', '{"s.py": -1}', '{"s.py": true}', '{"s.py": Infinity}'])
def test_a_broken_durations_file_is_named_when_something_must_run(project, tmp_path, text):
    project.snippet("s.py", "# --8<-- [start:c]\nprint(1)\n# --8<-- [end:c]\n")
    (project.snippets / "durations.json").write_text(text)
    out = cli(project, tmp_path / "c", "run")
    assert out.returncode == 2
    assert "durations.json" in out.stderr and "python -m snipexec durations" in out.stderr, out.stderr
