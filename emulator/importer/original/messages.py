"""What a fight says and sounds like: the original's combat format strings, the words
they are filled with, the fight sounds, and per monster kind its attack name, gender and
article; and what picking up and dropping items says, with each item kind's article
(``messages.toml``).

Each entry is a purpose key (the names of :mod:`emulator.rules.feedback`) with the text
and the original resource id, so the server can send the ids the stock client already
has. Which resource serves which purpose is a fact of the original's code (battler.kod,
player.kod, monster.kod, object.kod, stroke.kod, punch.kod, room.kod, user.kod), written down here
(a skill's improvement too);
so are the bankers' words (monster.kod) and user.kod's where no banker answers.
"""

from __future__ import annotations

from typing import Any

from emulator.importer.blakod import KodClass, ast
from emulator.importer.original.common import _constant_names, _flags, _int, _value_names
from emulator.importer.original.state import ImportState
from emulator.content.model import (
    ARTICLES, BANK_TEXT_KEYS, ITEM_TEXT_KEYS, SHOP_TEXT_KEYS, SKILL_TEXT_KEYS, SPELL_TEXT_KEYS, SPELLBOOK_TEXT_KEYS,
    TRADE_TEXT_KEYS, VAULT_TEXT_KEYS,
    combat_text_keys,
)

MESSAGES_NAME = "messages.toml"

GENDERS = {1: "male", 2: "female"}  # GENDER_* of blakston.khd; neuter (0) is the default

