import { LiveMessage } from '../feed/live-message';

/** The file formats the stream exports. */
export type ExportFormat = 'ndjson' | 'csv';

export const EXPORT_MEDIA_TYPES: Readonly<Record<ExportFormat, string>> = {
  ndjson: 'application/x-ndjson',
  csv: 'text/csv',
};

const CSV_COLUMNS = [
  'time',
  'monitor',
  'mqttTopic',
  'topic',
  'sender',
  'scope',
  'scopeOwner',
  'size',
  'payloadEncoding',
  'payload',
] as const;

/**
 * One JSON object per line, oldest first. A JSON payload is embedded as JSON (its own text when
 * that is one line), other text as a string, and bytes that are not UTF-8 as `payloadBase64`.
 */
export function toNdjson(messages: readonly LiveMessage[]): string {
  return messages.map(ndjsonLine).join('');
}

function ndjsonLine(message: LiveMessage): string {
  const { topic, sender, scope, scopeOwner } = message.summary;
  const head = JSON.stringify({
    time: new Date(message.receivedAt).toISOString(),
    monitor: message.monitorLabel,
    mqttTopic: message.mqttTopic,
    topic,
    sender,
    scope,
    scopeOwner,
    size: message.size,
  });
  let payload: string;
  const parsed = message.binary ? null : message.parse();
  if (message.binary) {
    payload = `"payloadBase64":${JSON.stringify(base64(message.binary))}`;
  } else if (parsed?.isJson) {
    const raw = message.text.trim();
    payload = `"payload":${/[\r\n\u2028\u2029]/.test(raw) ? JSON.stringify(parsed.json) : raw}`;
  } else {
    payload = `"payload":${JSON.stringify(message.text)}`;
  }
  return `${head.slice(0, -1)},${payload}}\n`;
}

/**
 * RFC 4180 CSV with a header row and CRLF line ends, oldest first. Text that a spreadsheet
 * would run as a formula (`=`, `+`, `-`, `@` first) gets a leading `'`: payloads are untrusted.
 */
export function toCsv(messages: readonly LiveMessage[]): string {
  const rows = [CSV_COLUMNS.join(',')];
  for (const message of messages) {
    const { topic, sender, scope, scopeOwner } = message.summary;
    rows.push(
      [
        new Date(message.receivedAt).toISOString(),
        csvText(message.monitorLabel),
        csvText(message.mqttTopic),
        csvText(topic),
        csvText(sender),
        scope,
        csvText(scopeOwner),
        String(message.size),
        message.binary ? 'base64' : 'utf-8',
        message.binary ? base64(message.binary) : csvText(message.text),
      ].join(','),
    );
  }
  return rows.join('\r\n') + '\r\n';
}

function csvText(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]|^\s|\s$/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** `kpc-all-traffic-20260301-101502.ndjson`: the monitor's name and the local time. */
export function exportFileName(monitorLabel: string, format: ExportFormat, now: Date): string {
  const slug =
    monitorLabel
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'monitor';
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp =
    `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}-` +
    `${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`;
  return `kpc-${slug}-${stamp}.${format}`;
}
