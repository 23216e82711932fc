/**
 * The simulated marketplace (issue 6): a seeded, streaming generator of contract events with a
 * truth file of seller classes, plus the writers (file, Kafka). See docs/simulator.md.
 */
export { simulateMarketplace, type Simulation, type SimulationSummary } from './generate.ts';
export {
  DEFAULT_SHARES,
  MessOptionsSchema,
  NO_MESS,
  resolveOptions,
  SELLER_CLASSES,
  SimulationOptionsSchema,
  type MessOptions,
  type ResolvedSimulationOptions,
  type SellerClass,
  type SimulationOptionsInput,
} from './options.ts';
export {
  SimulationTruthSchema,
  TruthSellerSchema,
  type SimulationTruth,
  type TruthSeller,
} from './truth.ts';
export {
  MALFORMED_KINDS,
  type MalformedKind,
  type RecordKind,
  type SimulatedRecord,
} from './mess.ts';
export { CODED_LEXICON, type CodedTerm } from './lexicon.ts';
export {
  ILLICIT_FAMILIES,
  ILLICIT_FAMILY_IDS,
  type IllicitFamily,
  type IllicitFamilyId,
} from './catalogue-illicit.ts';
export { OBFUSCATION_TECHNIQUES, obfuscate, type ObfuscationTechnique } from './obfuscate.ts';
export { loadSimulatorConfig, SimulatorEnvSchema, type SimulatorEnv } from './config.ts';
export {
  produceToKafka,
  writeNdjson,
  writeTruth,
  type KafkaWriteOptions,
  type WriteCounts,
} from './write.ts';
