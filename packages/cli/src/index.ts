export type { CommandIO } from './io';
export { main } from './main';
