import type { AnyCaseFamily } from '../family.js';
import { cliEvaluateFamily } from './cli-evaluate.js';
import { compileFamily } from './compile.js';
import { approvalRoutingFamily } from './approval-routing.js';
import { decisionFamily } from './decision.js';
import { releaseGovernanceFamily } from './release-governance.js';

/**
 * Every case family the harness runs, in report order. A new family is one file in this folder
 * and one line here (see README.md, "Case families").
 */
export const FAMILIES: readonly AnyCaseFamily[] = [
  compileFamily,
  decisionFamily,
  cliEvaluateFamily,
  releaseGovernanceFamily,
  approvalRoutingFamily,
];
