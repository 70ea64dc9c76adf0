// Conversions between column values (identical in both dialects, see database.ts) and the values code works with.
import { randomUUID } from 'node:crypto';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue | undefined };

export function toJsonText(value: unknown): string {
  return JSON.stringify(value);
}

export function fromJsonText<T>(text: string): T {
  return JSON.parse(text) as T;
}

export function toFlag(value: boolean): number {
  return value ? 1 : 0;
}

/** Both drivers hand back integers as numbers; PostgreSQL `bigint` would be a string, hence the Number(). */
export function fromFlag(value: number | string): boolean {
  return Number(value) !== 0;
}

export function toTimestamp(date: Date): string {
  return date.toISOString();
}

/** Row ids: random, so processes sharing PostgreSQL never collide and ids reveal no counts. */
export function newId(): string {
  return randomUUID();
}
