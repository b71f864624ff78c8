"""Every fixed string the server sends, by purpose.

Format strings follow the client's rules (``protocol_specs/format_string.py``): ``%s``
takes a resource id, ``%q`` a literal string that is never scanned, so player text can
never consume parameters. Free text (descriptions, the message of the day, system
notices) always travels through ``%q`` for the same reason.
"""

from __future__ import annotations

CHAR_MODULE = "char.dll"
UI_MODULE = "merintr.dll"
MAIL_MODULE = "mailnews.dll"

TEXT = "%q"  # a plain line of server text

SAY = {
    1: "%s says, \"%q~n\"",
    2: "%s yells, \"%q~n\"",
    3: "%s broadcasts, \"%q~n\"",
    6: "%s %q~n",
}
SAY_SELF = {
    1: "You say, \"%q~n\"",
    2: "You yell, \"%q~n\"",
    3: "You broadcast, \"%q~n\"",
    6: "%s %q~n",
}

STAT_GROUP_NAMES = ("Condition", "Stats", "Spells", "Skills")
CONDITION_ICONS = ("heal.bgf", "ankh.bgf", "bolticon.bgf")  # health, mana, vigor bars
ATTRIBUTE_NAMES = ("Might", "Intellect", "Stamina", "Agility", "Mysticism", "Aim", "Karma")
SPELL_SCHOOLS = ("Shal'ille", "Qor", "Kraanan", "Faren", "Riija", "Jala")
DM_SCHOOL = "Game master"  # the seventh school, listed to admins and DMs


ALL_FIXED = (
    CHAR_MODULE,
    UI_MODULE,
    MAIL_MODULE,
    TEXT,
    *SAY.values(),
    *SAY_SELF.values(),
    *STAT_GROUP_NAMES,
    *CONDITION_ICONS,
    *ATTRIBUTE_NAMES,
    *SPELL_SCHOOLS,
    DM_SCHOOL,
)
