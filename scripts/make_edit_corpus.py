"""Write ``tests/data/edits/generated.tsv``: labelled pairs of (old sentence, new sentence)
made by editing real sentences of the example and sample articles.

The corpus the matcher is calibrated on (``tests/test_sentence_match.py``) is the
generated file plus ``tests/data/edits/written.tsv`` (pairs written by hand: rewrites,
merges, splits and the pairs the old difflib rule got wrong). The generated file is kept
in the repository (the test's only input: a user's clone has no ``../shared/samples``);
run this again only to regenerate it, and read what changed before committing.

    .venv/bin/python scripts/make_edit_corpus.py [SAMPLES_DIR]

Labels: ``yes`` when the new sentence is the old one edited, so that the old translation,
adapted, is the new one's translation (a typo fixed, a word added or removed, a number or
a name changed, clauses moved); ``no`` when the new sentence says something else (an
unrelated replacement, a rewrite that keeps a few words, or one of two statements that
were one sentence, or one sentence of two merged into one).
"""

from __future__ import annotations

import csv
import itertools
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "data" / "edits" / "generated.tsv"
PLACES = ["Kandahar", "Mazar-i-Sharif", "Jalalabad", "Bamiyan", "Kunduz", "Ghazni", "Khost"]
KNOWN_PLACES = {
    *PLACES,
    "Herat",
    "Kabul",
    "Afghanistan",
    "Wakhan",
    "Ghoryan",
    "Pakistan",
    "Iran",
    "China",
    "Tajikistan",
    "Badakhshan",
    "Salang",
    "Parwan",
    "Baghlan",
    "Nangarhar",
    "Peshawar",
    "Chitral",
    "Khandud",
    "Ishkashim",
    "Torkham",
    "Kunar",
    "Charikar",
    "Pul-i-Khumri",
}
NUMBER_WORDS = ["two", "three", "four", "five", "six", "seven", "eight", "ten", "twelve"]
ADJECTIVES = ["local", "new", "main", "whole", "small", "large", "old"]
STOP = {"The", "A", "An", "In", "On", "At", "It", "Its", "This", "That", "But", "And"}


def sentences(samples: Path) -> list[tuple[str, str]]:
    """(article, sentence) of every sentence of six words or more."""
    from azad.readers import ReadOptions, Source, read_source

    files = sorted((ROOT / "examples").iterdir()) + sorted(samples.iterdir())
    out = []
    for path in files:
        if path.suffix not in (".txt", ".md"):
            continue
        article = read_source(Source(path.name, path.read_bytes()), ReadOptions())
        for seg in article.segments():
            latin = sum(c.isascii() for c in seg.text) > 0.8 * len(seg.text)
            if len(seg.text.split()) >= 6 and latin:
                out.append((path.stem, seg.text))
    return out


def typo(rng: random.Random, s: str) -> str | None:
    words = [(m.start(), m.group()) for m in re.finditer(r"[a-z]{5,}", s)]
    if not words:
        return None
    at, w = rng.choice(words)
    i = rng.randrange(1, len(w) - 2)
    kind = rng.randrange(4)
    if kind == 0:
        bad = w[:i] + w[i + 1] + w[i] + w[i + 2 :]  # two letters swapped
    elif kind == 1:
        bad = w[:i] + w[i + 1 :]  # a letter dropped
    elif kind == 2:
        bad = w[:i] + w[i] + w[i:]  # a letter doubled
    else:
        bad = w[:i] + ("e" if w[i] != "e" else "a") + w[i + 1 :]  # a letter mistyped
    return s[:at] + bad + s[at + len(w) :] if bad != w else None


def add_word(rng: random.Random, s: str) -> str | None:
    spots = [m.end() for m in re.finditer(r"\bthe ", s)]
    if not spots:
        return None
    at = rng.choice(spots)
    return s[:at] + rng.choice(ADJECTIVES) + " " + s[at:]


def change_facts(rng: random.Random, s: str) -> str | None:
    """Numbers and names changed: up to two of them."""
    words = s.split(" ")
    spots = [
        i
        for i, w in enumerate(words)
        if re.fullmatch(r"[\d.,%]*\d[\d.,%]*[.,]?", w)
        or w.lower().strip(".,") in NUMBER_WORDS
        or w.strip(".,") in KNOWN_PLACES
    ]
    if not spots:
        return None
    for i in rng.sample(spots, min(2, len(spots))):
        w = words[i]
        tail = w[-1] if w[-1] in ".," else ""
        core = w[: len(w) - len(tail)]
        if any(c.isdigit() for c in core):
            new = re.sub(r"\d+", lambda m: str(int(m.group()) + rng.randint(1, 9)), core)
        elif core.lower() in NUMBER_WORDS:
            new = rng.choice([n for n in NUMBER_WORDS if n != core.lower()])
        else:
            new = rng.choice([p for p in PLACES if p != core])
        words[i] = new + tail
    return " ".join(words)


