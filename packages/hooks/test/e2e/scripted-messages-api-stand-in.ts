import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { listenOnLoopback, readBodyText } from './stand-in-http.js';

/** The one tool call the stand-in makes the agent attempt. */
export interface ScriptedToolCall {
  name: string;
  input: Record<string, unknown>;
}

/** A request the stand-in received: method, path and parsed JSON body. */
export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
}

export interface ScriptedMessagesApiStandIn {
  baseUrl: string;
  requests: RecordedRequest[];
  /** The `tool_result` blocks the agent sent back for the scripted call, in order. */
  toolResults(): { content: string; isError: boolean }[];
  close(): Promise<void>;
}

type Block = { type: string; [key: string]: unknown };
type Message = { role: string; content: string | Block[] };

/** Bounded: a runaway agent loop cannot keep the stand-in busy forever. */
const MAX_REQUESTS = 50;
const TOOL_USE_ID = 'toolu_cavra_scripted_01';

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content.map((block: Block) => (block.type === 'text' ? String(block.text) : textOf(block.content))).join('');
  }
  return '';
}

function lastUserBlocks(body: { messages?: Message[] }): Block[] {
  const last = body.messages?.at(-1);
  if (!last || last.role !== 'user' || typeof last.content === 'string') return [];
  return last.content;
}

/** The body as JSON (empty: undefined; not JSON: the text itself). */
async function readBody(request: IncomingMessage): Promise<unknown> {
  const text = await readBodyText(request);
  try {
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return text;
  }
}

/** The Anthropic Messages API answer, as one JSON message or as the SSE stream of it. */
function sendMessage(response: ServerResponse, model: string, stream: boolean, content: Block[], stopReason: string): void {
  const message = {
    id: `msg_cavra_${Date.now().toString(36)}`,
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: stopReason,
    stop_sequence: null,
    usage: { input_tokens: 10, output_tokens: 10 },
  };
  if (!stream) {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(message));
    return;
  }
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const event = (type: string, data: unknown): void => {
    response.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  event('message_start', { type: 'message_start', message: { ...message, content: [], stop_reason: null, usage: { input_tokens: 10, output_tokens: 1 } } });
  content.forEach((block, index) => {
    if (block.type === 'text') {
      event('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
      event('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: block.text } });
    } else {
      event('content_block_start', { type: 'content_block_start', index, content_block: { ...block, input: {} } });
      event('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) } });
    }
    event('content_block_stop', { type: 'content_block_stop', index });
  });
  event('message_delta', { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: 10 } });
  event('message_stop', { type: 'message_stop' });
  response.end();
}

/**
 * A scripted stand-in for the Anthropic Messages API on loopback (not a model): the first
 * request that offers the scripted tool gets a `tool_use` of it; once the agent sends the
 * `tool_result` back, the turn ends with a short text. Anything else (side requests such as
 * titles or token counts) gets a plain text answer. Every request is recorded.
 */
export async function scriptedMessagesApiStandIn(call: ScriptedToolCall): Promise<ScriptedMessagesApiStandIn> {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      const path = request.url ?? '/';
      requests.push({ method: request.method ?? 'GET', path, body });
      if (requests.length > MAX_REQUESTS) {
        response.writeHead(429, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ type: 'error', error: { type: 'rate_limit_error', message: 'stand-in request limit' } }));
        return;
      }
      if (!path.startsWith('/v1/messages')) {
        response.writeHead(404, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: 'not scripted' } }));
        return;
      }
      if (path.startsWith('/v1/messages/count_tokens')) {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ input_tokens: 10 }));
        return;
      }
      const message = (body ?? {}) as { model?: string; stream?: boolean; tools?: { name?: string }[]; messages?: Message[] };
      const model = message.model ?? 'claude-stand-in';
      const stream = message.stream === true;
      const offersTool = (message.tools ?? []).some((tool) => tool.name === call.name);
      const answered = lastUserBlocks(message).some((block) => block.type === 'tool_result' && block.tool_use_id === TOOL_USE_ID);
      if (answered) sendMessage(response, model, stream, [{ type: 'text', text: 'Done.' }], 'end_turn');
      else if (offersTool) sendMessage(response, model, stream, [{ type: 'tool_use', id: TOOL_USE_ID, name: call.name, input: call.input }], 'tool_use');
      else sendMessage(response, model, stream, [{ type: 'text', text: 'OK' }], 'end_turn');
    })().catch((error: unknown) => {
      response.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  });
  const loopback = await listenOnLoopback(server);
  return {
    baseUrl: loopback.baseUrl,
    requests,
    toolResults() {
      const results: { content: string; isError: boolean }[] = [];
      for (const request of requests) {
        for (const block of lastUserBlocks(request.body ?? {})) {
          if (block.type === 'tool_result' && block.tool_use_id === TOOL_USE_ID) {
            results.push({ content: textOf(block.content), isError: block.is_error === true });
          }
        }
      }
      return results;
    },
    close: loopback.close,
  };
}
