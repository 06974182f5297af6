#!/usr/bin/env python3
"""CAVRA parity adapter: JSON Lines in, one RuntimeGuard decision per line out.

Implements the adapter protocol the recorded corpus was made with; the request fields are the
decision request plus two harness extensions: `policy_file` (a compiled policy used exactly as
stored) and `registry` (a trust registry, a path or inline).
Run from a CAVRA checkout with ``PYTHONPATH=<checkout>/src``; it needs only what ``cavra``
itself needs. One request per input line, exactly one answer per line, in order:

* a decision: ``json.dumps(decision.to_dict(), ensure_ascii=False)``;
* or ``{"error": "<ExceptionClassName>: <message>"}`` for any exception.

Two request kinds besides the five action types:

* ``{"action_type": "release_governance_record", "record" | "release_governance": {...}, "target",
  "operation" | "requested_operation", ...}``: ``RuntimeGuard.evaluate_release_governance_record``;
* ``{"route": <decision>, "routing_rules": <list | routing-file path | null>}`` (no ``action_type``):
  ``cavra.approvals.route_approver_group``, a path loaded with ``load_routing_rules`` first;
  answered ``{"approver_group": <str | null>}``.

Harness extension (not a request): the line ``{"__adapter__": "hello"}`` answers with the
adapter's identity, so the harness can tell "started" from "import failed".

Request kinds: a line with ``"__kind__": "<kind>"`` is answered by the handler registered for
that kind in ``REQUEST_KINDS`` (the rest of the line is its request); a line without it is a
decision request. A new case family that asks Python something new adds one method to
``Adapter`` and one entry to ``REQUEST_KINDS``.

Input is read in raw chunks and every complete line in a chunk is answered before one write +
flush: the harness pipelines thousands of lines, and a syscall per line would dominate.
"""

import contextlib
import copy
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

PROTOCOL = 1
DEFAULT_PACK = "cavra-ai-agent-baseline"
IDENTITY_DEFAULTS = (("session_id", "local"), ("agent_id", "unknown-agent"), ("actor", "ai-agent"))
READ_SIZE = 1 << 20


class AdapterSetupError(Exception):
    """The cavra package does not behave as the documented interface says."""