#: Purpose keys whose resource is not the battler.kod word of the same name.
_NAMED = {
    "attacker_hit": "battler_attacker_hit",
    "attacker_miss": "battler_attacker_miss",
    "defender_hit": "battler_defender_hit",
    "defender_miss": "battler_defender_miss",
    "monster_attack": "monster_default_attack",
    "killed_something": "player_killed_something",
    "punch_killed_something": "punch_player_killed_something",
    "his": "object_his",
    "her": "object_her",
    "its": "object_its",
    "refused_self": "player_no_target_self",
    "refused_no_combat": "room_no_attack",
    "refused_no_pk_room": "room_no_pk_allowed",
    "refused_guild_room": "room_guild_combat",
    "refused_safe_server": "player_safe_server",
    "refused_newbie_attacker": "player_cant_hit_newbie",
    "refused_newbie_victim": "player_guardian_angel",
    "refused_safety": "player_safety_caught",
    "outlawed": "player_aggressor",
    "murder_branded": "player_wanted_now",
    "murder_again": "player_killed_player",
    "punch_was_killed": "punch_player_was_killed",
    "kill_zone_entered": "user_kill_zone",
    "kill_zone_left": "user_angel_rejoins",
    "get_gone": "user_err_get_unk",
    "get_too_far": "user_err_get_dist",
    "get_refused": "user_disallow_get",
    "got_some": "user_got_some",
    "get_too_many": "user_pickup_too_many",
    "drop_not_held": "user_err_drop",
    "drop_not_enough": "user_not_have_number",
    "too_full": "player_too_full",
    "too_full_drink": "player_too_full_drink",
    "cant_use": "player_cant_use",
    "activate_failed": "user_activate_failed",
    # monster.kod's own words (a keeper class may have its own too-costly words: not read)
    "shop_too_costly": "Lm_mrcnt_too_costly",
    "shop_not_selling": "Lm_mrcnt_not_selling",
    "shop_cant_give": "Lm_mrcnt_cant_give",
    # trading (user.kod) and selling to keepers (monster.kod; a keeper class's own
    # unwanted-item words are not read)
    "trade_got_offer": "user_got_offer",
    "trade_cant_offer": "user_cant_offer",
    "trade_busy": "user_offer_busy",
    "trade_not_online": "user_offer_not_online",
    "trade_canceled": "user_canceled_offer",
    "trade_nothing_to_cancel": "user_cant_cancel_offer",
    "trade_nothing_to_counter": "user_cant_counteroffer",
    "trade_nothing_to_accept": "user_cant_acceptoffer",
    "trade_bad_number": "user_cant_deal_number",
    "trade_dont_have": "user_dont_have_offer",
    "trade_dont_have_number": "user_dont_have_number_offer",
    "trade_didnt_have": "user_didnt_have_offer",
    "trade_couldnt_carry": "user_couldnt_carry_offer",
    "trade_cant_carry": "user_cant_carry_offer",
    "trade_keeper_timeout": "Lm_buyer_timeout",
    "buyer_busy": "Lm_buyer_offer_busy",
    "buyer_unwanted": "Lm_buyer_unwanted",
    "buyer_no_value": "Lm_buyer_no_value",
    "keeper_tells_you": "monster_say_to_one",
    # a banker's words, told to one player (monster.kod), and user.kod's where none answers
    "bank_told": "monster_say_to_one",
    "bank_balance": "Lm_bnkr_balance",
    "bank_deposited": "Lm_bnkr_did_deposit",
    "bank_not_enough_to_deposit": "Lm_bnkr_not_enough_deposit",
    "bank_no_account": "Lm_bnkr_no_account",
    "bank_not_enough_to_withdraw": "Lm_bnkr_not_enough_withdraw",
    "bank_purse_full": "Lm_bnkr_player_full",
    "bank_purse_all_full": "Lm_bnkr_player_all_full",
    "bank_withdrew": "Lm_bnkr_did_withdraw",
    "bank_cant_deposit": "user_cant_deposit",
    "bank_cant_withdraw": "user_cant_withdraw",
    "bank_cant_balance": "user_cant_balance",
    "bank_cant_deposit_items": "user_cant_deposit_items",
    # a vault keeper's words (monster.kod VaultDeposit, VaultWithdraw)
    "vault_no_gold": "vaultman_nogold",
    "vault_cursed": "vaultman_nocursed",
    "vault_cant_store": "vaultman_cant_part",
    "vault_no_deposit_cash": "vaultman_nodeposit_cash",
    "vault_full": "vaultman_fullvault",
    "vault_thanks_for": "vaultman_thanks_amount",
    "vault_stored": "vaultman_deposit_thanks",
    "vault_no_account": "vaultman_noaccount",
    "vault_not_enough": "vaultman_not_enough",
    "vault_dont_have": "vaultman_dont_have",
    "vault_no_withdraw_cash": "vaultman_nowithdraw_cash",
    "vault_no_room": "vaultman_no_room",
    "vault_returned": "vaultman_thanks",
    # a skill improved by use, or not for now (player.kod ChangeSkillAbility, CheckAdvancementPoints)
    "skill_improved": "player_improved",
    "skill_improved_sound": "player_improved_wav_rsc",
    "advancement_cap_1": "player_advancement_cap_hit_1",
    "advancement_cap_2": "player_advancement_cap_hit_2",
    "advancement_cap_3": "player_advancement_cap_hit_3",
    # the spellbook (user.kod ToCliSpellSchools, player.kod AddSpell)
    **{f"school_{school}": f"user_school_{school}" for school in ("shalille", "qor", "kraanan", "faren", "riija", "jala", "dm")},
    "learn_sound": "player_sound_learn_spell",
    # casting (spell.kod)
    "spell_no_rest": "spell_no_rest",
    "spell_too_tired": "spell_too_tired",
    "spell_no_mana": "spell_insufficient_magic",
    "spell_no_reagents": "spell_insufficient_reagent",
    "spell_failed": "spell_failed_by_chance",
    "spell_bad_target": "spell_bad_target",
    "spell_out_of_range": "spell_out_of_range",
    "spell_advanced": "player_improved",
    "spell_improved_sound": "player_improved_wav_rsc",
    "spell_trance": "spell_trance_begin",
    "spell_trance_broken": "spell_trance_break",
    "spell_not_good_enough": "spell_not_good_enough",
    "spell_not_evil_enough": "spell_not_evil_enough",
    "spell_cast_here": "spell_bad_location",
    "spell_fail_sound": "spell_fail_wav",
    "spell_help_unlawful_angel": "spell_angel_no_unlawful",
    "spell_help_unlawful_safety": "spell_safety_no_unlawful",
    "spell_no_teleport": "room_no_teleport",
    "spell_murmur": "spell_gesture_third",
    "spell_murmur_at": "spell_gesture_third_target",
    "spell_you": "spell_you",
    "spell_not_in_view": "player_attack_not_in_view",
    # a held or blinded player (user.kod UserAttack, UserCast, UserGo)
    "held_no_fight": "user_no_fight",
    "held_no_cast": "user_no_cast",
    "held_no_go": "user_cant_go",
    "held_no_go_sound": "user_cant_go_wav_rsc",
}


