/**
 * The part every ai-margin GenAI instrumentation shares: the instrumentation scope (package name
 * and version), one module definition that patches and unpatches the SDK module, the semconv
 * GenAI metrics, and `manuallyInstrument` / `manuallyUninstrument` for bundlers and test runners.
 * A provider instrumentation names its module and versions and implements the patching.
 *
 * No silent nothing: the module definition accepts every version. Inside the tested range the
 * module is patched as usual; outside it (a new major released after ours) it is patched all the
 * same when the methods we wrap are still there, with one diag warning; when nothing can be
 * patched, one diag warning too. Each outcome lands in the SDK coverage registry (./coverage),
 * which the processor exports as `ai_margin_sdk_info` for the dashboards and alerts.
 */
import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
} from '@opentelemetry/instrumentation';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../version';
import type { GenAIInstrumentationConfig } from './config';
import { recordSdkCoverage, type SdkCoverageStatus } from './coverage';
import type { ProviderExtension } from './extension';
import { type FlowHost, tracedMethod } from './flow';
import { createGenAIMetrics, type GenAIMetrics } from './metrics';
import { versionInRanges } from './version-range';

export abstract class GenAIInstrumentationBase<
  C extends GenAIInstrumentationConfig,
> extends InstrumentationBase<C> {
  // `declare`: assigned from the base constructor (via _updateMetricInstruments), which runs
  // before field initialisers would.
  declare protected genAIMetrics: GenAIMetrics | undefined;

  // Wrappers installed by the patchModule call in progress (see the constructor).
  declare private _wrapsInPatch: number;

  // What the shared call flow reads from this instrumentation (made on first use).
  declare private _flowHost: FlowHost<C> | undefined;

  constructor(config: C) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
    // Count what patchModule wraps, so that a module with none of the expected methods (a
    // reshaped new major) is reported instead of passing as instrumented. `_wrap` is a field
    // of InstrumentationBase, so it can be replaced per instance.
    const wrap = this._wrap;
    const counting: typeof wrap = (nodule, name, wrapper) => {
      this._wrapsInPatch = (this._wrapsInPatch ?? 0) + 1;
      return wrap(nodule, name, wrapper);
    };
    this._wrap = counting;
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
        // Every version: the range check is ours (see the file comment).
        ['*'],
        (moduleExports, moduleVersion) => {
          this._patchAndReport(moduleExports, moduleVersion);
          return moduleExports;
        },
        (moduleExports) => {
          this.unpatchModule(moduleExports);
        },
      ),
    ];
  }

  /** Patches, then records (and on a problem, warns once about) how the module was handled. */
  private _patchAndReport(moduleExports: unknown, moduleVersion: string | undefined): void {
    const version = moduleVersion ?? 'unknown';
    const tested =
      moduleVersion === undefined || versionInRanges(moduleVersion, this.supportedVersions);
    this._wrapsInPatch = 0;
    try {
      this.patchModule(moduleExports);
    } catch (err) {
      // Never into the application's require/import: a failed patch is an unpatched module.
      this._diag.error(`patching ${this.moduleName}@${version} failed`, err);
    }
    const patched = this._wrapsInPatch > 0;
    const status: SdkCoverageStatus = !patched ? 'unpatched' : tested ? 'instrumented' : 'untested';
    const first = recordSdkCoverage({ sdk: this.moduleName, version, status });
    if (!first) return;
    const range = this.supportedVersions.join(' || ');
    if (status === 'unpatched') {
      this._diag.warn(
        `${this.moduleName}@${version} was loaded but none of the methods ai-margin wraps were found: its calls make no span and are not priced (tested range ${range}). Counted in ai_margin_sdk_info{status="unpatched"}.`,
      );
    } else if (status === 'untested') {
      this._diag.warn(
        `${this.moduleName}@${version} is outside the tested range ${range}; its methods were found and patched. Check the figures, and upgrade @ai-margin/instrumentation when a release supports it.`,
      );
    }
  }

  /**
   * `original` wrapped so that each call runs the shared flow (./flow) with `extension`'s hooks:
   * the wrapper to install with `_wrap`.
   */
  protected traced<R>(
    extension: ProviderExtension<C, R>,
    original: (this: unknown, ...args: unknown[]) => unknown,
  ): (this: unknown, ...args: unknown[]) => unknown {
    const self = this;
    this._flowHost ??= {
      get tracer() {
        return self.tracer;
      },
      get metrics() {
        return self.genAIMetrics;
      },
      get diag() {
        return self._diag;
      },
      get config() {
        return self.getConfig();
      },
      isEnabled: () => self.isEnabled(),
    };
    return tracedMethod(this._flowHost, extension, original);
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
    this._patchAndReport(moduleExports, undefined);
  }

  /** Undoes {@link manuallyInstrument}. */
  manuallyUninstrument(moduleExports: unknown): void {
    this.unpatchModule(moduleExports);
  }
}
