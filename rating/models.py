"""How clear visitors found a page ("Valuta questo sito"): anonymous ratings."""
