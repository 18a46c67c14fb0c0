"""Imported once by the forkserver, last, never by the build process.

Mapping modules to distributions scans every installed package (~0.2 s);
done here, before forking, each snippet's process gets it for free.
"""
import gc
import re
from importlib import metadata

from snipexec import child


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


child.OWNERS = metadata.packages_distributions()
child.VERSIONS = {}
for _dist in metadata.distributions():
    _name = _dist.metadata["Name"]
    if _name:
        child.VERSIONS.setdefault(_normal(_name), _dist.version)

# Preloaded objects go to a generation the collector skips: otherwise the first
# collection in each forked child touches every page and copies it (~1 s with torch).
gc.freeze()
