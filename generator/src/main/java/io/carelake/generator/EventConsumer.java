package io.carelake.generator;

import io.carelake.core.events.VisitEvent;
import io.carelake.core.events.VitalEvent;

/** Receives the good events the simulation produces, in production order. */
interface EventConsumer {

  void visit(VisitEvent visit);

  void vital(VitalEvent vital);
}
