/**
 * Optional live fetchers for the cost reports, with admin keys. They only download pages (all
 * of them, following `has_more`/`next_page`); the readers parse them, so fetched pages can be
 * saved and reconciled again later with the same result.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { addDays, dayStartMs } from './days';
import { fetchFailureReason } from './errors';

export interface FetchCostsOptions {
  /** Admin API key (OpenAI `sk-admin-…`, Anthropic `sk-ant-admin…`). */
  apiKey: string;
  /** First and last UTC day, both included. */
  from: string;
  to: string;
  /** API origin; defaults to the provider's public API. Tests point it at a local server. */
  baseUrl?: string;
  /** Buckets per page. */
  limit?: number;
  fetch?: typeof fetch;
  /** Safety stop for a server that never ends paging. */
  maxPages?: number;
}

async function fetchPages(
  firstUrl: URL,
  headers: Record<string, string>,
  opts: FetchCostsOptions,
): Promise<unknown[]> {
  const doFetch = opts.fetch ?? fetch;
  const pages: unknown[] = [];
  const maxPages = opts.maxPages ?? 1000;
  let url = firstUrl;
  for (;;) {
    let res: Response;
    try {
      res = await doFetch(url, { headers });
    } catch (e) {
      throw new Error(`GET ${url.origin}${url.pathname} failed: ${fetchFailureReason(e)}`);
    }
    const text = await res.text();
    if (!res.ok)
      throw new Error(
        `GET ${url.origin}${url.pathname} failed: HTTP ${res.status} ${text.slice(0, 300)}`,
      );
    let page: { has_more?: unknown; next_page?: unknown };
    try {
      page = JSON.parse(text);
    } catch {
      throw new Error(
        `GET ${url.origin}${url.pathname}: the response is not JSON: ${text.slice(0, 100)}`,
      );
    }
    pages.push(page);
    if (page.has_more !== true || typeof page.next_page !== 'string' || page.next_page === '')
      return pages;
    if (pages.length >= maxPages)
      throw new Error(`GET ${url.pathname}: more than ${maxPages} pages, stopping`);
    url = new URL(firstUrl);
    url.searchParams.set('page', page.next_page);
  }
}

/** All pages of OpenAI `GET /v1/organization/costs`, daily buckets grouped by line item. */
export function fetchOpenAICostPages(opts: FetchCostsOptions): Promise<unknown[]> {
  const url = new URL('/v1/organization/costs', opts.baseUrl ?? 'https://api.openai.com');
  url.searchParams.set('start_time', String(dayStartMs(opts.from) / 1000));
  url.searchParams.set('end_time', String(dayStartMs(addDays(opts.to, 1)) / 1000));
  url.searchParams.set('bucket_width', '1d');
  url.searchParams.set('group_by', 'line_item');
  url.searchParams.set('limit', String(opts.limit ?? 31));
  return fetchPages(url, { authorization: `Bearer ${opts.apiKey}` }, opts);
}

/** All pages of Anthropic `GET /v1/organizations/cost_report`, grouped by description. */
export function fetchAnthropicCostPages(opts: FetchCostsOptions): Promise<unknown[]> {
  const url = new URL('/v1/organizations/cost_report', opts.baseUrl ?? 'https://api.anthropic.com');
  url.searchParams.set('starting_at', new Date(dayStartMs(opts.from)).toISOString());
  url.searchParams.set('ending_at', new Date(dayStartMs(addDays(opts.to, 1))).toISOString());
  url.searchParams.append('group_by[]', 'description');
  url.searchParams.set('limit', String(Math.min(opts.limit ?? 31, 31)));
  return fetchPages(url, { 'x-api-key': opts.apiKey, 'anthropic-version': '2023-06-01' }, opts);
}

/** The files `savePages` writes: `<prefix>-0001.json`, … in `dir`, with their text. */
export function pageFiles(
  dir: string,
  prefix: string,
  pages: readonly unknown[],
): { path: string; text: string }[] {
  return pages.map((page, i) => ({
    path: join(dir, `${prefix}-${String(i + 1).padStart(4, '0')}.json`),
    text: `${JSON.stringify(page, null, 2)}\n`,
  }));
}

/** Saves pages as `<prefix>-0001.json`, … in `dir` (a directory the readers can load). */
export async function savePages(
  dir: string,
  prefix: string,
  pages: readonly unknown[],
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files = pageFiles(dir, prefix, pages);
  for (const f of files) await writeFile(f.path, f.text);
  return files.map((f) => f.path);
}
