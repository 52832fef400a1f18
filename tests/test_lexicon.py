"""The built-in news lexicon and how a workspace's pronunciations.toml extends it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from briefing.errors import ConfigError
from briefing.speech.lexicon import builtin_entries, builtin_text, load_lexicon
from briefing.speech.lexicon_file import parse_entries
from briefing.speech.spoken import spoken_text


def test_builtin_entries_are_plain_respellings() -> None:
    entries = builtin_entries()
    assert len(entries) >= 25
    for written, said in entries.items():
        # Engine-neutral: no espeak-ng [[phonemes]] (piper reads respellings only).
        assert "[[" not in said, written
        assert re.fullmatch(r"[A-Za-z][A-Za-z .'-]*", said), (written, said)
        assert said != written, written
        # Normalisation for the ear leaves a respelling as it is (no numeral read in it).
        assert spoken_text(said) == said, (written, said)


def test_builtin_lexicon_passes_the_workspace_check_and_reads_the_same() -> None:
    # A build reads the package's own lexicon without the pydantic model; the model accepts
    # it and gives the same entries.
    raw, path = builtin_text()
    assert parse_entries(raw, path) == builtin_entries()


def test_a_build_without_a_workspace_lexicon_does_not_import_pydantic(tmp_path: Path) -> None:
    import subprocess
    import sys

    code = ("import sys; from pathlib import Path; from briefing.speech.lexicon import "
            f"load_lexicon; load_lexicon(Path({str(tmp_path / 'pronunciations.toml')!r})); "
            "print('pydantic' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "False"


def test_builtin_lexicon_applies_without_a_workspace_file(tmp_path: Path) -> None:
    lexicon = load_lexicon(tmp_path / "pronunciations.toml")
    assert spoken_text("Xinhua reported it; Xinhua's photo, by Li Xin.", "en", lexicon) == (
        "Shin-wah reported it; Shin-wah's photo, by Li Xin.")
    # Whole words only, case-sensitively; the longer phrase wins over a word inside it.
    assert spoken_text("Xinhuanet and XI.", "en", lexicon) == "Xinhuanet and XI."
    assert spoken_text("Xi Jinping met President Xi.", "en", lexicon) == (
        "Shee Jin-ping met President Shee.")


def test_workspace_extends_and_overrides_the_builtin(tmp_path: Path) -> None:
    path = tmp_path / "pronunciations.toml"
    path.write_text('Xinhua = "Sin-hwa"\nKornidzor = "Kor-nid-zor"\nXi = "Xi"\n',
                    encoding="utf-8")
    lexicon = load_lexicon(path)
    assert spoken_text("Xinhua, Xi, Kornidzor and the Houthis.", "en", lexicon) == (
        "Sin-hwa, Xi, Kor-nid-zor and the Hoothees.")


def test_builtin_can_be_left_out(tmp_path: Path) -> None:
    assert load_lexicon(tmp_path / "missing.toml", builtin=False).entries == ()


def test_a_bad_workspace_entry_is_reported_with_its_file(tmp_path: Path) -> None:
    path = tmp_path / "pronunciations.toml"
    path.write_text('Xinhua = ""\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="Xinhua"):
        load_lexicon(path)


@pytest.mark.parametrize(("text", "message"), [
    ('Xinhua = ""\n', "the pronunciation of 'Xinhua' must not be empty"),
    ('Xinhua = "  \\t "\n', "the pronunciation of 'Xinhua' must not be empty"),
    ("Xinhua = 3\n", "the pronunciation of 'Xinhua' must be text such as .*, not a number"),
    ("Xinhua = true\n", "the pronunciation of 'Xinhua' must be text such as .*, not true/false"),
    ('Xinhua.news = "Shin-wah"\n', "the pronunciation of 'Xinhua' must be text .*, not a table"),
    ('[agencies]\nXinhua = "Shin-wah"\n', "the pronunciation of 'agencies' must be text"),
    ('" " = "nothing"\n', "an entry has an empty word"),
    ('Xinhua = ["a"]\nTASS = 1\n', r"not a list \(and 1 more problem\(s\)\)$"),
])
def test_bad_entries_are_one_line_naming_file_and_word(tmp_path: Path, text: str,
                                                       message: str) -> None:
    path = tmp_path / "pronunciations.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as info:
        load_lexicon(path)
    assert info.value.path == path
    assert "\n" not in str(info.value) and str(info.value).startswith(f"{path}: ")


def test_entries_are_stripped_and_folded(tmp_path: Path) -> None:
    path = tmp_path / "pronunciations.toml"
    path.write_text('" Kornidzor " = "Kor-nid-zor"\nPashinyan = "  [[paSIn\'jan]]\\n  x "\n',
                    encoding="utf-8")
    lexicon = load_lexicon(path, builtin=False)
    assert dict(lexicon.entries) == {"Kornidzor": "Kor-nid-zor", "Pashinyan": "[[paSIn'jan]] x"}


@pytest.mark.parametrize(("text", "said"), [
    # Getty's short final /i/ ran into "Images" ("get images"); capitals stressed on the
    # first syllable by espeak-ng's rules; names of the news said wrongly (Putin /pjˈuːtɪn/).
    ("Photo by Ann Lee, AFP, via Getty Images.", "Photo by Ann Lee, A.F.P, via Gettee Images."),
    ("Crowds in Accra and Abuja; Maputo, Brasília and Brasilia.",
     "Crowds in Accrah and Abooja; Mapooto, Brazeelia and Brazeelia."),
    ("Putin met Scholz and Sánchez.", "Pootin met Sholts and Sanchez."),
    # Whole words only: a name that merely contains an entry is left alone.
    ("Gettysburg, Accran and Putinism.", "Gettysburg, Accran and Putinism."),
])
def test_builtin_news_words_are_respelt(tmp_path: Path, text: str, said: str) -> None:
    assert spoken_text(text, "en", load_lexicon(tmp_path / "pronunciations.toml")) == said
