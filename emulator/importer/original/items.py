"""Item kinds: the numbers of an item (weight, bulk, value, weapon and armour figures), and
what consuming it does (food, healing draughts; spell items and other effects in code)."""

from __future__ import annotations

from typing import Any

from emulator.importer.blakod import KodClass, MessageRef, ResourceRef, ast, find_calls, find_sends
from emulator.importer.blakod.calls import iter_statements
from emulator.importer.original.common import _int
from emulator.importer.original.state import ImportState

ITEM_SINGLE_USE = 0x0002  # blakston.khd: consumed when used (TryUseItem applies it to the user)
APPLY_YES = 0x1000  # blakston.khd object flags: the client applies it to a target it picks
ACTIVATE_YES = 0x0800


class ItemImport(ImportState):
    """The item section of an item kind."""

    def item_section(self, cls: KodClass) -> dict[str, Any]:
        section: dict[str, Any] = {}
        fields = (
            ("weight", "viWeight"),
            ("bulk", "viBulk"),
            ("value", "viValue_average"),
            ("use_type", "viUse_type"),
            ("item_type", "viItem_type"),
            ("use_amount", "viUse_amount"),
            ("hits_min", "viHits_init_min"),
            ("hits_max", "viHits_init_max"),
            ("defense", "viDefense_base"),
            ("damage_reduce", "viDamage_base"),
            ("weapon_type", "viWeaponType"),
            ("weapon_quality", "viWeaponQuality"),
            ("proficiency", "viProficiency_needed"),
            ("spell_modifier", "viSpell_modifier"),
            ("instrument", "viInstrument_strength"),
        )
        for field, variable in fields:
            value = _int(cls.value(variable))
            if value is not None and cls.variable(variable) is not None:
                section[field] = value
        ground_group = _int(cls.value("viGround_group"))  # the bitmap group shown on the ground
        if ground_group is not None and ground_group != 1:
            section["ground_group"] = ground_group
        if cls.is_a("NumberItem"):
            section["stacks"] = True
            number = _int(cls.value("piNumber"))  # how many one Create() makes
            if number is not None and number >= 1:
                section["number"] = number
            self.texts.put(section, "plural", cls, "vrName_plural", category="items")
        self.consumable_section(cls, section)
        if self._answers(cls, "DropOnDeath") is False:
            section["kept_on_death"] = True
        return section

    def item_flags(self, cls: KodClass) -> list[str]:
        """The client's flags of an item kind: always gettable; applyable (the client picks a
        target and sends BP_REQ_APPLY) and activatable as its viObject_flags say."""
        flags = ["gettable"]
        object_flags = _int(cls.value("viObject_flags")) or 0
        if object_flags & APPLY_YES:
            flags.append("applyable")
        if object_flags & ACTIVATE_YES:
            flags.append("activatable")
        return flags

    def consumable_section(self, cls: KodClass, section: dict[str, Any]) -> None:
        """What TryApplyItem does with it: food (Food: EatSomething with its nutrition and
        filling), a healing draught (Healer: GainHealthNormal between its two figures), a
        spell item (SpellItem: casts its spell) or another single-use item whose effect is
        code. Behaviour a class adds in code is reported, never guessed."""
        single_use = bool((_int(cls.value("viUse_type")) or 0) & ITEM_SINGLE_USE)
        if cls.is_a("SpellItem") or cls.is_a("SpecialWand"):  # potions, scrolls, wands: they cast spells
            section["use"] = "spell"
            return
        if cls.is_a("Food"):
            section["use"] = "eat" if self._plain(cls, "Food") else "special"
            self._number(section, "nutrition", cls, "viNutrition")
            self._number(section, "filling", cls, "viFilling")
            message = self._message(cls, "SendTaste")
        elif cls.is_a("Healer"):
            section["use"] = "heal" if self._plain(cls, "Healer") else "special"
            self._number(section, "heal_min", cls, "piHeal_min")
            self._number(section, "heal_max", cls, "piHeal_max")
            self._number(section, "filling", cls, "viFilling")  # a draught that fills (Flask's ReqEatSomething)
            message = self._message(cls, "NewApplied")
        elif single_use:
            section["use"] = "special"
            self.skip("items", cls, cls.line, "a single-use item whose effect is code: refused when used")
            return
        else:
            return
        if section["use"] == "special":
            return
        if message is not None:
            self._resource_text(section, "use_message", message)
        if self._answers(cls, "IsBeverage") is True:
            section["beverage"] = True
        sound = self._sound(cls)
        if sound is not None:
            self._resource_text(section, "use_sound", sound)

    # ------------------------------------------------------------------ helpers

    def _number(self, section: dict[str, Any], field: str, cls: KodClass, variable: str) -> None:
        value = _int(cls.value(variable))
        if value is not None and cls.variable(variable) is not None:
            section[field] = value

    def _resource_text(self, section: dict[str, Any], field: str, name: str) -> None:
        resource = self.tree.resources.get(name.casefold())
        text = resource.text(None) if resource is not None else None
        if resource is None or text is None:
            return
        if field == "use_sound" and not text.strip().lower().endswith(".wav"):
            return
        section[field] = text.strip() if field == "use_sound" else text
        if resource.id is not None:
            section[f"{field}_rsc"] = resource.id

    def _below(self, cls: KodClass, base: str) -> list[KodClass]:
        """The classes from ``cls`` up to, not including, ``base``."""
        found = []
        for ancestor in cls.ancestry():
            if ancestor.name.casefold() == base.casefold():
                break
            found.append(ancestor)
        return found

    def _plain(self, cls: KodClass, base: str) -> bool:
        """Whether consuming works as ``base`` says: an override of ReqNewApply or NewApplied
        below it that does not pass on to it replaces the effect (not imported: the kind is
        refused); one that passes on adds to it (reported, the base effect is kept)."""
        for ancestor in self._below(cls, base):
            for name in ("reqnewapply", "newapplied"):
                handler = ancestor.messages.get(name)
                if handler is None:
                    continue
                if not _propagates(handler):
                    self.skip("items", cls, handler.line, f"{handler.name} replaces {base}'s in code: refused when used")
                    return False
                if not _only_figured(ancestor, handler):
                    self.skip("items", cls, handler.line, f"{handler.name} adds to {base}'s in code: not imported")
        return True

    def _message(self, cls: KodClass, handler_name: str) -> str | None:
        """The resource a handler tells the consumer (MsgSendUser #message_rsc), from the
        nearest class whose handler names one and fills nothing; a message made in code is
        reported and the next class's is used."""
        for ancestor in cls.ancestry():
            handler = ancestor.messages.get(handler_name.casefold())
            if handler is None:
                continue
            sends = find_sends(ancestor, "MsgSendUser", handler_name)
            simple = [s for s in sends if isinstance(s.named_arg("message_rsc"), ResourceRef) and s.named_arg("parm1") is None]
            top = {statement.line for statement in handler.body if isinstance(statement, ast.CallStatement)}
            if len(simple) == 1 and len(sends) == 1 and simple[0].line in top:  # told whatever happens
                resource = simple[0].named_arg("message_rsc")
                assert isinstance(resource, ResourceRef)
                return resource.name
            if sends:
                self.skip("items", cls, handler.line, f"{handler.name} says what is made in code: the parent's words are used")
            if not _propagates(handler) and not sends:
                return None
        return None

    def _sound(self, cls: KodClass) -> str | None:
        """The sound of consuming it: a WaveSendUser in NewApplied (nearest class first), else
        Food's vrEat_wav."""
        for ancestor in cls.ancestry():
            if "newapplied" not in ancestor.messages:
                continue
            for site in find_sends(ancestor, "WaveSendUser", "NewApplied"):
                wave = site.named_arg("wave_rsc")
                if isinstance(wave, ResourceRef):
                    return wave.name
        eat = cls.variable("vrEat_wav")
        return eat.value.name if eat is not None and isinstance(eat.value, ResourceRef) else None

    def _answers(self, cls: KodClass, handler_name: str) -> bool | None:
        """What the nearest handler answers when it is only ``return TRUE`` or ``return
        FALSE``; None otherwise."""
        handler = cls.handler(handler_name)
        if handler is None or len(handler.body) != 1 or not isinstance(handler.body[0], ast.Return):
            return None
        value = handler.body[0].value
        if isinstance(value, ast.Name) and value.name.casefold() in ("true", "false"):
            return value.name.casefold() == "true"
        if isinstance(value, ast.Number) and value.value in (0, 1):
            return value.value == 1
        return None


def _propagates(handler: ast.MessageHandler) -> bool:
    return any(isinstance(statement, ast.Propagate) for statement in iter_statements(handler.body))


#: What an override may send and still be told by the kind's figures: the stomach rule
#: (``filling``) and the sound (``use_sound``), as Flask's do.
_FIGURED = frozenset({"reqeatsomething", "eatsomething", "wavesenduser"})


def _only_figured(cls: KodClass, handler: ast.MessageHandler) -> bool:
    sent = set()
    for site in find_calls(cls, "Send", handler.name):
        message = site.arg(1)
        if isinstance(message, MessageRef):
            sent.add(message.name.casefold())
    return sent <= _FIGURED
