#!/usr/bin/python3
"""tests/aws/botocore_sts.py: what botocore's STS client sends and how it reads the answers.

Reads a JSON list of cases from the file named by argv[1]; writes a JSON list to stdout, one
result per case. Each case: region (may be ""), regional ("regional" or "legacy"), role_arn,
session_name, status (HTTP status of the canned answer), body (its XML), and either token
(AssumeRoleWithWebIdentity, the default action) or, with "action": "AssumeRole",
access_key_id, secret_access_key, session_token (may be ""), external_id and
duration_seconds (optional) and amz_date ("20240229T235959Z", the signing time).
botocore's client is called with those inputs; a before-send hook records the request and
returns the canned answer instead of going to the network. Each result: url, body,
content_type, has_authorization, authorization, x_amz_date, x_amz_security_token, and either
"credentials" (AccessKeyId, SecretAccessKey, SessionToken, Expiration as ISO 8601) or "error"
(Code, Message, Type, RequestId). Run with Debian's /usr/bin/python3 (python3-botocore).
"""
import datetime
import json
import os
import sys
import tempfile
from unittest import mock

import botocore.auth
import botocore.awsrequest
import botocore.config
import botocore.exceptions
import botocore.session


class _FixedDatetime(datetime.datetime):
    fixed = None

    @classmethod
    def utcnow(cls):
        return cls.fixed


def _text(value):
    return value.decode("utf-8") if isinstance(value, bytes) else (value or "")


class _Raw:
    """The minimum of a urllib3 response that botocore's AWSResponse reads."""

    def __init__(self, body):
        self._body = body

    def stream(self, **_):
        yield self._body


def call(client, case):
    if case.get("action", "AssumeRoleWithWebIdentity") == "AssumeRoleWithWebIdentity":
        return client.assume_role_with_web_identity(
            RoleArn=case["role_arn"], RoleSessionName=case["session_name"], WebIdentityToken=case["token"])
    # The keyword order of botocore's own AssumeRole credential provider.
    kwargs = {"RoleArn": case["role_arn"], "RoleSessionName": case["session_name"]}
    if case.get("external_id"):
        kwargs["ExternalId"] = case["external_id"]
    if case.get("duration_seconds"):
        kwargs["DurationSeconds"] = case["duration_seconds"]
    _FixedDatetime.fixed = datetime.datetime.strptime(case["amz_date"], "%Y%m%dT%H%M%SZ")
    with mock.patch.object(botocore.auth.datetime, "datetime", _FixedDatetime):
        return client.assume_role(**kwargs)


def run(case):
    os.environ["AWS_STS_REGIONAL_ENDPOINTS"] = case["regional"]
    session = botocore.session.get_session()
    client = session.create_client(
        "sts",
        region_name=case["region"] or None,
        aws_access_key_id=case.get("access_key_id", "unused"),
        aws_secret_access_key=case.get("secret_access_key", "unused"),
        aws_session_token=case.get("session_token") or None,
        config=botocore.config.Config(retries={"max_attempts": 0}),
    )
    seen = {}

    def before_send(request, **_):
        seen["url"] = request.url
        seen["body"] = _text(request.body)
        seen["content_type"] = _text(request.headers.get("Content-Type"))
        seen["has_authorization"] = "Authorization" in request.headers
        seen["authorization"] = _text(request.headers.get("Authorization"))
        seen["x_amz_date"] = _text(request.headers.get("X-Amz-Date"))
        seen["x_amz_security_token"] = _text(request.headers.get("X-Amz-Security-Token"))
        return botocore.awsrequest.AWSResponse(
            request.url, case["status"], {"Content-Type": "text/xml"}, _Raw(case["body"].encode("utf-8")))

    client.meta.events.register("before-send.sts.*", before_send)
    result = {}
    try:
        answer = call(client, case)
        c = answer["Credentials"]
        result["credentials"] = {
            "AccessKeyId": c["AccessKeyId"],
            "SecretAccessKey": c["SecretAccessKey"],
            "SessionToken": c["SessionToken"],
            "Expiration": c["Expiration"].strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
    except botocore.exceptions.ClientError as e:
        err = e.response.get("Error", {})
        result["error"] = {
            "Code": err.get("Code", ""),
            "Message": err.get("Message", ""),
            "Type": err.get("Type", ""),
            "RequestId": e.response.get("ResponseMetadata", {}).get("RequestId", ""),
        }
    result.update(seen)
    return result


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        cases = json.load(f)
    # No shared files, no environment credentials: only the inputs of each case count.
    with tempfile.TemporaryDirectory() as home:
        for name in list(os.environ):
            if name.startswith("AWS_"):
                del os.environ[name]
        os.environ["HOME"] = home
        os.environ["AWS_CONFIG_FILE"] = os.path.join(home, "config")
        os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.path.join(home, "credentials")
        json.dump([run(c) for c in cases], sys.stdout)


if __name__ == "__main__":
    main()
