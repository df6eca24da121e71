"""What the domain code hands the channel layer, captured instead of mocked.

Like zulip's `capture_send_event_calls`: the test runs the domain function and reads the
broadcasts it caused, in order, as `(group, message)`. The capture sits at the layer's
`group_send`, past chat/events.py, so it sees exactly what the sockets would be sent,
and only what was sent after the commit (Django runs the test's on-commit callbacks when
the block ends; see `capture_broadcasts`).
"""

import contextlib

from channels.layers import get_channel_layer


@contextlib.contextmanager
def layer_sends(deliver=False):
    """Record every `group_send` on the channel layer inside the block; `deliver` also
    passes them on to the layer, for tests with sockets listening."""
    layer = get_channel_layer()
    real = layer.group_send
    sent = []

    async def group_send(group, message):
        sent.append((group, message))
        if deliver:
            await real(group, message)

    shadowed = vars(layer).get("group_send")  # a test's own patch, put back afterwards
    layer.group_send = group_send
    try:
        yield sent
    finally:
        if shadowed is None:
            del layer.group_send
        else:
            layer.group_send = shadowed
