/**
 * The device CRDs (devices.kubeedge.io/v1beta1 Device, DeviceModel, DeviceStatus) as data,
 * so an esbuild bundle of cloudcore carries them. Generated from deploy/crds/devices/*.yaml;
 * crds.test.ts fails when the two differ: change both together.
 */
/**
 * A CRD as the API server takes it (wire field names such as
 * `x-kubernetes-preserve-unknown-fields`), sent as is: the client's typed
 * CRD model would drop the fields it spells differently.
 */
export interface CrdDocument {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly [field: string]: unknown };
  readonly spec: {
    readonly group: string;
    readonly names: { readonly kind: string; readonly [field: string]: unknown };
    readonly versions: readonly { readonly name: string; readonly [field: string]: unknown }[];
    readonly [field: string]: unknown;
  };
}

/** File name under deploy/crds/devices → the CRD it holds. */
export const DEVICE_CRDS: Readonly<Record<string, CrdDocument>> = {
  'devices.kubeedge.io_devicemodels.yaml': {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: 'devicemodels.devices.kubeedge.io',
      labels: {
        'app.kubernetes.io/part-of': 'kedge',
      },
    },
    spec: {
      group: 'devices.kubeedge.io',
      scope: 'Namespaced',
      names: {
        kind: 'DeviceModel',
        listKind: 'DeviceModelList',
        plural: 'devicemodels',
        singular: 'devicemodel',
      },
      versions: [
        {
          name: 'v1beta1',
          served: true,
          storage: true,
          additionalPrinterColumns: [
            {
              name: 'Protocol',
              type: 'string',
              jsonPath: '.spec.protocol',
            },
            {
              name: 'Age',
              type: 'date',
              jsonPath: '.metadata.creationTimestamp',
            },
          ],
          schema: {
            openAPIV3Schema: {
              type: 'object',
              description: 'A template for devices of one kind (properties, their types and limits).',
              properties: {
                apiVersion: {
                  type: 'string',
                },
                kind: {
                  type: 'string',
                },
                metadata: {
                  type: 'object',
                },
                spec: {
                  type: 'object',
                  properties: {
                    protocol: {
                      type: 'string',
                      description: 'Protocol the devices of this model speak, e.g. modbus.',
                    },
                    protocolConfigData: {
                      type: 'object',
                      description:
                        "Protocol settings shared by all devices of this model; a Device's protocol.configData overrides them.",
                      'x-kubernetes-preserve-unknown-fields': true,
                    },
                    properties: {
                      type: 'array',
                      description: 'Properties every device of this model has; names are unique.',
                      items: {
                        type: 'object',
                        properties: {
                          name: {
                            type: 'string',
                          },
                          description: {
                            type: 'string',
                          },
                          type: {
                            type: 'string',
                            description: 'Value type of the twin; desired values are checked against it at the edge.',
                            enum: ['INT', 'FLOAT', 'DOUBLE', 'STRING', 'BOOLEAN', 'BYTES', 'STREAM'],
                          },
                          accessMode: {
                            type: 'string',
                            description: 'ReadOnly properties take no desired value.',
                            enum: ['ReadWrite', 'ReadOnly'],
                          },
                          minimum: {
                            type: 'string',
                            description: 'Lowest desired value accepted (numbers as strings).',
                          },
                          maximum: {
                            type: 'string',
                            description: 'Highest desired value accepted (numbers as strings).',
                          },
                          unit: {
                            type: 'string',
                          },
                          visitors: {
                            type: 'object',
                            description:
                              "Protocol access shared by all devices of this model; a Device's visitor configData overrides it.",
                            properties: {
                              protocolName: {
                                type: 'string',
                              },
                              configData: {
                                type: 'object',
                                'x-kubernetes-preserve-unknown-fields': true,
                              },
                            },
                          },
                        },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      ],
    },
  },
  'devices.kubeedge.io_devices.yaml': {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: 'devices.devices.kubeedge.io',
      labels: {
        'app.kubernetes.io/part-of': 'kedge',
      },
    },
    spec: {
      group: 'devices.kubeedge.io',
      scope: 'Namespaced',
      names: {
        kind: 'Device',
        listKind: 'DeviceList',
        plural: 'devices',
        singular: 'device',
      },
      versions: [
        {
          name: 'v1beta1',
          served: true,
          storage: true,
          subresources: {
            status: {},
          },
          additionalPrinterColumns: [
            {
              name: 'Model',
              type: 'string',
              jsonPath: '.spec.deviceModelRef.name',
            },
            {
              name: 'Node',
              type: 'string',
              jsonPath: '.spec.nodeName',
            },
            {
              name: 'Protocol',
              type: 'string',
              jsonPath: '.spec.protocol.protocolName',
            },
            {
              name: 'State',
              type: 'string',
              jsonPath: '.status.state',
            },
            {
              name: 'Age',
              type: 'date',
              jsonPath: '.metadata.creationTimestamp',
            },
          ],
          schema: {
            openAPIV3Schema: {
              type: 'object',
              description: 'One physical device, bound to an edge node, with a desired/reported twin per property.',
              properties: {
                apiVersion: {
                  type: 'string',
                },
                kind: {
                  type: 'string',
                },
                metadata: {
                  type: 'object',
                },
                spec: {
                  type: 'object',
                  properties: {
                    deviceModelRef: {
                      type: 'object',
                      description: 'The DeviceModel (same namespace) this device is an instance of.',
                      'x-kubernetes-map-type': 'atomic',
                      properties: {
                        name: {
                          type: 'string',
                          default: '',
                        },
                      },
                    },
                    nodeName: {
                      type: 'string',
                      description: 'Edge node whose mapper serves this device.',
                    },
                    protocol: {
                      type: 'object',
                      description: 'How to reach the device.',
                      properties: {
                        protocolName: {
                          type: 'string',
                          description: 'Selects the mapper driver, e.g. modbus.',
                        },
                        configData: {
                          type: 'object',
                          description: 'Protocol settings, e.g. ip, port, slaveID for modbus.',
                          'x-kubernetes-preserve-unknown-fields': true,
                        },
                      },
                    },
                    properties: {
                      type: 'array',
                      description: 'Properties of this device; names are unique and come from the model.',
                      items: {
                        type: 'object',
                        properties: {
                          name: {
                            type: 'string',
                          },
                          desired: {
                            type: 'object',
                            description: 'Value the device should have; the mapper writes it.',
                            required: ['value'],
                            properties: {
                              value: {
                                type: 'string',
                              },
                              metadata: {
                                type: 'object',
                                additionalProperties: {
                                  type: 'string',
                                },
                              },
                            },
                          },
                          visitors: {
                            type: 'object',
                            description:
                              'Protocol access for this property (for modbus, register, offset, limit, scale, isSwap, isRegisterSwap, dataType).',
                            properties: {
                              protocolName: {
                                type: 'string',
                              },
                              configData: {
                                type: 'object',
                                'x-kubernetes-preserve-unknown-fields': true,
                              },
                            },
                          },
                          collectCycle: {
                            type: 'integer',
                            format: 'int64',
                            description: 'Milliseconds between two reads.',
                          },
                          reportCycle: {
                            type: 'integer',
                            format: 'int64',
                            description: 'Milliseconds between two reports of an unchanged value.',
                          },
                          reportToCloud: {
                            type: 'boolean',
                          },
                          pushMethod: {
                            type: 'object',
                            description: 'Where a mapper also pushes readings (mqtt, http, otel, dbMethod, ...).',
                            'x-kubernetes-preserve-unknown-fields': true,
                          },
                        },
                      },
                    },
                    methods: {
                      type: 'array',
                      items: {
                        type: 'object',
                        properties: {
                          name: {
                            type: 'string',
                          },
                          description: {
                            type: 'string',
                          },
                          propertyNames: {
                            type: 'array',
                            items: {
                              type: 'string',
                            },
                          },
                        },
                      },
                    },
                    stateReport: {
                      type: 'object',
                      properties: {
                        reportCycle: {
                          type: 'integer',
                          format: 'int64',
                        },
                        reportToCloud: {
                          type: 'boolean',
                        },
                      },
                    },
                  },
                },
                status: {
                  type: 'object',
                  description: 'Reported twins and state, as the edge last sent them.',
                  'x-kubernetes-preserve-unknown-fields': true,
                  properties: {
                    state: {
                      type: 'string',
                    },
                    lastOnlineTime: {
                      type: 'string',
                    },
                    reportCycle: {
                      type: 'integer',
                      format: 'int64',
                    },
                    reportToCloud: {
                      type: 'boolean',
                    },
                    twins: {
                      type: 'array',
                      items: {
                        type: 'object',
                        properties: {
                          propertyName: {
                            type: 'string',
                          },
                          reported: {
                            type: 'object',
                            required: ['value'],
                            properties: {
                              value: {
                                type: 'string',
                              },
                              metadata: {
                                type: 'object',
                                additionalProperties: {
                                  type: 'string',
                                },
                              },
                            },
                          },
                          observedDesired: {
                            type: 'object',
                            required: ['value'],
                            properties: {
                              value: {
                                type: 'string',
                              },
                              metadata: {
                                type: 'object',
                                additionalProperties: {
                                  type: 'string',
                                },
                              },
                            },
                          },
                        },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      ],
    },
  },
  'devices.kubeedge.io_devicestatuses.yaml': {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: 'devicestatuses.devices.kubeedge.io',
      labels: {
        'app.kubernetes.io/part-of': 'kedge',
      },
    },
    spec: {
      group: 'devices.kubeedge.io',
      scope: 'Namespaced',
      names: {
        kind: 'DeviceStatus',
        listKind: 'DeviceStatusList',
        plural: 'devicestatuses',
        singular: 'devicestatus',
      },
      versions: [
        {
          name: 'v1beta1',
          served: true,
          storage: true,
          subresources: {
            status: {},
          },
          additionalPrinterColumns: [
            {
              name: 'State',
              type: 'string',
              jsonPath: '.status.state',
            },
            {
              name: 'Last-Online',
              type: 'string',
              jsonPath: '.status.lastOnlineTime',
            },
            {
              name: 'Age',
              type: 'date',
              jsonPath: '.metadata.creationTimestamp',
            },
          ],
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                apiVersion: {
                  type: 'string',
                },
                kind: {
                  type: 'string',
                },
                metadata: {
                  type: 'object',
                },
                spec: {
                  type: 'object',
                  description: 'Empty; the DeviceStatus has the name and namespace of its Device.',
                },
                status: {
                  type: 'object',
                  properties: {
                    state: {
                      type: 'string',
                      description: 'online, offline, ok, unknown or unhealthy, as the mapper reports it.',
                    },
                    lastOnlineTime: {
                      type: 'string',
                      description: 'RFC 3339 time the device was last seen online.',
                    },
                    extensions: {
                      type: 'object',
                      'x-kubernetes-preserve-unknown-fields': true,
                    },
                    twins: {
                      type: 'array',
                      items: {
                        type: 'object',
                        properties: {
                          propertyName: {
                            type: 'string',
                          },
                          reported: {
                            type: 'object',
                            description: 'Last value read from the device.',
                            required: ['value'],
                            properties: {
                              value: {
                                type: 'string',
                              },
                              metadata: {
                                type: 'object',
                                additionalProperties: {
                                  type: 'string',
                                },
                              },
                            },
                          },
                          observedDesired: {
                            type: 'object',
                            description: 'The desired value the mapper last saw.',
                            required: ['value'],
                            properties: {
                              value: {
                                type: 'string',
                              },
                              metadata: {
                                type: 'object',
                                additionalProperties: {
                                  type: 'string',
                                },
                              },
                            },
                          },
                        },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      ],
    },
  },
};
