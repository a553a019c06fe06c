#!/usr/bin/env python3
# The checks of agree-test: BUNDLE WORK (WORK holds page/, gate-V.json and
# gate-V.txt, the gate's console, for V in atomic and atomic-twin against
# nonatomic).  Each surface is parsed as a reader sees it: the console and
# summary.txt as text, index.html through its tables.
import html.parser
import json
import re
import sys

B, W = sys.argv[1], sys.argv[2]
BASE, CANDS = "nonatomic", ("atomic", "atomic-twin")
summary = open(f"{W}/page/summary.txt").read()
page = open(f"{W}/page/index.html").read()
gates = {v: json.load(open(f"{W}/gate-{v}.json")) for v in CANDS}
consoles = {v: open(f"{W}/gate-{v}.txt").read() for v in CANDS}
fails = checked = 0


def bad(msg):
    global fails
    print("FAIL:", msg)
    fails += 1


class Tables(html.parser.HTMLParser):
    """Every <table id=...> of the page: rows of (text, class) cells."""

    def __init__(self):
        super().__init__()
        self.tables, self.cur, self.row, self.cell = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and a.get("id"):
            self.cur = self.tables.setdefault(a["id"], [])
        elif tag == "tr" and self.cur is not None:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = ["", a.get("class") or ""]

    def handle_endtag(self, tag):
        if tag == "table":
            self.cur = None
        elif tag == "tr" and self.row is not None:
            self.cur.append(self.row)
            self.row = None
        elif tag in ("td", "th") and self.cell is not None:
            self.row.append((" ".join(self.cell[0].split()), self.cell[1]))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[0] += data


tables = Tables()
tables.feed(page)


def block(text, line):
    """The lines of @text from @line to the next Observation line."""
    lines = text.splitlines()
    for i, l in enumerate(lines):
        if l == line:
            j = i + 1
            while j < len(lines) and not lines[j].startswith("Observation "):
                j += 1
            return lines[i:j]
    return None


# ---- every race result ------------------------------------------------------

# The seed races' table and the calibration shapes' (folded after it).
verdict_rows = {(r[0][0], r[1][0], r[2][0]): r
                for t in ("verdict-table", "shape-table")
                for r in tables.tables.get(t, [])[1:]}
for v in json.load(open(f"{B}/bundle.json"))["variants"]:
    races = json.load(open(f"{B}/variants/{v}/races.json"))["results"]
    terminal = open(f"{B}/variants/{v}/races.log").read()
    for r in races:
        s, n, k, word = r["scenario"], r["trials"], r["bad_trials"], r["observation"]
        line = f"Observation {s} Structural" if word == "Structural" else \
            f"Observation {s} {word} {k} {n - k}"
        checked += 1
        if line not in terminal.splitlines():
            bad(f"{v} {s}: terminal lacks '{line}'")
        # summary.txt: the Observation line, the variant's, the verdict's.
        lines = block(summary, line) or []
        who = [l for l in lines if l.startswith(f"  {v[:21]}/{r['pair_class']}:")]
        said = [m.group(1) for l in lines for m in [re.match(r"^    (PASS|WARN|FAIL)\b", l)] if m]
        if not who or not said:
            bad(f"{v} {s}: summary lacks '{line}' for {v} with its verdict")
            said = ["?"]
        # index.html: the verdict table's row, its LKMM word beside the count.
        row = verdict_rows.get((s, v, r["pair_class"]))
        lkmm = r.get("lkmm", {}).get("verdict", "-")
        if not row:
            bad(f"{v} {s}: index.html has no verdict row")
        elif [c[0] for c in row[5:8]] != [word, lkmm, f"{k} / {n}"] or \
                row[3][0] != r["expectation"]:
            bad(f"{v} {s}: index.html row {row} against {word} {lkmm} {k} / {n}")
        elif row[4][0].split()[0] != said[0] or row[4][1] != f"v-{said[0]}":
            bad(f"{v} {s}: index.html verdict {row[4]}, summary {said[0]}")
        elif row[9][0].split(" / ")[0] != str(r["reached_trials"]):
            bad(f"{v} {s}: index.html reached {row[9][0]}, races.json {r['reached_trials']}")
        # races.json's verdict is the run's own; with its word reference-free
        # (seen, structural) it is the bundle's too.
        if r["exposure"]["status"] in ("seen", "structural") and r["verdict"] != said[0]:
            bad(f"{v} {s}: races.json verdict {r['verdict']}, summary {said[0]}")
        # gate.json: the candidate's count, word and verdict (the gate sizes
        # a zero by its baseline, nonatomic, the bundle's reference here).
        if v in gates:
            g = [x for x in gates[v]["races"] if x["scenario"] == s and x["pair_class"] == r["pair_class"]]
            if len(g) != 1 or g[0]["cand_bad_trials"] != k or g[0]["observation"] != word or \
                    g[0]["verdict"] != said[0] or g[0]["cand_reached_trials"] != r["reached_trials"]:
                bad(f"{v} {s}: gate.json {g} against {k} {word} {said[0]}")
        if v == BASE:
            for gv in gates.values():
                g = [x for x in gv["races"] if x["scenario"] == s and x["pair_class"] == r["pair_class"]]
                if g and g[0]["base_bad_trials"] != k:
                    bad(f"{v} {s}: gate.json baseline count {g[0]['base_bad_trials']} != {k}")

