/**
 * @wirestack/cli: the `wirestack` command (decode, show, build, stats) and the pure helpers behind it.
 * Node-only.
 */
export { ExitCode, main, VERSION } from './main.js';
export { type CliStreams, InputError, LineWriter, UsageError, wantColor } from './io.js';
export { parseExpression, parseExpressionSyntax, parseFieldValue, splitTopLevel, type RawLayerTerm } from './expr.js';
export {
  byteOwners,
  formatValue,
  hexdump,
  issueLayer,
  layerFields,
  packetTree,
  summarizeLayer,
  summaryLine,
  type PacketHeading,
} from './format.js';
export { formatBytes, Progress } from './progress.js';
export { buildRegistry, DECODE_AS_TABLES, type DecodeAs, parseDecodeAs, type RegistryChoices } from './registry.js';
export { explain, type ExplainEntry, itemFromJson, parseTimestamp, type BuildItem } from './commands/build.js';
export { packetRecordJson } from './commands/decode.js';
export {
  flowText,
  StatsCollector,
  statsText,
  type FlowStat,
  type HierarchyNode,
  type StatsResult,
  type TunnelStat,
} from './commands/stats.js';
