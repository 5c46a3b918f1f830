"""The reference service's two journeys on the reference's own ports and payloads
(issue 11, Acceptance): `allot serve` with its defaults on localhost:5005, Redis on
localhost:63791, driven exactly as the book's end-to-end tests drive its service.
ctest runs it alone (RUN_SERIAL, RESOURCE_LOCK reference_ports); another user of
these ports on the machine is waited for, up to two minutes.

Usage: test_serve_reference_ports.py ALLOT_BINARY [unittest options]
"""

import json
import os
import socket
import time
import unittest

from serve_util import ALLOT, Http, RedisServer, Serve, ServeCase, redis_module, run

API_PORT, REDIS_PORT = 5005, 63791


def port_free(port):
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


class ReferencePorts(ServeCase):
    def setUp(self):
        super().setUp()
        if not redis_module():
            raise unittest.SkipTest("needs python3-redis (Debian)")
        deadline = time.time() + 120
        while not (port_free(API_PORT) and port_free(REDIS_PORT)) and time.time() < deadline:
            time.sleep(1)
        self.assertTrue(port_free(API_PORT) and port_free(REDIS_PORT),
                        "ports %d and %d stayed busy" % (API_PORT, REDIS_PORT))
        self.r = self.redis(port=REDIS_PORT)
        # The defaults: no --listen, so 127.0.0.1:5005.
        self.s = self.serve("--redis", "localhost:%d" % REDIS_PORT, listen=None)
        self.assertEqual(self.s.port, API_PORT)
        self.api = Http(API_PORT, host="localhost")

    def tearDown(self):
        self.api.close()
        self.assertEqual(self.stop_serve(self.s), 0)
        super().tearDown()

    def post_to_add_batch(self, ref, sku, qty, eta):
        r = self.api.post("/add_batch", {"ref": ref, "sku": sku, "qty": qty, "eta": eta})
        self.assertEqual(r.status, 201)

    def post_to_allocate(self, orderid, sku, qty, expect_success=True):
        r = self.api.post("/allocate", {"orderid": orderid, "sku": sku, "qty": qty})
        if expect_success:
            self.assertEqual(r.status, 202)
        return r

    def test_allocate_and_read_back(self):
        orderid, sku, othersku = "order-" + os.urandom(3).hex(), "sku-" + os.urandom(3).hex(), "other-" + os.urandom(3).hex()
        early, later, other = "b1-" + os.urandom(3).hex(), "b2-" + os.urandom(3).hex(), "b3-" + os.urandom(3).hex()
        self.post_to_add_batch(later, sku, 100, "2011-01-02")
        self.post_to_add_batch(early, sku, 100, "2011-01-01")
        self.post_to_add_batch(other, othersku, 100, None)
        self.post_to_allocate(orderid, sku, 3)
        r = self.api.get("/allocations/" + orderid)
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json(), [{"sku": sku, "batchref": early}])
        unknown = "sku-" + os.urandom(3).hex()
        r = self.post_to_allocate("order-" + os.urandom(3).hex(), unknown, 20, expect_success=False)
        self.assertEqual(r.status, 400)
        self.assertEqual(r.json()["message"], "Invalid sku " + unknown)

    def test_change_batch_quantity_leading_to_reallocation(self):
        orderid, sku = "order-" + os.urandom(3).hex(), "sku-" + os.urandom(3).hex()
        earlier, later = "old-" + os.urandom(3).hex(), "newer-" + os.urandom(3).hex()
        self.post_to_add_batch(earlier, sku, 10, "2011-01-01")
        self.post_to_add_batch(later, sku, 10, "2011-01-02")
        self.post_to_allocate(orderid, sku, 10)
        self.assertEqual(self.api.get("/allocations/" + orderid).json()[0]["batchref"], earlier)
        redis = redis_module()
        client = redis.Redis(host="localhost", port=REDIS_PORT, username="tester")
        pubsub = client.pubsub(ignore_subscribe_messages=True)
        pubsub.subscribe("line_allocated")
        client.publish("change_batch_quantity", json.dumps({"batchref": earlier, "qty": 5}))
        messages = []
        deadline = time.time() + 3
        while time.time() < deadline:
            m = pubsub.get_message(timeout=1)
            if m:
                messages.append(json.loads(m["data"]))
                if messages[-1]["orderid"] == orderid and messages[-1]["batchref"] == later:
                    break
        pubsub.close()
        client.close()
        self.assertTrue(messages, "nothing on line_allocated within 3 s")
        self.assertEqual((messages[-1]["orderid"], messages[-1]["batchref"]), (orderid, later))


if __name__ == "__main__":
    run()
