/**
 * AWS event-stream framing (`application/vnd.amazon.eventstream`), the binary format Bedrock
 * uses for ConverseStream and InvokeModelWithResponseStream. Encoder only, with string headers,
 * which is all the simulator sends. Written here (about 40 lines) rather than imported from the
 * SDK's transitive `@smithy/*` packages, whose layout moves between releases; the real SDK client
 * decodes these frames in the tests, which checks the encoding end to end.
 *
 * Frame: total length (u32 BE) | headers length (u32 BE) | CRC32 of the first 8 bytes |
 * headers | payload | CRC32 of everything before it. Header: name length (u8) | name |
 * type (u8, 7 = string) | value length (u16 BE) | value.
 */

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE 802.3), as the event-stream format uses for prelude and message checksums. */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffffffff;
  for (let i = start; i < end; i++) {
    crc = (CRC_TABLE[(crc ^ (bytes[i] as number)) & 0xff] as number) ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

const STRING_HEADER_TYPE = 7;

function encodeHeaders(headers: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const nameBytes = Buffer.from(name, 'utf8');
    const valueBytes = Buffer.from(value, 'utf8');
    const head = Buffer.alloc(1 + nameBytes.length + 1 + 2);
    head.writeUInt8(nameBytes.length, 0);
    nameBytes.copy(head, 1);
    head.writeUInt8(STRING_HEADER_TYPE, 1 + nameBytes.length);
    head.writeUInt16BE(valueBytes.length, 2 + nameBytes.length);
    parts.push(head, valueBytes);
  }
  return Buffer.concat(parts);
}

/** One event-stream message with string headers and a raw payload. */
export function encodeEventStreamMessage(
  headers: Record<string, string>,
  payload: Uint8Array,
): Buffer {
  const headerBytes = encodeHeaders(headers);
  const total = 12 + headerBytes.length + payload.length + 4;
  const out = Buffer.alloc(total);
  out.writeUInt32BE(total, 0);
  out.writeUInt32BE(headerBytes.length, 4);
  out.writeUInt32BE(crc32(out, 0, 8), 8);
  headerBytes.copy(out, 12);
  Buffer.from(payload).copy(out, 12 + headerBytes.length);
  out.writeUInt32BE(crc32(out, 0, total - 4), total - 4);
  return out;
}

/** An `event` message whose payload is `body` as JSON (e.g. `:event-type: contentBlockDelta`). */
export function encodeEvent(eventType: string, body: unknown): Buffer {
  return encodeEventStreamMessage(
    {
      ':event-type': eventType,
      ':content-type': 'application/json',
      ':message-type': 'event',
    },
    Buffer.from(JSON.stringify(body), 'utf8'),
  );
}

/** An `exception` message (e.g. `modelStreamErrorException`), how Bedrock fails mid-stream. */
export function encodeException(exceptionType: string, message: string): Buffer {
  return encodeEventStreamMessage(
    {
      ':exception-type': exceptionType,
      ':content-type': 'application/json',
      ':message-type': 'exception',
    },
    Buffer.from(JSON.stringify({ message }), 'utf8'),
  );
}
