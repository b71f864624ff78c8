"""A small resource table for schema tests (format strings need texts to be delimited)."""

from __future__ import annotations


class _Table:
    def __init__(self, texts: dict[int, str]) -> None:
        self._texts = texts

    def text(self, resource_id: int) -> str | None:
        return self._texts.get(resource_id)


FORMAT_TEXTS = {
    100: "Welcome.",
    101: "You say, \"%q~n\"",
    102: "%s says, \"%q~n\"",
    103: "%s%s hits you for %d damage.",
    104: "the ",
    105: "ogre",
    106: "I have %i gold for %q.",
    107: "%s%s says, \"%s~n\"",
    108: "100%% sure",
}
FORMAT_TABLE = _Table(FORMAT_TEXTS)
