#!/usr/bin/python3
"""Plain peers for `jingyan eval retrieval`: BM25 (Xapian) over the same passages jingyan
indexed, with jieba words or with character bigrams, scored the same way (a question counts
at rank r when the top r passages hold, for every evidence group, one of its strings).

    python3 internal/eval/peer/peer.py --index /tmp/c2 --qa ../shared/eval/second-corpus/qa.jsonl

Needs Debian's python3-jieba and python3-xapian. --index is a directory written by
`jingyan index build` (its corpus.json holds the passages).
"""
import argparse, json, logging, os, re, unicodedata

import jieba
import xapian

jieba.setLogLevel(logging.WARNING)


def norm(s):
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", s)).strip().lower()


def words(text, how):
    text = norm(text)
    if how == "jieba":
        return [w for w in jieba.cut_for_search(text) if w.strip() and re.search(r"\w", w)]
    out = []
    for run in re.findall(r"[\u4e00-\u9fff]+|[a-z0-9.%]+", text):
        if re.match(r"[\u4e00-\u9fff]", run):
            out += [run[i:i + 2] for i in range(len(run) - 1)] or [run]
        else:
            out.append(run)
    return out


def passages(corpus, level):
    for r in corpus["reports"]:
        for p in r["paragraphs"]:
            if level == "paragraph":
                yield p["text"]
            else:
                for s in p.get("sentences") or []:
                    yield s["text"]


def build(texts, how):
    db = xapian.WritableDatabase("", xapian.DB_BACKEND_INMEMORY)
    for i, t in enumerate(texts):
        doc = xapian.Document()
        for pos, w in enumerate(words(t, how), 1):
            doc.add_posting(w, pos)
        doc.set_data(str(i))
        db.add_document(doc)
    return db


def search(db, q, how, k=10):
    terms = words(q, how)
    if not terms:
        return []
    enq = xapian.Enquire(db)
    enq.set_weighting_scheme(xapian.BM25Weight())
    enq.set_query(xapian.Query(xapian.Query.OP_OR, terms))
    return [int(m.document.get_data()) for m in enq.get_mset(0, k)]


def cover_rank(texts, groups):
    left = [[norm(e) for e in g] for g in groups]
    done = [False] * len(left)
    for i, t in enumerate(texts):
        t = norm(t)
        for g, alts in enumerate(left):
            if not done[g] and any(a in t for a in alts):
                done[g] = True
        if all(done):
            return i + 1
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--index", required=True)
    ap.add_argument("--qa", required=True)
    args = ap.parse_args()
    corpus = json.load(open(os.path.join(os.path.realpath(args.index), "corpus.json")))
    items = [json.loads(l) for l in open(args.qa) if l.strip()]
    items = [it for it in items if it.get("answerable") and it.get("evidence")]
    print("%-8s %-10s %4s %9s %9s" % ("peer", "level", "n", "recall@1", "recall@5"))
    for how in ("jieba", "bigram"):
        for level in ("sentence", "paragraph"):
            texts = list(passages(corpus, level))
            db = build(texts, how)
            r1 = r5 = 0
            for it in items:
                rank = cover_rank([texts[i] for i in search(db, it["question"], how)], it["evidence"])
                r1 += rank == 1
                r5 += 0 < rank <= 5
            n = len(items)
            print("%-8s %-10s %4d %9.3f %9.3f" % (how, level, n, r1 / n, r5 / n))


if __name__ == "__main__":
    main()
