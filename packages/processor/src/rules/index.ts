export { applyCostRules, type CostRule, validateCostRules } from './cost-rules';
export { type FixedCostPool, fixedCostSeries, validateFixedCosts } from './fixed-costs';
export {
  applyRevenueRules,
  type MarkupRevenueRule,
  type PerTokenRevenueRule,
  type PerUseRevenueRule,
  type RevenueRule,
  validateRevenueRules,
} from './revenue-rules';
