from pathlib import Path

import pytest

from snipexec import testing

SNIPPETS = Path(__file__).resolve().parents[2] / "snippets"


@pytest.fixture(scope="session")
def lesson():
    """``lesson("05_three_ways/sequential.py")`` -> the engine's result (cached when valid)."""
    return lambda rel: testing.result(SNIPPETS, rel)


@pytest.fixture(scope="session")
def objects():
    """``objects("05_three_ways/sequential.py")`` -> the file's globals after running it here."""
    return lambda rel: testing.namespace(SNIPPETS / rel)
