#!/usr/bin/env python3
"""cache_key.py [--args] PROFILE... — the AWS CLI's assume-role cache key of each profile,
computed by botocore itself (the oracle for `awsrole list --json`'s CacheKey).

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
    _seen.append((self._cache_key, json.dumps(args, sort_keys=True)))


bc.CachedCredentialFetcher.__init__ = _recording_init


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
    show_args = bool(argv) and argv[0] == "--args"
    if show_args:
        argv = argv[1:]
    if not argv:
        sys.exit(__doc__)
    for name in argv:
        k, a = key_of(name)
        print(f"{name}\t{k}\t{a}" if show_args else f"{name}\t{k}")


if __name__ == "__main__":
    main()
