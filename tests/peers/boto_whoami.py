"""boto_whoami.py [--ua TAG] [PROFILE] — boto3 with the default chain (or the named profile):
prints "ARN ACCESS_KEY_ID"; on an error, the exception on stderr and exit 1.  TAG goes into the
User-Agent, so that a test can find the call in moto's log."""
import argparse
import sys

import boto3
from botocore.config import Config

ap = argparse.ArgumentParser()
ap.add_argument("--ua")
ap.add_argument("profile", nargs="?")
a = ap.parse_args()
try:
    s = boto3.session.Session(profile_name=a.profile) if a.profile else boto3.session.Session()
    arn = s.client("sts", config=Config(user_agent_extra=a.ua)).get_caller_identity()["Arn"]
    print(arn, s.get_credentials().get_frozen_credentials().access_key)
except Exception as e:
    print(f"whoami.py: {type(e).__name__}: {e}", file=sys.stderr)
    sys.exit(1)
