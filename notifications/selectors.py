from .services import visible_messages


def history_context(request, usager):
    """Visitor page section: the messages sent to the visitor (the page itself checks access)."""
    return {"messages_usager": visible_messages(usager=usager)}
