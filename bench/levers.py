"""Levers of issue [8/8] measured on their own, where a whole-server run cannot tell
them from its noise (bench/README.md, "Levers").

    .venv/bin/python -m bench.levers json
    .venv/bin/python -m bench.levers layer
    .venv/bin/python -m bench.levers hop --database-url postgres://postgres@127.0.0.1:5432/x

- ``json``: encoding a `message` frame and decoding a `message.send` frame with the standard
  library (what Channels' JSON consumer uses) and with ujson, when it is installed.
- ``layer``: sealing and opening one broadcast (a `message` event, msgpack) as the channel
  layer does, with channels_redis's MultiFernet (AES-CBC, HMAC, base64), against AES-GCM.
- ``hop``: one INSERT … RETURNING per call, as `post_message` sends, from an event loop:
  handed to a thread with a synchronous psycopg connection (the server's way,
  common/db_threads.py) or sent on psycopg's async connection on the loop itself. CPU is this
  process's only (PostgreSQL's own work is the same both ways). The table is a scratch
  table of this script in the database named; use a database of the benchmark's own.
"""

import argparse
import asyncio
import json
import time
import timeit
import uuid
from concurrent.futures import ThreadPoolExecutor

BODY = "Hallo, ik wil graag even praten over wat er thuis gebeurt. " * 2
CONNECTIONS = 8
STATEMENTS = 3000
INSERT = "INSERT INTO bench_levers_hop (conversation, body) VALUES (%s, %s) RETURNING id"


def json_lever():
    frame = {
        "type": "message",
        "seq": 1234,
        "id": str(uuid.uuid4()),
        "from": "visitor",
        "body": BODY,
        "at": "2026-12-06T22:10:00+00:00",
    }
    incoming = json.dumps({"type": "message.send", "id": str(uuid.uuid4()), "body": BODY})
    cases = [
        ("json.dumps", lambda: json.dumps(frame)),
        ("json.loads", lambda: json.loads(incoming)),
    ]
    try:
        import ujson
    except ImportError:
        ujson = None
    if ujson is not None:
        cases += [
            ("ujson.dumps", lambda: ujson.dumps(frame)),
            ("ujson.loads", lambda: ujson.loads(incoming)),
        ]
    n = 200_000
    for name, call in cases:
        print(f"{name}: {timeit.timeit(call, number=n) / n * 1e6:.2f} µs per frame")


def layer_lever():
    import os

    import msgpack
    from cryptography.fernet import Fernet, MultiFernet
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    event = {"type": "message", "seq": 1234, "id": str(uuid.uuid4()), "from": "visitor"}
    event.update(body=BODY, at="2026-12-06T22:10:00+00:00")
    packed = msgpack.packb({"type": "broadcast", "event": event})
    fernet = MultiFernet([Fernet(Fernet.generate_key())])
    token = fernet.encrypt(packed)
    gcm = AESGCM(AESGCM.generate_key(bit_length=256))
    nonce = os.urandom(12)
    sealed = gcm.encrypt(nonce, packed, None)
    cases = [
        ("MultiFernet encrypt", lambda: fernet.encrypt(packed)),
        ("MultiFernet decrypt", lambda: fernet.decrypt(token)),
        ("AES-GCM encrypt", lambda: gcm.encrypt(os.urandom(12), packed, None)),
        ("AES-GCM decrypt", lambda: gcm.decrypt(nonce, sealed, None)),
    ]
    n = 50_000
    for name, call in cases:
        print(f"{name}: {timeit.timeit(call, number=n) / n * 1e6:.2f} µs per broadcast")


async def _through_threads(dsn, concurrency):
    import psycopg

    pool = ThreadPoolExecutor(CONNECTIONS)
    free = asyncio.Queue()
    for _ in range(CONNECTIONS):
        free.put_nowait(psycopg.connect(dsn, autocommit=True))
    loop = asyncio.get_running_loop()

    async def one(i):
        connection = await free.get()
        try:
            await loop.run_in_executor(
                pool, lambda: connection.execute(INSERT, (i, BODY.encode())).fetchone()
            )
        finally:
            free.put_nowait(connection)

    await _run(one, concurrency)
    pool.shutdown()


async def _on_the_loop(dsn, concurrency):
    import psycopg

    free = asyncio.Queue()
    for _ in range(CONNECTIONS):
        free.put_nowait(await psycopg.AsyncConnection.connect(dsn, autocommit=True))

    async def one(i):
        connection = await free.get()
        try:
            await (await connection.execute(INSERT, (i, BODY.encode()))).fetchone()
        finally:
            free.put_nowait(connection)

    await _run(one, concurrency)


async def _run(one, concurrency):
    gate = asyncio.Semaphore(concurrency)

    async def gated(i):
        async with gate:
            await one(i)

    await asyncio.gather(*(gated(i) for i in range(STATEMENTS)))


def hop_lever(dsn):
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute("DROP TABLE IF EXISTS bench_levers_hop")
        connection.execute(
            "CREATE TABLE bench_levers_hop (id bigserial PRIMARY KEY, conversation int, body bytea)"
        )
    try:
        for _round in range(2):
            for name, way in (("thread hop", _through_threads), ("async on loop", _on_the_loop)):
                for concurrency in (1, CONNECTIONS):
                    wall, cpu = time.perf_counter(), time.process_time()
                    asyncio.run(way(dsn, concurrency))
                    wall = (time.perf_counter() - wall) / STATEMENTS * 1e6
                    cpu = (time.process_time() - cpu) / STATEMENTS * 1e6
                    print(f"{name}, {concurrency} at once: {wall:.0f} µs wall, {cpu:.0f} µs CPU")
    finally:
        with psycopg.connect(dsn, autocommit=True) as connection:
            connection.execute("DROP TABLE IF EXISTS bench_levers_hop")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("lever", choices=["json", "layer", "hop"])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/hoc_bench_load"
    )
    args = parser.parse_args(argv)
    if args.lever == "json":
        json_lever()
    elif args.lever == "layer":
        layer_lever()
    else:
        hop_lever(args.database_url)


if __name__ == "__main__":
    main()
