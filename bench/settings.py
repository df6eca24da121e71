"""Settings for the benchmarks: the application's own, plus a bare view.

BENCH_LAYER=channels_redis runs on channels_redis's own PubSub layer instead of ours
(hoc/channel_layer.py), to measure what our layer's publishing lanes change."""

import os

from hoc.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

if os.environ.get("BENCH_LAYER") == "channels_redis":
    CHANNEL_LAYERS["default"]["BACKEND"] = "channels_redis.pubsub.RedisPubSubChannelLayer"  # noqa: F405
