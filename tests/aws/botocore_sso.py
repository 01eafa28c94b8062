#!/usr/bin/python3
"""tests/aws/botocore_sso.py: botocore's view of an SSO profile's token cache and portal call.

Reads a JSON object from the file named by argv[1]: "cache_keys", a list of {start_url,
session_name (may be null)}, and "calls", a list of {region, role_name, account_id, token,
body (the canned GetRoleCredentials answer)}. Writes {"cache_keys": [file names as
botocore.utils.SSOTokenLoader names them, ".json" added], "calls": [{url, method, headers
(lowercase names), credentials: {AccessKeyId, SecretAccessKey, SessionToken, Expiration as
epoch seconds}}]}. The "sso" client is botocore's own, unsigned, its request caught by a
before-send hook that answers with the canned body. Run with Debian's /usr/bin/python3.
"""
import json
import sys

import botocore
import botocore.awsrequest
import botocore.config
import botocore.session
import botocore.utils


class _Raw:
    """The minimum of a urllib3 response that botocore's AWSResponse reads."""

    def __init__(self, body):
        self._body = body

    def stream(self, **_):
        yield self._body


def cache_key(case):
    loader = botocore.utils.SSOTokenLoader(cache={})
    return loader._generate_cache_key(case["start_url"], case.get("session_name")) + ".json"


def call(case):
    session = botocore.session.get_session()
    config = botocore.config.Config(signature_version=botocore.UNSIGNED, region_name=case["region"])
    client = session.create_client("sso", config=config)
    seen = {}

    def before_send(request, **_):
        seen["url"] = request.url
        seen["method"] = request.method
        seen["headers"] = {k.lower(): (v.decode() if isinstance(v, bytes) else v) for k, v in request.headers.items()}
        return botocore.awsrequest.AWSResponse(
            request.url, 200, {"Content-Type": "application/json"}, _Raw(case["body"].encode("utf-8")))

    client.meta.events.register("before-send.sso.*", before_send)
    answer = client.get_role_credentials(
        roleName=case["role_name"], accountId=case["account_id"], accessToken=case["token"])
    rc = answer["roleCredentials"]
    seen["credentials"] = {"AccessKeyId": rc["accessKeyId"], "SecretAccessKey": rc["secretAccessKey"],
                           "SessionToken": rc["sessionToken"], "Expiration": rc["expiration"] / 1000.0}
    return seen


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        cases = json.load(f)
    json.dump({"cache_keys": [cache_key(c) for c in cases["cache_keys"]],
               "calls": [call(c) for c in cases["calls"]]}, sys.stdout)


if __name__ == "__main__":
    main()
