import { createServer, type Server } from 'node:http';
import { listenOnLoopback, readBodyText } from './stand-in-http.js';

/** The one function call the stand-in makes Gemini CLI attempt. */
export interface ScriptedGeminiCall {
  name: string;
  args: Record<string, unknown>;
}

export interface ScriptedGeminiApiStandIn {
  /** For `GOOGLE_GEMINI_BASE_URL`. */
  baseUrl: string;
  /** The `functionResponse.response` objects Gemini CLI sent back for the scripted call, as JSON text. */
  functionResponses(): string[];
  close(): Promise<void>;
}

type Part = { functionResponse?: { name?: string; response?: unknown } };
type Content = { parts?: Part[] };

/** Bounded: a runaway agent loop cannot keep the stand-in busy forever. */
const MAX_REQUESTS = 30;

const contentsOf = (body: unknown): Content[] => {
  const contents = (body as { contents?: unknown } | undefined)?.contents;
  return Array.isArray(contents) ? (contents as Content[]) : [];
};

/**
 * A scripted stand-in for the Gemini API (`generativelanguage` v1beta) on loopback, not a model:
 * the first `streamGenerateContent` gets the scripted `functionCall`; once Gemini CLI sends a
 * `functionResponse` for it, the turn ends with a short text. Answers are server-sent events of
 * `GenerateContentResponse` chunks, as the API streams them with `alt=sse`.
 */
export async function scriptedGeminiApiStandIn(call: ScriptedGeminiCall): Promise<ScriptedGeminiApiStandIn> {
  const bodies: unknown[] = [];
  const server: Server = createServer((request, response) => {
    void (async () => {
      const text = await readBodyText(request);
      const path = request.url ?? '';
      let body: unknown;
      try {
        body = JSON.parse(text) as unknown;
      } catch {
        body = undefined;
      }
      bodies.push(body);
      if (bodies.length > MAX_REQUESTS || !/:(stream)?[gG]enerateContent/.test(path)) {
        response.writeHead(bodies.length > MAX_REQUESTS ? 429 : 404, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { code: 404, message: 'not scripted', status: 'NOT_FOUND' } }));
        return;
      }
      const answered = contentsOf(body).some((content) => content.parts?.some((part) => part.functionResponse?.name === call.name));
      const parts = answered ? [{ text: 'Done.' }] : [{ functionCall: { name: call.name, args: call.args } }];
      const chunk = {
        candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }],
        usageMetadata: { promptTokenCount: 1, candidatesTokenCount: 1, totalTokenCount: 2 },
      };
      if (path.includes(':streamGenerateContent')) {
        response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        response.end(`data: ${JSON.stringify(chunk)}\r\n\r\n`);
      } else {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(chunk));
      }
    })().catch((error: unknown) => response.destroy(error instanceof Error ? error : new Error(String(error))));
  });
  const loopback = await listenOnLoopback(server);
  return {
    baseUrl: loopback.baseUrl,
    functionResponses() {
      const seen = new Set<string>();
      for (const body of bodies) {
        for (const content of contentsOf(body)) {
          for (const part of content.parts ?? []) {
            if (part.functionResponse?.name === call.name) seen.add(JSON.stringify(part.functionResponse.response));
          }
        }
      }
      return [...seen];
    },
    close: loopback.close,
  };
}
