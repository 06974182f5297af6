import type { ParitySummary } from './summary.js';

// XML 1.0 cannot carry most C0 controls even escaped; replace them visibly.
const INVALID_XML =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function xmlEscape(text: string): string {
  return text
    .replace(INVALID_XML, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** `junit.xml`: one test case per pack, failing when the pack has an unexplained mismatch. */
export function renderJunit(s: ParitySummary): string {
  const failures = s.packs.filter((p) => p.mismatches > 0).length;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="cavra-parity" tests="${s.packs.length}" failures="${failures}" time="${(s.durationMs / 1000).toFixed(3)}">`,
    `  <testsuite name="parity.${s.mode}" tests="${s.packs.length}" failures="${failures}" errors="0" skipped="0" time="${(s.durationMs / 1000).toFixed(3)}">`,
    `    <properties><property name="seed" value="${s.seed}"/><property name="mode" value="${s.mode}"/></properties>`,
  ];
  for (const p of s.packs) {
    const name = xmlEscape(p.id);
    const time = (p.elapsedMs / 1000).toFixed(3);
    if (p.mismatches === 0) {
      lines.push(`    <testcase classname="parity.${s.mode}" name="${name}" time="${time}"/>`);
      continue;
    }
    const details = s.mismatches
      .filter((m) => m.pack === p.id)
      .slice(0, 5)
      .map(
        (m) =>
          `${m.kind}${m.shrunk ? ' (shrunk)' : ''}: ${m.fields.map((f) => `${f.field}: python=${JSON.stringify(f.python)} typescript=${JSON.stringify(f.typescript)}`).join('; ')}\nrequest: ${JSON.stringify(m.request)}`,
      )
      .join('\n\n');
    lines.push(`    <testcase classname="parity.${s.mode}" name="${name}" time="${time}">`);
    lines.push(
      `      <failure message="${xmlEscape(`${p.mismatches} mismatch(es) in ${p.cases} cases (seed ${s.seed})`)}" type="ParityMismatch">${xmlEscape(details)}</failure>`,
    );
    lines.push('    </testcase>');
  }
  lines.push('  </testsuite>', '</testsuites>');
  return lines.join('\n') + '\n';
}
