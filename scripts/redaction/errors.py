#!/usr/bin/env python3
"""Per-type figures and examples of misses, false finds and touched hard negatives.

    scripts/redaction/errors.py GOLD.jsonl PRED.jsonl [--type PHONE_NUMBER] [--show 15]
"""
import argparse
import collections
import json

ap = argparse.ArgumentParser()
ap.add_argument("gold")
ap.add_argument("pred")
ap.add_argument("--type")
ap.add_argument("--show", type=int, default=12)
a = ap.parse_args()
gold = [json.loads(l) for l in open(a.gold, encoding="utf-8")]
pred = {d["id"]: d["spans"] for d in (json.loads(l) for l in open(a.pred, encoding="utf-8"))}
tp, fn, fp = collections.Counter(), collections.Counter(), collections.Counter()
misses, extras, negs = collections.defaultdict(list), collections.defaultdict(list), collections.defaultdict(list)
for g in gold:
    P = pred.get(g["id"], [])
    text = g["text"]
    used = set()
    for s in g["spans"]:
        hit = [j for j, p in enumerate(P) if p["type"] == s["type"] and p["start"] < s["end"] and s["start"] < p["end"] and j not in used]
        if hit:
            used.add(hit[0])
            tp[s["type"]] += 1
        else:
            fn[s["type"]] += 1
            misses[s["type"]].append((text, text[s["start"]:s["end"]], [(p["type"], text[p["start"]:p["end"]]) for p in P]))
    for j, p in enumerate(P):
        if j not in used:
            fp[p["type"]] += 1
            extras[p["type"]].append((text, text[p["start"]:p["end"]], [(s["type"], text[s["start"]:s["end"]]) for s in g["spans"]]))
    for n in g.get("negatives", []):
        if any(p["start"] < n["end"] and n["start"] < p["end"] for p in P):
            negs[n["type"]].append((text, text[n["start"]:n["end"]]))
for t in sorted(set(tp) | set(fn) | set(fp)):
    r = tp[t] / max(1, tp[t] + fn[t])
    p = tp[t] / max(1, tp[t] + fp[t])
    print(f"{t:15} P={p:.3f} R={r:.3f} tp={tp[t]} fn={fn[t]} fp={fp[t]}")
print("hard negatives touched:", {k: len(v) for k, v in negs.items()})
for t in ([a.type] if a.type else sorted(set(misses) | set(extras))):
    for text, v, other in misses[t][:a.show]:
        print(f"MISS {t}: {v!r} in {text!r} found {other}")
    for text, v, other in extras[t][:a.show]:
        print(f"FP   {t}: {v!r} in {text!r} gold {other}")
for t, items in negs.items():
    for text, v in items[:a.show]:
        print(f"NEG  {t}: {v!r} in {text!r}")
