#!/usr/bin/env python3
"""The lockstep turn-taker (flagbench-report lockstep), with scripted clients.

Each client speaks the throughput processes' protocol ("W key\\n", then one
'G' byte) over the socket.  Checked:
  - no turn before every expected process is in and waiting;
  - one turn at a time: no grant while another client holds the turn;
  - a benchmark goes round every client before the next benchmark, and its
    runs go round them in turn (run j of every client before run j+1 of
    any);
  - a client that dies holding the turn, or sends garbage, frees it and the
    others go on; the coordinator exits 0 once all are gone;
  - the start timeout lets those connected go on (and says so);
  - bad options exit 2 with one line.
   lockstep.py FLAGBENCH_REPORT WORK_DIR
"""
import os
import socket
import subprocess
import sys
import threading
import time

REPORT, WORK = sys.argv[1], sys.argv[2]
os.makedirs(WORK, exist_ok=True)
failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)
        print("FAIL: " + msg)


def start(name, clients, extra=()):
    path = os.path.join(WORK, name)
    if os.path.exists(path):
        os.unlink(path)
    p = subprocess.Popen([REPORT, "lockstep", "--socket", path, "--clients",
                          str(clients), *extra],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    for _ in range(200):
        if os.path.exists(path):
            break
        time.sleep(0.01)
    return p, path


class Client:
    def __init__(self, path, name, log, lock):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.connect(path)
        self.name, self.log, self.lock = name, log, lock

    def turn(self, key, work=0.002):
        """Ask for the turn at @key, hold it for @work seconds."""
        self.s.sendall(("W %s\n" % key).encode())
        g = self.s.recv(1)
        if g != b"G":
            return False
        with self.lock:
            self.log.append(("start", self.name, key))
        time.sleep(work)
        with self.lock:
            self.log.append(("end", self.name, key))
        return True

    def close(self):
        self.s.close()


def run_clients(path, plan, names, start_delay=None):
    """Each client runs its keys (in order) in its own thread."""
    log, lock = [], threading.Lock()
    clients = {}

    def body(n):
        if start_delay and n in start_delay:
            time.sleep(start_delay[n])
        c = Client(path, n, log, lock)
        clients[n] = c
        for key in plan[n]:
            if not c.turn(key):
                break
        c.close()

    ts = [threading.Thread(target=body, args=(n,)) for n in names]
    for t in ts:
        t.start()
    for t in ts:
        t.join(30)
    return log


def one_at_a_time(log):
    holder = None
    for ev, n, _ in log:
        if ev == "start":
            if holder is not None:
                return False
            holder = n
        else:
            holder = None
    return True


# 1. Three clients, the same plan: two benchmarks, three runs each.
p, path = start("three", 3)
names = ["a", "b", "c"]
plan = {n: ["k1\t1"] * 3 + ["k2\t2"] * 3 for n in names}
log = run_clients(path, plan, names, start_delay={"c": 0.3})
out, err = p.communicate(timeout=10)
check(p.returncode == 0, "three clients: exit %d, %s" % (p.returncode, err))
starts = [(n, k) for ev, n, k in log if ev == "start"]
check(len(starts) == 18, "three clients: %d turns, want 18" % len(starts))
check(one_at_a_time(log), "three clients: two turns overlapped")
# No turn before the late client was in: its first turn is among the first 3.
check(("c", "k1\t1") in starts[:3],
      "three clients: turns began before every client was in: %s" % starts[:3])
keys = [k for _, k in starts]
check(keys == ["k1\t1"] * 9 + ["k2\t2"] * 9,
      "three clients: a benchmark did not go round all before the next: %s" % keys)
for i in range(0, 18, 3):
    check(sorted(n for n, _ in starts[i:i + 3]) == names,
          "three clients: runs %d-%d not one per client: %s" % (i, i + 2, starts[i:i + 3]))
check("3 processes, 18 turns, 2 benchmark switches" in out,
      "three clients: summary line: %r" % out)

# 2. Different run counts (Google Benchmark's estimation runs differ by
# process): the one with more runs of k1 finishes them before k2 starts.
p, path = start("uneven", 2)
plan = {"a": ["k1"] * 2 + ["k2"] * 2, "b": ["k1"] * 4 + ["k2"] * 2}
log = run_clients(path, plan, ["a", "b"])
out, err = p.communicate(timeout=10)
starts = [(n, k) for ev, n, k in log if ev == "start"]
check(p.returncode == 0 and one_at_a_time(log), "uneven: exit %d or overlap" % p.returncode)
check([k for _, k in starts] == ["k1"] * 6 + ["k2"] * 4,
      "uneven: k2 began before every k1 run: %s" % starts)

# 3. A client that dies holding the turn, and one that sends garbage: the
# others go on, and the coordinator exits 0 when all are gone.
p, path = start("dying", 3)
log, lock = [], threading.Lock()
res = {}


def dier():
    c = Client(path, "d", log, lock)
    c.s.sendall(b"W k1\n")
    c.s.recv(1)
    time.sleep(0.05)
    c.s.close()             # dies holding the turn


def garbage():
    c = Client(path, "g", log, lock)
    time.sleep(0.1)
    c.s.sendall(b"hello\n")
    res["g"] = c.s.recv(1)  # b"": dropped
    c.s.close()


def good():
    c = Client(path, "ok", log, lock)
    res["ok"] = all(c.turn("k1") for _ in range(3))
    c.close()


ts = [threading.Thread(target=f) for f in (dier, garbage, good)]
for t in ts:
    t.start()
for t in ts:
    t.join(30)
out, err = p.communicate(timeout=10)
check(res.get("ok") is True, "dying: the good client did not get its turns")
check(res.get("g") == b"", "dying: garbage was not dropped: %r" % res.get("g"))
check(p.returncode == 0, "dying: exit %d: %s" % (p.returncode, err))
check("malformed" in err, "dying: no word on the malformed request: %r" % err)

# 4. Fewer clients than expected: after the start timeout, those in go on.
p, path = start("short", 3, ("--start-timeout", "0.5"))
t0 = time.time()
log = run_clients(path, {"a": ["k"] * 2}, ["a"])
out, err = p.communicate(timeout=10)
check(p.returncode == 0 and len(log) == 4, "short: exit %d, %d events" % (p.returncode, len(log)))
check(time.time() - t0 >= 0.45, "short: turns began before the start timeout")
check("1 of 3 processes connected" in err, "short: no word on the missing: %r" % err)

# 5. Nobody comes: exit 2 after the start timeout, one line.
p, path = start("nobody", 2, ("--start-timeout", "0.3"))
out, err = p.communicate(timeout=10)
check(p.returncode == 2 and err.count("\n") == 1 and "no process connected" in err,
      "nobody: exit %d, %r" % (p.returncode, err))
check(not os.path.exists(path), "nobody: the socket was left behind")

# 6. Bad options: exit 2, one line each.
for args in (["--clients", "2"], ["--socket", os.path.join(WORK, "x"), "--clients", "0"],
             ["--socket", os.path.join(WORK, "x"), "--clients", "2", "--bogus", "1"],
             ["--socket", "/nonexistent/dir/sock", "--clients", "2"],
             ["--socket", "/tmp/" + "x" * 120, "--clients", "2"],
             ["--socket", os.path.join(WORK, "x"), "--clients", "2", "--start-timeout", "-1"]):
    r = subprocess.run([REPORT, "lockstep", *args], capture_output=True, text=True, timeout=10)
    check(r.returncode == 2 and r.stderr.count("\n") == 1,
          "options %s: exit %d, %r" % (args, r.returncode, r.stderr))

if failures:
    sys.exit(1)
print("ok: lockstep turns: one at a time, a benchmark round all before the next")
