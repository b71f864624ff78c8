"""Tokenizer for Blakod, feeding the lark LALR parser.

It follows the original compiler's lexer rather than lark's built-in one because Blakod's
newlines are context dependent: before the `messages:` section a newline ends a definition
(an EOL token), inside message handlers it is plain whitespace, and `end` switches back.
Blank lines, comment-only lines and backslash-continued lines produce no EOL. Keywords are
case-insensitive (the original lexer was built with `flex -i`). Adjacent string literals
split across lines (`"abc"` newline `"def"`) are one string. `++` and `--` are tokens of the
original compiler's later dialect.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from lark import Token
from lark.lexer import Lexer, LexerState
from lark.utils import TextSlice


class BlakodLexError(Exception):
    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


# Token type per keyword. Keywords the syntax tree needs (operators, and statement keywords
# whose line number a statement takes) are kept; the others start with "_" so lark drops them.
KEYWORDS = {
    word: word.upper()
    for word in "and or not mod if for foreach while return propagate break continue include".split()
} | {word: "_" + word.upper() for word in "classvars constants else end in is local messages properties resources".split()}

# Token type per punctuation character; the names match the grammar's %declare lines.
PUNCTUATION = {
    "-": "MINUS",
    "+": "PLUS",
    "*": "STAR",
    "/": "SLASH",
    ",": "_COMMA",
    ":": "_COLON",
    "#": "_HASH",
    "&": "AMP",
    "@": "_AT",
    "(": "_LPAR",
    ")": "_RPAR",
    "=": "EQUAL",
    "{": "_LBRACE",
    "}": "_RBRACE",
    "$": "DOLLAR",
    "[": "LSQB",  # kept: a list literal takes its line from it
    "]": "_RSQB",
    "|": "VBAR",
    "~": "TILDE",
    ";": "_SEMI",
}

# One quoted piece. A backslash-newline right after the opening quote continues the
# string on the next line (the original lexer's line continuation applies inside strings).
_STRING_PIECE = r'"(?:\\[ \t\r]*\n)?(?:[^"\n\\]|\\.)*"'
_CONTINUATION_RE = re.compile(r"^\\[ \t\r]*\n")
# Each match is one token with the blanks and any comment before it (skipping them inside
# the same match halves the number of matches; the atomic group keeps the regex from
# backtracking into them). A comment always runs to the end of a line. The original lexer
# takes the longest match, so a name or number is a file name when a "." follows it
# without a break (`jas-east.roo`); the lookaheads say so.
_TOKEN_RE = re.compile(
    r"""
    (?>[ \t\r]*(?:%[^\n]*)?)
    (?:
      (?P<identifier>[A-Za-z][A-Za-z0-9_]*)(?![A-Za-z0-9_\-]*\.)
    | (?P<inc_dec>\+\+|--)
    | (?P<punct>[-+*/,:#&@()={{}}$\[\]|~;])
    | (?P<newline>\n)
    | (?P<hex>0[xX][0-9a-fA-F]+)(?![A-Za-z0-9_\-]*\.)
    | (?P<number>[0-9]+)(?![A-Za-z0-9_\-]*\.)
    | (?P<string>{piece}(?:[ \t\r]*\n[ \t\r]*{piece})*)
    | (?P<rel_op><>|<=|>=|<|>)
    | (?P<continuation>\\[ \t\r]*\n)
    | (?P<filename>[A-Za-z0-9_\-]*\.[A-Za-z0-9_\-]*)
    | (?P<unterminated>"[^\n]*)
    | (?P<invalid>.)
    | (?P<end_of_text>\Z)
    )
    """.format(piece=_STRING_PIECE),
    re.VERBOSE,
)
# Regex groups that become a token as they are.
_PLAIN_TOKEN_TYPES = {"number": "NUMBER", "hex": "NUMBER", "inc_dec": "INC_DEC", "rel_op": "REL_OP", "filename": "FILENAME"}
_ESCAPE_RE = re.compile(r"\\(.)", re.DOTALL)


def string_value(literal: str) -> str:
    """The text of a (possibly multi-line) string literal: quotes and line breaks between
    the pieces dropped, backslash escapes resolved. `\\n` becomes "\\n" (the original
    compiler writes CR LF; whoever writes the text out decides its line ends)."""
    pieces = re.findall(_STRING_PIECE, literal)
    text = "".join(_CONTINUATION_RE.sub("", piece[1:-1]) for piece in pieces)
    if "\\" not in text:
        return text
    return _ESCAPE_RE.sub(lambda m: "\n" if m.group(1) == "n" else m.group(1), text)


def tokenize(text: str, in_code: bool = False) -> Iterator[Token]:
    """Yield lark tokens for Blakod source text; raise BlakodLexError on a bad character.

    `in_code` starts the lexer inside a messages section, as for a statement fragment
    that a message handler includes.
    """
    line = 1
    line_start = 0
    last_was_eol = True  # no EOL at the start of a file or right after another EOL
    for match in _TOKEN_RE.finditer(text):
        kind = match.lastgroup
        if kind is None or kind == "end_of_text":
            continue  # blanks or a comment at the very end of the text
        value = match.group(kind)
        start = match.start(kind)
        column = start - line_start + 1
        if kind == "newline":
            if not in_code and not last_was_eol:
                yield Token("_EOL", "\n", start, line, column)
                last_was_eol = True
            line += 1
            line_start = start + 1
            continue
        if kind == "continuation":
            line += 1
            line_start = match.end()
            continue
        if kind == "identifier":
            keyword = KEYWORDS.get(value.lower())
            if keyword is None:
                token = Token("IDENTIFIER", value, start, line, column)
            else:
                token = Token(keyword, value, start, line, column)
                if keyword == "_MESSAGES":
                    in_code = True
                elif keyword == "_END":
                    in_code = False
        elif kind == "punct":
            token = Token(PUNCTUATION[value], value, start, line, column)
        elif kind == "string":
            token = Token("STRING", value, start, line, column)
            newlines = value.count("\n")
            if newlines:
                line += newlines
                line_start = start + value.rindex("\n") + 1
        elif kind in _PLAIN_TOKEN_TYPES:
            token = Token(_PLAIN_TOKEN_TYPES[kind], value, start, line, column)
        elif kind == "unterminated":
            raise BlakodLexError("unterminated string", line, column)
        else:
            raise BlakodLexError(f"invalid character {value!r}", line, column)
        last_was_eol = False
        yield token
    if not in_code and not last_was_eol:
        # A last line without its newline still ends its definition.
        yield Token("_EOL", "\n", len(text), line, len(text) - line_start + 1)


STATEMENTS_START = "statements_file"


class BlakodLarkLexer(Lexer):
    """Adapter so lark's LALR parser pulls tokens from `tokenize`."""

    __future_interface__ = 2  # lark passes the LexerState, whose text is a TextSlice

    def __init__(self, lexer_conf: Any) -> None:
        pass

    def lex(self, lexer_state: LexerState, parser_state: Any) -> Iterator[Token]:
        source = lexer_state.text
        text = source.text if isinstance(source, TextSlice) else source
        # A statement fragment is lexed as the inside of a messages section would be.
        in_code = parser_state.parse_conf.start == STATEMENTS_START
        return tokenize(text, in_code=in_code)
