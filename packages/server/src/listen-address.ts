import { isIP } from 'node:net';
import { CavraError } from '@cavra/policy-model';

export interface ListenAddress {
  host: string;
  port: number;
}

/** `127.0.0.1:8080`, `[::1]:8080`, `localhost:8080` (port 0: any free port). */
export function parseListenAddress(text: string): ListenAddress {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text);
  const host = match?.[1] ?? match?.[2];
  const port = Number(match?.[3]);
  if (!match || host === undefined || port > 65535) {
    throw new CavraError('usage', `--listen needs HOST:PORT (e.g. 127.0.0.1:8787), got ${JSON.stringify(text)}`);
  }
  return { host, port };
}

/** Loopback only: 127.0.0.0/8, ::1, and the name localhost. */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}
