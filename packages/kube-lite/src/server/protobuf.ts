// kubectl's typed "create" commands (create namespace/configmap/secret/
// serviceaccount/deployment/service) send Kubernetes protobuf. This decodes
// the envelope ("k8s\0" + runtime.Unknown) and the object kinds those
// commands send into the JSON form the rest of the server works with.
// The schema below lists only the fields those commands set; field numbers
// are Kubernetes' wire format.
import protobuf from 'protobufjs';
import { apiErrors } from '../errors';

const schema = `
syntax = "proto2";
package kube;
message TypeMeta { optional string apiVersion = 1; optional string kind = 2; }
message Unknown { optional TypeMeta typeMeta = 1; optional bytes raw = 2; optional string contentEncoding = 3; optional string contentType = 4; }
message Time { optional int64 seconds = 1; optional int32 nanos = 2; }
message IntOrString { optional int64 type = 1; optional int32 intVal = 2; optional string strVal = 3; }
message Quantity { optional string string = 1; }
message OwnerReference { optional string kind = 1; optional string name = 3; optional string uid = 4; optional string apiVersion = 5; optional bool controller = 6; optional bool blockOwnerDeletion = 7; }
message ObjectMeta {
  optional string name = 1; optional string generateName = 2; optional string namespace = 3; optional string uid = 5; optional string resourceVersion = 6;
  optional Time creationTimestamp = 8; map<string, string> labels = 11; map<string, string> annotations = 12;
  repeated OwnerReference ownerReferences = 13; repeated string finalizers = 14;
}
message LabelSelectorRequirement { optional string key = 1; optional string operator = 2; repeated string values = 3; }
message LabelSelector { map<string, string> matchLabels = 1; repeated LabelSelectorRequirement matchExpressions = 2; }
message ObjectReference { optional string kind = 1; optional string namespace = 2; optional string name = 3; optional string uid = 4; optional string apiVersion = 5; }
message LocalObjectReference { optional string name = 1; }
message NamespaceSpec { repeated string finalizers = 1; }
message Namespace { optional ObjectMeta metadata = 1; optional NamespaceSpec spec = 2; }
message ConfigMap { optional ObjectMeta metadata = 1; map<string, string> data = 2; map<string, bytes> binaryData = 3; optional bool immutable = 4; }
message Secret { optional ObjectMeta metadata = 1; map<string, bytes> data = 2; optional string type = 3; map<string, string> stringData = 4; optional bool immutable = 5; }
message ServiceAccount { optional ObjectMeta metadata = 1; repeated ObjectReference secrets = 2; repeated LocalObjectReference imagePullSecrets = 3; optional bool automountServiceAccountToken = 4; }
message ServicePort { optional string name = 1; optional string protocol = 2; optional int32 port = 3; optional IntOrString targetPort = 4; optional int32 nodePort = 5; optional string appProtocol = 6; }
message ServiceSpec {
  repeated ServicePort ports = 1; map<string, string> selector = 2; optional string clusterIP = 3; optional string type = 4;
  repeated string externalIPs = 5; optional string externalName = 10; repeated string clusterIPs = 18;
}
message Service { optional ObjectMeta metadata = 1; optional ServiceSpec spec = 2; }
message ContainerPort { optional string name = 1; optional int32 hostPort = 2; optional int32 containerPort = 3; optional string protocol = 4; optional string hostIP = 5; }
message EnvVar { optional string name = 1; optional string value = 2; }
message ResourceRequirements { map<string, Quantity> limits = 1; map<string, Quantity> requests = 2; }
message Container {
  optional string name = 1; optional string image = 2; repeated string command = 3; repeated string args = 4; optional string workingDir = 5;
  repeated ContainerPort ports = 6; repeated EnvVar env = 7; optional ResourceRequirements resources = 8; optional string imagePullPolicy = 14;
  optional bool stdin = 16; optional bool tty = 18;
}
message PodSpec {
  repeated Container containers = 2; optional string restartPolicy = 3; optional int64 terminationGracePeriodSeconds = 4; optional string dnsPolicy = 6;
  map<string, string> nodeSelector = 7; optional string serviceAccountName = 8; optional string nodeName = 10; optional bool hostNetwork = 11;
  repeated LocalObjectReference imagePullSecrets = 15; repeated Container initContainers = 20;
}
message PodTemplateSpec { optional ObjectMeta metadata = 1; optional PodSpec spec = 2; }
message RollingUpdateDeployment { optional IntOrString maxUnavailable = 1; optional IntOrString maxSurge = 2; }
message DeploymentStrategy { optional string type = 1; optional RollingUpdateDeployment rollingUpdate = 2; }
message DeploymentSpec {
  optional int32 replicas = 1; optional LabelSelector selector = 2; optional PodTemplateSpec template = 3; optional DeploymentStrategy strategy = 4;
  optional int32 minReadySeconds = 5; optional int32 revisionHistoryLimit = 6; optional bool paused = 7; optional int32 progressDeadlineSeconds = 9;
}
message Deployment { optional ObjectMeta metadata = 1; optional DeploymentSpec spec = 2; }
`;

