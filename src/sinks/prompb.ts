/**
 * Prometheus remote-write 1.0 wire format: the subset of prompb (types.proto,
 * remote.proto) that a sender fills, encoded by protobufjs and compressed
 * with snappy's block format as the spec requires.
 */
import protobuf from 'protobufjs';
import { compress } from 'snappyjs';

// Field numbers are load-bearing: they follow prometheus/prompb/{types,remote}.proto.
const PROTO = `
syntax = "proto3";
package prometheus;
message WriteRequest { repeated TimeSeries timeseries = 1; }
message TimeSeries {
  repeated Label labels = 1;
  repeated Sample samples = 2;
  repeated Histogram histograms = 4;
}
message Label { string name = 1; string value = 2; }
message Sample { double value = 1; int64 timestamp = 2; }
message BucketSpan { sint32 offset = 1; uint32 length = 2; }
message Histogram {
  oneof count { uint64 count_int = 1; double count_float = 2; }
  double sum = 3;
  sint32 schema = 4;
  double zero_threshold = 5;
  oneof zero_count { uint64 zero_count_int = 6; double zero_count_float = 7; }
  repeated BucketSpan negative_spans = 8;
  repeated sint64 negative_deltas = 9;
  repeated BucketSpan positive_spans = 11;
  repeated sint64 positive_deltas = 12;
  int32 reset_hint = 14;
  int64 timestamp = 15;
}
`;

export interface PromLabel { name: string; value: string }
export interface PromSample { value: number; timestamp: number }
export interface BucketSpan { offset: number; length: number }

/** An integer native histogram (exponential buckets), as remote write carries it. */
export interface PromHistogram {
  countInt: number;
  sum: number;
  schema: number;
  zeroThreshold: number;
  zeroCountInt: number;
  positiveSpans: BucketSpan[];
  /** bucket counts, each as the delta to the previous bucket */
  positiveDeltas: number[];
  timestamp: number;
}

export interface PromTimeSeries {
  /** sorted by name, `__name__` included */
  labels: PromLabel[];
  samples: PromSample[];
  histograms: PromHistogram[];
}

const root = protobuf.parse(PROTO).root;
const WriteRequest = root.lookupType('prometheus.WriteRequest');

/** protobuf-encoded WriteRequest (uncompressed); exported for round-trip tests. */
export function encodeWriteRequest(series: readonly PromTimeSeries[]): Uint8Array {
  return WriteRequest.encode(WriteRequest.fromObject({ timeseries: series })).finish();
}

export function decodeWriteRequest(bytes: Uint8Array): { timeseries: PromTimeSeries[] } {
  const msg = WriteRequest.decode(bytes);
  return WriteRequest.toObject(msg, { longs: Number, defaults: true, oneofs: false }) as { timeseries: PromTimeSeries[] };
}

/** The HTTP body of a remote-write request: snappy block format, not framed. */
export function remoteWriteBody(series: readonly PromTimeSeries[]): Uint8Array {
  return compress(encodeWriteRequest(series));
}
