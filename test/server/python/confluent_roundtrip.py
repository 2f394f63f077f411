# confluent-kafka-python 1.7 (librdkafka 2.0.2) against kt broker: a producer, a consumer group
# member with commits, and the AdminClient. Prints one JSON line of results.
import json
import sys

from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewPartitions, NewTopic

bootstrap = sys.argv[1]
admin = AdminClient({"bootstrap.servers": bootstrap, "client.id": "ck-admin"})
for f in admin.create_topics([NewTopic("ck", num_partitions=2, replication_factor=1)]).values():
    f.result(10)
for f in admin.create_partitions([NewPartitions("ck", 3)]).values():
    f.result(10)

producer = Producer({"bootstrap.servers": bootstrap, "client.id": "ck-producer", "compression.type": "lz4"})
for i in range(6):
    producer.produce("ck", key=b"k%d" % i, value=b"v%d" % i, partition=i % 3)
producer.flush(10)

consumer = Consumer({
    "bootstrap.servers": bootstrap,
    "client.id": "ck-consumer",
    "group.id": "ck-group",
    "auto.offset.reset": "earliest",
    "enable.auto.commit": False,
})
consumer.subscribe(["ck"])
values = []
for _ in range(200):
    m = consumer.poll(0.1)
    if m is None or m.error():
        continue
    values.append([m.partition(), m.offset(), m.key().decode(), m.value().decode()])
    if len(values) == 6:
        break
consumer.commit(asynchronous=False)
committed = {tp.partition: tp.offset for tp in consumer.committed([TopicPartition("ck", p) for p in range(3)], timeout=10)}
consumer.close()

groups = sorted(g.id for g in admin.list_groups(timeout=10))
for f in admin.delete_topics(["ck"]).values():
    f.result(10)
topics_after = sorted(admin.list_topics(timeout=10).topics)
print(json.dumps({"values": sorted(values), "committed": committed, "groups": groups, "topics_after": topics_after}))
