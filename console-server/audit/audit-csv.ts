import { chainedFields, type AuditRow } from './audit-chain';

const COLUMNS = [
  'seq',
  'time',
  'person',
  'app',
  'action',
  'target',
  'status',
  'errorCode',
  'clientAddress',
  'details',
  'prevHash',
  'hash',
] as const;

/**
 * One CSV cell (RFC 4180 quoting). A cell starting with = + - @ (or tab or carriage return) is
 * prefixed with `'` so a spreadsheet shows it as text instead of running it as a formula (OWASP
 * "CSV Injection"): login names, targets and details come from people and devices.
 */
export function csvCell(value: string | number | null): string {
  let text = value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvHeader(): string {
  return `${COLUMNS.join(',')}\r\n`;
}

export function csvLine(row: AuditRow): string {
  const [seq, at, ...rest] = chainedFields(row);
  const cells = [seq, new Date(at).toISOString(), ...rest, row.hash];
  return `${cells.map(csvCell).join(',')}\r\n`;
}
