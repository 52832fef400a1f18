"""The text stage: reading articles and scripts, and the words the script is written with.

Reading articles
    :mod:`~briefing.text.article` (article files into frozen dataclasses, sentences, headlines),
    :mod:`~briefing.text.structured` and :mod:`~briefing.text.yamlload` (JSON and YAML articles),
    :mod:`~briefing.text.captions` (which lines of a plain-text article are captions and which
    credits), :mod:`~briefing.text.credits` (what a credit line says),
    :mod:`~briefing.text.credit_lines` (whether a line is a credit),
    :mod:`~briefing.text.credit_words` (the agencies' vocabulary), :mod:`~briefing.text.dates`
    (dates captions mention) and :mod:`~briefing.text.months` (the one month table).
Writing the script's words
    :mod:`~briefing.text.describe` (photo descriptions and spoken credits),
    :mod:`~briefing.text.titles` (headlines and chapter titles cut at a phrase boundary), with
    :mod:`~briefing.text.phrases` (tokens and cut points), :mod:`~briefing.text.shortening`
    (dropping modifiers like a sub-editor) and :mod:`~briefing.text.wordclasses` (closed word
    classes).
The narration script
    :mod:`~briefing.text.script_render` (rendering it from the articles),
    :mod:`~briefing.text.script_read` (reading it back into chapters and sentences) and
    :mod:`~briefing.text.markup` (its inline markup).

What a sentence is sent to the engine as is the next stage, :mod:`briefing.speech`.
"""
