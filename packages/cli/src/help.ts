export const HELP_TEXT = `cavra-runtime: CAVRA decisions from JSON requests, identical to the Python runtime.

Usage:
  cavra-runtime [options] < request.json        one request in, one decision out (2-space JSON)
  cavra-runtime --batch [options] < requests.jsonl
                                                JSON Lines in, one compact decision line out per line
  cavra-runtime policy list [--json] | validate PATH | compile [--policy-pack ID] [--overlay FILE]...
  cavra-runtime release verify DIR --public-key FILE
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
  --policy FILE       use a compiled policy JSON (validated against the policy schema) instead of a pack;
                      the label is the request's policy_pack, else the file's metadata.id
  --policy-dir DIR    resolve packs by id in DIR (default: $CAVRA_POLICY_DIR, else the bundled packs)
  --registry FILE     decide MCP tool calls with this trust registry (JSON)
  Single-dash forms (-input FILE, -policy=FILE) are accepted, as the Go runtime CLI accepted them.

Server options (serve, daemon start):
  --socket PATH       Unix socket (created 0600; a stale file left by a dead server is replaced)
  --listen HOST:PORT  HTTP; loopback only unless --allow-remote and --token-file FILE (bearer token)
  --policy-pack ID    a pack that must load at start and on every reload (repeatable)
  --pid FILE          write the server's PID; --no-watch, --poll-ms N, --max-concurrency N
  --evidence-log FILE not available in this build
  SIGHUP reloads the policy (so does a change to its files); SIGTERM/SIGINT stop gracefully.

Request: {"action_type": "read_file" | "write_file" | "execute_command" | "git_operation" |
          "mcp_tool_call", "target", "policy_pack", "session_id", "agent_id", "actor",
          "operation", "server", "tool", "capability"}: all strings; unknown keys are ignored.
Unknown action types fail closed: require_approval, rule runtime.default.require_approval.

Exit status:
  0  a decision was printed (batch: every line was answered, errors in place)
  1  internal fault (batch: a line met one, and was answered with code "internal");
     policy commands: any failure, as in Python
  2  bad input or usage: not JSON, not an object, missing or non-string fields, request over 1 MiB,
     unknown pack, unreadable or invalid policy or registry file, unknown option
  3  release verify: the release directory failed verification; daemon status: not running
Errors are printed to stderr as {"error": {"code", "message", "issues"?}}.
`;
