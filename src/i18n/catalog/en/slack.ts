/** English messages of the 'slack' namespace: ICU MessageFormat, keyed by what they say. */
export default {} as const satisfies Record<string, string>;
