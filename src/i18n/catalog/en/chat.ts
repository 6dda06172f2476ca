/** English messages of the 'chat' namespace: ICU MessageFormat, keyed by what they say. */
export default {} as const satisfies Record<string, string>;
