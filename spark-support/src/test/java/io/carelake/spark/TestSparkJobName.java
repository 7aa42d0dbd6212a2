package io.carelake.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carelake.core.time.Interval;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;

/** A job's name is its {@code @Command}'s unless it says otherwise; without one it is an error. */
class TestSparkJobName {

  @Command(name = "named-job")
  static final class Named extends IntervalJob {
    @Override
    public void run(SparkSession spark, JobContext context) {}
  }

  static final class Unnamed implements SparkJob {
    @Override
    public JobOptions jobOptions() {
      return new JobOptions();
    }

    @Override
    public Interval interval() {
      return null;
    }

    @Override
    public void run(SparkSession spark, JobContext context) {}
  }

  @Test
  void theNameIsTheCommandsName() {
    assertThat(new Named().name()).isEqualTo("named-job");
  }

  @Test
  void aJobWithoutACommandNameSaysWhatToDo() {
    assertThatThrownBy(() -> new Unnamed().name())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(Unnamed.class.getName())
        .hasMessageContaining("@Command(name =");
  }
}