# ---- throughput rows ---------------------------------------------------------

ROW = re.compile(r"^ *\S+ ±\s*\d+% +(\S+) (\*significant\*|nonzero|) +\S+ ±\s*\d+%  "
                 r"p_adj \S+ +mde \S+ +(?:control|gated) +(.+)$")


def pct(ratio):
    return f"{(ratio - 1) * 100:+.1f}%"


def console_rows(v):
    return {m.group(3): (m.group(1), m.group(2)) for l in consoles[v].splitlines()
            for m in [ROW.match(l)] if m}


def summary_rows(v):
    """The rows summary.txt lists for @v (its *significant* ones) and its count line."""
    lines = summary.splitlines()
    head = [i for i, l in enumerate(lines)
            if re.match(rf"^ +{re.escape(BASE)} ±%stddev +%change +{re.escape(v)} ±%stddev$", l)]
    rows, count = {}, None
    for i in range(head[0] + 1 if head else len(lines), len(lines) - 1):
        m = re.match(r"^ +\S+ ±\s*\d+% +(\S+) +\S+ ±\s*\d+%  \*significant\*$", lines[i + 1])
        if lines[i].startswith("  ") and not lines[i].startswith("   ") and m:
            rows[lines[i].strip()] = m.group(1)
        c = re.match(r"^  \((\d+) benchmarks? not \*significant\*, (\d+) of them nonzero\)$", lines[i])
        if c:
            count = (int(c.group(1)), int(c.group(2)))
            break
    return rows, count


def page_cells(v):
    """Benchmark -> (text, class) of @v's column in the throughput tables."""
    cells = {}
    for tid in ("tp-changed", "tp-controls"):
        t = tables.tables.get(tid, [])
        if not t:
            continue
        col = [c[0] for c in t[0]].index(v)
        for row in t[1:]:
            cells[row[0][0]] = row[col]
    return cells


tp_checked = 0
for v in CANDS:
    con, (listed, count), cells = console_rows(v), summary_rows(v), page_cells(v)
    rows = gates[v]["throughput"]
    if not rows or count is None:
        bad(f"{v}: gate.json has no throughput rows, or summary.txt no count line")
        continue
    same = [x for x in rows if x["status"] == "same"]
    if count != (len(same), sum(x["nonzero"] for x in same)):
        bad(f"{v}: summary counts {count}, gate.json {len(same)} not significant")
    for x in rows:
        name, p, sig = x["benchmark"], pct(x["ratio"]), x["status"] != "same"
        mark = "*significant*" if sig else "nonzero" if x["nonzero"] else ""
        tp_checked += 1
        if x["significant"] != sig:
            bad(f"{v} {name}: gate.json significant {x['significant']}, status {x['status']}")
        if con.get(name) != (p, mark):
            bad(f"{v} {name}: console {con.get(name)}, gate.json {(p, mark)}")
        if (listed.get(name) == p) != sig or (name in listed) != sig:
            bad(f"{v} {name}: summary {listed.get(name)}, gate.json {p} {x['status']}")
        text, cls = cells.get(name, ("", ""))
        words = text.split()
        page_mark = "*significant*" if "*significant*" in words else "nonzero" if "nonzero" in words else ""
        page_status = "slower" if "slower" in cls else "faster" if "faster" in cls else "same"
        if not words or words[0] != p or page_mark != mark or page_status != x["status"]:
            bad(f"{v} {name}: index.html '{text}' ({cls}), gate.json {p} {mark} {x['status']}")

