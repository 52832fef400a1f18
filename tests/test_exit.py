"""How the ``briefing`` process ends: every exit handler runs, then no interpreter teardown.

Each case runs the real entry point (:func:`briefing.__main__.main`) in a fresh interpreter,
with the command replaced by a probe, and reads what the process did: its status, what it
printed, the file an exit handler wrote, and whether a module-level object's finaliser (which
only the interpreter's teardown runs) said anything.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PROBE = textwrap.dedent("""
    import atexit, logging, sys
    import briefing.cli

    class Teardown:
        def __del__(self):
            sys.stderr.write("torn down\\n")

    HELD = Teardown()  # freed only by the interpreter's teardown
    MARK = sys.argv[1]
    HOW = sys.argv[2]

    def command():
        atexit.register(lambda: open(MARK, "w").write("exit handler ran"))
        log = logging.getLogger("probe")
        handler = logging.FileHandler(MARK + ".log", delay=False)
        log.addHandler(handler)
        log.warning("logged at the end")  # flushed by logging's own exit handler
        sys.stdout.write("no newline at the end")  # buffered: a pipe is not a terminal
        if HOW == "return":
            return
        if HOW == "message":
            sys.exit("briefing: a message")
        if HOW == "raise":
            raise RuntimeError("a bug")
        sys.exit(int(HOW))

    briefing.cli.main = command
    from briefing.__main__ import main
    sys.argv = ["briefing", "build"]
    main()
""")


def run_probe(tmp_path: Path, how: str) -> tuple[subprocess.CompletedProcess[str], Path]:
    mark = tmp_path / "mark"
    done = subprocess.run([sys.executable, "-c", PROBE, str(mark), how], capture_output=True,
                          text=True, timeout=120, check=False)
    return done, mark


@pytest.mark.parametrize(("how", "status"), [("return", 0), ("0", 0), ("2", 2), ("3", 3),
                                             ("message", 1)])
def test_a_command_that_ends_gives_its_status_after_every_exit_handler(
        tmp_path: Path, how: str, status: int) -> None:
    done, mark = run_probe(tmp_path, how)
    assert done.returncode == status, done.stderr
    assert done.stdout == "no newline at the end"  # flushed before the process ended
    assert mark.read_text() == "exit handler ran"
    assert Path(f"{mark}.log").read_text() == "logged at the end\n"
    assert "torn down" not in done.stderr  # the teardown was skipped
    if how == "message":
        assert done.stderr.strip() == "briefing: a message"


def test_an_uncaught_exception_is_left_to_python(tmp_path: Path) -> None:
    done, mark = run_probe(tmp_path, "raise")
    assert done.returncode == 1
    assert "RuntimeError: a bug" in done.stderr  # Python's own report
    assert mark.read_text() == "exit handler ran"
    assert "torn down" in done.stderr  # and its usual teardown


def test_the_real_command_line_still_gives_exit_2_and_one_line_on_bad_input(
        tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "briefing", "build", "-w",
                           str(tmp_path / "nowhere")], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 2, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "Traceback" not in done.stderr
