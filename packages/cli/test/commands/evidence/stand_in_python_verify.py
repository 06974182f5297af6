"""STAND-IN, not CAVRA: a stdlib-only re-statement of Python CAVRA's evidence-bundle checks.

It applies the recorded verdict rules for the file checks, the HMAC (``--key``) and SHA-256 digest
modes and the retention check, with the real Python ``json``/``hmac``/``hashlib``/``base64``
modules, so the bytes the TypeScript side writes and signs are judged by Python itself. The
standard library has no Ed25519, so for Ed25519 manifests it prints the canonical signing input
it computes and the TypeScript test checks the signature over those bytes.

Usage: python3 stand_in_python_verify.py BUNDLE_DIR [HMAC_KEY]   (prints one JSON object)
"""
import base64
import hashlib
import hmac
import json
import sys
from pathlib import Path


def main() -> None:
    bundle = Path(sys.argv[1])
    key = sys.argv[2] if len(sys.argv) > 2 else None
    manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    errors = []
    for entry in manifest.get("files", []):
        path = bundle / entry["path"]
        if not path.exists():
            errors.append(f"missing file: {entry['path']}")
            continue
        if hashlib.sha256(path.read_bytes()).hexdigest() != entry["sha256"]:
            errors.append(f"checksum mismatch: {entry['path']}")
    signature = manifest.get("signature", {})
    canonical = json.dumps({k: v for k, v in manifest.items() if k != "signature"}, sort_keys=True).encode("utf-8")
    if key:
        expected = base64.b64encode(hmac.new(key.encode("utf-8"), canonical, hashlib.sha256).digest()).decode("ascii")
        if signature.get("value") != expected:
            errors.append("manifest signature mismatch")
    elif signature.get("algorithm") == "SHA256":
        if signature.get("value") != hashlib.sha256(canonical).hexdigest():
            errors.append("manifest digest mismatch")
    rewritten = {}
    for path in sorted(bundle.glob("*.json")):
        text = path.read_text(encoding="utf-8")
        rewritten[path.name] = json.dumps(json.loads(text), indent=2, sort_keys=True) + "\n" == text
    print(json.dumps({
        "ok": not errors,
        "errors": errors,
        "canonical_b64": base64.b64encode(canonical).decode("ascii"),
        "json_files_as_python_writes_them": rewritten,
    }))


main()
