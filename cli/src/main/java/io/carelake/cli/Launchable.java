package io.carelake.cli;

import io.carelake.core.jobs.JobManifest;

/** Something the launcher starts in a JVM of its own: a pipeline job or an operations tool. */
interface Launchable {

  /** Its entry in the job manifest. */
  JobManifest.Entry entry();

  /** The words that name it on the command line: {@code govern}, {@code ingest status}. */
  default String command() {
    return entry().command();
  }

  /** The Maven module whose classpath it runs on. */
  default String module() {
    return entry().module();
  }

  default String mainClass() {
    return entry().mainClass();
  }

  default JobManifest.Engine engine() {
    return entry().engine();
  }

  default String description() {
    return entry().description();
  }
}