class Adapter:
    def __init__(self, runtime, registry_mod, policy_registry_mod, workdir):
        self.RuntimeGuard = runtime.RuntimeGuard
        self.RegistryStore = registry_mod.RegistryStore
        self.PolicyRegistry = policy_registry_mod.PolicyRegistry
        self.workdir = workdir
        self.registries = {}  # key -> RegistryStore or the exception it failed with
        self.policies = {}  # key -> compiled policy object or exception
        self.guards = {}
        self.pack_policies = {}  # label -> the policy the real load path returned for it
        self.counter = 0

    # -- registry: fresh temp file per distinct registry, upsert in order, cached
    def registry_for(self, spec):
        if isinstance(spec, str):
            key = "path:" + spec
        elif isinstance(spec, dict):
            key = "inline:" + json.dumps(spec, ensure_ascii=False)
        else:
            raise TypeError("registry must be a path string or a JSON object")
        cached = self.registries.get(key)
        if cached is None:
            try:
                if isinstance(spec, str):
                    with open(spec, encoding="utf-8") as handle:
                        doc = json.load(handle)
                else:
                    doc = spec
                self.counter += 1
                store = self.RegistryStore(Path(self.workdir) / f"registry-{self.counter}.json")
                for item in doc.get("mcp_servers", []):
                    store.upsert_mcp_server(item)
                cached = store
            except Exception as exc:  # a broken registry fails every request naming it
                cached = exc
            self.registries[key] = cached
        if isinstance(cached, Exception):
            raise cached
        return key, cached

    # -- compiled policy: used exactly as stored
    def policy_for(self, spec):
        if isinstance(spec, str):
            key = "path:" + spec
        elif isinstance(spec, dict):
            key = "inline:" + json.dumps(spec, ensure_ascii=False)
        else:
            raise TypeError("policy_file must be a path string or a JSON object")
        cached = self.policies.get(key)
        if cached is None:
            try:
                if isinstance(spec, str):
                    with open(spec, encoding="utf-8") as handle:
                        cached = json.load(handle)
                else:
                    cached = spec
            except Exception as exc:
                cached = exc
            self.policies[key] = cached
        if isinstance(cached, Exception):
            raise cached
        return key, cached

    def guard_for(self, request):
        store = None
        registry_key = None
        if request.get("registry"):
            registry_key, store = self.registry_for(request["registry"])
        pack = request.get("policy_pack")
        if request.get("policy_file") is not None:
            policy_key, policy = self.policy_for(request["policy_file"])
            metadata = policy.get("metadata") if isinstance(policy, dict) else None
            metadata_id = metadata.get("id") if isinstance(metadata, dict) else None
            label = pack or metadata_id or DEFAULT_PACK
            key = (policy_key, label, registry_key)
            guard = self.guards.get(key)
            if guard is None:
                guard = self.guard_with_policy(label, policy, store)
                self.guards[key] = guard
            return guard
        label = pack or DEFAULT_PACK
        key = ("pack", label, registry_key)
        guard = self.guards.get(key)
        if guard is None:
            loaded = self.pack_policies.get(label)
            if loaded is None:
                guard = self.RuntimeGuard(policy_pack=label, registry_store=store)
                self.pack_policies[label] = copy.deepcopy(guard.policy)
            else:
                # A guard per registry would re-read and re-parse the pack's YAML each time (the
                # dominant cost with thousands of generated registries); the first guard for a
                # label took the real load path, later ones get a copy of what it returned.
                guard = self.guard_with_policy(label, copy.deepcopy(loaded), store)
            self.guards[key] = guard
        return guard

    def guard_with_policy(self, label, policy, store):
        # The guard loads its policy through the PolicyRegistry it creates; answer the label
        # with the stored object so nothing is recompiled or re-read.
        with forced_policy(self.PolicyRegistry, label, policy):
            guard = self.RuntimeGuard(policy_pack=label, registry_store=store)
        if guard.policy is not policy and guard.policy != policy:
            raise AdapterSetupError(
                "RuntimeGuard did not load its policy through PolicyRegistry.load_policy; "
                "the compiled-policy route cannot be forced on this cavra version"
            )
        return guard

    def decide(self, request):
        guard = self.guard_for(request)
        for name, default in IDENTITY_DEFAULTS:
            setattr(guard, name, request[name] if name in request else default)
        action = request["action_type"]
        if action == "read_file":
            decision = guard.evaluate_file_access(Path(request["target"]), "read")
        elif action == "write_file":
            decision = guard.evaluate_file_access(Path(request["target"]), "write")
        elif action == "execute_command":
            decision = guard.evaluate_command(request["target"])
        elif action == "git_operation":
            decision = guard.evaluate_git_action(request.get("operation", "push"), request.get("target"))
        elif action == "mcp_tool_call":
            decision = guard.evaluate_mcp_tool_call(request["server"], request["tool"], request.get("capability"))
        elif action == "release_governance_record":
            record = request.get("record") or request.get("release_governance")
            if "operation" in request:
                operation = request["operation"]
            else:
                operation = request.get("requested_operation", "verify")
            decision = guard.evaluate_release_governance_record(
                record, target=request.get("target"), requested_operation=operation
            )
        else:
            raise AssertionError(f"unsupported parity action: {action}")
        return decision.to_dict()

    def dispatch(self, request):
        kind = request.pop("__kind__", "decision")
        handler = REQUEST_KINDS.get(kind) if isinstance(kind, str) else None
        if handler is None:
            raise ValueError(f"unknown request kind: {kind!r}")
        return handler(self, request)

    def route(self, request):
        """The approval-routing request kind: the approver group Python's router picks."""
        from cavra import approvals

        rules = request.get("routing_rules")
        if isinstance(rules, str):
            rules = approvals.load_routing_rules(rules)
        if rules is None:
            group = approvals.route_approver_group(request["route"])
        else:
            group = approvals.route_approver_group(request["route"], rules)
        return {"approver_group": group}

    def hello(self):
        import cavra

        try:
            root = str(self.PolicyRegistry().root)
        except Exception as exc:  # reported, not fatal: the harness decides
            root = f"{type(exc).__name__}: {exc}"
        return {
            "compiled_route": self.probe_compiled_route(),
            "adapter": "cavra-parity-adapter",
            "protocol": PROTOCOL,
            "python": sys.version.split()[0],
            "cavra": getattr(cavra, "__version__", None),
            "cavra_file": getattr(cavra, "__file__", None),
            "standin": bool(getattr(cavra, "STANDIN", False)),
            "policy_root": root,
            "kinds": sorted(REQUEST_KINDS),
        }

    def probe_compiled_route(self):
        """Check once, at start, that a stored policy really reaches the guard."""
        probe = {"metadata": {"id": "cavra-parity-probe"}, "filesystem": {"block_read": ["parity-probe"]}}
        try:
            guard = self.guard_with_policy(DEFAULT_PACK, probe, None)
            decision = guard.evaluate_file_access(Path("parity-probe"), "read").to_dict()
            if decision.get("rule_id") != "filesystem.read.block":
                return f"probe policy not applied: {decision.get('rule_id')}"
            return "ok"
        except Exception as exc:
            return f"{type(exc).__name__}: {exc}"

    def answer(self, raw):
        try:
            text = raw.decode("utf-8")
            if not text.strip():
                raise ValueError("empty request line")
            request = json.loads(text)
            if not isinstance(request, dict):
                raise TypeError("request must be a JSON object")
            if request.get("__adapter__") == "hello" and len(request) == 1:
                payload = self.hello()
            elif "route" in request and "action_type" not in request:
                payload = self.route(request)
            else:
                payload = self.dispatch(request)
            line = json.dumps(payload, ensure_ascii=False)
            return line.encode("utf-8")
        except Exception as exc:  # every failure is an answer, never a dead pipe
            line = json.dumps({"error": f"{type(exc).__name__}: {exc}"}, ensure_ascii=False)
            return line.encode("utf-8", "backslashreplace")


