/** Scenario files: every lever in one line, and errors that name the file and the field. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  describeLever,
  parseScenarioText,
  readScenarioFile,
  ScenarioError,
} from '../src/whatif/scenario';

const ALL = `name: next quarter
levers:
  - route: { feature: summarise, from: anthropic/claude-3-5-haiku-20241022, to: gcp.gemini/gemini-2.0-flash, plans: [starter, team], share: 0.5, token_ratio: 1.1 }
  - plan_price: { plan: team, usd: 99 }
  - usage_price: { plan: team, feature: research, per_use: 2, included_uses: 10 }
  - cap: { plan: starter, monthly_tokens: 50000000, over: cut }
  - cap: { plan: team, monthly_requests: 1000, over: overage, usd_per_request: 0.05 }
  - cache: { feature: chat, hit_rate: 0.7 }
  - discount: { provider: openai, percent: 10 }
  - tier: { feature: embed, tier: batch }
`;

function error(text: string, file = 's.yaml'): string {
  try {
    parseScenarioText(text, file);
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    return (err as Error).message;
  }
  throw new Error('expected a ScenarioError');
}

describe('scenario files', () => {
  it('parses every lever, one line each', () => {
    const s = parseScenarioText(ALL, 'next.yaml');
    expect(s.name).toBe('next quarter');
    expect(s.levers.map((l) => l.kind)).toEqual([
      'route',
      'plan_price',
      'usage_price',
      'cap',
      'cap',
      'cache',
      'discount',
      'tier',
    ]);
    expect(s.levers[0]).toEqual({
      kind: 'route',
      feature: 'summarise',
      from: { provider: 'anthropic', model: 'claude-3-5-haiku-20241022' },
      to: { provider: 'gcp.gemini', model: 'gemini-2.0-flash' },
      plans: ['starter', 'team'],
      share: 0.5,
      tokenRatio: 1.1,
    });
    expect(s.levers.map(describeLever)).toEqual([
      'route summarise from anthropic/claude-3-5-haiku-20241022 to gcp.gemini/gemini-2.0-flash (plans starter, team), 50% of traffic, token ratio 1.1',
      'team plan at $99/month',
      'charge $2 per use above 10/month for research on team',
      'cap starter at 50000000 tokens/month (cut above)',
      'cap team at 1000 requests/month (overage $0.05/request)',
      'cache hit rate 70% for chat',
      '10% discount on openai',
      'batch tier for embed',
    ]);
  });

  it('JSON works too, and a bare list', () => {
    const s = parseScenarioText('[{"plan_price": {"plan": "team", "usd": 99}}]', 'x.json');
    expect(s.levers).toEqual([{ kind: 'plan_price', plan: 'team', usd: 99 }]);
  });

  it('errors name the file and the field', () => {
    expect(error('levers:\n  - route: { feature: chat, to: gpt-4o }')).toBe(
      's.yaml: levers[0].route.to: must be provider/model (e.g. openai/gpt-4o-mini), got "gpt-4o"',
    );
    expect(error('levers:\n  - route: { feature: chat, to: a/b, share: 2 }')).toBe(
      's.yaml: levers[0].route.share: must be between 0 and 1, got 2',
    );
    expect(error('levers:\n  - plan_price: { plan: team }')).toBe(
      's.yaml: levers[0].plan_price.usd: required',
    );
    expect(error('levers:\n  - plan_price: { plan: team, usd: 9, colour: red }')).toMatch(
      /^s\.yaml: levers\[0\]\.plan_price\.colour: unknown field/,
    );
    expect(error('levers:\n  - reprice: { plan: team }')).toMatch(
      /^s\.yaml: levers\[0\]\.reprice: unknown lever/,
    );
    expect(error('levers:\n  - { plan_price: { plan: a, usd: 1 }, cap: { plan: a } }')).toMatch(
      /levers\[0\]: must have exactly one lever key/,
    );
    expect(error('levers:\n  - cap: { plan: a, monthly_tokens: 5, over: overage }')).toBe(
      's.yaml: levers[0].cap.usd_per_million: required for an overage on a token cap',
    );
    expect(error('levers:\n  - cap: { plan: a, over: cut }')).toMatch(
      /needs exactly one of monthly_tokens or monthly_requests/,
    );
    expect(error('levers: [ {')).toMatch(/^s\.yaml: not valid YAML/);
    expect(error('{"levers": 3}', 'x.json')).toBe('x.json: levers: must be a list of levers');
    expect(error('colour: red')).toBe(
      's.yaml: colour: unknown field (allowed: name, description, levers)',
    );
  });

  it('bounded: huge files and too many levers are refused', () => {
    expect(error('#'.repeat(300 * 1024))).toMatch(/too large/);
    const many = `levers:\n${'  - discount: { provider: a, percent: 1 }\n'.repeat(201)}`;
    expect(error(many)).toMatch(/too many levers \(201; at most 200\)/);
  });

  it('reads a file and names it in errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'whatif-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'levers:\n  - tier: { feature: embed, tier: slow }\n');
    expect(() => readScenarioFile(file)).toThrow(
      `${file}: levers[0].tier.tier: must be batch or flex, got "slow"`,
    );
    expect(() => readScenarioFile(join(dir, 'missing.yaml'))).toThrow(/missing\.yaml: cannot read/);
  });
});
