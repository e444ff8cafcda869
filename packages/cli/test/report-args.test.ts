import { costByCustomer } from '@ai-margin/dashboards';
import { describe, expect, it } from 'vitest';
import { parseReportArgs } from '../src/report/args';

describe('ai-margin report: fleet options', () => {
  it('--environment, --cluster and --job become fleet filters on every raw series', () => {
    const o = parseReportArgs([
      '--url',
      'http://127.0.0.1:8428',
      '--environment',
      'prod',
      '--cluster=eu-1',
      '--job',
      'shop/api',
    ]);
    expect(o.filters).toEqual({ environment: 'prod', cluster: 'eu-1', job: 'shop/api' });
    expect(costByCustomer({ range: '30d', seconds: '2592000' }, o.filters)).toBe(
      'sum by (customer_id) (increase(ai_margin_cost_usd_total{job=~"shop/api", deployment_environment_name=~"prod", cluster=~"eu-1"}[30d]))',
    );
  });
});