# Request kind -> handler(adapter, request) returning the JSON-serialisable answer.
REQUEST_KINDS = {
    "decision": Adapter.decide,
    "route": Adapter.route,
}


@contextlib.contextmanager
def forced_policy(registry_cls, label, policy):
    original = registry_cls.load_policy

    def load_policy(self, *args, **kwargs):
        pack_id = args[0] if args else next(iter(kwargs.values()), None)
        if pack_id == label:
            return policy
        return original(self, *args, **kwargs)

    registry_cls.load_policy = load_policy
    try:
        yield
    finally:
        registry_cls.load_policy = original


def main():
    try:
        from cavra import policy_registry, registry, runtime
    except Exception as exc:
        sys.stderr.write(f"cavra-parity-adapter: cannot import cavra: {type(exc).__name__}: {exc}\n")
        return 3
    # Registry stores are files rewritten on every upsert and re-read on every lookup: keep
    # them in memory-backed storage when the machine has it.
    shm = "/dev/shm"
    base = shm if os.path.isdir(shm) and os.access(shm, os.W_OK) else None
    workdir = tempfile.mkdtemp(prefix="cavra-parity-", dir=base)
    adapter = Adapter(runtime, registry, policy_registry, workdir)
    out = sys.stdout.buffer
    pending = b""
    try:
        while True:
            chunk = os.read(0, READ_SIZE)
            if not chunk:
                break
            pending += chunk
            *lines, pending = pending.split(b"\n")
            if lines:
                out.write(b"".join(adapter.answer(line) + b"\n" for line in lines))
                out.flush()
        if pending:  # a last line without its newline is still a request
            out.write(adapter.answer(pending) + b"\n")
            out.flush()
    except BrokenPipeError:
        return 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
