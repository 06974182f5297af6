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

const detailsOf = (mismatches: ParitySummary['mismatches']): string =>
  mismatches
    .slice(0, 5)
    .map(
      (m) =>
        `${m.kind}${m.shrunk ? ' (shrunk)' : ''}: ${m.fields.map((f) => `${f.field}: python=${JSON.stringify(f.python)} typescript=${JSON.stringify(f.typescript)}`).join('; ')}\nrequest: ${JSON.stringify(m.request)}`,
    )
    .join('\n\n');

interface JunitCase {
  name: string;
  time: number;
  cases: number;
  mismatches: number;
  details: string;
}

/**
 * `junit.xml`: one test suite per case family (`parity.<mode>.<family>`), one test case per
 * pack in it, failing when that family has an unexplained mismatch in the pack; mismatches
 * outside the families (the live pack list) get a `parity.<mode>.preflight` suite.
 */
export function renderJunit(s: ParitySummary): string {
  const suites = new Map<string, JunitCase[]>();
  for (const family of s.families) {
    const cases = s.packs
      .filter((p) => p.families[family.id])
      .map((p): JunitCase => {
        const count = p.families[family.id] ?? { cases: 0, mismatches: 0 };
        return {
          name: p.id,
          // Pack time is not split by family; the decision family dominates it.
          time: family.counts === 'cases' ? p.elapsedMs / 1000 : 0,
          cases: count.cases,
          mismatches: count.mismatches,
          details: detailsOf(s.mismatches.filter((m) => m.pack === p.id && m.kind === family.id)),
        };
      });
    suites.set(family.id, cases);
  }
  const outside = s.mismatches.filter((m) => !s.families.some((f) => f.id === m.kind));
  if (outside.length) {
    suites.set('preflight', [
      { name: '*', time: 0, cases: outside.length, mismatches: outside.length, details: detailsOf(outside) },
    ]);
  }
  const all = [...suites.values()].flat();
  const failing = (list: readonly JunitCase[]): number => list.filter((c) => c.mismatches > 0).length;
  const total = (s.durationMs / 1000).toFixed(3);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="cavra-parity" tests="${all.length}" failures="${failing(all)}" time="${total}">`,
  ];
  for (const [family, cases] of suites) {
    const suite = `parity.${s.mode}.${xmlEscape(family)}`;
    const time = cases.reduce((n, c) => n + c.time, 0).toFixed(3);
    lines.push(
      `  <testsuite name="${suite}" tests="${cases.length}" failures="${failing(cases)}" errors="0" skipped="0" time="${time}">`,
      `    <properties><property name="seed" value="${s.seed}"/><property name="mode" value="${s.mode}"/><property name="family" value="${xmlEscape(family)}"/></properties>`,
    );
    for (const c of cases) {
      const name = xmlEscape(c.name);
      const head = `<testcase classname="${suite}" name="${name}" time="${c.time.toFixed(3)}"`;
      if (c.mismatches === 0) {
        lines.push(`    ${head}/>`);
        continue;
      }
      lines.push(`    ${head}>`);
      lines.push(
        `      <failure message="${xmlEscape(`${c.mismatches} mismatch(es) in ${c.cases} cases (seed ${s.seed})`)}" type="ParityMismatch">${xmlEscape(c.details)}</failure>`,
      );
      lines.push('    </testcase>');
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return lines.join('\n') + '\n';
}
