import type Database from 'better-sqlite3';
import type { DeviceModelObject, DeviceObject, TwinMap } from './types';

/** A device as the twin keeps it: the cloud's object, its model, and the twin. */
export interface StoredDevice {
  id: string;
  namespace: string;
  name: string;
  device: DeviceObject;
  model: DeviceModelObject | undefined;
  state: string;
  /** RFC 3339, '' until the mapper first says online. */
  lastOnline: string;
  twin: TwinMap;
}

interface Row {
  id: string;
  namespace: string;
  name: string;
  device_json: string;
  model_json: string | null;
  state: string;
  last_online: string;
  twin_json: string;
}

/**
 * Devices and twins in the caller's SQLite database, one row per device.
 * Twins are a JSON column: a device has a handful of properties and is
 * always read and written whole.
 */
export class TwinStore {
  private readonly selectAll;
  private readonly selectOne;
  private readonly upsert;
  private readonly remove;

  constructor(db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS twin_devices (
      id TEXT PRIMARY KEY,
      namespace TEXT NOT NULL,
      name TEXT NOT NULL,
      device_json TEXT NOT NULL,
      model_json TEXT,
      state TEXT NOT NULL,
      last_online TEXT NOT NULL,
      twin_json TEXT NOT NULL
    )`);
    this.selectAll = db.prepare<[], Row>('SELECT * FROM twin_devices ORDER BY id');
    this.selectOne = db.prepare<[string], Row>('SELECT * FROM twin_devices WHERE id = ?');
    this.upsert = db.prepare(
      `INSERT INTO twin_devices (id, namespace, name, device_json, model_json, state, last_online, twin_json)
       VALUES (@id, @namespace, @name, @device_json, @model_json, @state, @last_online, @twin_json)
       ON CONFLICT(id) DO UPDATE SET device_json = excluded.device_json, model_json = excluded.model_json,
         state = excluded.state, last_online = excluded.last_online, twin_json = excluded.twin_json`,
    );
    this.remove = db.prepare('DELETE FROM twin_devices WHERE id = ?');
  }

  list(): StoredDevice[] {
    return this.selectAll.all().map(fromRow);
  }

  get(id: string): StoredDevice | undefined {
    const row = this.selectOne.get(id);
    return row ? fromRow(row) : undefined;
  }

  put(device: StoredDevice): void {
    this.upsert.run({
      id: device.id,
      namespace: device.namespace,
      name: device.name,
      device_json: JSON.stringify(device.device),
      model_json: device.model ? JSON.stringify(device.model) : null,
      state: device.state,
      last_online: device.lastOnline,
      twin_json: JSON.stringify(device.twin),
    });
  }

  delete(id: string): boolean {
    return this.remove.run(id).changes > 0;
  }
}

function fromRow(row: Row): StoredDevice {
  return {
    id: row.id,
    namespace: row.namespace,
    name: row.name,
    device: JSON.parse(row.device_json) as DeviceObject,
    model: row.model_json ? (JSON.parse(row.model_json) as DeviceModelObject) : undefined,
    state: row.state,
    lastOnline: row.last_online,
    twin: JSON.parse(row.twin_json) as TwinMap,
  };
}
