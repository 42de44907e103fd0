"""The game's screens: chooser, board, practice panel, round summary, help."""
