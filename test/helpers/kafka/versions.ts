/**
 * Kafka versions the harness knows how to run, and what each needs at run time.
 *
 * The default is the newest release verified with kafkajs 2.2.4 by
 * test/integration/kafka-compat.test.ts (see docs/kafka.md for the list).
 */
export const DEFAULT_KAFKA_VERSION = '4.3.1';

/** The Maven coordinates of one extra runtime dependency. */
export interface MavenArtifact {
  groupId: string;
  artifactId: string;
  version: string;
}

/** How a Kafka release logs: its Maven artifacts only ship the logging API, not a backend. */
export interface LoggingSetup {
  /** The slf4j binding (and, through it, the backend) to add to the classpath. */
  artifact: MavenArtifact;
  /** File name of the backend's configuration. */
  configFile: string;
  /** JVM system property that points the backend at that file. */
  configProperty: string;
  /** The configuration: everything to stdout, which the harness sends to the broker log. */
  config: string;
}

const LOG_PATTERN = '[%d] %p %m (%c)%n';

// Kafka 3.x ships reload4j (log4j 1 API); its Log4jController needs it on the classpath.
const RELOAD4J: LoggingSetup = {
  artifact: { groupId: 'org.slf4j', artifactId: 'slf4j-reload4j', version: '1.7.36' },
  configFile: 'log4j.properties',
  configProperty: 'log4j.configuration',
  config: [
    'log4j.rootLogger=INFO, stdout',
    'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
    'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
    `log4j.appender.stdout.layout.ConversionPattern=${LOG_PATTERN}`,
    // The state-change and request loggers are very chatty at INFO and say nothing tests need.
    'log4j.logger.state.change.logger=WARN',
    'log4j.logger.kafka.request.logger=WARN',
    '',
  ].join('\n'),
};

// Kafka 4.x moved to log4j 2 (log4j-api and log4j-core come with kafka_2.13; the slf4j 1.x
// bridge does not).
const LOG4J2: LoggingSetup = {
  artifact: {
    groupId: 'org.apache.logging.log4j',
    artifactId: 'log4j-slf4j-impl',
    version: '2.25.4',
  },
  configFile: 'log4j2.properties',
  configProperty: 'log4j2.configurationFile',
  config: [
    'status = warn',
    'appender.stdout.type = Console',
    'appender.stdout.name = STDOUT',
    'appender.stdout.layout.type = PatternLayout',
    `appender.stdout.layout.pattern = ${LOG_PATTERN}`,
    'rootLogger.level = info',
    'rootLogger.appenderRef.stdout.ref = STDOUT',
    'logger.statechange.name = state.change.logger',
    'logger.statechange.level = warn',
    'logger.request.name = kafka.request.logger',
    'logger.request.level = warn',
    '',
  ].join('\n'),
};

/** The major version of a `x.y.z` Kafka version. */
export function kafkaMajor(version: string): number {
  return Number(version.split('.')[0]);
}

/** The logging backend a Kafka release needs. */
export function loggingFor(version: string): LoggingSetup {
  return kafkaMajor(version) >= 4 ? LOG4J2 : RELOAD4J;
}

// The Node testcontainers Kafka module drives Confluent images only; each Confluent Platform
// line ships one Apache Kafka line (CP 7.9 = AK 3.9, CP 8.x = AK 4.x).
const CONFLUENT_IMAGES: Record<string, string> = {
  '3.9': 'confluentinc/cp-kafka:7.9.0',
  '4.0': 'confluentinc/cp-kafka:8.0.0',
  '4.1': 'confluentinc/cp-kafka:8.1.0',
  '4.2': 'confluentinc/cp-kafka:8.2.0',
  '4.3': 'confluentinc/cp-kafka:8.3.0',
};

/** The Confluent image carrying `version`'s Kafka line, or undefined when none is known. */
export function confluentImageFor(version: string): string | undefined {
  const line = version.split('.').slice(0, 2).join('.');
  return CONFLUENT_IMAGES[line];
}
