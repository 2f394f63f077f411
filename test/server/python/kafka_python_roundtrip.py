# kafka-python 2.0.2 against kt broker: a producer, a consumer group member that commits, and the
# admin client. Prints one JSON line of results for the test to check.
import json
import sys

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewPartitions, NewTopic

bootstrap = sys.argv[1]
admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="kpy-admin", request_timeout_ms=10000)
admin.create_topics([NewTopic("kpy", num_partitions=2, replication_factor=1)])
admin.create_partitions({"kpy": NewPartitions(total_count=3)})

producer = KafkaProducer(bootstrap_servers=bootstrap, client_id="kpy-producer", acks="all")
for i in range(6):
    producer.send("kpy", key=b"k%d" % i, value=b"v%d" % i, partition=i % 3, headers=[("h", b"\x00\x01")])
producer.flush(10)
producer.close(10)

consumer = KafkaConsumer(
    "kpy",
    bootstrap_servers=bootstrap,
    client_id="kpy-consumer",
    group_id="kpy-group",
    auto_offset_reset="earliest",
    enable_auto_commit=False,
    consumer_timeout_ms=8000,
    session_timeout_ms=10000,
)
values = []
for message in consumer:
    values.append([message.partition, message.offset, message.key.decode(), message.value.decode(), message.headers[0][1].hex()])
    if len(values) == 6:
        break
consumer.commit()
committed = {tp.partition: consumer.committed(tp) for tp in [TopicPartition("kpy", p) for p in range(3)]}
consumer.close()

groups = sorted(g[0] for g in admin.list_consumer_groups())
offsets = {tp.partition: meta.offset for tp, meta in admin.list_consumer_group_offsets("kpy-group").items()}
admin.delete_topics(["kpy"])
topics_after = sorted(admin.list_topics())
admin.close()
print(json.dumps({"values": sorted(values), "committed": committed, "groups": groups, "offsets": offsets, "topics_after": topics_after}))
