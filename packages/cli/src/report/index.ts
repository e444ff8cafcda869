export { UsageError } from '../args';
export { parseReportArgs, type ReportOptions, USAGE } from './args';
export { buildReport, type MarginReport, type QueryClient } from './build';
export { formatReport } from './format';
