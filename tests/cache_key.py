#!/usr/bin/env python3
"""cache_key.py [--args] [SCOPE OPTIONS] PROFILE... — the AWS CLI's assume-role cache key of
each profile, computed by botocore itself (the oracle for `awsrole list --json`'s CacheKey).

SCOPE OPTIONS (issue 12) add AssumeRole parameters that the AWS CLI never sends itself to the
arguments botocore hashes, exactly as if the profile's fetcher had been built with them in its
extra_args (AssumeRoleCredentialFetcher._create_cache_key then json.loads the Policy and hashes
json.dumps(args, sort_keys=True)); they apply to every PROFILE given, in this order of options:
  --policy-file F        Policy = F's JSON minified (json.dumps(json.loads(F), separators=(",", ":")))
  --policy TEXT          Policy = TEXT as it is
  --policy-arn ARN       PolicyArns += [{"arn": ARN}]         (repeatable, order kept)
  --tag KEY=VALUE        Tags += [{"Key": KEY, "Value": VALUE}] (repeatable, split on the first =)
  --transitive KEY       TransitiveTagKeys += [KEY]            (repeatable)
  --source-identity V    SourceIdentity = V
  --extra JSON           a JSON object merged in last (any AssumeRole parameter)
Without them the key is the CLI's own, as before.

The config is read from AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE (or ~/.aws) exactly as
the CLI reads it.  For each PROFILE, botocore's own credential provider builds the fetcher:
AssumeRoleProvider.load() (role_arn + source_profile/credential_source: _get_role_config,
then _load_creds_via_assume_role builds the AssumeRole kwargs -- RoleSessionName only when
configured, int(duration_seconds) ...), or AssumeRoleWithWebIdentityProvider.load() (role_arn +
web_identity_token_file).  The source credentials are never resolved and nothing is sent:
_resolve_source_credentials is replaced by a stub, and the fetcher is only constructed.
The key is what CachedCredentialFetcher.__init__ stored from _create_cache_key().

Output, one line per profile: "PROFILE<TAB>KEY" (KEY "-" when botocore builds no fetcher for
the profile), and with --args a third column: the json.dumps text the key hashes.
Environment variables that change botocore's choice (AWS_ROLE_ARN, AWS_PROFILE, ...) are
ignored: the script drops them before it starts.
"""
import copy
import json
import os
import sys

for v in list(os.environ):
    if v.startswith("AWS_") and v not in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        del os.environ[v]

import botocore.credentials as bc  # noqa: E402
import botocore.session  # noqa: E402

_seen = []
_orig_init = bc.CachedCredentialFetcher.__init__


def _recording_init(self, *a, **k):
    _orig_init(self, *a, **k)
    args = copy.deepcopy(getattr(self, "_assume_kwargs", {}))
    if getattr(self, "_using_default_session_name", False):
        args.pop("RoleSessionName", None)
    if "Policy" in args:  # as _create_cache_key hashes it
        args["Policy"] = json.loads(args["Policy"])
    _seen.append((self._cache_key, json.dumps(args, sort_keys=True)))


bc.CachedCredentialFetcher.__init__ = _recording_init

EXTRA = {}
_orig_ar_init = bc.AssumeRoleCredentialFetcher.__init__


def _extra_init(self, client_creator, source_credentials, role_arn, extra_args=None, *a, **k):
    if EXTRA:
        extra_args = dict(extra_args or {})
        extra_args.update(copy.deepcopy(EXTRA))
    _orig_ar_init(self, client_creator, source_credentials, role_arn, extra_args, *a, **k)


bc.AssumeRoleCredentialFetcher.__init__ = _extra_init


def parse_scope_options(argv):
    """Consume the SCOPE OPTIONS at the front of argv into EXTRA; return the rest."""
    rest = []
    i = 0
    while i < len(argv):
        o = argv[i]
        if o in ("--policy-file", "--policy", "--policy-arn", "--tag", "--transitive",
                 "--source-identity", "--extra"):
            if i + 1 >= len(argv):
                sys.exit(f"cache_key.py: {o} needs a value")
            v = argv[i + 1]
            i += 2
            if o == "--policy-file":
                try:
                    with open(v, encoding="utf-8") as f:
                        EXTRA["Policy"] = json.dumps(json.loads(f.read()), separators=(",", ":"))
                except (OSError, ValueError) as e:
                    sys.exit(f"cache_key.py: --policy-file {v}: {e}")
            elif o == "--policy":
                EXTRA["Policy"] = v
            elif o == "--policy-arn":
                EXTRA.setdefault("PolicyArns", []).append({"arn": v})
            elif o == "--tag":
                key, _, val = v.partition("=")
                EXTRA.setdefault("Tags", []).append({"Key": key, "Value": val})
            elif o == "--transitive":
                EXTRA.setdefault("TransitiveTagKeys", []).append(v)
            elif o == "--source-identity":
                EXTRA["SourceIdentity"] = v
            else:
                EXTRA.update(json.loads(v))
            continue
        rest.append(o)
        i += 1
    return rest


def key_of(name):
    try:
        s = botocore.session.Session(profile=name)
        resolver = s.get_component("credential_provider")
    except Exception as e:  # e.g. ProfileNotFound
        print(f"cache_key.py: {name}: {type(e).__name__}: {e}", file=sys.stderr)
        return ("-", "")
    for method in ("assume-role", "assume-role-with-web-identity"):
        p = resolver.get_provider(method)
        if method == "assume-role":
            p._resolve_source_credentials = lambda *a, **k: None
        del _seen[:]
        try:
            p.load()
        except Exception as e:  # an invalid profile: botocore builds no fetcher
            print(f"cache_key.py: {name}: {method}: {type(e).__name__}: {e}", file=sys.stderr)
            continue
        if _seen:
            return _seen[-1]
    return ("-", "")


def main():
    argv = sys.argv[1:]
    show_args = "--args" in argv
    argv = parse_scope_options([a for a in argv if a != "--args"])
    if not argv:
        sys.exit(__doc__)
    for name in argv:
        k, a = key_of(name)
        print(f"{name}\t{k}\t{a}" if show_args else f"{name}\t{k}")


if __name__ == "__main__":
    main()
