#!/usr/bin/env node
// Kedge reference Modbus TCP mapper: serves the Modbus devices of one edge node.
//   kedge-modbus-mapper --broker mqtt://127.0.0.1:1883 --node-name gantry-17
import { CommanderError } from 'commander';
import { jsonLogger, runMapper } from '@kedge/mapper-sdk';
import { parseArgs, type MapperConfig } from './config';
import { DeviceMapperError } from './errors';
import { ModbusDriver } from './modbus/driver';

let config: MapperConfig;
try {
  config = parseArgs(process.argv.slice(2));
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  process.stderr.write(
    `kedge-modbus-mapper: ${error instanceof DeviceMapperError ? `${error.message} [${error.code}]` : String(error)}\n`,
  );
  process.exit(2);
}

const stop = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());

runMapper({
  brokerUrl: config.broker,
  nodeName: config.nodeName,
  username: config.username,
  password: config.password,
  drivers: { modbus: (device) => new ModbusDriver(device) },
  signal: stop.signal,
  log: jsonLogger({ debug: config.logLevel === 'debug' }),
  operationTimeoutMs: config.operationTimeoutMs,
  defaultCollectCycleMs: config.defaultCollectCycleMs,
  defaultReportCycleMs: config.defaultReportCycleMs,
}).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`kedge-modbus-mapper: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
