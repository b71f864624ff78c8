"""What spells do, one module per family of effects (the names of ``SPELL_EFFECTS``)."""
