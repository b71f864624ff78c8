"""Creature and town NPC kinds: their monster figures, what NPCs sell and teach, and what
they say (the speech library)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from emulator.content.loader import DRAWFX_VALUES, MAX_DESCRIPTION_BYTES, MAX_NAME_BYTES
from emulator.importer.blakod.calls import AssignmentSite
from emulator.importer.blakod import NIL, CallValue, ClassRef, KodClass, KodValue, ResourceRef, ast, evaluate, find_assignments
from emulator.importer.original.common import _collect, _constant_names, _fits, _flags, _handler_class, _int, _key, _value_names
from emulator.importer.original.spell_families import hinder
from emulator.importer.original.state import ImportState
from emulator.rules.combat import RESISTANCE_TYPES


class CreatureImport(ImportState):
    """Monster figures, shops and dialogue of creature and NPC kinds."""

    def monster_section(self, cls: KodClass) -> dict[str, Any]:
        section: dict[str, Any] = {}
        for field, variable in (("level", "viLevel"), ("difficulty", "viDifficulty"), ("karma", "viKarma"), ("speed", "viSpeed")):
            value = _int(cls.value(variable))
            if value is not None:
                section[field] = value
        animation = self.attack_animation(cls)
        if animation is not None:
            section["attack_animation"] = animation
        wimpy = _int(cls.value("viWimpy"))
        if wimpy:  # 0, the default, never flees
            section["wimpy"] = wimpy
        attack = _int(cls.value("viAttack_type"))
        if attack:
            section["attack"] = [n.casefold() for n in _flags(attack, _constant_names(self.tree, "ATCK_"))]
        behaviour = _int(cls.value("viDefault_behavior"))
        flags = [n.casefold() for n in _flags(behaviour, _constant_names(self.tree, "AI_"))] if behaviour else []
        flags += hinder.monster_traits(cls)  # the undead
        if flags:
            section["behaviour"] = flags
        attributes = _int(cls.value("viAttributes"))
        if attributes:
            section["npc_flags"] = [n.casefold() for n in _flags(attributes, _constant_names(self.tree, "MOB_", exclude=("MOB_ROLE_",)))]
        treasure = _int(cls.value("viTreasure_type"))
        if treasure:
            section["treasure_number"] = treasure
        self.dead_body_fields(section, cls)
        resistances = self.resistances(cls)
        if resistances:
            section["resistances"] = resistances
        for field, variable in (("sound_hit", "vrSound_hit"), ("sound_miss", "vrSound_miss"), ("sound_aware", "vrSound_aware"), ("sound_death", "vrSound_death")):
            self.texts.put(section, field, cls, variable, category="sound", file_suffixes=(".wav", ".ogg"))
        return section

    def resistances(self, cls: KodClass) -> list[dict[str, Any]]:
        """What the kind resists or suffers more from (battler.kod plResistances, set as a
        list of [percent, attack type] when it is made; a negated type is a spell type)."""
        owner = next((c for c in cls.ancestry() if self._resistance_sites(c)), None)
        if owner is None:
            return []
        site = self._resistance_sites(owner)[-1]
        if not isinstance(site.value, tuple):
            self.skip("object", owner, site.line, "plResistances is computed in code")
            return []
        weapons, spells = _constant_names(self.tree, "ATCK_WEAP_"), _constant_names(self.tree, "ATCK_SPELL_")
        found: list[dict[str, Any]] = []
        for entry in site.value:
            value, against = (entry[0], entry[1]) if isinstance(entry, tuple) and len(entry) == 2 else (None, None)
            if not isinstance(value, int) or not isinstance(against, int) or against == 0:
                self.skip("object", owner, site.line, "a resistance is not [percent, attack type]")
                continue
            prefix, names = ("spell_", spells) if against < 0 else ("weapon_", weapons)
            mask = abs(against)
            types = [prefix + names[bit].casefold() for bit in sorted(names) if mask & bit]
            if sum(bit for bit in names if mask & bit) != mask or not all(t in RESISTANCE_TYPES for t in types):
                self.skip("object", owner, site.line, f"a resistance to an unknown attack type {against}")
                continue
            found.append({"value": value, "against": types})
        return found

    @staticmethod
    def _resistance_sites(cls: KodClass) -> list[AssignmentSite]:
        """Where a class sets its resistance list as it is made (the handlers that do)."""
        return [site for handler in ("Constructor", "Constructed", "SetResistances")
                for site in find_assignments(cls, "plResistances", handler)]

    def dead_body_fields(self, section: dict[str, Any], cls: KodClass) -> None:
        """The body a monster leaves (monster.kod CreateDeadBody): its name, icon and
        drawing effect. A class without a dead icon leaves none."""
        if not self.texts.put(section, "dead_icon", cls, "vrDead_icon", category="corpse", file_suffixes=(".bgf",)):
            return
        self.texts.put(section, "dead_name", cls, "vrDead_name", category="corpse")
        drawfx = _int(cls.value("viDead_drawfx"))
        if drawfx:
            names = {value: name.casefold() for value, name in _value_names(self.tree, "DRAWFX_").items()}
            if drawfx in names and names[drawfx] in DRAWFX_VALUES:
                section["dead_drawfx"] = names[drawfx]
            else:
                self.skip("corpse", cls, cls.line, f"viDead_drawfx {drawfx:#x} is no known drawing effect")

    def attack_animation(self, cls: KodClass) -> list[int] | None:
        """The frames a monster shows when it swings: in its SendAnimation, the
        `if piAnimation = ANIM_ATTACK` branch that sends one ANIMATE_ONCE (period, first
        and last group, group after), as [period, low, high, final]."""
        owner = next((c for c in cls.ancestry() if "sendanimation" in c.messages), None)
        if owner is None:
            return None
        scope = owner.scope()
        attack, once = self.tree.constant("ANIM_ATTACK"), self.tree.constant("ANIMATE_ONCE")
        for statement in owner.messages["sendanimation"].body:
            if not (isinstance(statement, ast.If) and isinstance(statement.condition, ast.BinaryOp) and statement.condition.op == "="):
                continue
            left, right = statement.condition.left, statement.condition.right
            if not (isinstance(left, ast.Name) and left.name.casefold() == "pianimation" and _int(evaluate(right, scope)) == _int(attack)):
                continue
            for inner in statement.then:
                if isinstance(inner, ast.CallStatement) and isinstance(inner.call, ast.Call) and inner.call.function.casefold() == "addpacket":
                    values = [_int(evaluate(arg, scope)) for arg in inner.call.positional]
                    # AddPacket(1, ANIMATE_ONCE, 4, period, 2, low, 2, high, 2, final): size, value pairs
                    if len(values) == 10 and values[:2] == [1, _int(once)] and values[2::2] == [4, 2, 2, 2] and None not in values:
                        return [v for v in values[3::2] if v is not None]
            return None
        return None

    def shop_section(self, cls: KodClass) -> dict[str, Any]:
        owner = _handler_class(cls, "SetForSale", "plFor_sale")
        if owner is None:
            return {}
        sites = find_assignments(owner, "plFor_sale", "SetForSale")
        site = sites[-1]
        if not isinstance(site.value, tuple):
            self.skip("shop", owner, site.line, "plFor_sale is computed in code")
            return {}
        shop: dict[str, Any] = {}
        parts = list(site.value) + [NIL] * 3
        sells: list[dict[str, Any]] = []
        if isinstance(parts[0], tuple):
            for entry in parts[0]:
                if isinstance(entry, CallValue) and entry.function.casefold() == "create" and entry.args and isinstance(entry.args[0], ClassRef):
                    options = {name.casefold(): _int(value) for name, value in entry.named}
                    extra = sorted(name for name, value in options.items() if name not in ("number", "color", "translation") or value is None)
                    if extra:
                        self.skip("shop", owner, site.line, f"{entry.args[0].name} for sale with #{', #'.join(extra)}: not data")
                        continue
                    item: dict[str, Any] = {"kind": _key(entry.args[0].name)}
                    item.update((name, options[name]) for name in ("number", "color", "translation") if name in options)
                    sells.append(item)
                else:
                    self.skip("shop", owner, site.line, "an item for sale is not Create(&Class)")
        if sells:
            shop["sells"] = sells
        for field, part in (("teaches_skills", parts[1]), ("teaches_spells", parts[2])):
            numbers = [v for v in part if isinstance(v, int)] if isinstance(part, tuple) else []
            if numbers:
                shop[field] = numbers
                self.report_teaching_code(cls, "CanAddSkill" if field == "teaches_skills" else "CanAddSpell")
        markup = _int(cls.value("viMerchant_markup"))
        if shop and markup is not None:
            shop["markup"] = markup
        return shop

    def report_teaching_code(self, cls: KodClass, message: str) -> None:
        """A teacher whose class adds conditions of its own to what it teaches (a quest
        first, a bank balance): not data, so the import report says it teaches without them."""
        for ancestor in cls.ancestry():
            if ancestor.name.casefold() == "monster":
                return
            handler = ancestor.messages.get(message.casefold())
            if handler is not None:
                self.skip("shop", ancestor, handler.line, f"{message} sets conditions in code: it teaches without them")
                return

    def import_dialogue(self) -> None:
        """The town folk's speech triggers from the speech library (`plSpeechLib` of
        `CreateSpeechLibrary`): [&Class, [[triggers], restriction, [action, params...]]].
        A line for a family of classes goes to every imported kind of that family."""
        library = self.tree.classes.get("Library") if "Library" in self.tree.classes else None
        if library is None or "createspeechlibrary" not in library.messages:
            return
        actions = _value_names(self.tree, "LIBACT_")
        local_only = _int(self.tree.constant("MOB_LOCAL_ONLY")) or 0
        people = {key: self.tree.classes[key] for family in ("creatures", "npcs") for key in self.kinds.get(family, {})}
        lines_added = 0
        for item, line in _collect(library, library, "plSpeechLib", "CreateSpeechLibrary"):
            if not (isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], ClassRef) and isinstance(item[1], tuple)):
                self.skip("dialogue", library, line, "speech library entry is not [&Class, [lines]]")
                continue
            class_name = item[0].name
            lines = [self.dialogue_line(entry, actions, library, line) for entry in item[1]]
            kept = [entry for entry in lines if entry is not None]
            targets = [
                key
                for key, cls in people.items()
                if cls.is_a(class_name)
                and (cls.name.casefold() == class_name.casefold() or not (_int(cls.value("viAttributes")) or 0) & local_only)
            ]
            if not targets:
                self.skip("dialogue", library, line, f"speech for {class_name}, which is no imported kind")
                continue
            for key in sorted(targets):
                family = self.kind_family[key]
                self.kinds[family][key].setdefault("dialogue", []).extend(kept)
                lines_added += len(kept)
        self.report.counts["dialogue lines"] = lines_added

    def dialogue_line(self, entry: KodValue, actions: Mapping[int, str], library: KodClass, line: int) -> dict[str, Any] | None:
        if not (isinstance(entry, tuple) and len(entry) >= 3 and isinstance(entry[0], tuple) and isinstance(entry[2], tuple) and entry[2]):
            self.skip("dialogue", library, line, "speech line is not [[triggers], restriction, [action, ...]]")
            return None
        triggers, trigger_ids = self.texts_of(entry[0], MAX_NAME_BYTES)
        action = _int(entry[2][0])
        if triggers is None or action is None or action not in actions:
            self.skip("dialogue", library, line, "speech line with triggers or an action that are not constants")
            return None
        numbers = [value for value in entry[2][1:] if isinstance(value, int)]
        says, say_ids = self.texts_of(tuple(v for v in entry[2][1:] if not isinstance(v, int)), MAX_DESCRIPTION_BYTES)
        if says is None:
            self.skip("dialogue", library, line, f"{actions[action]} speech line with parameters that are not texts or numbers")
            return None
        result: dict[str, Any] = {"triggers": triggers}
        if trigger_ids:
            result["triggers_rsc"] = trigger_ids
        result["action"] = actions[action].casefold()
        if numbers:
            result["numbers"] = numbers
        if says:
            result["says"] = says
            if say_ids:
                result["says_rsc"] = say_ids
        restriction = _int(entry[1])
        if restriction:
            result["restriction"] = restriction
        return result

    def texts_of(self, values: tuple[KodValue, ...], limit: int) -> tuple[list[str] | None, list[int]]:
        """Texts of resource references, and their ids (all of them or none)."""
        texts: list[str] = []
        ids: list[int] = []
        for value in values:
            resource = self.tree.resources.get(value.name.casefold()) if isinstance(value, ResourceRef) else None
            text = resource.text(None) if resource is not None else None
            if resource is None or text is None or not _fits(text, limit, False):
                return None, []
            texts.append(text)
            if resource.id is not None:
                ids.append(resource.id)
        return texts, ids if len(ids) == len(texts) else []


def _is_npc(cls: KodClass) -> bool:
    """Town folk: the classes under Towns (and the wanderers, which are Towns too), and the
    schools' priests in their temples, who teach most of the spells."""
    return any(c.name.casefold() in ("towns", "temples") for c in cls.ancestry())
