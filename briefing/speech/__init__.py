"""Text for the ear: what each sentence of a script is sent to the engine as (normalisation,
lexicon, transliteration)."""
