import {
  ATTR_AI_MARGIN_CUSTOMER_ID,
  ATTR_AI_MARGIN_EXTRA_PREFIX,
  ATTR_AI_MARGIN_FEATURE,
  UNATTRIBUTED,
} from '@ai-margin/conventions';
import type { Attributes } from '@opentelemetry/api';
import { type Pseudonymizer, PseudonymLedger } from './pseudonymize';
import type { ErrorBook } from './safety';
import type { ReadableSpanLike as ReadableSpan, WritableSpanLike as Span } from './span-types';

/** Attribution keys that have attributes of their own (not `ai_margin.attr.*` extras). */
const EXTRA_SKIP = new Set(['customerId', 'feature']);
/** Written over a customer attribute whose value could not be pseudonymised: never the raw value. */
const UNREADABLE_ID = 'h_unreadable';

/** A span's customer and feature, as the aggregates label it. */
export interface SpanAttribution {
  customer: string;
  feature: string;
}

export interface StampingOptions {
  /** Set when customer ids are pseudonymised (then nothing leaves raw). */
  pseudonymizer: Pseudonymizer | undefined;
  extraAttribution: 'keep' | 'hash' | 'drop';
  customerKeys: readonly string[];
  featureKeys: readonly string[];
  errors: ErrorBook;
}

/**
 * Attribution on spans: stamps the request's attribution (customer, feature, extras) at span
 * start, replaces raw customer ids with pseudonyms, and reads a span's customer and feature back
 * at the end.
 */
export class Stamping {
  private readonly pseudonymizer: Pseudonymizer | undefined;
  private readonly ledger = new PseudonymLedger();
  private readonly extraAttribution: 'keep' | 'hash' | 'drop';
  private readonly customerKeys: readonly string[];
  private readonly featureKeys: readonly string[];
  /** Both key lists start with the attributes `stamp` writes (the defaults do). */
  private readonly stampedKeysFirst: boolean;
  private readonly errors: ErrorBook;
  private lastAttribution: object | undefined;
  private lastExtras: ReadonlyArray<[string, string]> = [];

  constructor(options: StampingOptions) {
    this.pseudonymizer = options.pseudonymizer;
    this.extraAttribution = options.extraAttribution;
    this.customerKeys = options.customerKeys;
    this.featureKeys = options.featureKeys;
    this.errors = options.errors;
    this.stampedKeysFirst =
      this.customerKeys[0] === ATTR_AI_MARGIN_CUSTOMER_ID &&
      this.featureKeys[0] === ATTR_AI_MARGIN_FEATURE;
  }

  /** Whether customer ids are pseudonymised. */
  get pseudonymizes(): boolean {
    return this.pseudonymizer !== undefined;
  }

  /** The label value of a customer id: its pseudonym, or itself. */
  pseudonym(id: string): string {
    return this.pseudonymizer === undefined ? id : this.pseudonymizer.pseudonym(id);
  }

  /** Stamps a request's attribution on a starting span (never over attributes already set). */
  stamp(span: Span, attribution: Readonly<Record<string, string | undefined>>): void {
    const attrs = span.attributes;
    const customerId = attribution.customerId;
    if (customerId !== undefined && attrs[ATTR_AI_MARGIN_CUSTOMER_ID] === undefined) {
      const pseudonymizer = this.pseudonymizer;
      if (pseudonymizer === undefined) span.setAttribute(ATTR_AI_MARGIN_CUSTOMER_ID, customerId);
      else
        this.writePseudonym(span, ATTR_AI_MARGIN_CUSTOMER_ID, pseudonymizer.pseudonym(customerId));
    }
    const feature = attribution.feature;
    if (feature !== undefined && attrs[ATTR_AI_MARGIN_FEATURE] === undefined) {
      span.setAttribute(ATTR_AI_MARGIN_FEATURE, feature);
    }
    const extras = this.extrasOf(attribution);
    for (let i = 0; i < extras.length; i++) {
      const [attrName, value] = extras[i] as [string, string];
      if (attrs[attrName] === undefined) span.setAttribute(attrName, value);
    }
  }

