// The objects a mapper receives. Field names follow devices.kubeedge.io/v1beta1
// (Device, DeviceModel) and KubeEdge's MQTT twin payloads (snake_case keys).

export interface DeviceSpec {
  deviceModelRef?: { name?: string };
  nodeName?: string;
  properties?: DeviceProperty[];
  protocol?: { protocolName?: string; configData?: Record<string, unknown> };
  methods?: { name?: string; description?: string; propertyNames?: string[] }[];
  stateReport?: { reportCycle?: number; reportToCloud?: boolean };
}

export interface DeviceProperty {
  name: string;
  desired?: { value: string; metadata?: Record<string, string> };
  visitors?: { protocolName?: string; configData?: Record<string, unknown> };
  /** Milliseconds between two reads. */
  collectCycle?: number;
  /** Milliseconds between two reports of an unchanged value. */
  reportCycle?: number;
  reportToCloud?: boolean;
}

export interface DeviceModelSpec {
  properties?: ModelProperty[];
  protocol?: string;
  protocolConfigData?: Record<string, unknown>;
}

export interface ModelProperty {
  name: string;
  description?: string;
  /** INT, FLOAT, DOUBLE, STRING, BOOLEAN, BYTES or STREAM. */
  type?: string;
  accessMode?: 'ReadWrite' | 'ReadOnly';
  minimum?: string;
  maximum?: string;
  unit?: string;
  visitors?: { protocolName?: string; configData?: Record<string, unknown> };
}

export interface TwinValue {
  value?: string;
  metadata?: { timestamp?: number };
}

export interface MsgTwin {
  expected?: TwinValue;
  actual?: TwinValue;
  optional?: boolean;
  metadata?: { type?: string };
}

/** A device in membership messages; namespace, spec and model are what Kedge's edgecore adds to KubeEdge's shape. */
export interface MembershipDevice {
  id: string;
  name: string;
  namespace?: string;
  description?: string;
  state?: string;
  last_online?: string;
  twin?: Record<string, MsgTwin>;
  spec?: DeviceSpec;
  model?: { name: string; spec: DeviceModelSpec };
}

export interface MembershipGetResult {
  event_id: string;
  timestamp: number;
  devices?: MembershipDevice[];
  code?: number;
  reason?: string;
}

export interface MembershipUpdate {
  event_id: string;
  timestamp: number;
  added_devices?: MembershipDevice[];
  removed_devices?: MembershipDevice[];
}

export interface TwinDelta {
  event_id: string;
  timestamp: number;
  twin?: Record<string, MsgTwin>;
  delta?: Record<string, string>;
}
