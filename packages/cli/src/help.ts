export const HELP_TEXT = `cavra-runtime: CAVRA decisions from JSON requests, identical to the Python runtime.

Usage:
  cavra-runtime [options] < request.json        one request in, one decision out (2-space JSON)
  cavra-runtime --batch [options] < requests.jsonl
                                                JSON Lines in, one compact decision line out per line
  cavra-runtime policy list [--json] | validate PATH | compile [--policy-pack ID] [--overlay FILE]...
  cavra-runtime release verify DIR (--public-key FILE | --trust-root FILE [--strict-validity])
  cavra-runtime evidence generate-keypair | trust-root | trust-bundle | trust-distribution | bundle | verify
                                                trust roots, offline distribution, signed evidence bundles
                                                (as Python's cavra evidence; exit 0/1/2 as Python's)
  cavra-runtime evidence verify-log FILE [--public-key F | --hmac-key F]
                                                check a hash-chained evidence log (exit 0 intact, 3 broken)
  cavra-runtime approval route DECISION_FILE [--routing-file F] | route --batch [--routing-file F]
                        | request DECISION_FILE [--approver-group G] [--requested-by A] [--ttl-hours N]
  cavra-runtime hook <agent> [hook options] < event.json
                                                an agent's pre-tool-use hook: decides the tool call, answers
                                                in the agent's protocol (agents: claude-code, codex,
                                                gemini-cli, cursor, copilot); any failure blocks
  cavra-runtime init <agent> --project DIR [hook options] [--remove]
                                                install (or remove) the hook in the agent's project config
  cavra-runtime serve [--socket PATH] [--listen 127.0.0.1:PORT] [policy options]   (Go spelling: --serve)
                                                a resident server: Unix-socket JSON Lines and/or loopback HTTP
  cavra-runtime --daemon [--socket PATH] [--require-daemon] [--batch] < request(s)
                                                decide through a running server (in-process if none answers)
  cavra-runtime daemon start|stop|status [--socket PATH] [--pid FILE] [serve options]
                                                (Go spelling: --lifecycle start|stop|status)
  cavra-runtime --help | --version

Decision options:
  --input FILE        read the request(s) from FILE instead of stdin ("-" is stdin)
  --batch             JSON Lines mode; a bad line gets {"error": {...}} in its place
  --workers N|auto    with --batch: N threads decide (this one and N-1 worker threads), answers
                      still in input order; 0 or 1: one thread. Default auto: one worker more
                      for inputs past 8 MiB (where it was measured to pay, see docs/server.md).
                      Not with --evidence-log or --daemon (one thread; N >= 2 is a usage error)
  --policy FILE       use a compiled policy JSON (validated against the policy schema) instead of a pack;
                      the label is the request's policy_pack, else the file's metadata.id
  --policy-dir DIR    resolve packs by id in DIR (default: $CAVRA_POLICY_DIR, else the bundled packs)
  --policy-pack ID    pin the pack: requests without policy_pack use ID, a request naming another
                      pack is refused (pack_not_allowed)
  --allow-pack-paths  let policy_pack be a path joined onto the pack root, as Python does (parity
                      checks only); by default a pack id must be a plain name: not empty, not "."
                      or "..", no "/", "\\" or NUL
  --registry FILE     decide MCP tool calls with this trust registry: a JSON object ({} = no
                      servers: every MCP server is unknown); null, [], false, 0, "" are refused
  --evidence-log FILE append each decision to this hash-chained evidence log; its reference is added
                      to evidence_refs (see docs/evidence-log.md). With it: --evidence-fsync
                      always|interval|never (default interval), --evidence-signing-key FILE (Ed25519
                      PEM) or --evidence-hmac-key FILE, --evidence-recover-torn (move a torn tail aside)
  Option values must not be empty (--policy-dir= is a usage error).
  Single-dash forms (-input FILE, -policy=FILE) are accepted, as the Go runtime CLI accepted them.

Hook options: --project DIR, --policy-pack ID, --policy-dir DIR | --policy FILE, --registry FILE,
  --evidence-log FILE (the hash-chained log, with the decide path's --evidence-* options; waits up
  to 2 s for its lock), --explicit-allow, --timeout-ms N (default 5000).
  See docs/agent-hooks.md.
  --socket PATH       Unix socket (created 0600; a stale file left by a dead server is replaced)
  --listen HOST:PORT  HTTP; loopback only unless --allow-remote and --token-file FILE (bearer token)
  --policy-pack ID    a pack that must load at start and on every reload (repeatable)
  --pid FILE          write the server's PID; --no-watch, --poll-ms N, --max-concurrency N
  --evidence-log FILE not available in this build
  SIGHUP reloads the policy (so does a change to its files); SIGTERM/SIGINT stop gracefully.

Request: {"action_type": "read_file" | "write_file" | "execute_command" | "git_operation" |
          "mcp_tool_call", "target", "policy_pack", "session_id", "agent_id", "actor",
          "operation", "server", "tool", "capability"}: all strings; unknown keys are ignored.
Also "release_governance_record" (record / release_governance, target, operation /
requested_operation: any JSON values). Unknown action types fail closed: require_approval, rule
runtime.default.require_approval.

Exit status:
  0  a decision was printed (batch: every line was answered, errors in place)
  1  internal fault (batch: a line met one, and was answered with code "internal"); stdout could
     not be written (output_failed, e.g. a full disk); the evidence log cannot be written
     (evidence_unwritable: no decision is printed for that request); policy commands: any failure, as in Python
  2  bad input or usage: not JSON, not an object, missing or non-string fields, request over 1 MiB
     (a trailing newline not counted), unknown or path-like pack, pack not allowed by
     --policy-pack, unreadable or invalid policy or registry file, unknown option; an evidence log
     that is locked, torn or corrupt, or a bad evidence key
  3  release verify: the release directory failed verification; evidence verify-log: a broken record
Errors are printed to stderr as {"error": {"code", "message", "issues"?, "python"?}}.
     policy commands: any failure, as in Python
  2  bad input or usage: not JSON, not an object, missing or non-string fields, request over 1 MiB,
     unknown pack, unreadable or invalid policy or registry file, unknown option
  3  release verify: the release directory failed verification; daemon status: not running
Errors are printed to stderr as {"error": {"code", "message", "issues"?}}.
`;
