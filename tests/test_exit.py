"""``python -m briefing`` ends without the interpreter's teardown, yet as Python would: the
exit code kept, the ``atexit`` handlers run, the output flushed."""

from __future__ import annotations

import subprocess
import sys

_RUN = ("import atexit, sys\n"
        "atexit.register(lambda: print('handler ran', flush=True))\n"
        "sys.argv = ['briefing', *sys.argv[1:]]\n"
        "from briefing.__main__ import main\n"
        "main()\n"
        "print('not reached')\n")


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", _RUN, *args], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=120)


def test_a_command_that_succeeds_exits_0_after_the_exit_handlers() -> None:
    done = _run("engines")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[-1] == "handler ran" and "not reached" not in done.stdout
    assert any(line.startswith("fake ") for line in lines)  # the command's output, flushed


def test_a_command_that_fails_keeps_its_exit_code() -> None:
    done = _run("build", "--no-such-option")
    assert done.returncode == 2
    assert "No such option" in done.stderr
    assert done.stdout.splitlines()[-1] == "handler ran"
