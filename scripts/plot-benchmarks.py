#!/usr/bin/env python3
"""Plots the `--json` output of `tss bench protocol` and `tss bench proofs` (issue #13).

Writes
  <out>/protocol-per-party.png       seconds per party by protocol (log scale), each bar annotated
                                     with its modexp-equivalents (seconds per party / the same run's
                                     GMP powm 2048/2048 time) and, where issue #13 sets one, the goal;
  <out>/proofs-fast-vs-reference.png prove and verify time of each proof (log scale); when the JSON
                                     has "reference_prove_ms" / "reference_verify_ms" (the oracle
                                     path), those are drawn beside them as hatched bars.

Usage (from the repository root, after the benchmark runs):
  .build/release/tss bench protocol --json > protocol-t2.json
  .build/release/tss bench protocol --threshold 3 --only "Presign (t" --json > protocol-t3.json
  .build/release/tss bench proofs --json > proofs.json
  python3 scripts/plot-benchmarks.py --protocol protocol-t2.json --protocol protocol-t3.json \\
      --proofs proofs.json --out docs/img

Needs matplotlib (`pip install matplotlib`). Several --protocol files are drawn side by side,
labelled by their parameters, n and t.
"""

import argparse
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

# Issue #13's goals, in modexp-equivalents per party (production112, 3 parties).
GOALS = [
    ("Presign failure round", 2500),
    ("Presign (t parties)", 40),
    ("AuxGen", 250),
]


def goal_for(protocol):
    for prefix, goal in GOALS:
        if protocol.startswith(prefix):
            return goal
    return None


def number(value):
    """3 significant digits, without exponents; thousands separated."""
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def load(path):
    with open(path) as handle:
        return json.load(handle)


def run_label(entry):
    return f"{entry['parameters']}, n={entry['parties']}, t={entry['threshold']}"


def plot_protocols(paths, out):
    rows = []  # (protocol, run label, seconds, modexp-equivalents, modexp ms)
    for path in paths:
        data = load(path)
        for entry in data["benchmarks"]:
            rows.append((entry["protocol"], run_label(entry), entry["seconds_per_party"],
                         entry.get("modexp_equivalents"), data.get("modexp_ms", entry.get("modexp_ms"))))
    if not rows:
        sys.exit("no protocol entries")
    runs = list(dict.fromkeys(r[1] for r in rows))
    protocols = list(dict.fromkeys(r[0] for r in rows))
    height = 0.8 / len(runs)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    fig, ax = plt.subplots(figsize=(11, 0.55 * len(protocols) * max(1, len(runs) * 0.7) + 1.8))
    largest = max(r[2] for r in rows)
    for run_index, run in enumerate(runs):
        for protocol_index, protocol in enumerate(protocols):
            match = [r for r in rows if r[0] == protocol and r[1] == run]
            if not match:
                continue
            _, _, seconds, equivalents, _ = match[0]
            y = protocol_index + (run_index - (len(runs) - 1) / 2) * height
            ax.barh(y, seconds, height=height * 0.9, color=colours[run_index % len(colours)],
                    label=run if protocol_index == 0 or not any(
                        r[1] == run for r in rows if protocols.index(r[0]) < protocol_index) else None)
            text = f"{number(seconds)} s"
            if equivalents is not None:
                text += f" = {equivalents:,.0f} modexp-eq"
                goal = goal_for(protocol)
                if goal is not None:
                    text += f" (goal ≤ {goal:,})"
            ax.text(seconds * 1.08, y, text, va="center", fontsize=8.5)
    ax.set_yticks(range(len(protocols)))
    ax.set_yticklabels(protocols)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlim(right=largest * 400)
    ax.set_xlabel("seconds per party (log scale; simulation time ÷ parties taking part)")
    # One reference per run (its top-level modexp_ms); each entry's ratio uses its own samples.
    modexp = {r[1]: r[4] for r in rows if r[4] is not None}
    subtitle = ("same-run GMP powm 2048/2048 (run median): "
                + "; ".join(f"{m:.2f} ms ({run.split(', ')[-1]} run)" for run, m in modexp.items())) if modexp else ""
    ax.set_title("tss bench protocol — per-party time by protocol\n" + subtitle, fontsize=11)
    handles, labels = ax.get_legend_handles_labels()
    unique = dict(zip(labels, handles))
    ax.legend(unique.values(), unique.keys(), loc="upper right", fontsize=9)
    ax.grid(axis="x", which="major", alpha=0.3)
    fig.tight_layout()
    path = os.path.join(out, "protocol-per-party.png")
    fig.savefig(path, dpi=120)
    plt.close(fig)
    print(f"wrote {path}")


