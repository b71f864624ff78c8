"""Game mode: character selection, the player's view of the world, and the hub that
connects game sessions to the simulator."""
