#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Fuzz the tar-to-report path of a fleet, as a lab host could attack it.

Each input is a tar archive of result bundles, as `tar -cf - .` on a host
sends it.  It is extracted into a fresh directory the way the fleet
extracts (regular files and directories only, no owners or modes, no
absolute or '..' names), or now and then by GNU tar as it is, links,
FIFOs and device nodes included (the reader must refuse those itself).
Then, as the fleet does with every bundle that came back: `bundle finish`
if it never finished, `report`, `bundle check`, `summary`, and sometimes
`gate` and the history index, each with flagbench-report under ASan and
UBSan (the debug build) and a time bound.

A finding is: a sanitizer report or a signal, an exit status other than
0, 1 or 2, a hang, an exit 2 with other than one line on stderr, a
canary outside the extraction directory changed, or the canary's secret
(which no input holds, but links point at) anywhere in what was written
or printed.  Each is saved as artifacts/<kind>-<n>.tar with a .txt
saying what ran and what it printed.  Inputs that show a new outcome
(command, exit status, the shape of the message) join the corpus.

  fuzz-tar.py --report BIN --seeds DIR --out DIR --seconds S [--seed N]

Run by scripts/fuzz-bundle --tar, outside CI.
"""
import argparse
import io
import json
import os
import random
import re
import shutil
import stat
import subprocess
import sys
import tarfile
import time

SPLIT_DICT = []


def load_dict(path):
    """libFuzzer dictionary lines: name="value" (value with \\xNN escapes)."""
    out = []
    try:
        for line in open(path, encoding="utf-8", errors="replace"):
            m = re.match(r'^\s*(?:\w+\s*=\s*)?"(.*)"\s*$', line)
            if m:
                out.append(m.group(1).encode().decode("unicode_escape").encode("latin-1", "replace"))
    except OSError:
        pass
    return out or [b'"verdict"', b'"PASS"', b"1e308", b"-1", b"null", b"[]", b"{}"]


# ------------------------------------------------------------ mutations

EVIL_NAMES = ["../escape", "/abs/file", "a/../../b", "x" * 300, "a\x1b[2Jb",
              "ato\u202emic", "sp ace", "new\nline", "star*", ".hidden",
              "-dash", "d/" * 40 + "deep"]
EVIL_STRINGS = ["\x1b]0;pwned\x07\x1b[2J", "ato\u202emic", "", "x" * 5000,
                "a\tb\nc", "\u2066iso\u2069", "PASS", "FAIL", "../../etc/passwd",
                "/etc/passwd", "javascript:alert(1)", "'; system('touch pwned'); '",
                "\x00"]
EVIL_NUMBERS = [0, -1, 1, 0.5, 1e308, -1e308, 2147483647, 2147483648,
                9007199254740993, 50000, 1e-300, 4096, 1000, 1001, 99999]


def members(data):
    """The archive's members and contents, or None when it does not parse."""
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as t:
            out = []
            for m in t.getmembers():
                body = t.extractfile(m).read() if m.isreg() else b""
                out.append((m, body))
            return out
    except (tarfile.TarError, OSError, EOFError, ValueError):
        return None


def build(items):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:", format=tarfile.GNU_FORMAT) as t:
        for m, body in items:
            if m.isreg():
                m.size = len(body)
                t.addfile(m, io.BytesIO(body))
            else:
                m.size = 0
                t.addfile(m)
    return buf.getvalue()


