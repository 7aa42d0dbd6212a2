package io.carelake.reports;

import io.carelake.core.config.CarelakeConfig;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The set-up the report's end-to-end tests share: a fresh temp home per test, the Spark session
 * the job reuses (see {@link ReportFixture#session}), the fixture that fills the home, and the
 * teardown that stops the session and the fixture's running leases.
 */
abstract class FixtureSession {

  @TempDir
  Path home;

  CarelakeConfig config;
  SparkSession spark;
  ReportFixture fixture;

  @BeforeEach
  void openSession() {
    config = CarelakeConfig.load(home);
    spark = ReportFixture.session(config);
    fixture = new ReportFixture(spark, config, home);
  }

  @AfterEach
  void stopSession() {
    fixture.close();
    if (SparkSession.getActiveSession().isDefined()) {
      SparkSession.getActiveSession().get().stop();
    }
    SparkSession.clearActiveSession();
    SparkSession.clearDefaultSession();
  }
}
