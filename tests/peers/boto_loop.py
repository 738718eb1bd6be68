"""boto_loop.py --ua TAG INTERVAL SECONDS [--tolerant] [--stop FILE] — a long boto3 job: one
client, GetCallerIdentity every INTERVAL s (TAG in the User-Agent, no retries); a line per call,
"ok TS" or "err TS MESSAGE".  Without --tolerant the first error ends it (exit 1).  Ends after
SECONDS, or once FILE exists."""
import argparse
import os
import sys
import time

import boto3
from botocore.config import Config

ap = argparse.ArgumentParser()
ap.add_argument("--ua", required=True)
ap.add_argument("interval", type=float)
ap.add_argument("seconds", type=float)
ap.add_argument("--tolerant", action="store_true")
ap.add_argument("--stop")
a = ap.parse_args()
c = boto3.session.Session().client(
    "sts", config=Config(user_agent_extra=a.ua, retries={"max_attempts": 1}))
end = time.time() + a.seconds
while True:
    try:
        c.get_caller_identity()
        print(f"ok {time.time():.3f}", flush=True)
    except Exception as e:
        print(f"err {time.time():.3f} {type(e).__name__}: {e}".replace("\n", " "), flush=True)
        if not a.tolerant:
            sys.exit(1)
    if time.time() + a.interval > end or (a.stop and os.path.exists(a.stop)):
        break
    time.sleep(a.interval)
