import protobuf from 'protobufjs';

/**
 * The few messages of onnx.proto (github.com/onnx/onnx, onnx/onnx.proto; field numbers as
 * there) needed to describe a graph's inputs and outputs. protobufjs skips every field not
 * declared here, so nothing else of a message is decoded. The large messages (ModelProto,
 * GraphProto, TensorProto) are not decoded with these at all: onnx-io.ts walks them field
 * by field on disk and hands only the small parts to these types.
 */
const ONNX_SUBSET = `
syntax = "proto2";
package onnx;

message StringStringEntryProto {
  optional string key = 1;
  optional string value = 2;
}

message TensorShapeProto {
  message Dimension {
    oneof value {
      int64 dim_value = 1;
      string dim_param = 2;
    }
  }
  repeated Dimension dim = 1;
}

message TypeProto {
  message Tensor {
    optional int32 elem_type = 1;
    optional TensorShapeProto shape = 2;
  }
  // Sequences, maps, optionals and sparse tensors are left undeclared: the pipeline feeds dense tensors only.
  oneof value {
    Tensor tensor_type = 1;
  }
}

message ValueInfoProto {
  optional string name = 1;
  optional TypeProto type = 2;
}
`;

const root = protobuf.parse(ONNX_SUBSET, { keepCase: true }).root;

export const ValueInfoProto = root.lookupType('onnx.ValueInfoProto');
export const StringStringEntryProto = root.lookupType('onnx.StringStringEntryProto');

/** Field numbers of the messages onnx-io.ts walks without decoding them whole. */
export const FIELD = {
  model: { graph: 7 },
  graph: { initializer: 5, input: 11, output: 12 },
  tensor: { name: 8, externalData: 13, dataLocation: 14 },
} as const;

/** TensorProto.DataLocation.EXTERNAL: the tensor's bytes are in another file. */
export const DATA_LOCATION_EXTERNAL = 1;

/** TensorProto.DataType, named as onnxruntime-node names tensor types. */
export const ELEMENT_TYPES: Readonly<Record<number, string>> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  14: 'complex64',
  15: 'complex128',
  16: 'bfloat16',
  17: 'float8e4m3fn',
  18: 'float8e4m3fnuz',
  19: 'float8e5m2',
  20: 'float8e5m2fnuz',
  21: 'uint4',
  22: 'int4',
  23: 'float4e2m1',
};
