"""What an anonymous visitor's session holds, one name for each key.

The pages write these and the sockets authorise by them (chat.conversations.role_in), and
accounts/sessions.py gives a session that holds one the clients' lifetimes. A key spelled
twice could be renamed in one place only, and the socket would then quietly refuse, or the
session outlive its limits. They live here, at the bottom of the apps, because accounts
imports nothing from chat. This module imports nothing.
"""

# The visitor's own conversation, before any account (chat/views.py).
CONVERSATION = "conversation_id"
# The invitation a partner's professional joined with (chat/guests.py).
GUEST_INVITATION = "guest_invitation_id"
# The ended chat on offer to keep, and until when (chat/saving.py).
SAVEABLE = "saveable_conversation_id"
SAVEABLE_UNTIL = "saveable_until"
# A supervisor's live looks: conversation id -> until when (a Unix time) and the audit
# entry of the look that granted it (chat/observers.py). Gone with the session.
OBSERVING = "observing"
# The one-time token of the questions after a chat (chat/feedback.py): random, and nothing
# about the conversation that just ended.
FEEDBACK = "feedback_token"
