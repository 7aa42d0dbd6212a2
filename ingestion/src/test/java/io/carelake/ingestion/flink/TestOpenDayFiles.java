package io.carelake.ingestion.flink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.flink.FlinkSchemaUtil;
import org.apache.iceberg.flink.sink.FlinkFileWriterFactory;
import org.apache.iceberg.hadoop.HadoopTables;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bounded set of open files, on a real Iceberg table in a temporary directory. */
class TestOpenDayFiles {

  private static final Schema SCHEMA = new Schema(
      Types.NestedField.required(1, "id", Types.StringType.get()),
      Types.NestedField.required(2, "event_time", Types.TimestampType.withZone()));
  private static final long DAY_MS = 86_400_000L;

  @TempDir
  Path dir;

  @Test
  void neverMoreThanMaxOpenFilesAndEveryFileHoldsOneDay() {
    Table table = new HadoopTables(new Configuration()).create(SCHEMA,
        PartitionSpec.builderFor(SCHEMA).day("event_time").build(), dir.toString());
    FlinkFileWriterFactory factory = new FlinkFileWriterFactory.Builder(table)
        .dataFileFormat(FileFormat.PARQUET).dataSchema(SCHEMA)
        .dataFlinkType(FlinkSchemaUtil.convert(SCHEMA)).build();
    OpenDayFiles files = new OpenDayFiles(3, OutputFileFactory.builderFor(table, 0, 0)
        .format(FileFormat.PARQUET).build(), table.io(), table.spec(), 1L << 30);
    // 40 days, in order (one file each), then the same 40 days again, each twice in a row
    int rows = 0;
    for (int pass = 0; pass < 2; pass++) {
      for (int day = 0; day < 40; day++) {
        for (int i = 0; i <= pass; i++) {
          files.write(SCHEMA.schemaId(), day, factory, GenericRowData.of(
              StringData.fromString(pass + "-" + day + "-" + i),
              TimestampData.fromEpochMillis(day * DAY_MS + 3_600_000L * i)));
          rows++;
        }
      }
    }
    List<DataFile> written = files.closeAll();
    // every day's file was closed to make room for later days: 80 runs of one day, 80 files
    assertThat(written).hasSize(80);
    assertThat(files.closedEarly()).isEqualTo(80 - 3);
    assertThat(written.stream().mapToLong(DataFile::recordCount).sum()).isEqualTo(rows);
    for (DataFile f : written) {
      int day = f.partition().get(0, Integer.class);
      assertThat(day).isBetween(0, 39);
      assertThat(f.path().toString()).contains("event_time_day=");
    }
    assertThat(files.closeAll()).isEmpty();
  }
}
