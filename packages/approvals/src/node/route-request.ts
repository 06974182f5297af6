import { CavraError, isPyDict, type PyValue } from '@cavra/policy-model';
import { routeApproverGroup, type RoutingRule } from '../route.js';
import { loadRoutingRules } from './load-routing-rules.js';

export interface RouteRequestOptions {
  /** Where a routing-file path is resolved from. */
  cwd: string;
  /** The rules for a request without `routing_rules` (or with `null`); default: the five default rules. */
  fallbackRules?: readonly RoutingRule[] | undefined;
}

/**
 * One routing request of the oracle protocol, `{"route": <decision>, "routing_rules": <value>}`:
 * absent/`null` rules mean the fallback (or the defaults), a string is a routing-file path
 * (loaded and validated), anything else is passed to the router as it is. Returns the group;
 * throws `CavraError` with Python's exception line where Python raises.
 */
export function routeRequest(request: PyValue, options: RouteRequestOptions): string | null {
  if (!isPyDict(request)) throw new CavraError('invalid_request', 'request must be a JSON object');
  if (!request.has('route')) throw new CavraError('invalid_request', "'route' is required", { python: "KeyError: 'route'" });
  const given = request.get('routing_rules');
  const rules =
    given === undefined || given === null
      ? options.fallbackRules
      : typeof given === 'string'
        ? loadRoutingRules(given, { cwd: options.cwd })
        : given;
  return routeApproverGroup(request.get('route') as PyValue, rules);
}
