/** Name and version reported as the instrumentation scope of every ai-margin tracer and meter. */
export const PACKAGE_NAME = '@ai-margin/instrumentation';
export const PACKAGE_VERSION = '0.1.0';
