package io.carelake.spark;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import org.apache.iceberg.metrics.CommitReport;
import org.apache.iceberg.metrics.MetricsReport;
import org.apache.iceberg.metrics.MetricsReporter;

/**
 * Runs a bench's main class in this JVM (the driver, in local mode) and, when the JVM exits,
 * prints one line of what it saw ({@code bench growth} reads it):
 * <pre>growth-probe peak_heap_bytes=U peak_live_heap_bytes=L driver_result_bytes=R
 *     max_task_result_bytes=M tasks=T files=ns.table:N,...</pre>
 * (one line) the largest heap in use sampled every {@value #SAMPLE_MS} ms and the largest heap
 * still in use after a garbage collection (GC notifications; 0 when no collection ran) — in local
 * mode the executors live in this JVM, so both include their working memory (shuffle and sort
 * buffers, Parquet pages), not only the driver's; the bytes the tasks sent back to the driver
 * (every finished task's serialized result, {@code TaskMetrics.resultSize}: what a
 * {@code collect} ships, beside accumulators and commit messages), their largest single result
 * and the number of tasks, from a listener ({@link DriverResults}, added through
 * {@code spark.extraListeners}); and per table the data files its commits added, from Iceberg's
 * commit reports (the catalog's {@code metrics-reporter-impl} is set to {@link CommitFiles} for
 * the whole run: every snapshot the bench committed, its summary's added data files). Usage:
 * {@code GrowthProbe <main class> <its arguments...>}.
 */
public final class GrowthProbe {

  static final long SAMPLE_MS = 20;
  static final String PREFIX = "growth-probe";

  private static final AtomicLong PEAK_USED = new AtomicLong();
  private static final AtomicLong PEAK_LIVE = new AtomicLong();
  private static final Map<String, AtomicLong> FILES = new ConcurrentHashMap<>();
  private static final AtomicLong RESULT_BYTES = new AtomicLong();
  private static final AtomicLong MAX_RESULT = new AtomicLong();
  private static final AtomicLong TASKS = new AtomicLong();

  private GrowthProbe() {}

  public static void main(String[] args) throws Throwable {
    if (args.length < 1) {
      System.err.println("usage: GrowthProbe <main class> [arguments...]");
      System.exit(2);
    }
    String catalog = System.getProperty("carelake.catalog.name", "carelake");
    System.setProperty("spark.sql.catalog." + catalog + ".metrics-reporter-impl",
        CommitFiles.class.getName());
    String listeners = System.getProperty("spark.extraListeners");
    System.setProperty("spark.extraListeners", listeners == null || listeners.isBlank()
        ? DriverResults.class.getName() : listeners + "," + DriverResults.class.getName());
    watchHeap();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println(line())));
    try {
      Class.forName(args[0]).getMethod("main", String[].class)
          .invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    } catch (java.lang.reflect.InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /** The probe's line, as printed at exit. */
  static String line() {
    sampleHeap();
    Map<String, Long> files = new TreeMap<>();
    FILES.forEach((table, n) -> files.put(table, n.get()));
    return String.format(Locale.ROOT, "%s peak_heap_bytes=%d peak_live_heap_bytes=%d"
        + " driver_result_bytes=%d max_task_result_bytes=%d tasks=%d files=%s", PREFIX,
        PEAK_USED.get(), PEAK_LIVE.get(), RESULT_BYTES.get(), MAX_RESULT.get(), TASKS.get(),
        files.entrySet().stream()
            .map(e -> e.getKey() + ":" + e.getValue()).collect(Collectors.joining(",")));
  }

  private static void sampleHeap() {
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    PEAK_USED.accumulateAndGet(heap.getUsed(), Math::max);
  }

  /** A sampling thread for the heap in use, and a listener for the heap left after each GC. */
  private static void watchHeap() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    Thread sampler = new Thread(() -> {
      while (true) {
        PEAK_USED.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
        try {
          Thread.sleep(SAMPLE_MS);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "growth-probe-heap");
    sampler.setDaemon(true);
    sampler.start();
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener((notification, handback) -> {
          if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION
              .equals(notification.getType())) {
            GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo
                .from((CompositeData) notification.getUserData());
            long live = info.getGcInfo().getMemoryUsageAfterGc().entrySet().stream()
                .filter(e -> isHeapPool(e.getKey())).mapToLong(e -> e.getValue().getUsed()).sum();
            PEAK_LIVE.accumulateAndGet(live, Math::max);
          }
        }, null, null);
      }
    }
  }

  private static boolean isHeapPool(String pool) {
    return ManagementFactory.getMemoryPoolMXBeans().stream()
        .anyMatch(p -> p.getName().equals(pool)
            && p.getType() == java.lang.management.MemoryType.HEAP);
  }

  /** Iceberg's commit reports → data files added per table (named as the catalog names it). */
  public static final class CommitFiles implements MetricsReporter {
    @Override
    public void report(MetricsReport report) {
      if (report instanceof CommitReport commit && commit.commitMetrics() != null
          && commit.commitMetrics().addedDataFiles() != null) {
        FILES.computeIfAbsent(commit.tableName(), t -> new AtomicLong())
            .addAndGet(commit.commitMetrics().addedDataFiles().value());
      }
    }
  }

  /**
   * What the tasks sent back to the driver: every finished task's serialized result size (rows a
   * {@code collect} or {@code take} brings back, accumulator updates, write commit messages).
   */
  public static final class DriverResults extends org.apache.spark.scheduler.SparkListener {
    @Override
    public void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd end) {
      TASKS.incrementAndGet();
      if (end.taskMetrics() != null) {
        long bytes = end.taskMetrics().resultSize();
        RESULT_BYTES.addAndGet(bytes);
        MAX_RESULT.accumulateAndGet(bytes, Math::max);
      }
    }
  }
}
