import { describe, expect, it } from 'vitest';
import { versionInRanges } from '../src/common/version-range';

describe('versionInRanges (the range subset of *_SUPPORTED_VERSIONS)', () => {
  it.each([
    ['7.59.0', ['>=4.19.0 <8'], true],
    ['4.19.0', ['>=4.19.0 <8'], true],
    ['4.18.9', ['>=4.19.0 <8'], false],
    ['8.0.0', ['>=4.19.0 <8'], false],
    ['8.0.0-beta.1', ['>=4.19.0 <8'], false],
    ['3.1164.0', ['>=3.422.0 <4'], true],
    ['3.99.0', ['>=3.422.0 <4'], false],
    ['2.0.0', ['>=0.30.0 <1', '>=2 <3'], true],
    ['1.5.0', ['>=0.30.0 <1', '>=2 <3'], false],
    ['5.0.0', ['*'], true],
    ['not-a-version', ['*'], false],
  ])('%s in %j: %s', (version, ranges, expected) => {
    expect(versionInRanges(version, ranges)).toBe(expected);
  });
});
