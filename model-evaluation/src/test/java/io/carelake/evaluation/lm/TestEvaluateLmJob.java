package io.carelake.evaluation.lm;

import static org.assertj.core.api.Assertions.assertThat;

import io.carelake.core.config.CarelakeConfig;
import io.carelake.evaluation.stats.ConfidenceLevel;
import io.carelake.evaluation.stats.McNemar;
import io.carelake.evaluation.stats.WilsonInterval;
import io.carelake.spark.JobMain;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code evaluate-lm} end to end on the shipped synthetic items: two iterations' answers, the
 * corpus job's contamination flags in {@code datasets.item_contamination}, results and the McNemar
 * comparison in Iceberg tables, the run in the ledger.
 */
class TestEvaluateLmJob {

  @TempDir static Path home;

  @AfterAll
  static void stop() {
    SparkSession.getDefaultSession().foreach(s -> {
      s.stop();
      return null;
    });
  }

  @Test
  void scoresAnIterationOnAllAndOnCleanItemsAndComparesItWithAnother() throws Exception {
    CarelakeConfig cfg = CarelakeConfig.load(home);
    SparkSession spark = io.carelake.evaluation.TestSessions.open(cfg);
    ExamItems set;
    try (var in = getClass().getClassLoader().getResourceAsStream(EvaluateLmJob.ITEMS_RESOURCE)) {
      set = ExamItems.parse("shipped", in.readAllBytes());
    }
    // the corpus job flagged the first 10 items as seen in training, the rest clean
    List<Row> flags = new ArrayList<>();
    for (int i = 0; i < set.items().size(); i++) {
      flags.add(RowFactory.create(set.sha256(), set.items().get(i).id(), i < 10, "char-13gram",
          null, "corpus-1", 1L));
    }
    spark.sql("CREATE NAMESPACE IF NOT EXISTS carelake.datasets");
    spark.createDataFrame(flags, EvaluateLmJob.CONTAMINATION)
        .writeTo("carelake.datasets.item_contamination").create();
    // iteration A: right on items 0-59 (every contaminated item), "response" prose on 60-64,
    // wrong on the rest; iteration B: right on 30-89
    List<String> a = new ArrayList<>();
    List<String> b = new ArrayList<>();
    for (int i = 0; i < set.items().size(); i++) {
      ExamItems.Item item = set.items().get(i);
      String wrong = item.options().keySet().stream().filter(k -> !k.equals(item.answer()))
          .findFirst().orElseThrow();
      if (i >= 60 && i < 65) {
        a.add("{\"id\": \"" + item.id() + "\", \"response\": \"it depends\"}");
      } else {
        a.add("{\"id\": \"" + item.id() + "\", \"answer\": \"" + (i < 60 ? item.answer() : wrong)
            + "\"}");
      }
      b.add("{\"id\": \"" + item.id() + "\", \"response\": \"答案是" + (i >= 30 && i < 90
          ? item.answer() : wrong) + "\"}");
    }
    a.add("{\"id\": \"not-an-item\", \"answer\": \"A\"}");
    Path fileA = home.resolve("a.jsonl");
    Path fileB = home.resolve("b.jsonl");
    Files.writeString(fileA, String.join("\n", a), StandardCharsets.UTF_8);
    Files.writeString(fileB, String.join("\n", b), StandardCharsets.UTF_8);

    int code = JobMain.run(new EvaluateLmJob(), new String[] {"--home", home.toString(),
        "--iteration", "lm-a", "--answers", fileA.toString(), "--compare-iteration", "lm-b",
        "--compare-answers", fileB.toString()});
    assertThat(code).isEqualTo(JobMain.EXIT_OK);
    spark = io.carelake.evaluation.TestSessions.open(cfg);
    Row micro = spark.sql("SELECT * FROM carelake.evaluation.lm_results WHERE subset = 'all' AND"
        + " scope = 'micro'").head();
    assertThat(micro.<Long>getAs("correct")).isEqualTo(60L);
    assertThat(micro.<Long>getAs("unparseable")).isEqualTo(5L);
    assertThat(micro.<Double>getAs("ci_low")).isEqualTo(WilsonInterval.of(60, 100,
        new ConfidenceLevel(0.95))[0]);
    assertThat(micro.<String>getAs("contamination_source"))
        .isEqualTo("datasets.item_contamination");
    // on the 90 clean items A is right on 50: contamination inflated the full-set figure
    Row clean = spark.sql("SELECT * FROM carelake.evaluation.lm_results WHERE subset = 'clean'"
        + " AND scope = 'micro'").head();
    assertThat(clean.<Long>getAs("n_items")).isEqualTo(90L);
    assertThat(clean.<Long>getAs("correct")).isEqualTo(50L);
    assertThat(spark.sql("SELECT * FROM carelake.evaluation.lm_results WHERE scope = 'subject'")
        .count()).isEqualTo(10);
    Row test = spark.sql("SELECT * FROM carelake.evaluation.lm_comparisons WHERE subset = 'all'")
        .head();
    // A only: 0-29; B only: 60-89; both: 30-59
    assertThat(test.<Long>getAs("only_iteration")).isEqualTo(30L);
    assertThat(test.<Long>getAs("only_other")).isEqualTo(30L);
    assertThat(test.<Long>getAs("both_correct")).isEqualTo(30L);
    assertThat(test.<Double>getAs("p_value")).isEqualTo(McNemar.exactPValue(30, 30));
    Row run = spark.sql("SELECT * FROM carelake.governance.runs WHERE job = 'evaluate-lm'").head();
    assertThat(run.<Long>getAs("rows_in")).isEqualTo(201L);
    assertThat(run.<Long>getAs("rows_set_aside")).isEqualTo(1L);
    assertThat(run.<String>getAs("spec_hash")).isEqualTo(set.sha256());
  }
}
