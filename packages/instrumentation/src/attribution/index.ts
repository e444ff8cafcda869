export {
  attributionFromBaggage,
  BAGGAGE_KEY_PREFIX,
  type BaggagePropagationOptions,
  baggageKeyFor,
  setAttributionBaggage,
} from './baggage';
export { type Attribution, getAttribution, setAttribution, withAttribution } from './context';
export {
  type AttributionMiddlewareOptions,
  attributionHandler,
  attributionMiddleware,
} from './middleware';
