"""B1, the practical limit: a raw `websockets` relay with no framework, persistence or
layer. ``python -m bench.relay --port P``; paths ``/relay/<conversation>/<role>``."""

import argparse
import asyncio
import resource

from websockets.asyncio.server import serve

peers = {}


async def handler(ws):
    _, _, conversation, role = ws.request.path.split("/", 3)
    pair = peers.setdefault(conversation, {})
    pair[role] = ws
    try:
        async for frame in ws:
            for other, peer in list(pair.items()):
                if other != role:
                    await peer.send(frame)
    except Exception:  # noqa: S110 - a peer going away mid-send is normal here
        pass
    finally:
        if pair.get(role) is ws:
            del pair[role]


async def main(port):
    async with serve(handler, "127.0.0.1", port, compression=None, ping_interval=None):
        await asyncio.Future()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    asyncio.run(main(parser.parse_args().port))
