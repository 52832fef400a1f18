"""The speech stage: the exact text each sentence of a script is sent to the engine as.

:mod:`~briefing.speech.spoken` does it for one sentence, in order: the workspace's
pronunciation :mod:`~briefing.speech.lexicon`, :mod:`~briefing.speech.transliterate` (only the
words the voice would spell out), normalisation for the ear (:mod:`~briefing.speech.normalize`,
the ordered table of rules) and the framing of quotations.  :mod:`~briefing.speech.language`
decides which of those rules a language gets.  The rules' replacements live by subject:
:mod:`~briefing.speech.punctuation`, :mod:`~briefing.speech.addresses`,
:mod:`~briefing.speech.numbers`, :mod:`~briefing.speech.quantities`,
:mod:`~briefing.speech.times` and :mod:`~briefing.speech.abbreviations`, with the rule type in
:mod:`~briefing.speech.rules`.  This is text for the ear; PCM loudness normalisation is
:mod:`briefing.audio.loudness`'s.
"""
