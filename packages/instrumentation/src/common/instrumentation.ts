/**
 * The part every ai-margin GenAI instrumentation shares: the instrumentation scope (package name
 * and version), one module definition that patches and unpatches the SDK module, the semconv
 * GenAI metrics, and `manuallyInstrument` / `manuallyUninstrument` for bundlers and test runners.
 * A provider instrumentation names its module and versions and implements the patching.
 */
import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
} from '@opentelemetry/instrumentation';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../version';
import type { GenAIInstrumentationConfig } from './config';
import { createGenAIMetrics, type GenAIMetrics } from './metrics';

export abstract class GenAIInstrumentationBase<
  C extends GenAIInstrumentationConfig,
> extends InstrumentationBase<C> {
  // `declare`: assigned from the base constructor (via _updateMetricInstruments), which runs
  // before field initialisers would.
  declare protected genAIMetrics: GenAIMetrics | undefined;

  constructor(config: C) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
  }

  /**
   * The instrumented package name. A getter, not a field: `init()` reads it from the base
   * constructor, before subclass fields are initialised.
   */
  protected abstract get moduleName(): string;

  /** The semver ranges of {@link moduleName} this instrumentation patches (a getter too). */
  protected abstract get supportedVersions(): string[];

  /** Wraps the SDK methods found in a loaded module object. */
  protected abstract patchModule(moduleExports: unknown): void;

  /** Removes the wrappers {@link patchModule} installed. */
  protected abstract unpatchModule(moduleExports: unknown): void;

  protected init() {
    return [
      new InstrumentationNodeModuleDefinition(
        this.moduleName,
        this.supportedVersions,
        (moduleExports) => {
          this.patchModule(moduleExports);
          return moduleExports;
        },
        (moduleExports) => {
          this.unpatchModule(moduleExports);
        },
      ),
    ];
  }

  protected override _updateMetricInstruments(): void {
    this.genAIMetrics = createGenAIMetrics(this.meter);
  }

  /**
   * Patches an already loaded module object of the instrumented package (CommonJS exports or ESM
   * namespace), for bundlers and test runners that bypass the require/import hooks:
   * `instrumentation.manuallyInstrument(require('openai'))` or
   * `manuallyInstrument(await import('openai'))`.
   */
  manuallyInstrument(moduleExports: unknown): void {
    this._diag.debug(`manuallyInstrument ${this.moduleName}`);
    this.patchModule(moduleExports);
  }

  /** Undoes {@link manuallyInstrument}. */
  manuallyUninstrument(moduleExports: unknown): void {
    this.unpatchModule(moduleExports);
  }
}
