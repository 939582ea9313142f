#!/usr/bin/env python3
"""HTTP clients for deploy/bench/gc-bench.sh (Python 3 standard library only).

  fill    push N images (a unique config and LAYERS unique layers each, Docker schema 2) over REPOS
          repositories, tagged, with monolithic POST + PUT uploads; writes "repo tag digest" lines.
          The bytes depend only on the image number (from FIRST on), so two registries get the same data set.
  delete  delete every second image of a fill's list (the odd lines) by digest.
  load    push new images and pull the kept ones (the even lines) until a stop file appears or
          --seconds pass; prints one JSON line with counts and rates.

Each client thread keeps one HTTP/1.1 connection open. A push that a registry refuses because
garbage collection took a layer first (BLOB_UNKNOWN, MANIFEST_BLOB_UNKNOWN) is retried whole, as a
client would, and counted.
"""
import argparse
import hashlib
import http.client
import json
import os
import random
import resource
import sys
import threading
import time
import urllib.parse

CONFIG_TYPE = "application/vnd.docker.container.image.v1+json"
LAYER_TYPE = "application/vnd.docker.image.rootfs.diff.tar.gzip"
MANIFEST_TYPE = "application/vnd.docker.distribution.manifest.v2+json"


class Refused(Exception):
    def __init__(self, what, status, body):
        super().__init__(f"{what}: HTTP {status} {body[:200]!r}")
        self.status = status
        self.body = body


class Client:
    """One keep-alive connection to the registry; reconnects after an error."""

    def __init__(self, url):
        parsed = urllib.parse.urlsplit(url)
        self.host, self.port = parsed.hostname, parsed.port
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
            try:
                self.conn.request(method, path, body=body, headers=headers or {})
                response = self.conn.getresponse()
                data = response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return response.status, response.getheader("Location"), data
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise

    def upload(self, repo, data):
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        status, location, body = self.request("POST", f"/v2/{repo}/blobs/uploads/",
                                              headers={"Content-Length": "0"})
        if status != 202:
            raise Refused("POST upload", status, body)
        target = urllib.parse.urlsplit(location)
        query = (target.query + "&" if target.query else "") + "digest=" + digest
        status, _, body = self.request("PUT", f"{target.path}?{query}", body=data,
                                       headers={"Content-Type": "application/octet-stream"})
        if status != 201:
            raise Refused("PUT upload", status, body)
        return digest

    def push_image(self, repo, tag, config, layers):
        """Pushes the blobs and the manifest; returns the manifest's digest."""
        descriptors = []
        for media_type, data in [(CONFIG_TYPE, config)] + [(LAYER_TYPE, layer) for layer in layers]:
            descriptors.append({"mediaType": media_type, "size": len(data), "digest": self.upload(repo, data)})
        manifest = json.dumps({"schemaVersion": 2, "mediaType": MANIFEST_TYPE, "config": descriptors[0],
                               "layers": descriptors[1:]}, separators=(",", ":")).encode()
        status, _, body = self.request("PUT", f"/v2/{repo}/manifests/{tag}", body=manifest,
                                       headers={"Content-Type": MANIFEST_TYPE})
        if status != 201:
            raise Refused("PUT manifest", status, body)
        return "sha256:" + hashlib.sha256(manifest).hexdigest()

    def get(self, path, accept=None):
        status, location, body = self.request("GET", path, headers={"Accept": accept} if accept else {})
        if status in (301, 302, 303, 307, 308) and location:
            target = urllib.parse.urlsplit(location)
            redirected = Client(f"http://{target.hostname}:{target.port}")
            status, _, body = redirected.request("GET", target.path + ("?" + target.query if target.query else ""))
        if status != 200:
            raise Refused("GET " + path, status, body)
        return body


def image_bytes(number, layers, size, rng=None):
    """A config and layers unique to the image; from the image number unless rng is given."""
    rng = rng or random.Random(number)
    config = json.dumps({"architecture": "amd64", "os": "linux",
                         "config": {"Labels": {"gc-bench": str(number), "salt": rng.getrandbits(64)}},
                         "rootfs": {"type": "layers", "diff_ids": []}}).encode()
    return config, [rng.randbytes(size) for _ in range(layers)]