const root = protobuf.parse(schema, { keepCase: true }).root;
const unknownType = root.lookupType('kube.Unknown');
const kinds = new Set(['Namespace', 'ConfigMap', 'Secret', 'ServiceAccount', 'Service', 'Deployment']);
const magic = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** Scalars that are pointers in Go: an explicit 0 is meant (replicas: 0). */
const pointerScalars = new Set([
  'replicas',
  'terminationGracePeriodSeconds',
  'revisionHistoryLimit',
  'progressDeadlineSeconds',
]);

/** Turns protobufjs' plain object into Kubernetes JSON (times, int-or-strings, quantities). */
function toJson(type: protobuf.Type, value: Record<string, unknown>): Record<string, unknown> {
  if (type.name === 'Time')
    return { time: new Date(Number(value.seconds ?? 0) * 1000).toISOString().replace(/\.\d+Z$/, 'Z') };
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    const v = value[field.name];
    if (v === undefined || v === null) continue;
    // Go marshals non-pointer scalars even when empty; JSON omits them (omitempty).
    if (v === '' || v === false || (v === 0 && !pointerScalars.has(field.name))) continue;
    if (field.type === 'Time' && !Number((v as Record<string, unknown>).seconds ?? 0)) continue;
    const sub = field.resolvedType instanceof protobuf.Type ? field.resolvedType : undefined;
    const convert = (x: unknown): unknown => {
      if (!sub) return x;
      const o = x as Record<string, unknown>;
      if (sub.name === 'Time') return toJson(sub, o).time;
      if (sub.name === 'IntOrString') return Number(o.type ?? 0) === 1 ? (o.strVal ?? '') : (o.intVal ?? 0);
      if (sub.name === 'Quantity') return o.string ?? '0';
      return toJson(sub, o);
    };
    if (field.map)
      out[field.name] = Object.fromEntries(
        Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, convert(x)]),
      );
    else if (field.repeated) out[field.name] = (v as unknown[]).map(convert);
    else out[field.name] = convert(v);
  }
  return out;
}

export function isProtobuf(mediaType: string): boolean {
  return mediaType === 'application/vnd.kubernetes.protobuf';
}

export function decodeProtobuf(raw: Buffer): Record<string, unknown> {
  if (raw.length < 4 || !raw.subarray(0, 4).equals(magic))
    throw apiErrors.badRequest('the protobuf body does not start with the Kubernetes "k8s\\0" prefix');
  let envelope: Record<string, unknown>;
  try {
    envelope = unknownType.toObject(unknownType.decode(raw.subarray(4)), { longs: Number, bytes: Buffer }) as Record<
      string,
      unknown
    >;
  } catch (cause) {
    throw apiErrors.badRequest(`the protobuf body could not be decoded: ${(cause as Error).message}`);
  }
  const typeMeta = (envelope.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
  const kind = typeMeta.kind ?? '';
  if (!kinds.has(kind)) {
    throw apiErrors.unsupportedMediaType(
      `application/vnd.kubernetes.protobuf (kind ${kind || 'unknown'}); send JSON instead, e.g. with kubectl apply -f`,
    );
  }
  const type = root.lookupType(`kube.${kind}`);
  const decoded = type.toObject(type.decode((envelope.raw as Buffer | undefined) ?? Buffer.alloc(0)), {
    longs: Number,
    bytes: String,
  }) as Record<string, unknown>;
  return { apiVersion: typeMeta.apiVersion, kind, ...toJson(type, decoded) };
}
