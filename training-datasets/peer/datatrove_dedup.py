"""The peer of `bin/carelake bench corpus`: datatrove's MinHash deduplication on the bench's documents.

Runs datatrove's four MinHash stages (signatures, buckets, clusters, filter) over a JSONL file of
`{"id", "text", "group"}` records with its LocalPipelineExecutor, one worker per core, timed from the
first stage's start to the last stage's end (process start-up, JSONL reading and writing included:
they are part of the pipeline a datatrove user runs). Then scores the result with the bench's pair
definition: every removed document is paired with the document its cluster kept; a pair is correct
when both carry the same planted group.

Shingles (`--shingles`):
  char    character 5-grams of datatrove's simplified text (lower case, digits to 0, punctuation to
          space) with the spaces dropped: the same shingle set as carelake's NearDuplicates;
  jieba   datatrove's own handling of Chinese (language "cmn_Hani"): spaCy's Chinese tokenizer with
          the jieba segmenter, then 5-grams of words.

Prints progress on stderr and, as its last stdout line, one JSON object:
  {"shingles", "workers", "docs", "bytes", "seconds", "removed", "found_pairs", "correct_pairs",
   "datatrove"}
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--input", required=True, help="JSONL with id, text and group")
    p.add_argument("--work", help="scratch folder (default: a new temporary folder, removed after)")
    p.add_argument("--workers", type=int, default=os.cpu_count(), help="processes (one per core)")
    p.add_argument("--shingles", choices=["char", "jieba"], default="char")
    p.add_argument("--n-grams", type=int, default=5)
    p.add_argument("--buckets", type=int, default=14, help="bands")
    p.add_argument("--hashes-per-bucket", type=int, default=8, help="rows per band")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    if args.workers < 1:
        p.error(f"--workers must be at least 1, got {args.workers}")
    return args


def split_input(path, folder, parts):
    """Round-robin split into `parts` files, so that the first and last stages run one task per
    worker (datatrove gives a reader's files to its tasks). Not timed: it only lays out the input."""
    os.makedirs(folder)
    outs = [open(os.path.join(folder, f"{i:05d}.jsonl"), "w", encoding="utf-8") for i in range(parts)]
    docs = 0
    size = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            size += len(json.loads(line)["text"].encode("utf-8"))
            outs[docs % parts].write(line)
            docs += 1
    for o in outs:
        o.close()
    return docs, size


def char_tokenizer():
    from datatrove.utils.word_tokenizers import WordTokenizer

    class CharTokenizer(WordTokenizer):
        """Every non-space character is a token: n-grams of these are character n-grams."""

        def word_tokenize(self, text):
            return [c for c in text if not c.isspace()]

        def sent_tokenize(self, text):
            return [text]

        def span_tokenize(self, text):
            return [(0, len(text))]

    return CharTokenizer("zh")


def run_pipeline(args, data, work):
    from datatrove.executor import LocalPipelineExecutor
    # the minhash module itself: the dedup package's __init__ also imports the other dedup steps and
    # their dependencies (tokenizers, ...), which MinHash does not need
    from datatrove.pipeline.dedup.minhash import (MinhashConfig, MinhashDedupBuckets, MinhashDedupCluster,
                                                  MinhashDedupFilter, MinhashDedupSignature)
    from datatrove.pipeline.readers.jsonl import JsonlReader
    from datatrove.pipeline.writers.jsonl import JsonlWriter

    config = MinhashConfig(n_grams=args.n_grams, num_buckets=args.buckets,
                           hashes_per_bucket=args.hashes_per_bucket, seed=args.seed)
    # "cmn_Hani" (Languages.mandarin_chinese__hani), not "zh": datatrove 0.10's tokenizer table maps
    # the bare "zh" to spaCy's multilingual "xx" tokenizer, which does not segment Chinese (a whole
    # note is one token, so no 5-gram and nothing deduplicated); "cmn_Hani" gets spaCy "zh" + jieba
    language = char_tokenizer() if args.shingles == "char" else "cmn_Hani"
    logs = os.path.join(work, "logs")

    def reader():
        return JsonlReader(data, compression=None)

    signatures = LocalPipelineExecutor(
        pipeline=[reader(), MinhashDedupSignature(output_folder=os.path.join(work, "sigs"), config=config,
                                                  language=language)],
        tasks=args.workers, workers=args.workers, logging_dir=os.path.join(logs, "1"))
    buckets = LocalPipelineExecutor(
        pipeline=[MinhashDedupBuckets(input_folder=os.path.join(work, "sigs"),
                                      output_folder=os.path.join(work, "buckets"), config=config)],
        tasks=args.buckets, workers=args.workers, logging_dir=os.path.join(logs, "2"), depends=signatures)
    clusters = LocalPipelineExecutor(
        pipeline=[MinhashDedupCluster(input_folder=os.path.join(work, "buckets"),
                                      output_folder=os.path.join(work, "remove"), config=config,
                                      save_cluster_id=True)],
        tasks=1, workers=1, logging_dir=os.path.join(logs, "3"), depends=buckets)
    filtered = LocalPipelineExecutor(
        pipeline=[reader(),
                  MinhashDedupFilter(input_folder=os.path.join(work, "remove"), load_cluster_ids=True,
                                     exclusion_writer=JsonlWriter(os.path.join(work, "removed"),
                                                                  compression=None)),
                  JsonlWriter(os.path.join(work, "kept"), compression=None)],
        tasks=args.workers, workers=args.workers, logging_dir=os.path.join(logs, "4"), depends=clusters)
    t0 = time.perf_counter()
    filtered.run()
    return time.perf_counter() - t0


def read_docs(folder):
    if not os.path.isdir(folder):
        return
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    yield json.loads(line)


def score(work):
    """(removed, found pairs, correct pairs): each removed document against its cluster's kept one."""
    kept_group = {}
    for d in read_docs(os.path.join(work, "kept")):
        cluster = d["metadata"].get("minhash_cluster_id", -1)
        if cluster != -1:
            kept_group[cluster] = d["metadata"]["group"]
    removed = found = correct = 0
    for d in read_docs(os.path.join(work, "removed")):
        removed += 1
        cluster = d["metadata"]["minhash_cluster_id"]
        if cluster in kept_group:
            found += 1
            correct += int(kept_group[cluster] == d["metadata"]["group"])
    return removed, found, correct


def main(argv):
    args = parse_args(argv)
    from importlib.metadata import version

    work = args.work or tempfile.mkdtemp(prefix="carelake-datatrove-")
    try:
        data = os.path.join(work, "input")
        docs, size = split_input(args.input, data, args.workers)
        print(f"datatrove {version('datatrove')}: {docs} docs, {args.shingles} {args.n_grams}-grams,"
              f" {args.buckets} x {args.hashes_per_bucket}, {args.workers} workers", file=sys.stderr)
        seconds = run_pipeline(args, data, work)
        removed, found, correct = score(work)
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    print(json.dumps({"shingles": args.shingles, "bands": f"{args.buckets}x{args.hashes_per_bucket}",
                      "workers": args.workers, "docs": docs, "bytes": size,
                      "seconds": round(seconds, 3), "removed": removed, "found_pairs": found,
                      "correct_pairs": correct, "datatrove": version("datatrove")}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
