// The desktop's side of the one logger (packages/node-common/logger.ts): its stderr sink. Never pass
// message content, keys or passphrases as fields (why: packages/node-common/logger.ts).
import { recordLine, type LogSink } from '@klinikfunk/node-common/logger.ts';

export {
  createLogger,
  createMemoryLogger,
  loggable,
  type LogFields,
  type Logger,
  type LogLevel,
  type LogRecord,
  type LogSink,
} from '@klinikfunk/node-common/logger.ts';

/** One JSON object per line on stderr: what the desktop app writes. */
export const jsonLineSink: LogSink = (record) => process.stderr.write(recordLine(record));
