/**
 * Admin cost-report endpoints for reconciliation tests: OpenAI `GET /v1/organization/costs` and
 * Anthropic `GET /v1/organizations/cost_report`, served from fixture buckets with real paging
 * (`limit`, `page` -> `has_more`/`next_page`). Pass them to `startProviderSim({ handlers })`.
 */
import type { HandlerContext, ProviderHandler } from './handler';

export interface CostReportData {
  /** OpenAI cost buckets: `{object:'bucket', start_time, end_time, results}` (unix seconds). */
  openaiCosts?: readonly { start_time: number; end_time: number; results: unknown[] }[];
  /** Anthropic cost buckets: `{starting_at, ending_at, results}` (ISO instants). */
  anthropicCosts?: readonly { starting_at: string; ending_at: string; results: unknown[] }[];
}

export interface CostReportHandlerOptions {
  /** Largest page the server returns whatever `limit` asks (default 2, so paging is exercised). */
  maxPageSize?: number;
}

function pageOf<T>(ctx: HandlerContext, buckets: T[], maxPageSize: number, defaultLimit: number) {
  const limit = Math.max(
    1,
    Math.min(Number(ctx.query.get('limit') ?? defaultLimit) || defaultLimit, maxPageSize),
  );
  const token = ctx.query.get('page');
  const offset = token ? Number(token.replace(/^page_/, '')) : 0;
  const data = buckets.slice(offset, offset + limit);
  const hasMore = offset + limit < buckets.length;
  return { data, has_more: hasMore, next_page: hasMore ? `page_${offset + limit}` : null };
}

async function unauthorized(ctx: HandlerContext, message: string): Promise<void> {
  await ctx.sendJson(401, { error: { type: 'authentication_error', message } });
}

/** Handlers for the two cost-report endpoints, answering from `data`. */
export function costReportHandlers(
  data: CostReportData,
  opts: CostReportHandlerOptions = {},
): ProviderHandler[] {
  const maxPageSize = opts.maxPageSize ?? 2;
  return [
    {
      provider: 'openai',
      match: (method, path) => method === 'GET' && path === '/v1/organization/costs',
      async handle(ctx) {
        if (!/^Bearer \S+/.test(String(ctx.headers.authorization ?? ''))) {
          return unauthorized(ctx, 'missing admin API key');
        }
        const start = Number(ctx.query.get('start_time'));
        const end = Number(ctx.query.get('end_time') ?? Number.POSITIVE_INFINITY);
        if (!Number.isFinite(start)) {
          return ctx.sendJson(400, { error: { message: 'start_time is required' } });
        }
        const buckets = (data.openaiCosts ?? [])
          .filter((b) => b.start_time >= start && b.start_time < end)
          .map((b) => ({ object: 'bucket', ...b }));
        await ctx.sendJson(200, { object: 'page', ...pageOf(ctx, buckets, maxPageSize, 7) });
      },
    },
    {
      provider: 'anthropic',
      match: (method, path) => method === 'GET' && path === '/v1/organizations/cost_report',
      async handle(ctx) {
        if (!ctx.headers['x-api-key']) return unauthorized(ctx, 'missing x-api-key');
        const start = Date.parse(ctx.query.get('starting_at') ?? '');
        const endText = ctx.query.get('ending_at');
        const end = endText ? Date.parse(endText) : Number.POSITIVE_INFINITY;
        if (Number.isNaN(start)) {
          return ctx.sendJson(400, {
            error: { type: 'invalid_request_error', message: 'starting_at is required' },
          });
        }
        const buckets = (data.anthropicCosts ?? []).filter((b) => {
          const t = Date.parse(b.starting_at);
          return t >= start && t < end;
        });
        await ctx.sendJson(200, pageOf(ctx, buckets, maxPageSize, 7));
      },
    },
  ];
}
