"""Last-updated dates from git, and no date (never a failed build or a wrong date) where git cannot tell."""
import subprocess

from snipexec.revision import last_changed


def git(cwd, *args, date="2026-01-02T03:04:05+00:00"):
    env = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t", "HOME": str(cwd), "PATH": "/usr/bin:/bin"}
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=env)


def test_newest_commit_of_page_or_snippet(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / "page.md").write_text("a")
    (repo / "s.py").write_text("x = 1")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "one", date="2026-01-02T03:04:05+00:00")
    (repo / "s.py").write_text("x = 2")
    git(repo, "commit", "-q", "-am", "two", date="2026-03-04T05:06:07+00:00")
    (repo / "other.md").write_text("b")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "three", date="2026-05-06T00:00:00+00:00")
    assert last_changed([repo / "page.md"], repo) == "2026-01-02"
    assert last_changed([repo / "page.md", repo / "s.py"], repo) == "2026-03-04"
    (repo / "new.md").write_text("never committed")
    assert last_changed([repo / "new.md"], repo) is None

    # A depth-1 clone (CI's default) knows only its boundary commit: no date rather than a wrong one.
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(shallow))
    assert last_changed([shallow / "page.md"], shallow) is None
    # A deep enough clone knows: s.py last changed in the second of its three commits.
    deeper = tmp_path / "deeper"
    git(tmp_path, "clone", "-q", "--depth", "3", f"file://{repo}", str(deeper))
    assert last_changed([deeper / "page.md", deeper / "s.py"], deeper) == "2026-03-04"


def test_outside_a_repository(tmp_path):
    (tmp_path / "page.md").write_text("a")
    assert last_changed([tmp_path / "page.md"], tmp_path) is None