def reorder(s: str) -> str | None:
    """A leading clause moved to the end (``In 2019, X did Y.`` → ``X did Y in 2019.``), or
    a trailing one to the front."""
    if not s.endswith(".") or any(q in s for q in '“”"():;'):
        return None
    body = s[:-1]
    head, sep, rest = body.partition(", ")
    adverbial = head.split()[0] in _LEADS if head else False
    if sep and adverbial and 1 <= len(head.split()) <= 7 and len(rest.split()) >= 4:
        first = head.split()[0]
        lead = head if first in KNOWN_PLACES else head[0].lower() + head[1:]
        return rest[0].upper() + rest[1:] + " " + lead + "."
    return None


_LEADS = {
    "In",
    "On",
    "At",
    "Every",
    "During",
    "After",
    "Before",
    "Since",
    "For",
    "Last",
    "This",
    "By",
    "Until",
    "Today",
    "Now",
    "Over",
    "Like",
    "Without",
    "With",
    "Under",
    "Along",
}
_JOINS = (", and ", ", but ", "; ", ", while ", ", so ", ", which ", ", because ")


def split(s: str) -> list[tuple[str, str]]:
    """Both sentences of one split in two at a joining word; each holds one of the old
    sentence's two statements: ``no``."""
    for join in _JOINS:
        head, sep, tail = s.partition(join)
        if sep and len(head.split()) >= 4 and len(tail.split()) >= 4 and "“" not in s:
            first = head + "."
            second = tail[0].upper() + tail[1:]
            return [(s, first), (s, second)]
    return []


def merge(a: str, b: str) -> str:
    return a.rstrip(".") + ", and " + (b if b.split()[0] in ("I",) else b[0].lower() + b[1:])


def rewrite(a: str, b: str) -> str | None:
    """``a``'s first words (its subject) saying what ``b`` says: something else."""
    words_a, words_b = a.split(), b.split()
    if len(words_a) < 6 or len(words_b) < 6:
        return None
    return " ".join(words_a[:3] + words_b[3:])


def main(samples: Path) -> None:
    rng = random.Random(23)
    sents = sentences(samples)
    rows: list[tuple[str, str, str, str, str]] = []

    def add(cat: str, label: str, old: str, new: str, src: str) -> None:
        if old != new:
            rows.append((cat, label, old, new, src))

    for art, s in sents:
        t = typo(rng, s)
        if t:
            add("typo", "yes", t, s, art)
    picked = rng.sample(sents, len(sents))
    for n, (art, s) in enumerate(picked):
        w = add_word(rng, s)
        if w:
            # Half added, half removed.
            add("word", "yes", *((s, w) if n % 2 else (w, s)), art)
    for art, s in sents:
        c = change_facts(rng, s)
        if c:
            add("facts", "yes", s, c, art)
    for art, s in sents:
        r = reorder(s)
        if r:
            add("reorder", "yes", s, r, art)
    for art, s in sents:
        for old, new in split(s):
            add("split", "no", old, new, art)
    for (art, a), (art2, b) in itertools.pairwise(sents):
        quoted = any(q in a + b for q in "“”:")
        if art == art2 and len(a.split()) + len(b.split()) <= 45 and not quoted:
            m = merge(a, b)
            add("merge", "no", a, m, art)
            add("merge", "no", b, m, art)
    shuffled = rng.sample(sents, len(sents))
    for (art, a), (_, b) in zip(sents, shuffled, strict=True):
        r = rewrite(a, b)
        if r and a != b and len(r.split()) >= 6:
            add("rewrite", "no", a, r, art)
    for art, a in sents:
        near = [
            b
            for _, b in sents
            if b != a and abs(len(b.split()) - len(a.split())) <= max(2, len(a.split()) // 5)
        ]
        if near:
            add("unrelated", "no", a, rng.choice(near), art)

    # At most 60 of each category, then a fixed split: every other pair of a category.
    out = []
    for cat in ("typo", "word", "facts", "reorder", "split", "merge", "rewrite", "unrelated"):
        mine = [r for r in rows if r[0] == cat]
        mine = rng.sample(mine, min(60, len(mine)))
        for i, (c, label, old, new, src) in enumerate(mine):
            out.append((c, label, "calibrate" if i % 2 == 0 else "heldout", old, new, src))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, delimiter="\t", lineterminator="\n")
        w.writerow(("category", "same", "half", "old", "new", "source"))
        w.writerows(out)
    counts = {c: sum(1 for r in out if r[0] == c) for c in dict.fromkeys(r[0] for r in out)}
    print(f"{len(out)} pairs → {OUT}: {counts}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent.parent / "shared" / "samples")
