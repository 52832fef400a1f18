"""The producer's desk: ``briefing resolve`` settles a conflict, ``briefing diff`` shows what
the producer changed against the generated text."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from briefing.cli.common import (
    app,
    err,
    errors,
    locked,
    parse_dates,
    setup_logging,
)
from briefing.cli.options import (
    WorkspaceOpt,
)
from briefing.errors import InputError

DateArg = Annotated[str, typer.Argument(help="The date (YYYY-MM-DD) of the script.",
                                        show_default=False)]


@app.command()
def resolve(
    date: DateArg,
    ours: Annotated[bool, typer.Option(
        "--ours", help="Keep your script as it is; the articles' new text is recorded as "
                       "merged, so it is not offered again.")] = False,
    theirs: Annotated[bool, typer.Option(
        "--theirs", help="Replace your script with the generated text (yours goes to "
                         ".briefing/trash/).")] = False,
    workspace: WorkspaceOpt = Path(),
) -> None:
    """Settle a script's conflict (exit 3 of build, render, status) and remove its
    <date>.new.md. Then run 'briefing render DATE' (or build) to rebuild its audio."""
    setup_logging(0, False)
    with errors():
        from briefing.build.resolve import resolve as settle
        from briefing.build.state import State
        from briefing.build.workspace import Workspace

        if ours == theirs:
            raise InputError("say which side to keep: --ours (your script) or --theirs (the "
                             "generated text)")
        ws = Workspace(workspace)
        [day] = parse_dates(ws, [date])
        with locked(ws):
            state = State.load(ws.state_file)
            done = settle(ws, state, day, theirs)
            state.save(ws.state_file)
        print(f"{date}: resolved, kept {'the generated text' if theirs else 'your script'} "
              f"({done.script})")
        for path in done.removed:
            print(f"removed {path}")
        for path in done.trashed:
            err.print(f"moved to the trash: {path}", markup=False)


@app.command()
def diff(
    date: DateArg,
    workspace: WorkspaceOpt = Path(),
) -> None:
    """Show what you changed in a script: a unified diff of the text briefing generated
    (the merge base) against your script. Prints nothing when the script is not edited."""
    setup_logging(0, False)
    with errors():
        from briefing.build.resolve import diff as script_diff
        from briefing.build.state import State
        from briefing.build.workspace import Workspace

        ws = Workspace(workspace)
        [day] = parse_dates(ws, [date])
        sys.stdout.write(script_diff(ws, State.load(ws.state_file), day))
