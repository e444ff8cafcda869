export { parseReportArgs, type ReportOptions, USAGE, UsageError } from './args';
export { buildReport, type MarginReport, type QueryClient } from './build';
export { formatReport } from './format';
