"""Imported by the forkserver first, never by the build or a snippet.

Snippets die with the forkserver (their parent-death signal), but the
forkserver only notices a dead build when no process holds its "alive" pipe
any more (each snippet drops its copy, see ``child._isolate``). A killed
build's snippets are then stopped here, with everything they started: each
snippet is a subreaper, so even processes that left its session are below it.
"""
import atexit
import os

from snipexec.child import kill_descendants

os.setsid()  # out of the build's process group: a kill -9 of the group must leave the server to clean up
_SERVER = os.getpid()


@atexit.register
def _stop_what_runs() -> None:
    if os.getpid() == _SERVER:  # forked children inherit this hook; they leave with os._exit anyway
        kill_descendants(_SERVER)
