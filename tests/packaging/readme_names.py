#!/usr/bin/env python3
"""Every parameter and secret name the README's examples read exists in the bundled sample data
(examples/data/store.json), so that a newcomer can try them against ssm-cache-local.

Usage: readme_names.py README.md examples/data/store.json
"""
import json
import re
import sys


def names_read_by(readme):
    """(kind, name) pairs: kind 'param', 'secret' or 'path' (some parameter lies under it)."""
    wanted = []
    base = ""
    for block in re.findall(r"```cpp\n(.*?)```", readme, re.S):
        if "set_ssm_client" in block:  # the fake-client example: its names are not data
            continue
        m = re.search(r'base_path = "([^"]*)"', block)
        if m:
            base = m.group(1)
        for name in re.findall(r'SSMParameter\s*\w*\("([^"]+)"', block):
            wanted.append(("param", name.split(":")[0]))  # without a version or label
        for name in re.findall(r'SecretsManagerParameter \w+\("([^"]+)"', block):
            wanted.append(("secret", name))
        for name in re.findall(r'\.secret\("([^"]+)"', block):
            wanted.append(("secret", name))
        for name in re.findall(r'\.parameter\("([^"]+)"', block):
            wanted.append(("param", base + name))
        for path in re.findall(r'\.parameters\("([^"]+)"', block):
            wanted.append(("path", (base + path, path)))
    # Inline examples: `SSMParameter("db:3")`.
    for name in re.findall(r'`SSMParameter\("([^"]+)"\)`', readme):
        wanted.append(("param", name.split(":")[0]))
    return wanted


def main():
    readme = open(sys.argv[1], encoding="utf-8").read()
    store = json.load(open(sys.argv[2], encoding="utf-8"))
    params = {p["Name"] for p in store["parameters"]}
    secrets = {s["Name"] for s in store["secrets"]}
    wanted = names_read_by(readme)
    missing = []
    for kind, name in wanted:
        if kind == "path":
            if not any(p.startswith(c.rstrip("/") + "/") for c in name for p in params):
                missing.append(f"a parameter under {name[0]} (or {name[1]})")
        elif kind == "secret":
            if name not in secrets:
                missing.append(f"secret {name}")
        elif name not in params:
            missing.append(f"parameter {name}")
    if len(wanted) < 10:
        print(f"only {len(wanted)} names found in the README: has its format changed?")
        return 1
    if missing:
        print("README names missing from the sample data:\n  " + "\n  ".join(missing))
        return 1
    print(f"{len(wanted)} README names, all in the sample data")
    return 0


if __name__ == "__main__":
    sys.exit(main())
