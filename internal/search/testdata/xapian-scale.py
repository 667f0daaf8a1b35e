#!/usr/bin/python3
"""The Xapian peer at scale: BM25 over character bigrams of the same sentences a jingyan
index holds, built and queried in this process, timed the way BenchmarkScaleSearch times
jingyan. Needs Debian's python3-xapian.

    JINGYAN_SCALE_INDEX=IDX JINGYAN_SCALE_QUERIES=/tmp/q.txt go test ./internal/search -run '^$' -bench ScaleSearch -benchtime 1x
    python3 internal/search/testdata/xapian-scale.py IDX /tmp/q.txt
"""
import json, os, re, resource, sys, tempfile, time

import xapian


def bigrams(text):
    out = []
    for run in re.findall(r"[\u4e00-\u9fff]+|[A-Za-z0-9.%]+", text.lower()):
        if re.match(r"[\u4e00-\u9fff]", run):
            out += [run[i:i + 2] for i in range(len(run) - 1)] or [run]
        else:
            out.append(run[:64])  # Xapian takes terms up to 245 bytes
    return out


def main():
    index, queries = sys.argv[1], sys.argv[2]
    corpus = json.load(open(os.path.join(index, "corpus.json"), encoding="utf-8"))
    texts = [s["text"] for r in corpus["reports"] for p in r["paragraphs"] for s in p.get("sentences") or []]
    path = tempfile.mkdtemp()
    start = time.perf_counter()
    db = xapian.WritableDatabase(path, xapian.DB_CREATE_OR_OVERWRITE)
    for i, t in enumerate(texts):
        doc = xapian.Document()
        for pos, w in enumerate(bigrams(t), 1):
            doc.add_posting(w, pos)
        doc.set_data(str(i))
        db.add_document(doc)
    db.commit()
    build = time.perf_counter() - start
    db.close()
    db = xapian.Database(path)
    qs = [l.strip() for l in open(queries, encoding="utf-8") if l.strip()]
    lat = []
    for q in qs:
        t0 = time.perf_counter()
        enq = xapian.Enquire(db)
        enq.set_weighting_scheme(xapian.BM25Weight())
        enq.set_query(xapian.Query(xapian.Query.OP_OR, bigrams(q)))
        [m.docid for m in enq.get_mset(0, 15)]
        lat.append(time.perf_counter() - t0)
    lat.sort()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"xapian: {len(texts)} sentences, build {len(texts) / build:.0f} passages/s, peak RSS {rss / 1024:.0f} MiB, "
          f"query p50 {lat[len(lat) // 2] * 1000:.2f} ms, p99 {lat[len(lat) * 99 // 100] * 1000:.2f} ms")


if __name__ == "__main__":
    main()
