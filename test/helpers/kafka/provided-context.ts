// What test/global-setup.ts provides to integration tests (`inject('kafkaBrokers')`).
declare module 'vitest' {
  export interface ProvidedContext {
    /** Bootstrap list of the run's Kafka broker, `host:port[,host:port…]`. */
    kafkaBrokers: string;
  }
}

export {};
