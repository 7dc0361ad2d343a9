#!/usr/bin/env python3
"""csaf_download.py: a small CSAF downloader written from CSAF 2.0 section
7.3 (retrieving CSAF documents), to test a provider folder the way a
consumer reads it. Serves ROOT (the web server's root: the folder holding
.well-known/) on 127.0.0.1 with http.server, maps the provider's https
URLs onto it, then: reads .well-known/security.txt and follows its CSAF
line to provider-metadata.json; takes the public OpenPGP keys it lists;
follows every ROLIE feed of its distributions; downloads each entry's
document, its hashes and its signature; checks the hashes, the signature
(gpg --verify in a temporary GNUPGHOME), the file name (section 5.1) and
that the directory's index.txt lists nothing the feeds miss.
usage: csaf_download.py ROOT   exit 0 every document good, 1 problems, 2 usage"""
import functools
import hashlib
import http.server
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.request

if len(sys.argv) != 2:
    print(__doc__.strip().splitlines()[-1], file=sys.stderr)
    sys.exit(2)
root = sys.argv[1]


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


handler = functools.partial(Quiet, directory=root)
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
local = "http://127.0.0.1:%d/" % server.server_address[1]
problems = []
origin = None  # the provider's https origin, mapped onto the local server


class Missing(Exception):
    pass


def fetch(url):
    if origin and url.startswith(origin):
        url = local + url[len(origin):]
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.read()
    except urllib.error.HTTPError as e:
        raise Missing("%s: HTTP %d" % (url, e.code))


# 7.3.1 finding provider-metadata.json: security.txt's CSAF field first
sectxt = fetch(local + ".well-known/security.txt").decode("utf-8")
csaf_lines = [l.split(":", 1)[1].strip() for l in sectxt.splitlines() if l.startswith("CSAF:")]
if not csaf_lines:
    print("security.txt has no CSAF line")
    sys.exit(1)
m = re.match(r"(https://[^/]+/)", csaf_lines[0])
origin = m.group(1)
meta = json.loads(fetch(csaf_lines[0]))
if meta.get("canonical_url") != csaf_lines[0]:
    problems.append("provider-metadata.json: canonical_url %s is not where security.txt points" % meta.get("canonical_url"))

home = tempfile.mkdtemp(prefix="csaf-download-")
env = dict(os.environ, GNUPGHOME=home)
fprs = []
for key in meta.get("public_openpgp_keys", []):
    data = fetch(key["url"])
    subprocess.run(["gpg", "--batch", "--quiet", "--import"], input=data, env=env, check=True,
                   capture_output=True)
    fprs.append(key["fingerprint"].upper())
listed = subprocess.run(["gpg", "--batch", "--with-colons", "--list-keys"], env=env,
                        capture_output=True, text=True).stdout
have = [l.split(":")[9] for l in listed.splitlines() if l.startswith("fpr:")]
for f in fprs:
    if f not in have:
        problems.append("public key %s: the file at its url holds another key" % f)
trusted = meta.get("role") == "csaf_trusted_provider"

seen = set()
for dist in meta.get("distributions", []):
    for feed_ref in dist.get("rolie", {}).get("feeds", []):
        feed = json.loads(fetch(feed_ref["url"]))["feed"]
        for entry in feed.get("entry", []):
            links = {}
            for link in entry.get("link", []):
                links.setdefault(link["rel"], []).append(link["href"])
            url = entry["content"]["src"]
            seen.add(url)
            doc = fetch(url)
            tracking = json.loads(doc)["document"]["tracking"]
            name = re.sub(r"[^+\-a-z0-9]+", "_", tracking["id"].lower()) + ".json"
            if not url.endswith("/" + name):
                problems.append("%s: file name should be %s" % (url, name))
            hashes = links.get("hash", [])
            if not hashes:
                problems.append("%s: no hash link" % url)
            for h in hashes:
                algo = h.rsplit(".", 1)[1]
                want = fetch(h).decode().split()[0]
                got = hashlib.new(algo, doc).hexdigest()
                if want != got:
                    problems.append("%s: %s does not match" % (url, algo))
            sigs = links.get("signature", [])
            if trusted and not sigs:
                problems.append("%s: a trusted provider's entry without a signature" % url)
            for s in sigs:
                try:
                    sig = fetch(s)
                except Missing as e:
                    problems.append("%s: signature missing (%s)" % (url, e))
                    continue
                with tempfile.TemporaryDirectory() as t:
                    d, a = os.path.join(t, "doc.json"), os.path.join(t, "doc.json.asc")
                    open(d, "wb").write(doc)
                    open(a, "wb").write(sig)
                    r = subprocess.run(["gpg", "--batch", "--status-fd", "1", "--verify", a, d],
                                       env=env, capture_output=True, text=True)
                    # VALIDSIG <fpr> ... <primary-key-fpr>: the key that signed
                    good = [l.split()[-1].upper() for l in r.stdout.splitlines()
                            if l.startswith("[GNUPG:] VALIDSIG")]
                    if r.returncode != 0 or not good:
                        problems.append("%s: signature does not verify" % url)
                    elif not all(g in fprs for g in good):
                        problems.append("%s: signed by a key the provider does not list" % url)
    directory = dist.get("directory_url")
    if directory:
        for rel in fetch(directory + "index.txt").decode().split():
            if seen and directory + rel not in seen:
                problems.append("%s%s: in index.txt, in no ROLIE feed" % (directory, rel))
subprocess.run(["gpgconf", "--kill", "all"], env=env, capture_output=True)
subprocess.run(["rm", "-rf", home])
server.shutdown()
for p in problems:
    print(p)
print("%d documents downloaded, %d problems" % (len(seen), len(problems)))
sys.exit(1 if problems or not seen else 0)
