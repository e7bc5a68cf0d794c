"""Canvas ids in paths, parameters and bodies."""


def is_digits(text: str) -> bool:
    """ASCII digits only: ``str.isdigit`` also accepts "³" or "٣", which ``int`` then refuses."""
    return text.isascii() and text.isdigit()
