"""The original game's rules as plain, deterministic functions.

No I/O, no world state: numbers in, numbers out, and randomness only through an injected
:data:`~emulator.rules.dice.Roll`. Each rule cites the upstream Blakod handler it follows.

- :mod:`.dice`: the original's integer arithmetic and ``random(low, high)``.
- :mod:`.combat`: chance to hit, damage, resistances, monster and player fighting numbers.
- :mod:`.kills`: karma and max-health gain from a kill.
- :mod:`.vitals`: health, mana and vigor maxima, regeneration, exertion and rest.
- :mod:`.death`: where the dead go and what death costs.
- :mod:`.treasure`: what a killed monster drops, and how long bodies and ground items stay.
- :mod:`.pvp`: whether a player may attack a player, and the outlaw and murderer brands.
- :mod:`.shops`: keepers' prices, purchases, what they buy and offer, their refusals.
- :mod:`.trade`: the offer between two players (or a player and a buying keeper), step by step.
- :mod:`.bank`: deposits, withdrawals and balances per bank; vault fees and capacities.
"""
