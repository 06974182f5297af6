export { loadRoutingRules } from './load-routing-rules.js';