def parallel(clients, work):
    errors = []

    def run(k):
        try:
            work(k)
        except Exception as e:  # reported, the other threads go on
            errors.append(f"client {k}: {e}")

    threads = [threading.Thread(target=run, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def fill(args):
    lines = [None] * args.manifests
    done = [0]
    lock = threading.Lock()
    start = time.monotonic()

    def work(k):
        client = Client(args.url)
        for i in range(k, args.manifests, args.clients):
            n = args.first + i
            repo, tag = f"gcbench/r{n % args.repos:03d}", f"t{n}"
            config, layers = image_bytes(n, args.layers, args.size)
            lines[i] = f"{repo} {tag} {client.push_image(repo, tag, config, layers)}"
            with lock:
                done[0] += 1
                if done[0] % 1000 == 0:
                    print(f"fill: {done[0]} images, {done[0] / (time.monotonic() - start):.0f}/s", file=sys.stderr)

    errors = parallel(args.clients, work)
    if errors or None in lines:
        sys.exit("fill failed: " + "; ".join(errors[:5]))
    with open(args.out, "w") as out:
        out.write("\n".join(lines) + "\n")
    elapsed = time.monotonic() - start
    print(json.dumps({"images": args.manifests, "seconds": round(elapsed, 1),
                      "images_per_s": round(args.manifests / elapsed, 1)}))


def read_list(path):
    with open(path) as f:
        return [line.split() for line in f if line.strip()]


def delete(args):
    doomed = read_list(args.list)[1::2]
    start = time.monotonic()

    def work(k):
        client = Client(args.url)
        for repo, _, digest in doomed[k::args.clients]:
            status, _, body = client.request("DELETE", f"/v2/{repo}/manifests/{digest}")
            if status != 202:
                raise Refused("DELETE " + digest, status, body)

    errors = parallel(args.clients, work)
    if errors:
        sys.exit("delete failed: " + "; ".join(errors[:5]))
    print(json.dumps({"deleted": len(doomed), "seconds": round(time.monotonic() - start, 1)}))


def percentile(values, p):
    if not values:
        return 0
    values = sorted(values)
    return values[min(len(values) - 1, int(p * len(values)))]


def load(args):
    kept = read_list(args.list)[0::2]
    stop = threading.Event()
    lock = threading.Lock()
    stats = {"pushes": 0, "push_retries": 0, "push_errors": 0, "pulls": 0, "pull_errors": 0}
    push_latency, errors = [], []

    def count(key, latency=None, error=None):
        with lock:
            stats[key] += 1
            if latency is not None:
                push_latency.append(latency)
            if error is not None and len(errors) < 10:
                errors.append(error)

    def pusher(k):
        client = Client(args.url)
        rng = random.Random(os.urandom(16))
        n = 0
        while not stop.is_set():
            n += 1
            config, layers = image_bytes(0, args.layers, args.size, rng)
            began = time.monotonic()
            for attempt in range(1, 4):
                try:
                    client.push_image(f"gcbench/{args.tag}{k}", f"{args.tag}{n}", config, layers)
                    count("pushes", time.monotonic() - began)
                    break
                except Refused as e:
                    gone = b"BLOB_UNKNOWN" in e.body
                    if gone and attempt < 3:
                        count("push_retries")
                        continue
                    count("push_errors", error=str(e))
                    break
                except Exception as e:
                    count("push_errors", error=repr(e))
                    break

    def puller(k):
        client = Client(args.url)
        rng = random.Random(k)
        while not stop.is_set():
            repo, tag, _ = rng.choice(kept)
            try:
                manifest = json.loads(client.get(f"/v2/{repo}/manifests/{tag}", accept=MANIFEST_TYPE))
                for descriptor in [manifest["config"]] + manifest["layers"]:
                    client.get(f"/v2/{repo}/blobs/{descriptor['digest']}")
                count("pulls")
            except Exception as e:
                count("pull_errors", error=str(e))

    threads = [threading.Thread(target=pusher, args=(k,)) for k in range(args.push_clients)]
    threads += [threading.Thread(target=puller, args=(k,)) for k in range(args.pull_clients)]
    start = time.monotonic()
    for t in threads:
        t.start()
    deadline = start + args.seconds
    while time.monotonic() < deadline and not (args.stop_file and os.path.exists(args.stop_file)):
        time.sleep(0.1)
    stop.set()
    elapsed = time.monotonic() - start
    for t in threads:
        t.join()
    stats.update({"seconds": round(elapsed, 1),
                  "pushes_per_s": round(stats["pushes"] / elapsed, 2),
                  "pulls_per_s": round(stats["pulls"] / elapsed, 2),
                  "push_p50_ms": round(percentile(push_latency, 0.5) * 1000),
                  "push_p99_ms": round(percentile(push_latency, 0.99) * 1000),
                  "cpu_s": round(sum(resource.getrusage(resource.RUSAGE_SELF)[:2]), 1),
                  "errors": errors})
    print(json.dumps(stats))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["fill", "delete", "load"])
    parser.add_argument("--url", required=True)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--manifests", type=int, default=10000)
    parser.add_argument("--first", type=int, default=0,
                        help="fill: the first image's number (another number, other bytes: a second fill pushes new blobs)")
    parser.add_argument("--repos", type=int, default=100)
    parser.add_argument("--layers", type=int, default=4)
    parser.add_argument("--size", type=int, default=1024, help="bytes per layer")
    parser.add_argument("--out")
    parser.add_argument("--list")
    parser.add_argument("--push-clients", type=int, default=4)
    parser.add_argument("--pull-clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--stop-file")
    parser.add_argument("--tag", default="load", help="name prefix of the load's repositories and tags")
    args = parser.parse_args()
    {"fill": fill, "delete": delete, "load": load}[args.command](args)


if __name__ == "__main__":
    main()
