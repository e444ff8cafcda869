import { cohortsDashboard } from './cohorts';
import { customersDashboard } from './customers';
import { modelsFeaturesDashboard } from './models-features';
import { overviewDashboard } from './overview';
import { reconciliationDashboard } from './reconciliation';

export { DATASOURCE, DS_VARIABLE, SCHEMA_VERSION, UIDS, VARIABLES } from './common';

/** Every dashboard by file stem. */
export function dashboards(): Record<string, Record<string, unknown>> {
  return {
    overview: overviewDashboard(),
    customers: customersDashboard(),
    'models-features': modelsFeaturesDashboard(),
    cohorts: cohortsDashboard(),
    reconciliation: reconciliationDashboard(),
  };
}
