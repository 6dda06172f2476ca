/** English messages of the 'engine' namespace: ICU MessageFormat, keyed by what they say. */
export default {} as const satisfies Record<string, string>;
