#!/usr/bin/python3
"""tests/aws/botocore_sign.py: signs requests with botocore's SigV4Auth, an independent signer.

Reads a JSON list of requests from the file named by argv[1]; writes a JSON list of
{"canonical_request", "string_to_sign", "signature", "authorization"} to stdout, one per request.
Each request: method, url, headers ([[name, value], ...]), body_hex, region, service,
access_key_id, secret_access_key, session_token (may be empty), timestamp ("20150830T123600Z").
Run with Debian's /usr/bin/python3 (python3-botocore).
"""
import datetime
import json
import sys
from unittest import mock

import botocore.auth
import botocore.awsrequest
import botocore.credentials


class _FixedDatetime(datetime.datetime):
    fixed = None

    @classmethod
    def utcnow(cls):
        return cls.fixed


class _RecordingSigV4Auth(botocore.auth.SigV4Auth):
    """Keeps the canonical request and string to sign that add_auth computed."""

    def canonical_request(self, request):
        self.recorded_canonical = super().canonical_request(request)
        return self.recorded_canonical

    def string_to_sign(self, request, canonical_request):
        self.recorded_sts = super().string_to_sign(request, canonical_request)
        return self.recorded_sts

    def signature(self, string_to_sign, request):
        self.recorded_signature = super().signature(string_to_sign, request)
        return self.recorded_signature


def sign(case):
    credentials = botocore.credentials.Credentials(
        case["access_key_id"], case["secret_access_key"], case["session_token"] or None)
    request = botocore.awsrequest.AWSRequest(
        method=case["method"], url=case["url"], data=bytes.fromhex(case["body_hex"]))
    for name, value in case["headers"]:
        request.headers[name] = value
    _FixedDatetime.fixed = datetime.datetime.strptime(case["timestamp"], "%Y%m%dT%H%M%SZ")
    auth = _RecordingSigV4Auth(credentials, case["service"], case["region"])
    with mock.patch.object(botocore.auth.datetime, "datetime", _FixedDatetime):
        auth.add_auth(request)
    return {
        "canonical_request": auth.recorded_canonical,
        "string_to_sign": auth.recorded_sts,
        "signature": auth.recorded_signature,
        "authorization": request.headers["Authorization"],
        "x_amz_date": request.headers["X-Amz-Date"],
        "x_amz_security_token": request.headers.get("X-Amz-Security-Token", ""),
    }


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        cases = json.load(f)
    json.dump([sign(c) for c in cases], sys.stdout)


if __name__ == "__main__":
    main()
