#!/usr/bin/python3
"""Runs botocore's adaptive-mode rate limiter (botocore.retries.adaptive.ClientRateLimiter with
its CubicCalculator, RateClocker and TokenBucket) over a scripted sequence of responses, on a
fake clock, and prints its state after each one, for tests/client/adaptive_rate_test.cpp.

Input (file named by argv[1]): {"start": T0, "events": [[t, throttled], ...]}
Output: JSON list, one {"send_rate", "measured_rate", "enabled"} per event.
"""
import json
import sys

from botocore.retries import adaptive, bucket, throttling


class FakeClock:
    def __init__(self, t):
        self.t = t

    def current_time(self):
        return self.t

    def sleep(self, amount):
        self.t += amount


class ScriptedDetector:
    """botocore's ThrottlingErrorDetector reads the parsed response; here the script says."""

    def __init__(self):
        self.throttled = False

    def is_throttling_error(self, **kwargs):
        return self.throttled


def main():
    with open(sys.argv[1]) as f:
        script = json.load(f)
    clock = FakeClock(script["start"])
    detector = ScriptedDetector()
    # As botocore.retries.adaptive.register_retry_handler builds it.
    limiter = adaptive.ClientRateLimiter(
        rate_adjustor=throttling.CubicCalculator(
            starting_max_rate=0, start_time=clock.current_time()),
        rate_clocker=adaptive.RateClocker(clock),
        token_bucket=bucket.TokenBucket(max_rate=1, clock=clock),
        throttling_detector=detector,
        clock=clock,
    )
    out = []
    for t, throttled in script["events"]:
        clock.t = t
        detector.throttled = bool(throttled)
        limiter.on_receiving_response()
        out.append({
            "send_rate": limiter._token_bucket.max_rate,
            "measured_rate": limiter._rate_clocker.measured_rate,
            "enabled": limiter._enabled,
        })
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
