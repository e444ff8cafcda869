export type { CostRule } from './cost-rules';
export type { FixedCostPool } from './fixed-costs';
export type {
  MarkupRevenueRule,
  PerTokenRevenueRule,
  PerUseRevenueRule,
  RevenueRule,
  RuleScope,
} from './revenue-rules';
