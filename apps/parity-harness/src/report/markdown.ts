import type { ParitySummary } from './summary.js';

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\r?\n/g, '↵');
const show = (value: unknown): string => cell(JSON.stringify(value) ?? 'undefined');
const MAX_MISMATCHES_SHOWN = 10;

/** `summary.md`: the table a person reads in a CI job summary. */
export function renderMarkdown(s: ParitySummary): string {
  const ok = s.totals.mismatches === 0;
  const out: string[] = [];
  out.push(
    `## CAVRA parity (${s.mode}): ${ok ? '✅ no unexplained mismatch' : `❌ ${s.totals.mismatches} mismatch(es)`}`,
  );
  out.push('');
  out.push(
    `Seed \`${s.seed}\`${s.numRuns === null ? '' : `, ${s.numRuns} generated cases per pack`}, ${s.totals.cases} cases over ${s.totals.packs} pack(s) in ${(s.durationMs / 1000).toFixed(1)} s.`,
  );
  if (s.python)
    out.push(
      `Python: \`${s.python.version}\` (interpreter ${s.python.adapterPython}) at \`${s.python.root}\`.`,
    );
  if (s.totals.oracleCasesPerSecond !== null)
    out.push(`Oracle throughput: ${s.totals.oracleCasesPerSecond} cases/s.`);
  const allowed = Object.entries(s.allowedDifferences);
  out.push(
    `Allowed differences: ${allowed.length ? allowed.map(([k, n]) => `${k} × ${n}`).join(', ') : 'none'}.`,
  );
  out.push(`Reproduce: \`${s.command}\``);
  out.push('');
  out.push('| family | packs | cases | mismatches | allowed |');
  out.push('|---|---:|---:|---:|---:|');
  for (const f of s.families) {
    const allowedCount = Object.values(f.allowedDifferences).reduce((a, b) => a + b, 0);
    out.push(
      `| ${cell(f.id)} | ${f.packs} | ${f.cases} | ${f.mismatches ? `**${f.mismatches}**` : 0} | ${allowedCount} |`,
    );
  }
  out.push('');
  out.push('| pack | cases | mismatches | allowed | compile | CLI checks | rules hit | unreached rules |');
  out.push('|---|---:|---:|---:|---|---|---:|---|');
  for (const p of s.packs) {
    const allowedCount = Object.values(p.allowedDifferences).reduce((a, b) => a + b, 0);
    const hit = Object.values(p.rules).filter((n) => n > 0).length;
    const cli = p.cliSpotChecks.cases
      ? `${p.cliSpotChecks.cases - p.cliSpotChecks.mismatches}/${p.cliSpotChecks.cases}`
      : '–';
    out.push(
      `| ${cell(p.id)} | ${p.cases} | ${p.mismatches ? `**${p.mismatches}**` : 0} | ${allowedCount} | ${p.compile.status} | ${cli} | ${hit} | ${p.unreachedRules.length ? p.unreachedRules.map((r) => `⚠️ \`${r}\``).join(' ') : '–'} |`,
    );
  }
  if (s.mismatches.length) {
    out.push('');
    out.push(
      `### Mismatches (${Math.min(s.mismatches.length, MAX_MISMATCHES_SHOWN)} of ${s.mismatches.length} listed; shrunk first)`,
    );
    const ordered = [...s.mismatches].sort((a, b) => Number(b.shrunk) - Number(a.shrunk));
    for (const m of ordered.slice(0, MAX_MISMATCHES_SHOWN)) {
      out.push('');
      out.push(
        `**${cell(m.pack)}** — ${m.kind}${m.shrunk ? ' (shrunk)' : ''}${m.caseId ? ` — \`${m.caseId}\`` : ''}${m.replay ? ` — replay seed ${m.replay.seed} path \`${m.replay.path}\`` : ''}`,
      );
      out.push('');
      out.push(`Request: \`${show(m.request).slice(0, 1000)}\``);
      out.push('');
      out.push('| field | python | typescript |');
      out.push('|---|---|---|');
      for (const f of m.fields) {
        out.push(
          `| ${cell(f.field)} | \`${show(f.python).slice(0, 300)}\` | \`${show(f.typescript).slice(0, 300)}\` |`,
        );
      }
    }
  }
  if (s.notes.length) {
    out.push('');
    out.push('### Notes');
    for (const n of s.notes) out.push(`- ${cell(n)}`);
  }
  return out.join('\n') + '\n';
}
