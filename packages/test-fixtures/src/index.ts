export { ORACLE_DIR, REGRESSIONS_DIR, oraclePath, readOracleJson, readOracleText } from './oracle-files.js';
export {
  CORPUS_PATH,
  FixtureFormatError,
  isFixtureFormatError,
  parseRecordedLines,
  readCorpusLines,
  readCorpusText,
  readRegressionLines,
  type RecordedLine,
} from './recorded-lines.js';
export { readCorpus, routeKey, type CorpusCase } from './plain-corpus.js';
export { countingSink, type CountingSink } from './counting-sink.js';