def plot_proofs(path, out):
    data = load(path)
    entries = data["benchmarks"]
    if not entries:
        sys.exit("no proof entries")
    has_reference = any("reference_prove_ms" in e or "reference_verify_ms" in e for e in entries)
    series = [("prove_ms", "prove", "#1f77b4", None), ("verify_ms", "verify", "#ff7f0e", None)]
    if has_reference:
        series += [("reference_prove_ms", "prove, reference", "#1f77b4", "//"),
                   ("reference_verify_ms", "verify, reference", "#ff7f0e", "//")]
    width = 0.8 / len(series)
    fig, ax = plt.subplots(figsize=(max(9, 1.3 * len(entries) * len(series) / 2 + 3), 5.5))
    for index, (key, label, colour, hatch) in enumerate(series):
        xs, ys = [], []
        for position, entry in enumerate(entries):
            if entry.get(key) is not None:
                xs.append(position + (index - (len(series) - 1) / 2) * width)
                ys.append(entry[key])
        bars = ax.bar(xs, ys, width=width * 0.92, label=label, color=colour if hatch is None else "white",
                      edgecolor=colour, hatch=hatch, linewidth=1.2)
        for bar, value in zip(bars, ys):
            ax.text(bar.get_x() + bar.get_width() / 2, value * 1.1, number(value), ha="center", va="bottom",
                    fontsize=7, rotation=90)
    ax.set_xticks(range(len(entries)))
    ax.set_xticklabels([e["proof"] for e in entries], fontsize=10)
    ax.set_yscale("log")
    top = max(e.get(k) or 0 for e in entries for k, *_ in series)
    ax.set_ylim(top=top * 30)
    ax.set_ylabel("milliseconds (log scale)")
    parameters = entries[0].get("parameters", "")
    modexp = data.get("modexp_ms") or entries[0].get("modexp_ms")
    title = f"tss bench proofs ({parameters}) — " + ("fast vs reference path" if has_reference
                                                    else "prove / verify (no reference fields in this JSON)")
    if modexp:
        title += f"\nsame-run GMP powm 2048/2048: {modexp:.2f} ms"
    ax.set_title(title, fontsize=11)
    ax.legend(fontsize=9, loc="upper left", ncol=len(series))
    ax.grid(axis="y", which="major", alpha=0.3)
    fig.tight_layout()
    path = os.path.join(out, "proofs-fast-vs-reference.png")
    fig.savefig(path, dpi=120)
    plt.close(fig)
    print(f"wrote {path}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--protocol", action="append", default=[], help="`tss bench protocol --json` output")
    parser.add_argument("--proofs", help="`tss bench proofs --json` output")
    parser.add_argument("--out", default="docs/img", help="output folder (default docs/img)")
    args = parser.parse_args()
    if not args.protocol and not args.proofs:
        parser.error("give --protocol and/or --proofs")
    os.makedirs(args.out, exist_ok=True)
    if args.protocol:
        plot_protocols(args.protocol, args.out)
    if args.proofs:
        plot_proofs(args.proofs, args.out)


if __name__ == "__main__":
    main()
