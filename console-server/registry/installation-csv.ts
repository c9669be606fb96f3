import {
  formatInstallationRef,
  parseInstallationRef,
  type InstallationRef,
} from '../kii/installation-ref';

/** Data rows an import may hold by default (blank lines and the header not counted). */
export const DEFAULT_MAX_IMPORT_ROWS = 10_000;

export interface CsvImport {
  /** The first line was a header (and was skipped). */
  header: boolean;
  /** Usable references in file order, each once. */
  refs: { line: number; ref: InstallationRef }[];
  /** Lines repeating an earlier reference. */
  duplicates: { line: number; text: string; firstLine: number }[];
  /** Lines that hold no installation ID or `deviceType:registrationID`. */
  invalid: { line: number; text: string; reason: string }[];
}

export class CsvImportError extends Error {
  override readonly name = 'CsvImportError';
  constructor(
    readonly code: 'TOO_MANY_ROWS',
    message: string,
  ) {
    super(message);
  }
}

/** First cells that mark a header line (compared lower-case, without spaces, _ and -). */
const HEADER_NAMES = new Set([
  'id',
  'ref',
  'reference',
  'installation',
  'installations',
  'installationid',
  'installationids',
  'registrationid',
  'installationregistrationid',
  'target',
]);

/**
 * Parses an import file: one installation ID or `deviceType:registrationID` per line, in the
 * first cell (later cells, such as a note or an exported status, are ignored). Accepts a UTF-8
 * BOM, CRLF, LF or CR line ends, blank lines, an optional header, and RFC 4180 quoted cells
 * (`"a,b"`, `""` for a quote). Line numbers are those of the file, from 1.
 */
export function parseInstallationCsv(text: string, options: { maxRows?: number } = {}): CsvImport {
  const maxRows = options.maxRows ?? DEFAULT_MAX_IMPORT_ROWS;
  const result: CsvImport = { header: false, refs: [], duplicates: [], invalid: [] };
  const seen = new Map<string, number>();
  let rows = 0;
  for (const record of csvRecords(text.replace(/^\uFEFF/, ''))) {
    const first = (record.cells[0] ?? '').trim();
    if (record.cells.every((cell) => cell.trim() === '')) continue;
    if (rows === 0 && !result.header && isHeader(first)) {
      result.header = true;
      continue;
    }
    if (++rows > maxRows) {
      throw new CsvImportError(
        'TOO_MANY_ROWS',
        `The file has more than ${maxRows} rows; split it into smaller files`,
      );
    }
    if (record.unterminated) {
      result.invalid.push({ line: record.line, text: first, reason: 'a quote is not closed' });
      continue;
    }
    const ref = parseInstallationRef(first);
    if (!ref) {
      result.invalid.push({ line: record.line, text: first, reason: invalidReason(first) });
      continue;
    }
    const key = formatInstallationRef(ref);
    const firstLine = seen.get(key);
    if (firstLine !== undefined) {
      result.duplicates.push({ line: record.line, text: first, firstLine });
      continue;
    }
    seen.set(key, record.line);
    result.refs.push({ line: record.line, ref });
  }
  return result;
}

function isHeader(cell: string): boolean {
  return HEADER_NAMES.has(cell.toLowerCase().replace(/[\s_-]/g, ''));
}

function invalidReason(cell: string): string {
  if (cell === '') return 'the first cell is empty';
  const colon = cell.indexOf(':');
  if (colon >= 0)
    return `"${cell.slice(0, colon)}" is not a device type (MQTT, ANDROID, IOS, JPUSH)`;
  return 'not an installation ID (spaces, quotes, /, ?, # and % cannot appear in one)';
}

interface CsvRecord {
  /** Line of the file where the record starts. */
  line: number;
  cells: string[];
  unterminated: boolean;
}

/** Splits text into CSV records; a quoted cell may span lines. */
function* csvRecords(text: string): Generator<CsvRecord> {
  let line = 1;
  let start = 1;
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) line++;
        cell += c;
      }
    } else if (c === '"' && cell.trim() === '') {
      quoted = true;
      cell = '';
    } else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else if (c === '\r' || c === '\n') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      cells.push(cell);
      yield { line: start, cells, unterminated: false };
      cells = [];
      cell = '';
      start = ++line;
    } else {
      cell += c;
    }
  }
  if (quoted || cell !== '' || cells.length > 0) {
    cells.push(cell);
    yield { line: start, cells, unterminated: quoted };
  }
}
