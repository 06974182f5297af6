import { watch, type FSWatcher } from 'node:fs';

export interface PolicyWatchOptions {
  paths: readonly string[];
  /** Called (debounced) after a change is seen on any path, and on every poll. */
  onChange: () => void;
  /** Quiet time after the last event before `onChange` (ms). Default 200. */
  debounceMs?: number;
  /** Polling fallback interval (ms); 0 turns it off. Default 2,000. */
  pollMs?: number;
}

/**
 * Watches the policy and registry files (fs.watch, which can miss events on some file systems and
 * loses a file replaced by rename), with a polling fallback. The callback is expected to be cheap
 * when nothing changed (the server compares source digests), so spurious calls are harmless.
 */
export class PolicyWatch {
  private readonly watchers: FSWatcher[] = [];
  private debounce: NodeJS.Timeout | undefined;
  private readonly poll: NodeJS.Timeout | undefined;

  constructor(private readonly options: PolicyWatchOptions) {
    for (const path of options.paths) this.watchPath(path);
    const pollMs = options.pollMs ?? 2000;
    if (pollMs > 0) {
      this.poll = setInterval(() => options.onChange(), pollMs);
      this.poll.unref();
    }
  }

  close(): void {
    for (const watcher of this.watchers) watcher.close();
    this.watchers.length = 0;
    clearTimeout(this.debounce);
    clearInterval(this.poll);
  }

  private schedule(): void {
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => this.options.onChange(), this.options.debounceMs ?? 200);
    this.debounce.unref();
  }

  private watchPath(path: string): void {
    try {
      const watcher = watch(path, { persistent: false, recursive: false }, () => this.schedule());
      watcher.on('error', () => watcher.close()); // e.g. the file was replaced: polling still covers it
      this.watchers.push(watcher);
    } catch {
      /* not watchable (missing, unsupported): polling covers it */
    }
  }
}
