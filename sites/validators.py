"""Limits on text people type, in one place for every form, serializer and the admin.

They sit on the model fields, so a ModelForm, a DRF ModelSerializer and the admin all refuse the
same text with the same message, naming the field. PostgreSQL refuses a NUL byte in text (a
query carrying one fails outright); the other control characters are refused as well, because
nothing typed into a name, an address or a note needs them, and they can hide text in a page or
a log line (an escape sequence, a carriage return) or break an export.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

__all__ = [
    "LONG_TEXT_MAX_LENGTH",
    "SLUG_PATTERN",
    "is_slug",
    "MultiLineText",
    "SingleLineText",
    "multi_line_text",
    "single_line_text",
]

# Notes and other free text: a few paragraphs, not a document.
LONG_TEXT_MAX_LENGTH = 2000
# An area's slug as a URL or a query string carries it (Django's SlugField, at most 50 long).
SLUG_PATTERN = r"[-a-zA-Z0-9_]{1,50}"
_SLUG = re.compile(SLUG_PATTERN)

# C0 controls and DEL, and the C1 controls; a multi-line text may keep tab, line feed and return.
_ANY_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_BUT_LINE_BREAKS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@deconstructible
class SingleLineText:
    """One line of text: no control characters at all (no NUL, no line break, no escape)."""

    pattern = _ANY_CONTROL
    message = "Remove the control characters (such as a NUL byte or a line break); this is one line of text."
    code = "control_characters"

    def __call__(self, value) -> None:
        if isinstance(value, str) and self.pattern.search(value):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other) -> bool:
        return type(self) is type(other)

    def __hash__(self) -> int:
        return hash(type(self))


@deconstructible
class MultiLineText(SingleLineText):
    """Text of several lines: tabs and line breaks, but no other control characters."""

    pattern = _CONTROL_BUT_LINE_BREAKS
    message = "Remove the control characters (such as a NUL byte); only tabs and line breaks are allowed."


single_line_text = SingleLineText()
multi_line_text = MultiLineText()


def is_slug(value) -> bool:
    """Whether `value` can be a slug at all: checked before it reaches a query, so that a NUL
    byte or a megabyte of text is refused at the edge rather than by the database."""
    return isinstance(value, str) and _SLUG.fullmatch(value) is not None