def mutate_json(rng, body):
    try:
        j = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    nodes = []

    def walk(x, depth=0):
        if depth > 30:
            return
        if isinstance(x, dict):
            for k in list(x):
                nodes.append((x, k))
                walk(x[k], depth + 1)
        elif isinstance(x, list):
            for i in range(len(x)):
                nodes.append((x, i))
                walk(x[i], depth + 1)
    walk(j)
    for _ in range(rng.randint(1, 4)):
        if not nodes:
            break
        parent, key = rng.choice(nodes)
        r = rng.random()
        try:
            if r < 0.3:
                parent[key] = rng.choice(EVIL_NUMBERS)
            elif r < 0.5:
                parent[key] = rng.choice(EVIL_STRINGS)
            elif r < 0.6:
                parent[key] = rng.choice([None, True, [], {}, [1, "a"]])
            elif r < 0.7 and isinstance(parent, dict):
                del parent[key]
            elif r < 0.8 and isinstance(parent, list) and parent:
                parent.append(parent[key])          # a duplicate entry
            elif r < 0.9 and isinstance(parent, list) and parent:
                parent.extend([parent[key]] * rng.choice([10, 1000, 5000]))
            else:
                parent[key] = [[[[parent[key]]]]]
        except (KeyError, IndexError, TypeError):
            pass
    text = json.dumps(j).encode()
    if rng.random() < 0.15:                       # a duplicate key, raw
        text = text.replace(b"{", b'{"verdict": "PASS", ', 1)
    return text


def mutate_bytes(rng, body):
    b = bytearray(body)
    for _ in range(rng.randint(1, 8)):
        r = rng.random()
        if not b or r < 0.3:
            at = rng.randint(0, len(b))
            b[at:at] = rng.choice(SPLIT_DICT)
        elif r < 0.6:
            b[rng.randrange(len(b))] = rng.randrange(256)
        elif r < 0.8:
            at = rng.randrange(len(b))
            del b[at:at + rng.randint(1, 64)]
        else:
            at = rng.randrange(len(b))
            b[at:at] = b[at:at + rng.randint(1, 256)]
    return bytes(b)


def top_of(name):
    """The bundle a member belongs to: its first component but '.'."""
    parts = [p for p in name.split("/") if p not in ("", ".")]
    return "./" + parts[0] if parts else "."


def mutate_member(rng, items, canary):
    """The file tree: types, names, links, duplicates, depth."""
    i = rng.randrange(len(items))
    m, body = items[i]
    n = tarfile.TarInfo(m.name)
    n.mode, n.mtime = m.mode, m.mtime
    r = rng.random()
    if r < 0.25:
        n.type = tarfile.SYMTYPE
        n.linkname = rng.choice([canary, "/dev/zero", "../../../" + os.path.basename(canary),
                                 "/etc/passwd", ".", "..", m.name, os.path.dirname(canary)])
        items[i] = (n, b"")
    elif r < 0.35:
        n.type = tarfile.LNKTYPE
        others = [x.name for x, _ in items if x.isreg()]
        n.linkname = rng.choice(others + [canary.lstrip("/")])
        items[i] = (n, b"")
    elif r < 0.45:
        n.type = rng.choice([tarfile.FIFOTYPE, tarfile.CHRTYPE, tarfile.BLKTYPE])
        n.devmajor, n.devminor = 1, 5               # /dev/zero
        items[i] = (n, b"")
    elif r < 0.6:
        n.name = top_of(m.name) + "/" + rng.choice(EVIL_NAMES)
        n.type = tarfile.REGTYPE
        items.append((n, body))
    elif r < 0.7:
        items.append((m, mutate_bytes(rng, body) if body else b"{}"))   # twice
    elif r < 0.8:
        del items[i]
    elif r < 0.9:
        for k in range(rng.choice([10, 200, 2000])):
            d = tarfile.TarInfo("%s/many/%d" % (top_of(m.name), k))
            items.append((d, b"x"))
    else:
        m.mode = rng.choice([0o4755, 0o000, 0o777, 0o2755])


def mutate(rng, data, canary):
    items = members(data)
    if items is None or not items or rng.random() < 0.03:
        return mutate_bytes(rng, data)              # the archive itself
    for _ in range(rng.randint(1, 3)):
        if rng.random() < 0.35:
            mutate_member(rng, items, canary)
            if not items:
                return data
            continue
        regs = [k for k, (m, b) in enumerate(items) if m.isreg() and b]
        if not regs:
            continue
        k = rng.choice(regs)
        m, body = items[k]
        new = mutate_json(rng, body) if rng.random() < 0.6 else None
        items[k] = (m, new if new is not None else mutate_bytes(rng, body))
    try:
        return build(items)
    except (ValueError, tarfile.TarError, UnicodeError, OverflowError):
        return data


