/** English messages of the 'dingtalk' namespace: ICU MessageFormat, keyed by what they say. */
export default {} as const satisfies Record<string, string>;
