// Formats a time with a dayjs pattern (PM2's log_date_format and `logs --timestamp`). dayjs is loaded,
// synchronously, the first time a pattern is used: most apps set none, and a cluster primary whose app
// stamps no line never loads it.
import { createRequire } from 'node:module';
import type dayjsType from 'dayjs';

let dayjs: typeof dayjsType | null = null;

export function formatDate(pattern: string, date?: string | number | Date): string {
  dayjs ??= createRequire(import.meta.url)('dayjs') as typeof dayjsType;
  return dayjs(date).format(pattern);
}
