// Placeholder replaced by the Kafka broker setup (issue 2).
export default function setup(): void {}
