export { ageInMonths, cohortOf } from './age';
export { CustomerDirectory, normalizeCustomers } from './directory';
export type { Customer, CustomerList, CustomerRecord, CustomersOption } from './types';
