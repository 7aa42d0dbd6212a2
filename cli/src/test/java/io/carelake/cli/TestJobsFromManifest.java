package io.carelake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.carelake.core.jobs.JobManifest;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The launcher's typed handles and the job manifest name the same jobs and tools, each once. */
class TestJobsFromManifest {

  @Test
  void everyManifestEntryHasOneHandleOfItsKind() {
    assertThat(Arrays.stream(Job.values()).map(Job::command)).containsExactlyElementsOf(
        JobManifest.shipped().entries().stream().filter(e -> e.kind() == JobManifest.Kind.JOB)
            .map(JobManifest.Entry::command).toList());
    assertThat(Arrays.stream(Tool.values()).map(Tool::command)).containsExactlyInAnyOrderElementsOf(
        JobManifest.shipped().entries().stream().filter(e -> e.kind() == JobManifest.Kind.TOOL)
            .map(JobManifest.Entry::command).toList());
  }

  @Test
  void aHandleCarriesItsManifestEntry() {
    assertThat(Job.GOVERN.mainClass()).isEqualTo("io.carelake.governance.GovernJob");
    assertThat(Job.GOVERN.module()).isEqualTo("governance-rules");
    assertThat(Job.INGEST.engine()).isEqualTo(JobManifest.Engine.FLINK);
    assertThat(Stream.of(Tool.values()).filter(Tool::standalone).map(Tool::command))
        .contains("maintain", "load", "digest").doesNotContain("bench ingest", "ingest status");
  }
}
