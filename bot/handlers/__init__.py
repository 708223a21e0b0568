"""Single-step handlers: menu, task buttons, coordinator buttons, errors and fallbacks."""
