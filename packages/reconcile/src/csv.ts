/**
 * RFC 4180 CSV parsing, fed in chunks (CUR files are large): quoted fields with embedded commas,
 * doubled quotes and newlines, CRLF or LF line ends, a leading BOM. Each record carries the
 * 1-based line it starts on.
 */

export interface CsvRecord {
  fields: string[];
  /** 1-based line on which the record starts. */
  line: number;
}

export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    detail: string,
  ) {
    super(detail);
    this.name = 'CsvSyntaxError';
  }
}

export class CsvParser {
  private field = '';
  private fields: string[] = [];
  private inQuotes = false;
  /** The previous char closed a quoted field: only a delimiter, quote or line end may follow. */
  private afterQuote = false;
  private pendingCR = false;
  private line = 1;
  private recordLine = 1;
  private started = false;
  private first = true;

  constructor(private readonly onRecord: (record: CsvRecord) => void) {}

  push(chunk: string): void {
    let text = chunk;
    if (this.first) {
      this.first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    for (let i = 0; i < text.length; i++) {
      const c = text[i] as string;
      if (this.pendingCR) {
        this.pendingCR = false;
        if (c === '\n') continue;
      }
      if (this.inQuotes) {
        if (c === '"') {
          this.inQuotes = false;
          this.afterQuote = true;
        } else {
          if (c === '\n') this.line++;
          this.field += c;
        }
        continue;
      }
      if (c === '"') {
        if (this.afterQuote) {
          // A doubled quote inside a quoted field.
          this.field += '"';
          this.inQuotes = true;
          this.afterQuote = false;
        } else if (this.field.length === 0) {
          this.inQuotes = true;
          this.started = true;
        } else {
          throw new CsvSyntaxError(this.line, 'quote inside an unquoted field');
        }
        continue;
      }
      if (c === ',') {
        this.fields.push(this.field);
        this.field = '';
        this.afterQuote = false;
        this.started = true;
        continue;
      }
      if (c === '\n' || c === '\r') {
        this.endRecord();
        this.line++;
        this.recordLine = this.line;
        if (c === '\r') this.pendingCR = true;
        continue;
      }
      if (this.afterQuote) {
        throw new CsvSyntaxError(
          this.line,
          `unexpected ${JSON.stringify(c)} after a closing quote`,
        );
      }
      this.field += c;
      this.started = true;
    }
  }

  /** Flushes the last record; throws when a quoted field is left open. */
  end(): void {
    if (this.inQuotes) {
      throw new CsvSyntaxError(this.recordLine, 'unterminated quoted field (truncated file?)');
    }
    this.endRecord();
  }

  private endRecord(): void {
    if (this.started || this.field.length > 0 || this.fields.length > 0) {
      this.fields.push(this.field);
      this.onRecord({ fields: this.fields, line: this.recordLine });
    }
    this.fields = [];
    this.field = '';
    this.afterQuote = false;
    this.started = false;
  }
}

/** Parses a whole CSV text. */
export function parseCsv(text: string): CsvRecord[] {
  const out: CsvRecord[] = [];
  const parser = new CsvParser((r) => out.push(r));
  parser.push(text);
  parser.end();
  return out;
}