# ----------------------------------------------------------- extraction

def extract_fleet(data, dst):
    """
    Regular files and directories only, no owners or modes, inside dst:
    no link is ever made, so no path below dst can lead out of it.
    """
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as t:
        for m in t.getmembers():
            parts = [p for p in m.name.split("/") if p not in ("", ".")]
            if m.name.startswith("/") or ".." in parts or not parts or \
                    not (m.isreg() or m.isdir()):
                continue
            path = os.path.join(dst, *parts)
            try:
                if m.isdir():
                    os.makedirs(path, 0o755, exist_ok=True)
                    continue
                os.makedirs(os.path.dirname(path), 0o755, exist_ok=True)
                with open(path, "wb") as f:
                    f.write(t.extractfile(m).read())
                os.chmod(path, 0o644)
            except OSError:
                continue                    # a file where a directory was


def extract_raw(data, dst):
    """GNU tar as it is (what the fleet did before): links, FIFOs, devices."""
    subprocess.run(["tar", "-x", "--no-same-owner", "-C", dst],
                   input=data, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=60)


# ---------------------------------------------------------------- oracle

class Finding(Exception):
    pass


def canary_state(d):
    out = []
    for root, dirs, files in os.walk(d):
        for f in sorted(dirs + files):
            p = os.path.join(root, f)
            st = os.lstat(p)
            body = open(p, "rb").read() if stat.S_ISREG(st.st_mode) else b""
            out.append((p, st.st_mode, st.st_size, st.st_mtime_ns, body))
    return out


def run(cmd, env, limit):
    try:
        p = subprocess.run(cmd, env=env, capture_output=True, timeout=limit)
    except subprocess.TimeoutExpired:
        raise Finding("timeout", " ".join(cmd))
    return p.returncode, p.stdout, p.stderr


def check_run(cmd, rc, out, err, secret):
    text = err.decode("utf-8", "replace")
    if re.search(r"Sanitizer|runtime error:|AddressSanitizer|LeakSanitizer", text):
        raise Finding("sanitizer", " ".join(cmd), text[-3000:])
    if rc not in (0, 1, 2):
        raise Finding("crash", " ".join(cmd), "exit %d\n%s" % (rc, text[-3000:]))
    if rc == 2 and len([l for l in text.splitlines() if l.strip()]) != 1:
        raise Finding("lines", " ".join(cmd), text[-3000:])
    if secret.encode() in out or secret.encode() in err:
        raise Finding("leak", " ".join(cmd), "the secret was printed")
    if b"\x1b" in out or b"\x1b" in err:
        raise Finding("escape", " ".join(cmd), "an escape character was printed raw")


def signature(cmd, rc, err):
    first = err.decode("utf-8", "replace").strip().splitlines()[:1]
    shape = re.sub(r"[0-9]+", "N", re.sub(r"/\S*", "P", first[0]))[:80] if first else ""
    return (cmd[1], rc, shape)


