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
    import atexit, sys, types

    class Teardown:
        def __del__(self):
            sys.stderr.write("torn down\\n")

    HELD = Teardown()  # freed only by the interpreter's teardown
    MARK = sys.argv[1]
    HOW = sys.argv[2]

    def command():  # imports what it needs, as a command does (logging's exit handler too)
        import logging
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

    # the command line's module, standing in for briefing.cli (which imports logging)
    sys.modules["briefing.cli"] = types.SimpleNamespace(main=command)
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


def test_an_exit_handler_registered_before_the_entry_point_still_runs(tmp_path: Path) -> None:
    """A handler registered before ``main`` (coverage's, from a ``.pth`` file) would run after
    the early end: then the process ends as Python ends it, running it."""
    mark = tmp_path / "early"
    probe = textwrap.dedent(f"""
        import atexit, sys
        atexit.register(lambda: open({str(mark)!r}, "w").write("ran"))
        sys.modules["briefing.cli"] = type(sys)("briefing.cli")
        sys.modules["briefing.cli"].main = lambda: sys.exit(4)
        from briefing.__main__ import main
        sys.argv = ["briefing", "build"]
        main()
    """)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 4, done.stderr
    assert mark.read_text() == "ran"
