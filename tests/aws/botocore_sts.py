#!/usr/bin/python3
"""tests/aws/botocore_sts.py: what botocore's STS client sends and how it reads the answers.

Reads a JSON list of cases from the file named by argv[1]; writes a JSON list to stdout, one
result per case. Each case: region (may be ""), regional ("regional" or "legacy"), role_arn,
session_name, token, status (HTTP status of the canned answer) and body (its XML).
botocore's AssumeRoleWithWebIdentity is called with those inputs; a before-send hook records
the request (url, body, header names) and returns the canned answer instead of going to the
network. Each result: url, body, content_type, has_authorization, and either "credentials"
(AccessKeyId, SecretAccessKey, SessionToken, Expiration as ISO 8601) or "error" (Code,
Message, Type, RequestId). Run with Debian's /usr/bin/python3 (python3-botocore).
"""
import json
import os
import sys
import tempfile

import botocore.awsrequest
import botocore.config
import botocore.exceptions
import botocore.session


class _Raw:
    """The minimum of a urllib3 response that botocore's AWSResponse reads."""

    def __init__(self, body):
        self._body = body

    def stream(self, **_):
        yield self._body


def run(case, home):
    os.environ["AWS_STS_REGIONAL_ENDPOINTS"] = case["regional"]
    session = botocore.session.get_session()
    client = session.create_client(
        "sts",
        region_name=case["region"] or None,
        aws_access_key_id="unused",
        aws_secret_access_key="unused",
        config=botocore.config.Config(retries={"max_attempts": 0}),
    )
    seen = {}

    def before_send(request, **_):
        seen["url"] = request.url
        body = request.body
        seen["body"] = body.decode("utf-8") if isinstance(body, bytes) else body
        seen["content_type"] = request.headers.get("Content-Type", "")
        if isinstance(seen["content_type"], bytes):
            seen["content_type"] = seen["content_type"].decode("utf-8")
        seen["has_authorization"] = "Authorization" in request.headers
        return botocore.awsrequest.AWSResponse(
            request.url, case["status"], {"Content-Type": "text/xml"}, _Raw(case["body"].encode("utf-8")))

    client.meta.events.register("before-send.sts.AssumeRoleWithWebIdentity", before_send)
    result = {}
    try:
        answer = client.assume_role_with_web_identity(
            RoleArn=case["role_arn"], RoleSessionName=case["session_name"], WebIdentityToken=case["token"])
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
        json.dump([run(c, home) for c in cases], sys.stdout)


if __name__ == "__main__":
    main()
