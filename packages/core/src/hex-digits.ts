/** Character codes of the lower-case hex digits, shared by the hex and MAC text builders (internal, not exported). */
export const HEX_DIGIT_CODES: readonly number[] = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
