"""The topics ("Argomenti") editors tag pages with: a translatable taxonomy."""
