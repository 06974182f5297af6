// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- mvdan-sh ships no types; ours are beside this file
/// <reference path="./mvdan-sh.d.ts" />
// Imported only through `loadShellSyntax()` (a dynamic import), so that only shell tool calls
// load the parser; bundlers keep it a lazily evaluated module.
import sh from 'mvdan-sh';

export const shellSyntax = sh.syntax;
