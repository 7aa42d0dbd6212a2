package io.carelake.datasets;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.carelake.core.config.CarelakeConfig;
import io.carelake.spark.BenchSpark;
import io.carelake.spark.ScratchHome;
import io.carelake.spark.ScratchHomeOptions;
import io.carelake.spark.SparkSessions;
import java.io.BufferedWriter;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench corpus}: near-duplicate detection (exact + MinHash LSH + components, as the corpus
 * job runs it) on generated Chinese notes with planted near duplicates, at one or more sizes (the
 * growth curve): MB of UTF-8 per second per task slot, and pairwise precision and recall against
 * the planted groups. Every tenth base note gets 1-3 variants (an edited character, an inserted
 * phrase, a deleted phrase), each of 5-gram Jaccard above 0.8 to its base. At every size the same
 * documents also go, as JSONL ({@code id, text, group}), to the peer: datatrove's MinHash
 * deduplication ({@link DatatrovePeer}), once per {@code --peer-shingles} configuration, scored
 * with the same pair definition; {@code --skip-peer} leaves it out. {@code --jsonl} keeps the
 * largest size's file. Prints one line per size and run, the ratios, and a final JSON line with
 * both sides.
 */
@Command(name = "corpus-bench", mixinStandardHelpOptions = true,
    description = "Benchmark the corpus's near-duplicate detection on planted Chinese near"
        + " duplicates: MB/s per task slot, precision and recall, at each --docs size.")
public final class CorpusBench implements Callable<Integer> {

  @Mixin ScratchHomeOptions homeOptions = new ScratchHomeOptions();

  @Option(names = "--docs", paramLabel = "N[,N...]", split = ",", defaultValue = "10000",
      description = "Document counts to run, e.g. 10000,100000,1000000 (default ${DEFAULT-VALUE}).")
  List<Integer> docs;

  @Option(names = "--seed", defaultValue = "20251206", description = "Seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--master", defaultValue = "local[*]",
      description = "Spark master when spark.master is not set (default ${DEFAULT-VALUE}).")
  String master;

  @Option(names = "--jsonl", paramLabel = "FILE",
      description = "Also write the largest size's documents (id, text, group) as JSONL.")
  Path jsonl;

  @Option(names = "--skip-peer",
      description = "Do not run the peer (datatrove's MinHash deduplication).")
  boolean skipPeer;

  @Option(names = "--peer-shingles", paramLabel = "S[,S...]", split = ",",
      defaultValue = "char,jieba", description = "The peer's configurations: char (character"
          + " 5-grams, as ours) and/or jieba (datatrove's Chinese word tokenizer, word 5-grams)"
          + " (default ${DEFAULT-VALUE}).")
  List<String> peerShingles;

  @Option(names = "--peer-bands", paramLabel = "BxR[,BxR...]", split = ",",
      defaultValue = "14x8", description = "The peer's banding(s), bands x rows per band:"
          + " 14x8 is datatrove's default; 16x7 is ours (default ${DEFAULT-VALUE}).")
  List<String> peerBands;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** Where the lines go (a test reads them). */
  PrintStream out = System.out;

  static final StructType SCHEMA = new StructType()
      .add("doc_id", DataTypes.StringType)
      .add(VisitNotes.TEXT, DataTypes.StringType)
      .add("group", DataTypes.StringType)
      .add(QualityFilters.DROP_REASON, DataTypes.StringType)
      .add(QualityFilters.DETAIL, DataTypes.StringType);

  public static void main(String[] args) throws Exception {
    System.exit(ScratchHome.runIn("bench-corpus-", args,
        a -> new CommandLine(new CorpusBench()).execute(a)));
  }

  /** One generated note and the group it belongs to (its own id when not a duplicate). */
  record Doc(String id, String text, String group) {}

  /** {@code n} notes: bases of 60 random words, every tenth with 1-3 planted variants. */
  static List<Doc> generate(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Doc> out = new ArrayList<>(n);
    int base = 0;
    while (out.size() < n) {
      String id = String.format("b%08d", base);
      String text = NoteWords.words(60, r);
      out.add(new Doc(id, text, id));
      if (base % 10 == 0) {
        int variants = 1 + r.nextInt(3);
        for (int v = 0; v < variants && out.size() < n; v++) {
          out.add(new Doc(id + "-v" + v, vary(text, v, r), id));
        }
      }
      base++;
    }
    return out;
  }

  private static String vary(String text, int kind, SplittableRandom r) {
    int at = 10 + r.nextInt(text.length() - 20);
    return switch (kind) {
      case 0 -> text.substring(0, at) + "咳" + text.substring(at + 1);
      case 1 -> text.substring(0, at) + "明显好转" + text.substring(at);
      default -> text.substring(0, at) + text.substring(at + 4);
    };
  }

