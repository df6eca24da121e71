"""Helpers the tests share: sockets, browsers, broadcasts. Each is written once here."""
