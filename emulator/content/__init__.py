"""World content: the operator-editable files in ``data/``, validated into definitions."""