  /** The word list of the generated notes (primary-care vocabulary, no names). */
  static final class NoteWords {
    static final String[] ZH = {"头痛", "咳嗽", "发热", "乏力", "胸闷", "心悸", "气短", "恶心",
        "腹泻", "便秘", "失眠", "口渴", "多尿", "水肿", "皮疹", "血糖", "血压", "控制", "良好",
        "稳定", "饮食", "运动", "监测", "复查", "建议", "继续", "服药", "减量", "加量", "夜间",
        "晨起", "餐后", "空腹", "明显", "缓解", "加重", "偶有", "否认", "体重", "下降", "睡眠",
        "食欲", "精神", "尚可", "规律", "咽痛", "鼻塞", "头晕", "耳鸣", "视物模糊"};

    static String words(int n, SplittableRandom r) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < n; i++) {
        b.append(ZH[r.nextInt(ZH.length)]);
      }
      return b.toString();
    }
  }

  @Override
  public Integer call() throws Exception {
    try {
      return bench();
    } catch (DatatrovePeer.Failure e) {
      System.err.println("carelake bench corpus: " + e.getMessage());
      return 1;
    }
  }

  private int bench() throws Exception {
    for (String shingles : peerShingles) {
      if (!DatatrovePeer.SHINGLES.contains(shingles)) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--peer-shingles: '"
            + shingles + "' is none of " + DatatrovePeer.SHINGLES);
      }
    }
    List<int[]> bandings = new ArrayList<>();
    for (String b : peerBands) {
      bandings.add(DatatrovePeer.banding(b, spec.commandLine()));
    }
    DatatrovePeer peer = skipPeer ? null : DatatrovePeer.find();
    BenchSpark.useMaster(master);
    BenchSpark.smallMachine(8);
    Path home = homeOptions.home();
    CarelakeConfig cfg = CarelakeConfig.load(home, java.util.Map.of());
    SparkSession spark = SparkSessions.create(cfg, "carelake-corpus-bench");
    spark.sparkContext().setLogLevel("WARN");
    int slots = spark.sparkContext().defaultParallelism();
    out.printf(Locale.ROOT, "corpus bench: master %s (%d task slots)%s%n",
        spark.sparkContext().master(), slots, peer == null ? "" : "; peer " + peer.describe()
            + ", " + slots + " worker processes");
    StringBuilder json = new StringBuilder("{\"bench\":\"corpus\",\"slots\":" + slots
        + ",\"runs\":[");
    try {
      // warm-up, not measured
      Path warmUp = home.resolve("planted-warm-up.jsonl");
      measure(spark, generate(2_000, seed + 1), warmUp);
      Files.delete(warmUp);
      for (int i = 0; i < docs.size(); i++) {
        List<Doc> generated = generate(docs.get(i), seed);
        boolean last = i == docs.size() - 1;
        // One file per size: Spark reads it, the peer reads the same bytes, --jsonl keeps it.
        Path file = jsonl != null && last ? jsonl
            : home.resolve("planted-" + generated.size() + ".jsonl");
        Result m = measure(spark, generated, file);
        double mbPerSlot = m.mbPerSecond() / slots;
        out.printf(Locale.ROOT, "%,d docs, %.1f MB: carelake %dx%d %.1f s, %.2f MB/s per task"
            + " slot, precision %.4f, recall %.4f (%d of %d planted pairs)%n", generated.size(),
            m.bytes / 1e6, NearDuplicates.BANDS, NearDuplicates.ROWS, m.seconds, mbPerSlot,
            m.precision(), m.recall(), m.correctPairs, m.truePairs);
        json.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT,
            "{\"docs\":%d,\"mb\":%.2f,\"bands\":\"%dx%d\",\"seconds\":%.2f,"
                + "\"mb_per_s_per_slot\":%.3f,\"precision\":%.4f,\"recall\":%.4f,"
                + "\"planted_pairs\":%d,\"found_planted_pairs\":%d,\"peers\":[",
            generated.size(), m.bytes / 1e6, NearDuplicates.BANDS, NearDuplicates.ROWS,
            m.seconds, mbPerSlot, m.precision(), m.recall(), m.truePairs, m.correctPairs));
        if (peer != null) {
          int p = 0;
          for (String shingles : peerShingles) {
            for (int[] banding : bandings) {
              json.append(p++ == 0 ? "" : ",").append(runPeer(peer, shingles, banding, file,
                  slots, m, mbPerSlot));
            }
          }
        }
        if (!file.equals(jsonl)) {
          Files.delete(file);
        }
        json.append("]}");
      }
    } finally {
      spark.stop();
    }
    out.println(json.append("]}"));
    return 0;
  }

  /** Runs one peer configuration on the size's file; prints its line and ratios, returns JSON. */
  private String runPeer(DatatrovePeer peer, String shingles, int[] banding, Path file,
      int workers, Result ours, double oursPerSlot) throws Exception {
    DatatrovePeer.Run run = peer.run(file, shingles, banding, workers, homeOptions.home());
    String config = shingles + " " + banding[0] + "x" + banding[1];
    if (run.bytes() != ours.bytes) {
      throw new DatatrovePeer.Failure("the peer read " + run.bytes() + " bytes of text from "
          + file + ", carelake " + ours.bytes + ": not the same documents");
    }
    Result r = new Result(run.bytes(), run.seconds(), ours.truePairs, run.foundPairs(),
        run.correctPairs());
    double perCore = r.mbPerSecond() / workers;
    double ratio = oursPerSlot / perCore;
    out.printf(Locale.ROOT, "%,d docs: datatrove %s %.1f s, %.2f MB/s per core, precision %.4f,"
        + " recall %.4f (%d of %d planted pairs); carelake/datatrove %s: throughput %.2f x,"
        + " precision %+.4f, recall %+.4f%n", run.docs(), config, r.seconds, perCore,
        r.precision(), r.recall(), r.correctPairs, r.truePairs, config, ratio,
        ours.precision() - r.precision(), ours.recall() - r.recall());
    return String.format(Locale.ROOT, "{\"peer\":\"datatrove\",\"version\":\"%s\","
        + "\"shingles\":\"%s\",\"bands\":\"%dx%d\",\"workers\":%d,\"docs\":%d,"
        + "\"seconds\":%.2f,\"mb_per_s_per_core\":%.3f,\"precision\":%.4f,\"recall\":%.4f,"
        + "\"found_planted_pairs\":%d,\"throughput_ratio\":%.3f}", run.version(), shingles,
        banding[0], banding[1], workers, run.docs(), r.seconds, perCore, r.precision(),
        r.recall(), r.correctPairs, ratio);
  }

  /** Bytes, seconds and pair counts of one run. */
  record Result(long bytes, double seconds, long truePairs, long foundPairs, long correctPairs) {
    double precision() {
      return foundPairs == 0 ? 1.0 : correctPairs / (double) foundPairs;
    }

    double recall() {
      return truePairs == 0 ? 1.0 : correctPairs / (double) truePairs;
    }

    double mbPerSecond() {
      return bytes / 1e6 / seconds;
    }
  }

  /**
   * Runs exact + near deduplication and scores it by pairs: a dropped document is paired with the
   * document it was dropped for; a pair is correct when both are in the same planted group; the
   * true pairs are each group's members with its base (what a perfect run drops).
   */
  static Result measure(SparkSession spark, List<Doc> generated, Path file) throws Exception {
    long bytes = 0;
    long truePairs = 0;
    for (Doc d : generated) {
      bytes += d.text().getBytes(StandardCharsets.UTF_8).length;
      truePairs += d.id().equals(d.group()) ? 0 : 1;
    }
    // Through a file, not createDataFrame(list): a million documents as one local relation is a
    // single task of hundreds of MB that ran the driver out of its heap. Checkpointed, so the
    // caller may delete the file once this returns.
    writeJsonl(generated, file);
    Dataset<Row> docs = spark.read()
        .schema(new StructType().add("id", DataTypes.StringType)
            .add("text", DataTypes.StringType).add("group", DataTypes.StringType))
        .json(file.toUri().toString())
        .select(col("id").as("doc_id"), col("text").as(VisitNotes.TEXT), col("group"),
            lit(null).cast(DataTypes.StringType).as(QualityFilters.DROP_REASON),
            lit(null).cast(DataTypes.StringType).as(QualityFilters.DETAIL))
        .localCheckpoint();
    long t0 = System.nanoTime();
    Dataset<Row> marked = NearDuplicates.apply(docs, 20251206L).localCheckpoint();
    double seconds = (System.nanoTime() - t0) / 1e9;
    Dataset<Row> dropped = marked.where(col(QualityFilters.DROP_REASON).isNotNull());
    Dataset<Row> groups = docs.select(col("doc_id").as("_kept"), col("group").as("_kept_group"));
    Row counts = dropped.join(groups, dropped.col(QualityFilters.DETAIL).equalTo(col("_kept")),
            "left")
        .agg(org.apache.spark.sql.functions.count(org.apache.spark.sql.functions.lit(1)),
            org.apache.spark.sql.functions.sum(org.apache.spark.sql.functions.when(
                col("group").equalTo(col("_kept_group")), 1).otherwise(0))).first();
    long found = counts.getLong(0);
    long correct = counts.isNullAt(1) ? 0 : counts.getLong(1);
    return new Result(bytes, seconds, truePairs, found, correct);
  }

  static void writeJsonl(List<Doc> generated, Path file) throws Exception {
    com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (Doc d : generated) {
        w.write(json.writeValueAsString(java.util.Map.of("id", d.id(), "text", d.text(),
            "group", d.group())));
        w.write('\n');
      }
    }
  }
}
