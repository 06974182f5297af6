import type { CavraServer } from './server.js';

export interface SignalOptions {
  /** Told about each signal handled (logging). */
  onSignal?: (signal: NodeJS.Signals) => void;
  process?: Pick<NodeJS.Process, 'on' | 'off'>;
}

/**
 * Node adapter: SIGHUP reloads the policy; SIGTERM or SIGINT closes the server gracefully. Resolves
 * once the server has closed (the caller then exits 0).
 */
export function serveUntilSignalled(server: CavraServer, options: SignalOptions = {}): Promise<void> {
  const proc = options.process ?? process;
  return new Promise((resolve, reject) => {
    const hangup = (): void => {
      options.onSignal?.('SIGHUP');
      server.reload();
    };
    const stop = (signal: NodeJS.Signals): void => {
      options.onSignal?.(signal);
      proc.off('SIGHUP', hangup);
      proc.off('SIGTERM', stop);
      proc.off('SIGINT', stop);
      server.close().then(resolve, reject);
    };
    proc.on('SIGHUP', hangup);
    proc.on('SIGTERM', stop);
    proc.on('SIGINT', stop);
  });
}
