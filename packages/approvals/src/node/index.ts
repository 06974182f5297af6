export { loadRoutingRules } from './load-routing-rules.js';
export { routeRequest, type RouteRequestOptions } from './route-request.js';
