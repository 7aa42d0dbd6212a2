package io.carelake.cli;

/** Something the launcher starts in a JVM of its own: a pipeline job or an operations tool. */
interface Launchable {

  /** The words that name it on the command line: {@code govern}, {@code ingest status}. */
  String command();

  /** The Maven module whose classpath it runs on. */
  String module();

  String mainClass();

  Job.Engine engine();

  String description();
}