  /**
   * Attribution objects are frozen and shared by every span of a request: their extra keys are
   * computed once per object.
   */
  private extrasOf(
    attribution: Readonly<Record<string, string | undefined>>,
  ): ReadonlyArray<[string, string]> {
    if (attribution === this.lastAttribution) return this.lastExtras;
    const extras: Array<[string, string]> = [];
    const mode = this.extraAttribution;
    if (mode !== 'drop') {
      for (const key of Object.keys(attribution)) {
        const value = attribution[key];
        if (EXTRA_SKIP.has(key) || typeof value !== 'string') continue;
        extras.push([
          ATTR_AI_MARGIN_EXTRA_PREFIX + key,
          mode === 'hash' ? this.pseudonym(value) : value,
        ]);
      }
    }
    this.lastAttribution = attribution;
    this.lastExtras = extras;
    return extras;
  }

  /**
   * Replaces raw customer ids on the span (every configured key) with their pseudonyms; does
   * nothing without pseudonymisation. A value is raw unless this processor wrote it on this span
   * (never judged by its shape). Each key on its own: a value that cannot be read is overwritten
   * with a placeholder, never left raw.
   */
  pseudonymizeSpan(span: Span): void {
    const pseudonymizer = this.pseudonymizer;
    if (pseudonymizer === undefined) return;
    const keys = this.customerKeys;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      try {
        const value = span.attributes[key];
        if (value === undefined || value === null || this.ledger.wrote(span, value)) continue;
        this.writePseudonym(
          span,
          key,
          pseudonymizer.pseudonym(typeof value === 'string' ? value : String(value)),
        );
      } catch (err) {
        this.errors.record('pseudonymize', err);
        try {
          this.writePseudonym(span, key, UNREADABLE_ID);
        } catch (err2) {
          this.errors.record('pseudonymize', err2);
        }
      }
    }
  }

  /** Writes a pseudonym on the span and notes it as ours (so it is not hashed again). */
  private writePseudonym(span: Span, key: string, pseudonym: string): void {
    span.setAttribute(key, pseudonym);
    this.ledger.add(span, pseudonym);
  }

  /** Reads the span's customer (as its label value) and feature into `out` (no allocation). */
  attributionInto(span: ReadableSpan, attrs: Attributes, out: SpanAttribution): void {
    let customer: string | undefined;
    let feature: string | undefined;
    // Usually the stamped attributes answer: read them at sites of their own (one inline cache).
    if (this.stampedKeysFirst) {
      const c = attrs[ATTR_AI_MARGIN_CUSTOMER_ID];
      if (typeof c === 'string' && c !== '') customer = c;
      const f = attrs[ATTR_AI_MARGIN_FEATURE];
      if (typeof f === 'string' && f !== '') feature = f;
    }
    if (customer === undefined) customer = this.firstCustomer(attrs);
    if (feature === undefined) feature = this.firstFeature(attrs);
    out.customer =
      customer === undefined
        ? UNATTRIBUTED
        : this.pseudonymizer === undefined || this.ledger.wrote(span, customer)
          ? customer
          : this.pseudonymizer.pseudonym(customer);
    out.feature = feature ?? UNATTRIBUTED;
  }

  private firstCustomer(attrs: Attributes): string | undefined {
    for (const key of this.customerKeys) {
      const v = attrs[key];
      if (typeof v === 'string' && v !== '') return v;
      if (typeof v === 'number' && Number.isFinite(v)) return String(v);
    }
    return undefined;
  }

  private firstFeature(attrs: Attributes): string | undefined {
    for (const key of this.featureKeys) {
      const v = attrs[key];
      if (typeof v === 'string' && v !== '') return v;
    }
    return undefined;
  }
}
