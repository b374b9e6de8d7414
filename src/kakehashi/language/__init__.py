"""Language tools: identification, normalisation and tokenisation for it, ja and en.

Everything heavy (the language-identification model, the Sudachi dictionary, the stemmers) is
built on first use and cached, so importing this package costs nothing.
"""

from kakehashi.language.detect import Language, contains_japanese, detect_language
from kakehashi.language.normalise import normalise, normalise_width
from kakehashi.language.tokenize import tokenize

__all__ = [
    "Language",
    "contains_japanese",
    "detect_language",
    "normalise",
    "normalise_width",
    "tokenize",
]
