"""Runs Kafka operations with confluent-kafka-python (librdkafka) for the
acceptance tests, as a tenant's application would.

Reads one JSON object on stdin:
  {"config": {librdkafka properties}, "actions": [action, ...]}
where an action is
  {"op": "produce", "topic": T, "value": V}
  {"op": "consume", "topic": T, "group": G, "count": N}
and writes one JSON list on stdout, one result per action:
  {"ok": true, "values": [...]}   or   {"ok": false, "error": NAME, "message": TEXT}
NAME is librdkafka's error name, such as TOPIC_AUTHORIZATION_FAILED.
"""
import json
import sys
import time

from confluent_kafka import Consumer, KafkaError, KafkaException, Producer

TIMEOUT_S = 20


def failure(err):
    return {"ok": False, "error": err.name(), "message": err.str()}


def produce(config, action):
    results = []
    producer = Producer(dict(config, **{"message.timeout.ms": TIMEOUT_S * 1000}))

    def delivered(err, _msg):
        results.append(failure(err) if err else {"ok": True})

    producer.produce(action["topic"], action["value"].encode(), on_delivery=delivered)
    remaining = producer.flush(TIMEOUT_S + 5)
    if remaining or not results:
        return {"ok": False, "error": "TIMED_OUT", "message": "no delivery report"}
    return results[0]


def consume(config, action):
    consumer = Consumer(dict(config, **{
        "group.id": action["group"],
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
    }))
    values = []
    try:
        consumer.subscribe([action["topic"]])
        deadline = time.monotonic() + TIMEOUT_S
        while len(values) < action["count"] and time.monotonic() < deadline:
            msg = consumer.poll(1.0)
            if msg is None:
                continue
            if msg.error():
                if msg.error().code() == KafkaError._PARTITION_EOF:
                    continue
                return failure(msg.error())
            values.append(msg.value().decode())
        if len(values) < action["count"]:
            return {"ok": False, "error": "TIMED_OUT", "message": "got %r before the deadline" % values}
        consumer.commit(asynchronous=False)
        return {"ok": True, "values": values}
    except KafkaException as e:
        return failure(e.args[0])
    finally:
        consumer.close()


def main():
    request = json.load(sys.stdin)
    ops = {"produce": produce, "consume": consume}
    out = [ops[a["op"]](request["config"], a) for a in request["actions"]]
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
