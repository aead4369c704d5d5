/**
 * Errors as gRPC statuses: the status from core's map of codes (core/codes/grpc-status.ts), the
 * message, and the spec's error document `{code, message, details}` in the standard rich-error
 * trailer `grpc-status-details-bin` (a google.rpc.Status whose one detail is a
 * google.protobuf.Struct holding the document), which Go clients read with status.FromError.
 */
import * as grpc from "@grpc/grpc-js";
import protobuf from "protobufjs";
import { grpcStatusOf } from "../core/codes/grpc-status.ts";
import { type ErrorDocument, toErrorDocument } from "../core/error-document.ts";
import { STATUS_PROTO } from "./proto.ts";

export const DETAILS_TRAILER = "grpc-status-details-bin";
const STRUCT_URL = "type.googleapis.com/google.protobuf.Struct";

let types: { status: protobuf.Type; struct: protobuf.Type } | undefined;

function load(): { status: protobuf.Type; struct: protobuf.Type } {
  if (!types) {
    const root = protobuf.loadSync(STATUS_PROTO);
    const structRoot = protobuf.Root.fromJSON(protobuf.common.get("google/protobuf/struct.proto") ?? {});
    types = {
      status: root.lookupType("google.rpc.Status"),
      struct: structRoot.lookupType("google.protobuf.Struct"),
    };
  }
  return types;
}

/** A JSON value as a google.protobuf.Value message object. */
function toValue(value: unknown): Record<string, unknown> {
  if (value === null || value === undefined) return { nullValue: 0 };
  if (typeof value === "number") return { numberValue: value };
  if (typeof value === "string") return { stringValue: value };
  if (typeof value === "boolean") return { boolValue: value };
  if (Array.isArray(value)) return { listValue: { values: value.map(toValue) } };
  return { structValue: toStruct(value as Record<string, unknown>) };
}

function toStruct(object: Record<string, unknown>): Record<string, unknown> {
  return { fields: Object.fromEntries(Object.entries(object).map(([k, v]) => [k, toValue(v)])) };
}

/** A google.protobuf.Value message object as JSON. */
function fromValue(value: Record<string, unknown>): unknown {
  if ("stringValue" in value) return value.stringValue;
  if ("numberValue" in value) return value.numberValue;
  if ("boolValue" in value) return value.boolValue;
  if ("listValue" in value)
    return ((value.listValue as { values?: Record<string, unknown>[] }).values ?? []).map(fromValue);
  if ("structValue" in value) return fromStruct(value.structValue as Record<string, unknown>);
  return null;
}

function fromStruct(struct: Record<string, unknown>): Record<string, unknown> {
  const fields = (struct.fields ?? {}) as Record<string, Record<string, unknown>>;
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, fromValue(v)]));
}

/** The google.rpc.Status bytes carrying `doc`. */
export function encodeDetails(status: grpc.status, doc: ErrorDocument): Buffer {
  const { status: Status, struct: Struct } = load();
  const value = Struct.encode(
    Struct.fromObject(toStruct(doc as unknown as Record<string, unknown>)),
  ).finish();
  const message = Status.fromObject({
    code: status,
    message: doc.message,
    details: [{ type_url: STRUCT_URL, value }],
  });
  return Buffer.from(Status.encode(message).finish());
}

/** The error document in a status's details trailer (clients and tests), or undefined. */
export function decodeDetails(bytes: Uint8Array): ErrorDocument | undefined {
  const { status: Status, struct: Struct } = load();
  const status = Status.toObject(Status.decode(bytes), { defaults: true }) as {
    details: { type_url: string; value: Uint8Array }[];
  };
  const any = status.details.find((d) => d.type_url === STRUCT_URL);
  if (!any) return undefined;
  return fromStruct(
    Struct.toObject(Struct.decode(any.value), { defaults: false }),
  ) as unknown as ErrorDocument;
}

/** Any error as a gRPC status with the error document attached; what a handler's callback receives. */
export function toServiceError(error: unknown): Partial<grpc.StatusObject> {
  const doc = toErrorDocument(error);
  const code = grpc.status[grpcStatusOf(doc.code)];
  const metadata = new grpc.Metadata();
  metadata.set(DETAILS_TRAILER, encodeDetails(code, doc));
  return { code, details: `${doc.code}: ${doc.message}`, metadata };
}