def resource_name(key: str) -> str:
    """The original's resource name for a purpose key of messages.toml."""
    if key in _NAMED:
        return _NAMED[key]
    if key.startswith("cap_article_"):
        return f"object_article_cap_{key.removeprefix('cap_article_')}_rsc"
    if key.startswith("article_"):
        return f"object_{key}_rsc"
    if key.startswith("hit_"):
        return f"player_sound_hit_monster_{key.removeprefix('hit_')}"
    if key.startswith("swish"):
        return f"stroke_{key}"
    if key.startswith("ouch_"):
        gender, variant = key.removeprefix("ouch_")[:-1], key[-1]
        return f"player_sound_{gender}_ouch{variant}"
    return f"battler_{key}"


class MessageImport(ImportState):
    """The ``[texts]`` and ``[kinds]`` of messages.toml."""

    def import_messages(self) -> None:
        texts: dict[str, dict[str, Any]] = {}
        optional = (
            ITEM_TEXT_KEYS + SHOP_TEXT_KEYS + TRADE_TEXT_KEYS + BANK_TEXT_KEYS + VAULT_TEXT_KEYS + SKILL_TEXT_KEYS
            + SPELLBOOK_TEXT_KEYS + SPELL_TEXT_KEYS
        )
        for key in combat_text_keys() + optional:
            name = resource_name(key)
            resource = self.tree.resources.get(name.casefold())
            text = resource.text(None) if resource is not None else None
            if resource is None or text is None or resource.id is None:
                self.skip("messages", None, 0, f"no resource {name} with a text and an id: '{key}' is left out")
                continue
            texts[key] = {"text": text, "text_rsc": resource.id}
        kinds: dict[str, dict[str, Any]] = {}
        for family in ("creatures", "npcs"):
            for key in sorted(self.kinds.get(family, {})):
                if key in self.tree.classes and "monster" in self.kinds[family][key]:
                    table = self.kind_messages(self.tree.classes[key])
                    if table:
                        kinds[key] = table
        for key in sorted(self.kinds.get("items", {})):  # items: how item messages name them
            if key not in self.tree.classes:
                continue
            named: dict[str, str] = {}
            article = self.article(self.tree.classes[key])
            if article is not None:
                named["article"] = article
            indefinite = self.article(self.tree.classes[key], "viIndefinite", usual="a")
            if indefinite is not None:
                named["indefinite"] = indefinite
            if named:
                kinds[key] = named
        self.messages = {"texts": texts, "kinds": kinds}
        self.report.counts["combat texts"] = len(texts)

    def kind_messages(self, cls: KodClass) -> dict[str, Any]:
        table: dict[str, Any] = {}
        attack_name = self.attack_name(cls)
        if attack_name is not None:
            table["attack_name"], table["attack_name_rsc"] = attack_name
        spell = _int(cls.value("viAttack_spell"))
        if spell:
            table["attack_spell"] = [n.casefold() for n in _flags(spell, _constant_names(self.tree, "ATCK_SPELL_"))]
        gender = _int(cls.value("viGender"))
        if gender in GENDERS:
            table["gender"] = GENDERS[gender]
        article = self.article(cls)
        if article is not None:
            table["article"] = article
        return table

    def article(self, cls: KodClass, variable: str = "viDefinite", usual: str = "the") -> str | None:
        """The class's definite article (viDefinite), or another, when it is not the usual one."""
        article = _int(cls.value(variable))
        names = _value_names(self.tree, "ARTICLE_")
        if article is not None and names.get(article, "").casefold() in ARTICLES and names[article].casefold() != usual:
            return names[article].casefold()
        return None

    def attack_name(self, cls: KodClass) -> tuple[str, int] | None:
        """The resource a class's own GetAttackName returns, when it overrides Monster's."""
        for ancestor in cls.ancestry():
            if ancestor.name.casefold() == "monster":
                return None  # Monster's own: the monster_attack text
            handler = ancestor.messages.get("getattackname")
            if handler is None:
                continue
            body = handler.body
            returned = body[0].value if len(body) == 1 and isinstance(body[0], ast.Return) else None
            resource = ancestor.resource(returned.name) if isinstance(returned, ast.Name) else None
            text = resource.text(None) if resource is not None else None
            if resource is None or text is None or resource.id is None:
                self.skip("messages", ancestor, handler.line, "GetAttackName is computed in code: the default attack name is used")
                return None
            return text, resource.id
        return None
