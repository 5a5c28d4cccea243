/**
 * Dictionaries are plain typed objects, one module per area and language
 * (it/common.ts, en/common.ts, ...). Italian is the reference: every other
 * language must have the same shape, which `Translation<typeof it>` enforces.
 * Leaves are strings or functions returning strings (for interpolation).
 */
export type Translation<T> = {
  [K in keyof T]: T[K] extends string
    ? string
    : T[K] extends (...args: infer A) => string
      ? (...args: A) => string
      : Translation<T[K]>
}

export type Lang = 'it' | 'en'
export const LANGS: readonly Lang[] = ['it', 'en']
