"""What a staff member typed in the search field: an IIN or BIN (12 digits), or a name.

Typed text is read once, here: the header's search, the person and payer lists and the queue
filter answer the same input the same way. A number is checked as an identifier (its length,
its check digit); a name is letters, spaces, hyphens and apostrophes.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gfss.common.identifiers import check_digit
from participants.validators import ID_LENGTH

MAX_LENGTH = 100
# A name search needs three letters: fewer match too many names to read (and no trigram).
NAME_MIN_LETTERS = 3
_NAME_MARKS = {"-", "'", "’", "."}


@dataclass(frozen=True)
class SearchText:
    """An identifier (IIN or BIN) or the words of a name; empty when nothing was typed."""

    number: str = ""
    words: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.number and not self.words


def search_text_parse(text: str) -> SearchText:
    """The search ``text`` read as an identifier or a name; ``ValidationError`` (in the user's
    language) for a number that cannot be an IIN or BIN or for a name that cannot be one."""
    text = " ".join(text.split())[:MAX_LENGTH]
    if not text:
        return SearchText()
    if any(character.isdigit() for character in text):
        return SearchText(number=_identifier(text))
    return SearchText(words=_name_words(text))


def _identifier(text: str) -> str:
    number = text.replace(" ", "")
    if len(number) != ID_LENGTH or not number.isdigit():
        raise ValidationError(
            _("An IIN or BIN is exactly 12 digits; “%(text)s” is not."),
            code="search_number_format",
            params={"text": text[:20]},
        )
    expected = check_digit(number)
    if expected is None or expected != int(number[11]):
        raise ValidationError(
            _("%(number)s fails the check digit of an IIN or BIN: a digit is mistyped."),
            code="search_check_digit",
            params={"number": number},
        )
    return number


def _name_words(text: str) -> tuple[str, ...]:
    words = tuple(word.strip("".join(_NAME_MARKS)) for word in text.split())
    words = tuple(word for word in words if word)
    if any(not _is_name(word) for word in words):
        raise ValidationError(
            _("A name is written in letters; “%(text)s” has other characters."),
            code="search_name_characters",
            params={"text": text[:40]},
        )
    if sum(len(word) for word in words) < NAME_MIN_LETTERS:
        raise ValidationError(
            _("Type at least %(count)s letters of a name, or a 12-digit IIN or BIN."),
            code="search_name_short",
            params={"count": NAME_MIN_LETTERS},
        )
    return words


def _is_name(word: str) -> bool:
    return all(character.isalpha() or character in _NAME_MARKS for character in word)


def spellings(word: str) -> tuple[str, ...]:
    """The ways a typed word is written in the registry: names are kept capitalised (its
    start), a word inside a name in lower case, a payer's legal form in capitals. Matching
    these with a plain LIKE works the same on every database (SQLite folds no Cyrillic)."""
    return tuple(dict.fromkeys((word.capitalize(), word.lower(), word.upper())))
