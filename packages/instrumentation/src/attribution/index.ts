export { type Attribution, getAttribution, setAttribution, withAttribution } from './context';
