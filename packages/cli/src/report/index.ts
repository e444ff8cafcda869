export { parseReportArgs, type ReportOptions, USAGE, UsageError } from './args';
export { buildReport, type MarginReport } from './build';
export { httpQueryClient, type QueryClient, type Sample } from './client';
export { formatReport } from './format';
