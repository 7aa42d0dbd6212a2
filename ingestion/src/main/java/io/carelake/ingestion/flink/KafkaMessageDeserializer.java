package io.carelake.ingestion.flink;

import io.carelake.ingestion.envelope.KafkaMessage;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.record.RecordBatch;

/**
 * Keeps each Kafka record as it came: value bytes, topic, partition, offset and timestamp. It
 * never fails, so a bad message cannot stop the job: parsing happens downstream, where a failure
 * becomes a dead letter.
 */
public final class KafkaMessageDeserializer implements KafkaRecordDeserializationSchema<KafkaMessage> {

  private static final long serialVersionUID = 1L;

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<KafkaMessage> out) {
    Long timestamp = record.timestamp() == RecordBatch.NO_TIMESTAMP ? null : record.timestamp();
    out.collect(new KafkaMessage(record.topic(), record.partition(), record.offset(), timestamp,
        record.value()));
  }

  @Override
  public TypeInformation<KafkaMessage> getProducedType() {
    return TypeInformation.of(KafkaMessage.class);
  }
}
