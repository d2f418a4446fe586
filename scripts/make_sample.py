#!/usr/bin/env python3
"""Build the embedded offline sentiment sample used by Fine-tune Studio.

Writes (deterministically, standard library only):

    data/reviews/train.csv
    data/reviews/test.csv
    data/reviews/README.md   (data card, numbers filled in from the data)

Every text is synthetic: either one of the hand-written reviews (used
verbatim) or a composition of hand-written sentence material (subjects,
opinion clauses, verdicts, templates, connectors). Both live in
scripts/sample_material.json beside this script; this file is only the
generator. No real user data.

Run from anywhere:

    python scripts/make_sample.py          # regenerate files and print stats
    python scripts/make_sample.py --check  # only verify the committed files match
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import statistics
import sys
from pathlib import Path

SEED = 20240611
ROWS_PER_GROUP = 140          # per (domain, label) -> 5 * 2 * 140 = 1,400 rows
TEST_SHARE = 0.20
HARD_SHARE = 0.28             # target share of hard cases per (domain, label)
# Hand-written hard cases are over-sampled into test so it keeps tricky rows.
TEST_SHARE_HAND_HARD = 0.40
TEST_SHARE_COMPOSED_HARD = 0.20

LABELS = ("negative", "positive")
DOMAINS = ("films", "restaurants", "products", "apps", "hotels")

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "data" / "reviews"

MATERIAL_PATH = Path(__file__).resolve().with_name("sample_material.json")


def _drop_comments(obj: dict) -> dict:
    """json object_hook: "_comment" keys are notes for people, not material."""
    return {k: v for k, v in obj.items() if k != "_comment"}


def load_material(path: Path = MATERIAL_PATH) -> dict:
    """Read the hand-written sentence material (see the file's "about" notes).

    JSON has neither tuples nor sets, so the hand-written reviews come back as
    (domain, label, hard, text) tuples in file order (the order feeds the
    seeded split) and the keyword lexicon as sets (only membership is used).
    """
    with open(path, encoding="utf-8") as f:
        material = json.load(f, object_hook=_drop_comments)
    material["hand_written"] = [
        (domain, label, review["hard"], review["text"])
        for domain, by_label in material["hand_written"].items()
        for label, reviews in by_label.items()
        for review in reviews
    ]
    lexicon = material["keyword_baseline"]
    material["keyword_baseline"] = {label: set(words) for label, words in lexicon.items()}
    return material


# Loaded once at start-up; the names below are what the composition code uses.
_MATERIAL = load_material()
_TEMPLATES = _MATERIAL["templates"]
_HARD = _MATERIAL["hard_cases"]

# Complete reviews used verbatim: (domain, label, hard, text).
HAND_WRITTEN: list[tuple[str, str, bool, str]] = _MATERIAL["hand_written"]
# Per-domain material: subjects, items, opinion and verdict clauses, ...
MATERIAL: dict[str, dict[str, list[str] | str]] = _MATERIAL["domains"]

WRAP_FIRST: list[str] = _TEMPLATES["wrap_first"]
WRAP_NEXT: dict[str, list[str]] = _TEMPLATES["wrap_next"]
PAIR: list[str] = _TEMPLATES["pair"]
VERDICT: list[str] = _TEMPLATES["verdict"]
ONE_LINERS: list[str] = _TEMPLATES["one_liners"]
SHORT_TAILS: dict[str, list[str]] = _TEMPLATES["short_tails"]

NEGATION_POS: list[str] = _HARD["negation"]["positive"]
NEGATION_NEG: list[str] = _HARD["negation"]["negative"]
SARCASM: list[str] = _HARD["sarcasm"]
FAINT_CLOSERS: list[str] = _HARD["faint_closers"]
FAINT_NP_TEMPLATES: list[str] = _HARD["faint_np_templates"]
MIXED_ALTERNATIVES: list[str] = _HARD["mixed_alternatives"]
TURN: list[str] = _HARD["turn"]
LONG_MIXED_TURN: list[str] = _HARD["long_mixed_turn"]
ALTHOUGH: list[str] = _HARD["although"]

# The naive keyword baseline's lexicon (named in the data card).
POS_WORDS: set[str] = _MATERIAL["keyword_baseline"]["positive"]
NEG_WORDS: set[str] = _MATERIAL["keyword_baseline"]["negative"]


def cap(s: str) -> str:
    return s[:1].upper() + s[1:] if s else s


def fill(template: str, ctx: dict[str, str]) -> str:
    """Format a template with lower/upper-case variants of every slot."""
    full = {}
    for k, v in ctx.items():
        full[k] = v
        full[k.upper()] = cap(v)
    return template.format(**full)


def split_tags(entry: str) -> tuple[set[str], str]:
    """'tag,tag|text' -> ({tags}, text); plain text has no tags."""
    if "|" in entry:
        tags, text = entry.split("|", 1)
        return set(tags.split(",")), text
    return set(), entry


class Composer:
    """Builds one review at a time; per-review state avoids repetition."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.tags: set[str] = set()
        self.used: set[str] = set()

    # -- helpers ---------------------------------------------------------
    def ctx(self, domain: str) -> dict[str, str]:
        """Pick the subject of a new review and reset the per-review state."""
        m = MATERIAL[domain]
        r = self.rng
        subject = r.choice(m["subjects"])
        if subject.count("|") == 2:
            s, tags, parts = subject.split("|")
            self.tags = set(tags.split(","))
            x = r.choice(parts.split(";"))
        else:
            s, self.tags = subject, set()
            x = r.choice(m["items"])
        self.used = set()
        bare = x[4:] if x.startswith("the ") else x
        if domain == "films":
            bare = r.choice(m["topics"])
        return {"s": s, "x": x, "x_bare": bare, "noun": m["noun"]}

    def options(self, entries: list[str]) -> list[str]:
        """Entries usable for the current subject (tag filter)."""
        out = []
        for e in entries:
            tags, text = split_tags(e)
            if not tags or tags & self.tags:
                out.append(text)
        return out

    def pick(self, entries: list[str], track: bool = True) -> str:
        """Choose an entry not used yet in this review (falls back to any)."""
        opts = self.options(entries)
        fresh = [o for o in opts if o not in self.used]
        if "{x}" in "".join(self.used):
            fresh = [o for o in fresh if "{x}" not in o]  # one {x} per review
        choice = self.rng.choice(fresh or opts)
        if track and choice not in ("{C}.", "{V}."):
            self.used.add(choice)
        return choice

    def clause(self, domain, label, ctx) -> str:
        key = "pos" if label == "positive" else "neg"
        return fill(self.pick(MATERIAL[domain][key]), ctx)

    def verdict_clause(self, domain, label, ctx) -> str:
        key = "vpos" if label == "positive" else "vneg"
        return fill(self.pick(MATERIAL[domain][key]), ctx)

    def opener(self, domain, ctx) -> str:
        return fill(self.pick(MATERIAL[domain]["openers"]), ctx)

    def detail(self, domain, ctx) -> str:
        return fill(self.pick(MATERIAL[domain]["details"]), ctx)

    def aspect_sentences(self, domain, label, n, ctx, pair_p=0.35) -> list[str]:
        """n sentences about aspects; some hold two clauses."""
        out: list[str] = []
        for i in range(n):
            if self.rng.random() < pair_p:
                c1 = self.clause(domain, label, ctx)
                c2 = self.clause(domain, label, ctx)
                out.append(fill(self.pick(PAIR), {"c1": c1, "c2": c2}))
            else:
                c = self.clause(domain, label, ctx)
                wraps = WRAP_FIRST if i == 0 else WRAP_NEXT[label]
                out.append(fill(self.pick(wraps), {"c": c}))
        return out

    def verdict_sentence(self, domain, label, ctx) -> str:
        v = self.verdict_clause(domain, label, ctx)
        return fill(self.pick(VERDICT), {"v": v})

    # -- easy reviews -----------------------------------------------------
    def short_line(self, domain, label) -> str:
        m = MATERIAL[domain]
        r = self.rng
        if r.random() < 0.35:
            return r.choice(m["short_pos" if label == "positive" else "short_neg"])
        adjs = r.sample(m["adj_pos" if label == "positive" else "adj_neg"], 3)
        tail = r.choice(SHORT_TAILS[label])
        form = r.randrange(4)
        if form == 0:
            return f"{cap(adjs[0])}, {adjs[1]} and {adjs[2]}."
        if form == 1:
            return f"{cap(adjs[0])} and {adjs[1]}. {tail}"
        if form == 2:
            return f"Really {adjs[0]}. {tail}"
        return f"{cap(adjs[0])}, {adjs[1]}, {adjs[2]}. {tail}"

    def easy(self, domain: str, label: str) -> str:
        r = self.rng
        ctx = self.ctx(domain)
        n = r.choices([0, 1, 2, 3, 4, 5], weights=[13, 19, 21, 20, 14, 13])[0]
        if n == 0:
            return self.short_line(domain, label)
        if n == 1:
            if r.random() < 0.3:
                return self.verdict_sentence(domain, label, ctx)
            if r.random() < 0.4:
                return self.aspect_sentences(domain, label, 1, ctx)[0]
            c = self.clause(domain, label, ctx)
            v = self.verdict_clause(domain, label, ctx)
            return fill(r.choice(ONE_LINERS), {"c": c, "v": v})
        sents: list[str] = []
        n_aspects = n - 1
        if n >= 3 and r.random() < 0.7:
            sents.append(self.opener(domain, ctx))
            n_aspects -= 1
        if n >= 5 and r.random() < 0.6:
            sents.append(self.detail(domain, ctx))
            n_aspects -= 1
        n_aspects = max(1, n_aspects)
        pair_p = 0.5 if n >= 4 else 0.3
        sents.extend(self.aspect_sentences(domain, label, n_aspects, ctx, pair_p))
        if r.random() < 0.85:
            sents.append(self.verdict_sentence(domain, label, ctx))
        elif n == 2 and len(sents) == 1:
            sents.insert(0, self.opener(domain, ctx))
        return " ".join(sents)

    # -- hard reviews -----------------------------------------------------
    def hard(self, domain: str, label: str) -> str:
        r = self.rng
        if label == "positive":
            kinds = ["negation", "mixed", "although", "rhetorical"]
            weights = [28, 36, 22, 14]
        else:
            kinds = ["negation", "mixed", "although", "sarcasm", "faint", "rhetorical"]
            weights = [20, 25, 15, 15, 12, 13]
        kind = r.choices(kinds, weights=weights)[0]
        return getattr(self, "hard_" + kind)(domain, label)

    def _frame(self, domain, label, core: list[str], ctx,
               opener_ok=True, verdict_ok=False) -> str:
        """Optionally add an opener before / a consistent verdict after."""
        r = self.rng
        sents = list(core)
        if opener_ok and r.random() < 0.4:
            sents.insert(0, self.opener(domain, ctx))
        if verdict_ok and r.random() < 0.25:
            sents.append(self.verdict_sentence(domain, label, ctx))
        return " ".join(sents)

    def hard_negation(self, domain, label) -> str:
        ctx = self.ctx(domain)
        pool = NEGATION_POS if label == "positive" else NEGATION_NEG
        core = fill(self.pick(pool), ctx)
        return self._frame(domain, label, [core], ctx, verdict_ok=True)

    def hard_mixed(self, domain, label) -> str:
        r = self.rng
        ctx = self.ctx(domain)
        other = "negative" if label == "positive" else "positive"
        o1 = self.clause(domain, other, ctx)
        o2 = self.clause(domain, other, ctx)
        p = self.clause(domain, label, ctx)
        v = self.verdict_clause(domain, label, ctx)
        if r.random() < 0.3:
            # longer form: opener, opposite aspects, turn, own aspect, verdict
            sents = []
            if r.random() < 0.7:
                sents.append(self.opener(domain, ctx))
            sents.append(fill(self.pick(WRAP_FIRST), {"c": o1}))
            sents.append(fill(self.pick(WRAP_NEXT[other]), {"c": o2}))
            turn = r.choice(LONG_MIXED_TURN)
            sents.append(f"{turn} {p}.")
            sents.append(self.verdict_sentence(domain, label, ctx))
            return " ".join(sents)
        t = r.choice(MIXED_ALTERNATIVES).replace("{TURN}", r.choice(TURN))
        text = fill(t, {"o1": o1, "o2": o2, "p": p, "v": v})
        return self._frame(domain, label, [text], ctx)

    def hard_although(self, domain, label) -> str:
        ctx = self.ctx(domain)
        other = "negative" if label == "positive" else "positive"
        o1 = self.clause(domain, other, ctx)
        p = self.clause(domain, label, ctx)
        v = self.verdict_clause(domain, label, ctx)
        text = fill(self.rng.choice(ALTHOUGH), {"o1": o1, "p": p, "v": v})
        return self._frame(domain, label, [text], ctx)

    def hard_sarcasm(self, domain, label) -> str:
        ctx = self.ctx(domain)
        m = MATERIAL[domain]
        e = self.rng.choice(m["sarcasm"])
        text = fill(self.rng.choice(SARCASM), {"e": e, "q": m["quality"]})
        # Product/app sarcasm names its own kind of item, so no opener there.
        return self._frame(domain, label, [text], ctx,
                           opener_ok=domain not in ("products", "apps"))

    def hard_faint(self, domain, label) -> str:
        r = self.rng
        ctx = self.ctx(domain)
        m = MATERIAL[domain]
        if r.random() < 0.5:
            core = r.choice(m["faint"])
        else:
            core = fill(r.choice(FAINT_NP_TEMPLATES), dict(ctx, f=r.choice(m["faint_np"])))
        closer = r.choice(FAINT_CLOSERS)
        return self._frame(domain, label, [core, closer], ctx)

    def hard_rhetorical(self, domain, label) -> str:
        r = self.rng
        ctx = self.ctx(domain)
        m = MATERIAL[domain]
        q = fill(self.pick(m["rq_pos" if label == "positive" else "rq_neg"]), ctx)
        core = [q]
        if r.random() < 0.35:
            core.append(self.aspect_sentences(domain, label, 1, ctx)[0])
        return self._frame(domain, label, core, ctx)


def build_rows() -> list[dict]:
    rng = random.Random(SEED)
    comp = Composer(rng)

    seen: set[str] = set()
    rows: list[dict] = []
    for domain, label, hard, text in HAND_WRITTEN:
        if text in seen:
            raise ValueError(f"duplicate hand-written review: {text!r}")
        seen.add(text)
        rows.append({"text": text, "label": label, "domain": domain,
                     "hard": hard, "source": "hand"})

    for domain in DOMAINS:
        for label in LABELS:
            group = [x for x in rows if x["domain"] == domain and x["label"] == label]
            n_hard_target = round(HARD_SHARE * ROWS_PER_GROUP)
            n_hard = max(0, n_hard_target - sum(x["hard"] for x in group))
            n_easy = ROWS_PER_GROUP - len(group) - n_hard
            for want_hard, count in ((True, n_hard), (False, n_easy)):
                made, attempts = 0, 0
                while made < count:
                    attempts += 1
                    if attempts > 200 * count + 1000:
                        raise RuntimeError(f"ran out of variety for {domain}/{label}")
                    text = comp.hard(domain, label) if want_hard else comp.easy(domain, label)
                    if text in seen:
                        continue
                    seen.add(text)
                    rows.append({"text": text, "label": label, "domain": domain,
                                 "hard": want_hard, "source": "composed"})
                    made += 1
    return rows


def split_rows(rows: list[dict]) -> tuple[list[dict], list[dict]]:
    rng = random.Random(SEED + 1)
    train, test = [], []
    for domain in DOMAINS:
        for label in LABELS:
            group = [x for x in rows if x["domain"] == domain and x["label"] == label]
            n_test = round(TEST_SHARE * len(group))
            hh = [x for x in group if x["source"] == "hand" and x["hard"]]
            ch = [x for x in group if x["source"] == "composed" and x["hard"]]
            easy = [x for x in group if not x["hard"]]
            for bucket in (hh, ch, easy):
                rng.shuffle(bucket)
            k_hh = round(TEST_SHARE_HAND_HARD * len(hh))
            k_ch = round(TEST_SHARE_COMPOSED_HARD * len(ch))
            k_easy = n_test - k_hh - k_ch
            test += hh[:k_hh] + ch[:k_ch] + easy[:k_easy]
            train += hh[k_hh:] + ch[k_ch:] + easy[k_easy:]
    rng.shuffle(train)
    rng.shuffle(test)
    return train, test


def to_csv(rows: list[dict]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["text", "label", "domain"])
    for x in rows:
        w.writerow([x["text"], x["label"], x["domain"]])
    return buf.getvalue()


# ---------------------------------------------------------------------------
# Stats, checks and the naive keyword baseline
# ---------------------------------------------------------------------------


def keyword_predict(text: str) -> str:
    words = [w.strip(".,!?;:\"'()").lower() for w in text.split()]
    score = sum(w in POS_WORDS for w in words) - sum(w in NEG_WORDS for w in words)
    return "positive" if score >= 0 else "negative"


def keyword_accuracy(rows) -> float:
    return sum(keyword_predict(x["text"]) == x["label"] for x in rows) / len(rows)


def word_stats(rows):
    lens = sorted(len(x["text"].split()) for x in rows)
    return lens[0], statistics.median(lens), lens[-1]


def count(rows, key, value):
    return sum(1 for x in rows if x[key] == value)


def report(train, test) -> str:
    lines = []
    for name, rows in (("train", train), ("test", test)):
        lines.append(f"{name}: {len(rows)} rows")
        lines.append("  labels : " + ", ".join(f"{l}={count(rows, 'label', l)}" for l in LABELS))
        lines.append("  domains: " + ", ".join(f"{d}={count(rows, 'domain', d)}" for d in DOMAINS))
        for d in DOMAINS:
            sub = [x for x in rows if x["domain"] == d]
            lines.append(f"    {d:<12}" + "  ".join(f"{l}={count(sub, 'label', l)}" for l in LABELS))
        mn, med, mx = word_stats(rows)
        lines.append(f"  words  : min={mn} median={med:g} max={mx}")
        hard = sum(x["hard"] for x in rows)
        lines.append(f"  hard cases: {hard} ({hard / len(rows):.1%})")
        lines.append(f"  keyword baseline accuracy: {keyword_accuracy(rows):.1%}")
    both = train + test
    lens = [len(x["text"].split()) for x in both]
    buckets = [(1, 6), (7, 15), (16, 30), (31, 59), (60, 120), (121, 10_000)]
    lines.append("all: " + ", ".join(
        f"{a}-{b if b < 10_000 else '+'} words={sum(a <= n <= b for n in lens)}" for a, b in buckets))
    overlap = {x["text"] for x in train} & {x["text"] for x in test}
    lines.append(f"overlap between splits: {len(overlap)}")
    lines.append(f"exact duplicate texts: {len(both) - len({x['text'] for x in both})}")
    return "\n".join(lines)


def readme(train, test) -> str:
    both = train + test
    hard_all = sum(x["hard"] for x in both)
    hand = sum(x["source"] == "hand" for x in both)

    def pct(rows, label):
        return f"{count(rows, 'label', label)} ({count(rows, 'label', label) / len(rows):.0%})"

    def split_line(name, rows):
        mn, med, mx = word_stats(rows)
        h = sum(x["hard"] for x in rows)
        return (f"| {name} | {len(rows)} | {pct(rows, 'negative')} | {pct(rows, 'positive')} | "
                f"{h} ({h / len(rows):.0%}) | {mn} / {med:g} / {mx} |")

    all_lens = [len(x["text"].split()) for x in both]
    buckets = [(3, 6), (7, 15), (16, 30), (31, 59), (60, 120)]
    length_line = ", ".join(
        f"{a}-{b} words: {sum(a <= n <= b for n in all_lens)}" for a, b in buckets)
    domain_rows = "\n".join(
        f"| {d} | {count([x for x in train if x['domain'] == d], 'label', 'negative')} / "
        f"{count([x for x in train if x['domain'] == d], 'label', 'positive')} | "
        f"{count([x for x in test if x['domain'] == d], 'label', 'negative')} / "
        f"{count([x for x in test if x['domain'] == d], 'label', 'positive')} |"
        for d in DOMAINS)
    return f"""# Fine-tune Studio review sample (English sentiment)

A small, labelled English sentiment dataset that ships with Fine-tune Studio so
that every fine-tuning demo works offline, without downloading anything.

## What it is

Short customer-style reviews in five domains (films, restaurants, products,
apps, hotels), each labelled `negative` or `positive`.

- `train.csv`: {len(train)} rows
- `test.csv`: {len(test)} rows

Both files are UTF-8, comma-separated with a header row and standard CSV
quoting (texts contain commas and quotes, so always read them with a CSV
parser such as `csv`, `pandas.read_csv` or `datasets.load_dataset("csv", ...)`).

| column | type | values |
|---|---|---|
| `text` | string | the review, {min(all_lens)} to {max(all_lens)} words |
| `label` | string | `negative` or `positive` |
| `domain` | string | `films`, `restaurants`, `products`, `apps`, `hotels` |

## Splits

| split | rows | negative | positive | hard cases | words min / median / max |
|---|---|---|---|---|---|
{split_line("train", train)}
{split_line("test", test)}

Length spread over both splits: {length_line}.

Per domain (negative / positive):

| domain | train | test |
|---|---|---|
{domain_rows}

## How it was made

The data is **synthetic** and was written for this project by the Fine-tune
Studio team. It contains **no real user data**: every name of a film,
restaurant, product, app or hotel is invented or generic (any resemblance to
a real business or title is coincidental).

- {hand} rows are hand-written complete reviews, used verbatim.
- The other {len(both) - hand} rows are composed by `scripts/make_sample.py` from
  hand-written material: per domain, invented subjects (film titles, dishes,
  product types, app names, hotel features), opinion clauses for each polarity,
  verdicts, neutral context sentences, sentence templates and connectors.
  Compositions range from 3-word lines to 5-sentence paragraphs.
- Exact duplicates are removed, no text appears in both splits, and each
  (domain, label) pair has the same number of rows. The split is stratified
  by domain and label (about 80/20) and shuffled with a fixed seed.

Regenerate (deterministic, standard library only):

```bash
python scripts/make_sample.py          # rewrites train.csv, test.csv, README.md
python scripts/make_sample.py --check  # verifies the committed files match
```

## Hard cases

About {hard_all / len(both):.0%} of all rows ({hard_all}) are deliberately hard:
negation ("Not bad at all."), mixed feelings where the final verdict decides
the label ("The room was tiny and the street was loud, but the staff made it
worth every penny." is `positive`), sarcasm ("Oh great, another update that
deletes my photos. Just what I needed." is `negative`), faint praise,
"although/but" contrast and rhetorical questions. Hand-written hard cases are
over-represented in the test split, so test is a little harder than train.

As a sanity check, a naive keyword counter (about 30 obvious positive words
against about 45 negative words and negators such as "not" and "never"; ties
count as positive; see `POS_WORDS`/`NEG_WORDS` in the script) scores
**{keyword_accuracy(test):.1%}** on test ({keyword_accuracy(train):.1%} on train).
A fine-tuned model should beat it clearly, but is not expected to reach 100%.

## Intended use

Offline demos and tutorials of fine-tuning small pretrained text classifiers
(for example in Fine-tune Studio): quick training runs, before/after
comparisons, and looking at which hard cases a model still gets wrong.

## Limitations

- Synthetic and template-based: sentence patterns repeat, so scores on this
  test set overstate how a model would do on real reviews. Do not use it to
  benchmark models or to claim real-world accuracy.
- Small (about 1,400 rows), English only, British spelling, binary labels.
  There are no neutral reviews, although some faint-praise rows come close.
- Written by a small team: the vocabulary, topics and style reflect their
  choices, not the variety of real customers.
- Labels were assigned by the authors by design, not by annotators; a few
  hard cases may read as ambiguous to some people.

## License

CC0 1.0 Universal (public domain dedication). No attribution required.
"""


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true",
                    help="do not write; fail if the committed files differ")
    args = ap.parse_args(argv)

    rows = build_rows()
    train, test = split_rows(rows)
    outputs = {
        OUT_DIR / "train.csv": to_csv(train),
        OUT_DIR / "test.csv": to_csv(test),
        OUT_DIR / "README.md": readme(train, test),
    }
    if args.check:
        stale = [p for p, s in outputs.items()
                 if not p.exists() or p.read_text(encoding="utf-8") != s]
        for p in stale:
            print(f"out of date: {p.relative_to(ROOT)}", file=sys.stderr)
        if not stale:
            print("data/reviews is up to date")
        return 1 if stale else 0

    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for path, content in outputs.items():
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(content)
        print(f"wrote {path.relative_to(ROOT)}")
    print(report(train, test))
    return 0


if __name__ == "__main__":
    sys.exit(main())
