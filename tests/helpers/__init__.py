"""What the tests share, written once.

- `sockets`: a WebSocket to hoc.asgi as our pages open it (`connect`, `queue_socket`,
  `open_socket`), and the cookies of a visitor or a logged-in staff member.
- `browser`: ORM work beside Playwright (`orm`), and a staff member's first log-in in the
  browser with the second factor (`staff_log_in`).
- `broadcasts`: what reached the channel layer (`layer_sends`); tests use it through the
  `capture_broadcasts` fixture, which also runs the on-commit callbacks.

Fixtures stay in the conftest files: the named people and `log_in` in tests/conftest.py,
the shared Daphne and Chromium in tests/e2e/conftest.py.
"""
