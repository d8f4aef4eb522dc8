"""A local SMTP server for the benchmark: it accepts and counts every message.

Usage: python smtp_sink.py PORT OUTPUT_JSON. It listens on 127.0.0.1:PORT until
SIGTERM, then writes ``{"delivered": n, "first": t0, "last": t1}`` (times from
time.time()) to OUTPUT_JSON.
"""

import json
import signal
import sys
import time

from aiosmtpd.controller import Controller


class CountingHandler:
    def __init__(self):
        self.delivered = 0
        self.first = self.last = None

    async def handle_DATA(self, server, session, envelope):
        now = time.time()
        self.first = self.first or now
        self.last = now
        self.delivered += 1
        return "250 Message accepted"


def main():
    port, output = int(sys.argv[1]), sys.argv[2]
    handler = CountingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    print("SMTP-SINK-READY", flush=True)
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    controller.stop()
    with open(output, "w", encoding="utf-8") as out:
        result = {"delivered": handler.delivered}
        json.dump(dict(result, first=handler.first, last=handler.last), out)


if __name__ == "__main__":
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    main()
