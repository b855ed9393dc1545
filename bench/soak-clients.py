#!/usr/bin/env python3
"""The two sides of bench/soak.sh, against one registry (Python's standard library only).

  soak-clients.py legit   --base URL --credentials FILE --seconds N --out FILE.json
  soak-clients.py hostile --base URL --credentials FILE --victim FILE --seconds N --out FILE.json [sizes]

legit: what users do, paced, timing every operation: a login (GET /v2/ with Basic credentials
on a new connection, as `docker login` does), a push (POST an upload, PUT the blob with
?digest=, PUT a manifest) and a pull (GET the manifest, GET the blob), round after round.

hostile: what the attacks of issue 12 do, all at once, until the time is up: connections that
stay idle, connections that send their headers one byte a second, wrong passwords for the
legitimate user (and for users that do not exist), and upload sessions opened and abandoned.
A connection the server closes is opened again. The hostile side connects from 127.0.0.2, the
legitimate one from 127.0.0.1: on a real network the attacker is not at the user's address.

Credentials come from files (user:password), never from argv.
"""
import argparse
import asyncio
import base64
import hashlib
import http.client
import json
import os
import random
import sys
import threading
import time
import urllib.parse


def credentials(path):
    with open(path, encoding="utf-8") as f:
        user, password = f.read().strip().split(":", 1)
    return user, password


def basic(user, password):
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def percentile(sorted_values, p):
    if not sorted_values:
        return None
    rank = max(1, int(round(p / 100.0 * len(sorted_values) + 0.5)))  # nearest rank
    return sorted_values[min(rank, len(sorted_values)) - 1]


# ---------------------------------------------------------------------------------------------
# legit


class Failure(Exception):
    pass


