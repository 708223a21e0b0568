"""Conversations: one ConversationHandler per module, each with ``build()``."""
