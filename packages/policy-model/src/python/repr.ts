import { PyBytes, PyDate, PyDateTime, type PyValue } from './value.js';

/**
 * Python `repr(float)`: shortest round-trip digits, scientific iff the exponent is < -4 or >= 16.
 * (Checked against CPython's float repr on 50,000 random doubles; docs/python-compatibility.md, "str() and repr()".)
 */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const [mantissa = '', exponentText = '0'] = Math.abs(x).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) {
    const head = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${head}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  if (digits.length <= exponent + 1) return `${sign}${digits}${'0'.repeat(exponent + 1 - digits.length)}.0`;
  return `${sign}${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function dateText(d: PyDate | PyDateTime): string {
  return `${pad(d.year, 4)}-${pad(d.month)}-${pad(d.day)}`;
}

function utcOffsetText(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** Python `str(datetime)`: `isoformat(sep=' ')`. */
function dateTimeText(d: PyDateTime): string {
  const fraction = d.microsecond ? `.${pad(d.microsecond, 6)}` : '';
  const offset = d.utcOffsetMinutes === null ? '' : utcOffsetText(d.utcOffsetMinutes);
  return `${dateText(d)} ${pad(d.hour)}:${pad(d.minute)}:${pad(d.second)}${fraction}${offset}`;
}

// Python's str.isprintable() is false for these categories (space excepted).
const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

function escapeCodePoint(cp: number): string {
  if (cp < 0x100) return `\\x${cp.toString(16).padStart(2, '0')}`;
  if (cp < 0x10000) return `\\u${cp.toString(16).padStart(4, '0')}`;
  return `\\U${cp.toString(16).padStart(8, '0')}`;
}

/** Python `repr(str)`. */
export function pyStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch !== ' ' && NON_PRINTABLE.test(ch)) out += escapeCodePoint(cp);
    else out += ch;
  }
  return out + quote;
}

function bytesRepr(bytes: Uint8Array): string {
  const has = (c: number): boolean => bytes.includes(c);
  const quote = has(0x27) && !has(0x22) ? '"' : "'";
  let out = `b${quote}`;
  for (const b of bytes) {
    const ch = String.fromCharCode(b);
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (b < 0x20 || b >= 0x7f) out += `\\x${b.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

function timezoneRepr(minutes: number): string {
  if (minutes === 0) return 'datetime.timezone.utc';
  const seconds = minutes * 60;
  const days = Math.floor(seconds / 86400);
  const rest = seconds - days * 86400;
  const delta = days ? `days=${days}, seconds=${rest}` : `seconds=${rest}`;
  return `datetime.timezone(datetime.timedelta(${delta}))`;
}

function dateTimeRepr(d: PyDateTime): string {
  const parts = [d.year, d.month, d.day, d.hour, d.minute];
  if (d.second || d.microsecond) parts.push(d.second);
  if (d.microsecond) parts.push(d.microsecond);
  const tz = d.utcOffsetMinutes === null ? '' : `, tzinfo=${timezoneRepr(d.utcOffsetMinutes)}`;
  return `datetime.datetime(${parts.join(', ')}${tz})`;
}

/** Python `repr()` of a value. */
export function pyRepr(value: PyValue): string {
  if (typeof value === 'string') return pyStrRepr(value);
  if (value instanceof PyDate) return `datetime.date(${value.year}, ${value.month}, ${value.day})`;
  if (value instanceof PyDateTime) return dateTimeRepr(value);
  if (value instanceof PyBytes) return bytesRepr(value.bytes);
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (value instanceof Map) {
    return `{${[...value].map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`).join(', ')}}`;
  }
  return pyStr(value);
}

/** Python `str()` of a value (what f-strings and `str(item)` print). */
export function pyStr(value: PyValue): string {
  if (value === null) return 'None';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return pyFloatRepr(value);
  if (value instanceof PyDate) return dateText(value);
  if (value instanceof PyDateTime) return dateTimeText(value);
  return pyRepr(value);
}
