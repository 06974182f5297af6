import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { ShSyntax } from 'mvdan-sh';
import { commandViews, loadShellSyntax } from '../../src/views/commands.js';

let syntax: ShSyntax;
beforeAll(async () => {
  syntax = await loadShellSyntax();
});

const views = (command: string): string[] => commandViews(command, syntax).views;

describe('commandViews', () => {
  it('keeps the whole command first (what Python matches)', () => {
    expect(views('echo a && terraform apply')[0]).toBe('echo a && terraform apply');
  });

  it.each([
    ['echo a && terraform apply -auto-approve', 'terraform apply -auto-approve'],
    ['false || terraform apply', 'terraform apply'],
    ['echo a; terraform apply', 'terraform apply'],
    ['echo a | terraform apply', 'terraform apply'],
    ['(cd x && terraform apply)', 'terraform apply'],
    ['echo $(terraform apply)', 'terraform apply'],
    ['echo `terraform apply`', 'terraform apply'],
    ['echo a\nterraform apply', 'terraform apply'],
    ['x=$(terraform apply)', 'terraform apply'],
    ['f() { terraform apply; }; f', 'terraform apply'],
    ["'terraform' \"apply\"", 'terraform apply'],
    ['FOO=1 terraform   apply', 'terraform apply'],
    ['sudo -u root terraform apply', 'terraform apply'],
    ['env A=1 B=2 terraform apply', 'terraform apply'],
    ['timeout 5 terraform apply', 'terraform apply'],
    ["bash -c 'echo x; terraform apply'", 'terraform apply'],
    ["sh -lc \"terraform apply\"", 'terraform apply'],
    ['eval terraform apply', 'terraform apply'],
    ['echo "é $(terraform apply)"', 'terraform apply'],
  ])('%j yields the simple command %j', (command, simple) => {
    expect(views(command)).toContain(simple);
  });

  it('keeps expansions as written inside a word', () => {
    expect(views('rm -rf "$HOME"/x')).toContain('rm -rf $HOME/x');
  });

  it('has no duplicate views', () => {
    const all = views('ls');
    expect(new Set(all).size).toBe(all.length);
    expect(all).toEqual(['ls']);
  });

  it('reports a command it cannot parse, keeping the whole string', () => {
    const result = commandViews("echo 'unterminated", syntax);
    expect(result.views).toEqual(["echo 'unterminated"]);
    expect(result.unparsed).toMatch(/quote/);
  });

  it('reports a nested script it cannot parse', () => {
    expect(commandViews("bash -c 'echo \"x'", syntax).unparsed).toBeDefined();
  });

  it('never throws, and always keeps the whole string first (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (command) => {
        const result = commandViews(command, syntax);
        expect(result.views[0]).toBe(command);
      }),
      { numRuns: 300 },
    );
  });

  it('finds every command joined by an operator (property)', () => {
    // Not a shell reserved word: `if a && b` is an unfinished `if`, not two commands.
    const reserved = new Set(['if', 'then', 'else', 'elif', 'fi', 'case', 'esac', 'for', 'select', 'while', 'until', 'do', 'done', 'in', 'function', 'time', 'coproc']);
    const word = fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/).filter((text) => !reserved.has(text));
    const simple = fc.array(word, { minLength: 1, maxLength: 4 }).map((words) => words.join(' '));
    const operator = fc.constantFrom(' && ', ' || ', '; ', ' | ', '\n');
    fc.assert(
      fc.property(fc.array(fc.tuple(simple, operator), { minLength: 1, maxLength: 5 }), (parts) => {
        const command = parts.map(([text, op], index) => (index === parts.length - 1 ? text : text + op)).join('');
        const result = commandViews(command, syntax);
        for (const [text] of parts) expect(result.views).toContain(text);
        expect(result.unparsed).toBeUndefined();
      }),
      { numRuns: 200 },
    );
  });
});
