export { decode } from './decode.js';
export { encode } from './encode.js';
export { CodecError, formatPath, pathWords } from './error.js';
export { BlobRef, Opaque, Truncated } from './markers.js';
export { resolvePath } from './path.js';
export { CODEC_VERSION, deserialize, serialize } from './serialize.js';
export { outOfStack, stringifyDeep, stringifyEncoded } from './stringify.js';
export { TAG } from './tags.js';
export type { Encoded, EncodeLimits, Path, PathSegment } from './types.js';
