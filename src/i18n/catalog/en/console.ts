/** English messages of the 'console' namespace: ICU MessageFormat, keyed by what they say. */
export default {} as const satisfies Record<string, string>;
