#!/usr/bin/env python3
"""scoped_model.py — botocore's own STS model plus the GetScopedCredentials operation, which
botocore 1.43 does not have (docs/AGENT.md section 3).  The operation is added from the schema of
@aws-sdk/client-sts 3.1177.0 (dist-cjs/index.js: GetScopedCredentialsRequest$ [Policy,
DurationSeconds, MinimumSessionTokenSize, ScopedSessionDescription], GetScopedCredentialsResponse$
[Credentials, SessionInfo (ScopedSession: ScopedSessionId, Arn, both required),
SessionTokenUtilization, SessionTokenSize, ScopedPoliciesCount, SourceIdentity], awsQueryError
entries InsufficientSessionLifetime / InvalidSubjectCredentials / MalformedPolicyDocument /
PackedPolicyTooLarge, all 400).  Everything else — the query serializer, SigV4 signing, the XML
parser, error parsing — is botocore's, unchanged.  When botocore itself has the operation, its
own definition is used and nothing is added.

As a module:
  sts_model()                 the patched service model dict
  operation_model(name)       a botocore OperationModel of the patched model
  session()                   a botocore Session whose "sts" clients have get_scoped_credentials
  client(**kw)                session().create_client("sts", **kw)

As a script:
  scoped_model.py ops         the operation names of the patched model, one a line
  scoped_model.py body JSON   the form body botocore would send for GetScopedCredentials with the
                              kwargs JSON (order kept), e.g. '{"Policy": "...", "DurationSeconds": 900}'
"""
import copy
import json
import sys

OP = "GetScopedCredentials"

_ADD_SHAPES = {
    "GetScopedCredentialsRequest": {
        "type": "structure",
        "members": {
            "Policy": {"shape": "scopedSessionPolicyDocumentType"},
            "DurationSeconds": {"shape": "scopedDurationSecondsType"},
            "MinimumSessionTokenSize": {"shape": "minimumSessionTokenSizeType"},
            "ScopedSessionDescription": {"shape": "scopedSessionDescriptionType"},
        },
    },
    "GetScopedCredentialsResponse": {
        "type": "structure",
        "members": {
            "Credentials": {"shape": "Credentials"},
            "SessionInfo": {"shape": "ScopedSession"},
            "SessionTokenUtilization": {"shape": "scopedIntegerType"},
            "SessionTokenSize": {"shape": "scopedIntegerType"},
            "ScopedPoliciesCount": {"shape": "scopedIntegerType"},
            "SourceIdentity": {"shape": "sourceIdentityType"},
        },
    },
    "ScopedSession": {
        "type": "structure",
        "required": ["ScopedSessionId", "Arn"],
        "members": {
            "ScopedSessionId": {"shape": "scopedStringType"},
            "Arn": {"shape": "arnType"},
        },
    },
    "scopedSessionPolicyDocumentType": {
        "type": "string", "min": 1, "max": 2048,
        "pattern": "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+",
    },
    "scopedDurationSecondsType": {"type": "integer", "min": 1, "max": 129600},
    "minimumSessionTokenSizeType": {"type": "integer", "min": 0, "max": 4096},
    "scopedSessionDescriptionType": {"type": "string", "max": 256},
    "scopedIntegerType": {"type": "integer"},
    "scopedStringType": {"type": "string"},
    "scopedErrorMessage": {"type": "string"},
}

_ERRORS = [
    ("InsufficientSessionLifetimeException", "InsufficientSessionLifetime"),
    ("InvalidSubjectCredentialsException", "InvalidSubjectCredentials"),
    ("MalformedPolicyDocumentException", None),   # already in botocore's model
    ("PackedPolicyTooLargeException", None),
]


def patch(model):
    """Add GetScopedCredentials to a copy of an sts service model dict (no-op if present)."""
    m = copy.deepcopy(model)
    if OP in m["operations"]:
        return m
    for name, shape in _ADD_SHAPES.items():
        m["shapes"].setdefault(name, copy.deepcopy(shape))
    for shape, code in _ERRORS:
        if shape not in m["shapes"]:
            m["shapes"][shape] = {
                "type": "structure",
                "members": {"message": {"shape": "scopedErrorMessage"}},
                "error": {"code": code, "httpStatusCode": 400, "senderFault": True},
                "exception": True,
            }
    m["operations"][OP] = {
        "name": OP,
        "http": {"method": "POST", "requestUri": "/"},
        "input": {"shape": "GetScopedCredentialsRequest"},
        "output": {"shape": "GetScopedCredentialsResponse", "resultWrapper": "GetScopedCredentialsResult"},
        "errors": [{"shape": s} for s, _ in _ERRORS],
    }
    return m


def sts_model():
    import botocore.session
    return patch(botocore.session.get_session().get_service_data("sts"))


def operation_model(name):
    from botocore.model import ServiceModel
    return ServiceModel(sts_model(), service_name="sts").operation_model(name)


def session():
    """A botocore Session whose loader serves the patched sts model."""
    import botocore.session
    s = botocore.session.Session()
    loader = s.get_component("data_loader")
    orig = loader.load_service_model

    def load_service_model(service_name, type_name, api_version=None):
        data = orig(service_name, type_name, api_version)
        if service_name == "sts" and type_name == "service-2":
            data = patch(data)
        return data

    loader.load_service_model = load_service_model
    return s


def client(**kw):
    return session().create_client("sts", **kw)


def body_for(kwargs, action=OP):
    """The urlencoded body botocore sends for ACTION with KWARGS (dict order kept)."""
    import botocore.serialize
    from botocore.awsrequest import AWSRequest
    op = operation_model(action)
    req = botocore.serialize.create_serializer("query").serialize_to_request(kwargs, op)
    prepared = AWSRequest(method="POST", url="https://sts.us-east-1.amazonaws.com/", data=req["body"],
                          headers=req["headers"]).prepare()
    b = prepared.body
    return b.decode("utf-8") if isinstance(b, bytes) else b


def main(argv):
    if len(argv) >= 2 and argv[1] == "ops":
        for o in sts_model()["operations"]:
            print(o)
        return 0
    if len(argv) >= 3 and argv[1] == "body":
        print(body_for(json.loads(argv[2])))
        return 0
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
