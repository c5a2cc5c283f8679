/**
 * What the page shares with the `wirestack` command, imported from the CLI's sources so the page prints
 * exactly what `wirestack decode` prints and builds exactly what `wirestack build` builds. These modules
 * are browser-safe (no `node:` imports); the CLI package as a whole is not, so only they are imported.
 */
export { byteOwners, formatValue, layerFields, summarizeLayer, summaryLine } from '../../cli/src/format.js';
export { firstLayerFor, linkTypeFor } from '../../cli/src/link.js';
export { parseExpression } from '../../cli/src/expr.js';
