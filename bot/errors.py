"""The few exceptions faqbot raises. Messages say what is wrong and what to do.

FaqBotError
├── ConfigError          a setting is unusable (missing extra, bad model path)
├── IngestError          a knowledge file cannot be read or is invalid (names the file and field)
├── IndexMissingError    no index has been built yet
├── IndexMismatchError   the index was built with another embedding model or chunker
└── InputError           a question or request from a user is unusable (message in Chinese)
"""

from __future__ import annotations


class FaqBotError(Exception):
    """Base of every error faqbot raises on purpose."""


class ConfigError(FaqBotError):
    pass


class IngestError(FaqBotError):
    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class IndexMissingError(FaqBotError):
    pass


class IndexMismatchError(FaqBotError):
    pass


class InputError(FaqBotError):
    """A user's input is unusable; ``message`` is Chinese for residents, ``message_en`` for developers."""

    def __init__(self, message: str, message_en: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.message_en = message_en or message
