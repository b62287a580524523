// Two vocabularies meet here: the Kubernetes objects (devices.kubeedge.io/v1beta1,
// camelCase) and KubeEdge's MQTT twin messages (snake_case keys such as
// event_id, last_online). Field names follow KubeEdge exactly; mappers written
// for KubeEdge parse these payloads unchanged.

/** devices.kubeedge.io/v1beta1 Device, the fields the twin reads. */
export interface DeviceObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
  };
  spec: DeviceSpec;
  status?: unknown;
}

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
  /** Milliseconds between two reads by the mapper. */
  collectCycle?: number;
  /** Milliseconds between two reports when the value does not change. */
  reportCycle?: number;
  reportToCloud?: boolean;
  pushMethod?: unknown;
}

/** devices.kubeedge.io/v1beta1 DeviceModel, the fields the twin reads. */
export interface DeviceModelObject {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string };
  spec: DeviceModelSpec;
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

// ---- MQTT payloads (KubeEdge devicetwin shapes) ----

export interface BaseMessage {
  event_id: string;
  /** Milliseconds since the epoch. */
  timestamp: number;
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

export type TwinMap = Record<string, MsgTwin>;

export interface TwinResultMessage extends BaseMessage {
  twin: TwinMap;
}

export interface TwinDeltaMessage extends BaseMessage {
  twin: TwinMap;
  delta: Record<string, string>;
}

export interface TwinDocumentMessage extends BaseMessage {
  twin: Record<string, { last: MsgTwin | null; current: MsgTwin | null }>;
}

export interface ErrorResultMessage extends BaseMessage {
  code: number;
  reason: string;
}

/**
 * A device in membership messages. id, name, description, state, last_online
 * and twin are KubeEdge's; namespace, spec and model are Kedge additions that
 * let a mapper start from MQTT alone (KubeEdge mappers ignore unknown keys).
 */
export interface MembershipDevice {
  id: string;
  name: string;
  description?: string;
  state?: string;
  last_online?: string;
  twin?: TwinMap;
  namespace: string;
  spec?: DeviceSpec;
  model?: { name: string; spec: DeviceModelSpec };
}

export interface MembershipGetResultMessage extends BaseMessage {
  devices: MembershipDevice[];
}

export interface MembershipUpdateMessage extends BaseMessage {
  added_devices: MembershipDevice[];
  removed_devices: MembershipDevice[];
}

export interface StateResultMessage extends BaseMessage {
  device: { name: string; state: string; lastOnlineTime?: string };
}

// ---- toward the cloud ----

/** One property in DeviceStatus.status.twins shape (metadata values are strings, per the CRD). */
export interface ReportedTwin {
  propertyName: string;
  reported?: { value: string; metadata: { timestamp: string } };
  observedDesired?: { value: string; metadata: { timestamp: string } };
}

/** What changed on a device, for the cloud. Coalescing is the caller's job. */
export interface ReportedUpdate {
  /** `namespace/name`, the id used in MQTT topics. */
  deviceId: string;
  namespace: string;
  name: string;
  /** Only properties whose reported or observed desired value changed. */
  twins: ReportedTwin[];
  /** online, offline, ok, unknown or unhealthy; set when the state changed. */
  state?: string;
  /** RFC 3339; the last time the mapper said the device was online. */
  lastOnlineTime?: string;
}
