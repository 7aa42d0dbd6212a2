package io.carelake.generator;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Drives the simulation day by day over the whole population and streams every message into a
 * {@link MessageSink}. Memory holds the patients (O(patients)) and the few held-back messages,
 * never the events: tens of millions of messages stream through in constant memory per patient.
 */
public final class Generator {

  /** Progress after each simulated day. */
  public record Progress(int day, int days, LocalDate date, long messages) {}

  private final GeneratorSettings settings;

  public Generator(GeneratorSettings settings) {
    this.settings = settings;
  }

  /** Generates everything into {@code sink} (flushed, not closed) and returns the manifest. */
  public Manifest run(MessageSink sink, String destination, Consumer<Progress> progress)
      throws java.io.IOException {
    Manifest manifest = new Manifest(settings, destination);
    CountingSink counting = new CountingSink(sink);
    List<Clinic> clinics = Clinic.forDistricts(District.ALL,
        Seeds.derive(settings.seed(), Seeds.CLINICS, 0));
    PatientFactory factory = new PatientFactory(settings.seed(), settings.start(), settings.days(),
        clinics);
    List<SyntheticPatient> patients = new ArrayList<>(settings.patients());
    for (int i = 0; i < settings.patients(); i++) {
      SyntheticPatient p = factory.create(i);
      patients.add(p);
      if (p.hypertension.present() || p.diabetes.present()) {
        manifest.diseaseCourses.add(new Manifest.PatientCourse(p.residentId,
            Manifest.Course.of(p.hypertension, settings.start()),
            Manifest.Course.of(p.diabetes, settings.start())));
      }
    }
    BadEventPlanter planter = new BadEventPlanter(counting, manifest, settings.seed(),
        settings.badRate());
    CareSimulator simulator = new CareSimulator(new EventIdSequence(settings.seed()), planter);
    for (int day = 0; day < settings.days(); day++) {
      LocalDate date = settings.start().plusDays(day);
      String iso = date.toString();
      planter.startDay(day);
      for (SyntheticPatient p : patients) {
        simulator.simulate(p, day, date, iso);
      }
      progress.accept(new Progress(day + 1, settings.days(), date, counting.sent));
    }
    planter.finish();
    sink.flush();
    return manifest;
  }

  /** Counts what passes through, for progress lines. */
  private static final class CountingSink implements MessageSink {
    private final MessageSink delegate;
    long sent;

    CountingSink(MessageSink delegate) {
      this.delegate = delegate;
    }

    @Override
    public void send(io.carelake.core.events.EventKind kind, byte[] key, byte[] value)
        throws java.io.IOException {
      delegate.send(kind, key, value);
      sent++;
    }

    @Override
    public void flush() throws java.io.IOException {
      delegate.flush();
    }

    @Override
    public void close() throws java.io.IOException {
      delegate.close();
    }
  }
}