# ---- race rows ------------------------------------------------------------------


def ratio_text(x):
    if x["change"] == "none":
        return "-"
    if x["cand_bad_trials"] == 0 and x["base_bad_trials"] > 0:
        return f"<= {x['rate_ratio_hi']:.3g} (95%)"
    if x["base_bad_trials"] == 0 and x["cand_bad_trials"] > 0:
        return f">= {x['rate_ratio_lo']:.3g} (95%)"
    return f"{x['rate_ratio']:.3g} (95% {x['rate_ratio_lo']:.3g}..{x['rate_ratio_hi']:.3g})"


def console_races(v):
    """(scenario, pair) -> (change, ratio text) from the gate's console."""
    out, key = {}, None
    for l in consoles[v].splitlines():
        m = re.match(r"^Observation (\S+) ", l)
        if m:
            scen = m.group(1)
        m = re.match(r"^  candidate, (\S+): ", l)
        if m:
            key = (scen, m.group(1))
            out[key] = ("none", "-")
        m = re.match(r"^  (?:rate ratio candidate/baseline|0 in \d+, candidate/baseline ratio) "
                     r"(.*?(?:\)|\(95%\)))(?:,[^:]*)?, p=\S+: (\w+)$", l)
        if m and key:
            out[key] = (m.group(2), m.group(1))
    return out


def summary_races(v):
    """(scenario, pair) -> (change, ratio text, verdict) from summary.txt."""
    lines, out, at = summary.splitlines(), {}, None
    for i, l in enumerate(lines):
        if re.match(rf"^{re.escape(v)}( \(drift floor x\S+\))?:$", l):
            at = i
            continue
        if at is None:
            continue
        if not l.startswith("  "):
            break
        m = re.match(r"^  (\S+?)/(\S+): (\w+)(?:, ratio (.*))?$", l)
        if m:
            verdict = re.search(r"; (PASS|WARN|FAIL)\b", " ".join(lines[i + 1:i + 4]))
            out[(m.group(1), m.group(2))] = (m.group(3), m.group(4) or "-",
                                             verdict and verdict.group(1))
    return out


def page_races(v):
    out = {}
    for tid in ("race-changes", "race-controls"):
        for row in tables.tables.get(tid, [])[1:]:
            if row[1][0] == v:
                out[(row[0][0], row[2][0])] = (row[5][0], row[6][0], row[9][0].split()[0])
    return out


race_checked = 0
for v in CANDS:
    con, summ, pg = console_races(v), summary_races(v), page_races(v)
    for x in gates[v]["races"]:
        if x["base_bad_trials"] is None:
            continue
        key, want = (x["scenario"], x["pair_class"]), (x["change"], ratio_text(x))
        race_checked += 1
        if con.get(key) != want:
            bad(f"{v} {key}: console {con.get(key)}, gate.json {want}")
        if summ.get(key) != want + (x["verdict"],):
            bad(f"{v} {key}: summary {summ.get(key)}, gate.json {want + (x['verdict'],)}")
        if pg.get(key) != want + (x["verdict"],):
            bad(f"{v} {key}: index.html {pg.get(key)}, gate.json {want + (x['verdict'],)}")

print(f"agree: {checked} race results, {tp_checked} throughput rows, "
      f"{race_checked} race comparisons checked, {fails} disagreements")
sys.exit(1 if fails or not checked or not tp_checked or not race_checked else 0)
