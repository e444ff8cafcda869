export { ageInMonths, cohortOf } from './age';
export type { CustomerDirectory } from './directory';
export type { Customer, CustomerList, CustomerRecord, CustomersOption } from './types';