class Legit:
    LAYER_BYTES = 64 * 1024

    def __init__(self, base, auth, seconds, workers):
        url = urllib.parse.urlsplit(base)
        self.host, self.port = url.hostname, url.port
        self.auth = auth
        self.seconds = seconds
        self.workers = workers
        self.lock = threading.Lock()
        self.times = {"login": [], "push": [], "pull": []}
        self.errors = {"login": [], "push": [], "pull": []}
        self.config = json.dumps({"architecture": "amd64", "os": "linux"}).encode()
        self.config_digest = "sha256:" + hashlib.sha256(self.config).hexdigest()
        self.pushed = []  # (tag, layer digest, size) that pulls pick from

    def connection(self):
        return http.client.HTTPConnection(self.host, self.port, timeout=30)

    def call(self, conn, method, path, body=None, headers=None, expect=(200,)):
        h = {"Authorization": self.auth}
        h.update(headers or {})
        conn.request(method, path, body=body, headers=h)
        response = conn.getresponse()
        data = response.read()
        if response.status not in expect:
            raise Failure(f"{method} {path.split('?')[0]}: {response.status} {data[:200]!r}")
        return response, data

    def push_blob(self, conn, repo, content):
        digest = "sha256:" + hashlib.sha256(content).hexdigest()
        response, _ = self.call(conn, "POST", f"/v2/{repo}/blobs/uploads/", expect=(202,))
        location = response.getheader("Location")
        path = urllib.parse.urlsplit(location)
        target = path.path + ("?" + path.query + "&" if path.query else "?") + "digest=" + digest
        self.call(conn, "PUT", target, body=content,
                  headers={"Content-Type": "application/octet-stream"}, expect=(201,))
        return digest

    def login(self, conn):
        fresh = self.connection()
        try:
            self.call(fresh, "GET", "/v2/")
        finally:
            fresh.close()

    def push(self, conn, worker, n):
        layer = os.urandom(self.LAYER_BYTES)
        digest = self.push_blob(conn, "soak/legit", layer)
        manifest = json.dumps({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                       "digest": self.config_digest, "size": len(self.config)},
            "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar",
                        "digest": digest, "size": len(layer)}],
        }).encode()
        tag = f"w{worker}-{n}"
        self.call(conn, "PUT", f"/v2/soak/legit/manifests/{tag}", body=manifest,
                  headers={"Content-Type": "application/vnd.oci.image.manifest.v1+json"}, expect=(201,))
        with self.lock:
            self.pushed.append((tag, digest, len(layer)))

    def pull(self, conn):
        with self.lock:
            tag, digest, size = random.choice(self.pushed)
        self.call(conn, "GET", f"/v2/soak/legit/manifests/{tag}",
                  headers={"Accept": "application/vnd.oci.image.manifest.v1+json"})
        _, data = self.call(conn, "GET", f"/v2/soak/legit/blobs/{digest}")
        if len(data) != size:
            raise Failure(f"GET blob: {len(data)} bytes, expected {size}")

    def worker(self, index, deadline):
        conn = self.connection()
        n = 0
        while time.monotonic() < deadline:
            for kind in ("login", "push", "pull"):
                if time.monotonic() >= deadline:
                    break
                start = time.monotonic()
                try:
                    if kind == "login":
                        self.login(conn)
                    elif kind == "push":
                        n += 1
                        self.push(conn, index, n)
                    else:
                        self.pull(conn)
                    elapsed = (time.monotonic() - start) * 1000
                    with self.lock:
                        self.times[kind].append(elapsed)
                except (Failure, OSError, http.client.HTTPException) as e:
                    with self.lock:
                        self.errors[kind].append(f"{type(e).__name__}: {e}")
                    conn.close()
                    conn = self.connection()
                time.sleep(0.05)  # paced: users, not a load generator
        conn.close()

    def run(self):
        setup = self.connection()
        self.push_blob(setup, "soak/legit", self.config)
        self.push(setup, 0, 0)  # something to pull from the start
        setup.close()
        deadline = time.monotonic() + self.seconds
        threads = [threading.Thread(target=self.worker, args=(i + 1, deadline)) for i in range(self.workers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        report = {}
        everything = []
        for kind, values in self.times.items():
            values.sort()
            everything.extend(values)
            report[kind] = summary(values, self.errors[kind])
        everything.sort()
        report["all"] = summary(everything, sum(self.errors.values(), []))
        return report


def summary(values, errors):
    return {
        "n": len(values) + len(errors),
        "errors": len(errors),
        "p50": percentile(values, 50),
        "p99": percentile(values, 99),
        "max": values[-1] if values else None,
        "first_errors": errors[:3],
    }


# ---------------------------------------------------------------------------------------------
# hostile


HOSTILE_SOURCE = "127.0.0.2"


class Hostile:
    def __init__(self, base, victim_user, attacker_auth, seconds, idle, slow, guessers, abandon_rate):
        url = urllib.parse.urlsplit(base)
        self.host, self.port = url.hostname, url.port
        self.victim_user = victim_user
        self.attacker_auth = attacker_auth
        self.seconds = seconds
        self.idle, self.slow, self.guessers, self.abandon_rate = idle, slow, guessers, abandon_rate
        self.counts = {}

    def count(self, key, n=1):
        self.counts[key] = self.counts.get(key, 0) + n

    async def open(self):
        # From another loopback address than the legitimate clients (127.0.0.1), as an attacker is
        # elsewhere: a registry that throttles per client address then tells them apart.
        return await asyncio.wait_for(
            asyncio.open_connection(self.host, self.port, local_addr=(HOSTILE_SOURCE, 0)), 5)

    async def read_response(self, reader):
        head = await reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        if length:
            await reader.readexactly(length)
        return status

    async def idle_connection(self, deadline):
        while time.monotonic() < deadline:
            try:
                reader, writer = await self.open()
            except (OSError, asyncio.TimeoutError):
                self.count("idle: connect failed")
                await asyncio.sleep(0.5)
                continue
            self.count("idle: opened")
            try:
                data = await asyncio.wait_for(reader.read(1), max(0.1, deadline - time.monotonic()))
                if data or reader.at_eof():
                    self.count("idle: closed by the server")
            except asyncio.TimeoutError:
                pass
            except OSError:
                self.count("idle: closed by the server")
            writer.close()
            await asyncio.sleep(0.1)

    async def slow_headers(self, deadline):
        request = f"GET /v2/ HTTP/1.1\r\nHost: {self.host}\r\nUser-Agent: slow\r\n\r\n".encode()
        while time.monotonic() < deadline:
            try:
                reader, writer = await self.open()
            except (OSError, asyncio.TimeoutError):
                self.count("slow headers: connect failed")
                await asyncio.sleep(0.5)
                continue
            self.count("slow headers: opened")
            closed = False
            for i in range(len(request)):
                if time.monotonic() >= deadline:
                    break
                try:
                    writer.write(request[i:i + 1])
                    await writer.drain()
                    await asyncio.wait_for(reader.read(1), 1.0)
                    closed = True  # an answer (408) or the end of the connection: cut off
                    break
                except asyncio.TimeoutError:
                    continue
                except OSError:
                    closed = True
                    break
            if closed:
                self.count("slow headers: closed by the server")
            writer.close()
            await asyncio.sleep(0.1)

    async def guesser(self, deadline):
        reader = writer = None
        while time.monotonic() < deadline:
            try:
                if writer is None:
                    reader, writer = await self.open()
                user = self.victim_user if random.random() < 0.75 else "nobody-" + os.urandom(4).hex()
                auth = basic(user, os.urandom(9).hex())  # never the same: no cache can help
                writer.write(f"GET /v2/ HTTP/1.1\r\nHost: {self.host}\r\nAuthorization: {auth}\r\n\r\n".encode())
                await writer.drain()
                status = await asyncio.wait_for(self.read_response(reader), 30)
                self.count(f"wrong passwords: {status}")
            except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ValueError, IndexError):
                self.count("wrong passwords: connection lost")
                if writer is not None:
                    writer.close()
                reader = writer = None
                await asyncio.sleep(0.1)
        if writer is not None:
            writer.close()

    async def abandoner(self, deadline):
        reader = writer = None
        while time.monotonic() < deadline:
            started = time.monotonic()
            try:
                if writer is None:
                    reader, writer = await self.open()
                writer.write((f"POST /v2/soak/abandoned/blobs/uploads/ HTTP/1.1\r\nHost: {self.host}\r\n"
                              f"Authorization: {self.attacker_auth}\r\nContent-Length: 0\r\n\r\n").encode())
                await writer.drain()
                status = await asyncio.wait_for(self.read_response(reader), 30)
                self.count(f"abandoned sessions: {status}")
            except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ValueError, IndexError):
                self.count("abandoned sessions: connection lost")
                if writer is not None:
                    writer.close()
                reader = writer = None
            await asyncio.sleep(max(0.0, 1.0 / self.abandon_rate - (time.monotonic() - started)))
        if writer is not None:
            writer.close()

    async def main(self):
        deadline = time.monotonic() + self.seconds
        tasks = [self.idle_connection(deadline) for _ in range(self.idle)]
        tasks += [self.slow_headers(deadline) for _ in range(self.slow)]
        tasks += [self.guesser(deadline) for _ in range(self.guessers)]
        tasks.append(self.abandoner(deadline))
        await asyncio.gather(*tasks)
        return dict(sorted(self.counts.items()))


def main():
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # hundreds of sockets
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("side", choices=["legit", "hostile"])
    parser.add_argument("--base", required=True)
    parser.add_argument("--credentials", required=True, help="file holding user:password")
    parser.add_argument("--victim", help="hostile: file holding the legitimate user:password (only the user is used)")
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--idle", type=int, default=500)
    parser.add_argument("--slow", type=int, default=200)
    parser.add_argument("--guessers", type=int, default=16)
    parser.add_argument("--abandon-rate", type=float, default=20)
    args = parser.parse_args()
    user, password = credentials(args.credentials)
    if args.side == "legit":
        result = Legit(args.base, basic(user, password), args.seconds, args.workers).run()
    else:
        victim, _ = credentials(args.victim)
        result = asyncio.run(Hostile(args.base, victim, basic(user, password), args.seconds,
                                     args.idle, args.slow, args.guessers, args.abandon_rate).main())
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=1)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
