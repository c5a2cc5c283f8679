export * from './constants.js';
export * from './errors.js';
export * from './types.js';
export { formatTimestamp, pcapTimestampNs, tickConverter, type TickConverter } from './timestamp.js';
export { GZIP_MAGIC, isGzip } from './gzip.js';
export { CaptureReader, CaptureStreamReader, readCapture, readCaptureStream, type ByteSource } from './reader.js';
export * from './writer.js';