def one(report, data, work, canary_dir, secret, rng, with_gnuplot):
    """Extract @data and run the fleet's steps; the outcome signatures."""
    dst = os.path.join(work, "x")
    shutil.rmtree(dst, ignore_errors=True)
    os.makedirs(dst)
    raw = rng.random() < 0.3
    try:
        (extract_raw if raw else extract_fleet)(data, dst)
    except (tarfile.TarError, OSError, EOFError, ValueError, subprocess.TimeoutExpired):
        return set()
    env = dict(os.environ,
               ASAN_OPTIONS="exitcode=99:detect_leaks=1:abort_on_error=0",
               UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=98")
    if not with_gnuplot:
        env["PATH"] = "/nonexistent"
    sigs = set()
    bundles = []
    for name in sorted(os.listdir(dst)):
        p = os.path.join(dst, name)
        if os.path.isdir(p) and not os.path.islink(p) and \
                os.path.isfile(os.path.join(p, "bundle.json")):
            bundles.append(p)
    steps = []
    for b in bundles[:4]:
        try:
            txt = open(os.path.join(b, "bundle.json"), "rb").read(1 << 20)
        except OSError:
            txt = b""
        if not re.search(rb'"finished"\s*:\s*"', txt):
            steps.append([report, "bundle", "finish", b, "--interrupted", "fuzz: lost"])
        steps.append([report, "report", b, "--gnuplot-timeout", "20"])
        steps.append([report, "bundle", "check", b])
        steps.append([report, "summary", b])
        if rng.random() < 0.2:
            steps.append([report, "gate", b + ":nonatomic", b + ":atomic"])
    if bundles and rng.random() < 0.15:
        steps.append([report, "report", dst, "--no-plot"])
    for cmd in steps:
        rc, out, err = run(cmd, env, 60)
        check_run(cmd, rc, out, err, secret)
        sigs.add(signature(cmd, rc, err))
    if canary_state(canary_dir) != CANARY0:
        raise Finding("canary", "the canary outside the extraction changed")
    leak = subprocess.run(["grep", "-rlF", "-D", "skip", "--", secret, dst],
                          capture_output=True)
    if leak.stdout:
        raise Finding("leak", "the secret in " + leak.stdout.decode(errors="replace")[:500])
    return sigs


CANARY0 = None


def main():
    global CANARY0, SPLIT_DICT
    ap = argparse.ArgumentParser()
    ap.add_argument("--report", required=True)
    ap.add_argument("--seeds", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seconds", type=float, default=600)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--dict", default=None)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    SPLIT_DICT = load_dict(a.dict) if a.dict else load_dict("")
    work = os.path.join(a.out, "work")
    arts = os.path.join(a.out, "artifacts")
    corpus_dir = os.path.join(a.out, "corpus")
    canary_dir = os.path.join(a.out, "canary")
    for d in (work, arts, corpus_dir, canary_dir):
        os.makedirs(d, exist_ok=True)
    secret = "fuzz-canary-secret-%d" % rng.randrange(1 << 30)
    canary = os.path.join(canary_dir, "secret")
    with open(canary, "w") as f:
        f.write(secret + "\n")
    os.makedirs(os.path.join(canary_dir, "dir"), exist_ok=True)
    CANARY0 = canary_state(canary_dir)
    corpus = [open(os.path.join(a.seeds, f), "rb").read()
              for f in sorted(os.listdir(a.seeds))]
    corpus += [open(os.path.join(corpus_dir, f), "rb").read()
               for f in sorted(os.listdir(corpus_dir))]
    seen, found, n, start = set(), 0, 0, time.time()
    while time.time() - start < a.seconds:
        base = rng.choice(corpus)
        data = base if n < len(corpus) else mutate(rng, base, canary)
        n += 1
        try:
            sigs = one(a.report, data, work, canary_dir, secret, rng,
                       rng.random() < 0.05)
        except Finding as f:
            found += 1
            kind = f.args[0]
            path = os.path.join(arts, "%s-%d" % (kind, found))
            open(path + ".tar", "wb").write(data)
            open(path + ".txt", "w").write("\n".join(map(str, f.args)) + "\n")
            print("fuzz-tar: %s: %s" % (kind, f.args[1][:200]), flush=True)
            # The canary is rebuilt for the next input.
            shutil.rmtree(canary_dir, ignore_errors=True)
            os.makedirs(os.path.join(canary_dir, "dir"))
            with open(canary, "w") as fh:
                fh.write(secret + "\n")
            CANARY0 = canary_state(canary_dir)
            continue
        new = sigs - seen
        if new and n > len(corpus) and len(corpus) < 2000:
            seen |= new
            corpus.append(data)
            open(os.path.join(corpus_dir, "in-%d.tar" % n), "wb").write(data)
        seen |= sigs
        if n % 200 == 0:
            print("fuzz-tar: %d inputs, %d outcomes, corpus %d, %d findings, %.0fs"
                  % (n, len(seen), len(corpus), found, time.time() - start), flush=True)
    print("fuzz-tar: %.0fs, %d inputs, %d outcomes, corpus %d, %d findings"
          % (time.time() - start, n, len(seen), len(corpus), found))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
