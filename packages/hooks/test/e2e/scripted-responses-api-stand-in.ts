import { createServer, type IncomingMessage, type Server } from 'node:http';
import { listenOnLoopback, readBodyText } from './stand-in-http.js';

/** The one function call the stand-in makes Codex attempt. */
export interface ScriptedFunctionCall {
  name: string;
  arguments: Record<string, unknown>;
}

export interface ScriptedResponsesApiStandIn {
  baseUrl: string;
  /** Parsed JSON bodies of every request, in order. */
  requests: unknown[];
  /** The `function_call_output` Codex sent back for the scripted call, in order. */
  functionOutputs(): string[];
  close(): Promise<void>;
}

type Item = { type?: string; call_id?: string; output?: unknown };

/** Bounded: a runaway agent loop cannot keep the stand-in busy forever. */
const MAX_REQUESTS = 30;
const CALL_ID = 'call_cavra_scripted_1';

/** The body as JSON (empty: null; not JSON: undefined). */
async function readBody(request: IncomingMessage): Promise<unknown> {
  try {
    return JSON.parse((await readBodyText(request)) || 'null') as unknown;
  } catch {
    return undefined;
  }
}

function inputItems(body: unknown): Item[] {
  const input = (body as { input?: unknown } | undefined)?.input;
  return Array.isArray(input) ? (input as Item[]) : [];
}

const outputText = (output: unknown): string => (typeof output === 'string' ? output : JSON.stringify(output));

/**
 * A scripted stand-in for the OpenAI Responses API on loopback (not a model), for Codex's
 * custom model provider: the first `POST /v1/responses` gets a streamed `function_call` of the
 * scripted tool; once Codex sends its `function_call_output` back, the turn ends with a short
 * message. Every request is recorded.
 */
export async function scriptedResponsesApiStandIn(call: ScriptedFunctionCall): Promise<ScriptedResponsesApiStandIn> {
  const requests: unknown[] = [];
  const server: Server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      requests.push(body);
      if (requests.length > MAX_REQUESTS || !(request.url ?? '').startsWith('/v1/responses')) {
        response.writeHead(requests.length > MAX_REQUESTS ? 429 : 404, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { message: 'not scripted' } }));
        return;
      }
      const answered = inputItems(body).some((item) => item.type === 'function_call_output' && item.call_id === CALL_ID);
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const event = (data: { type: string; [key: string]: unknown }): void => {
        response.write(`event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`);
      };
      event({ type: 'response.created', response: { id: 'resp_cavra' } });
      const item = answered
        ? { type: 'message', id: 'msg_cavra', role: 'assistant', content: [{ type: 'output_text', text: 'Done.' }] }
        : { type: 'function_call', id: 'fc_cavra', call_id: CALL_ID, name: call.name, arguments: JSON.stringify(call.arguments) };
      event({ type: 'response.output_item.added', output_index: 0, item });
      event({ type: 'response.output_item.done', output_index: 0, item });
      event({
        type: 'response.completed',
        response: { id: 'resp_cavra', usage: { input_tokens: 1, output_tokens: 1, total_tokens: 2, input_tokens_details: null, output_tokens_details: null } },
      });
      response.end();
    })().catch((error: unknown) => response.destroy(error instanceof Error ? error : new Error(String(error))));
  });
  const loopback = await listenOnLoopback(server);
  return {
    baseUrl: `${loopback.baseUrl}/v1`,
    requests,
    functionOutputs() {
      const seen = new Set<string>();
      for (const body of requests) {
        for (const item of inputItems(body)) {
          if (item.type === 'function_call_output' && item.call_id === CALL_ID) seen.add(outputText(item.output));
        }
      }
      return [...seen];
    },
    close: loopback.close,
  };
}
