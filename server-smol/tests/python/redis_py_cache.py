"""redis-py's client-side cache against server-smol.

Run by tests/e2e/redis_py.rs as: python3 redis_py_cache.py PORT MODE
MODE "cache": the server reports redis >= 7.4 (extended-redis-compatibility); redis-py's
built-in cache must serve repeated reads locally and drop entries the server invalidates.
MODE "refused": the server reports valkey; redis-py must refuse to enable its cache.
Exits non-zero with a message on any failure.
"""

import sys

import redis
from redis.cache import CacheConfig


def commands_processed(admin):
    return admin.info("stats")["total_commands_processed"]


def cache_mode(port):
    admin = redis.Redis(port=port)
    admin.set("greeting", "hello")
    client = redis.Redis(port=port, protocol=3, cache_config=CacheConfig())
    assert client.get("greeting") == b"hello"
    assert admin.info("clients")["tracking_clients"] == 1, "redis-py did not turn tracking on"

    # The second read is served from redis-py's cache: the server runs only the INFOs.
    before = commands_processed(admin)
    for _ in range(5):
        assert client.get("greeting") == b"hello"
    after = commands_processed(admin)
    assert after - before == 1, f"cached reads reached the server: {after - before - 1}"

    # Another client's write invalidates the cached copy: the next read sees the new value.
    admin.set("greeting", "bonjour")
    assert client.get("greeting") == b"bonjour", "stale value served after invalidation"

    # FLUSHALL empties the whole cache.
    assert client.get("greeting") == b"bonjour"
    admin.flushall()
    assert client.get("greeting") is None, "stale value served after FLUSHALL"
    client.close()
    admin.close()


def refused_mode(port):
    client = redis.Redis(port=port, protocol=3, cache_config=CacheConfig())
    try:
        client.get("x")
    except redis.exceptions.ConnectionError as e:
        assert "7.4" in str(e), str(e)
        return
    raise AssertionError("redis-py enabled its cache against a server reporting valkey")


def main():
    port, mode = int(sys.argv[1]), sys.argv[2]
    {"cache": cache_mode, "refused": refused_mode}[mode](port)
    print("ok")


if __name__ == "__main__":
    main()
