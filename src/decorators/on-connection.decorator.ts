import { ON_CONNECT_METADATA, ON_DISCONNECT_METADATA } from './gateway-metadata.js';

/** Runs the decorated method when a gateway connection opens. Writes metadata only. */
export function OnConnect(): MethodDecorator {
  return (_target, _key, descriptor) => {
    Reflect.defineMetadata(ON_CONNECT_METADATA, true, descriptor.value as object);
    return descriptor;
  };
}

/** Runs the decorated method when a gateway connection closes. Writes metadata only. */
export function OnDisconnect(): MethodDecorator {
  return (_target, _key, descriptor) => {
    Reflect.defineMetadata(ON_DISCONNECT_METADATA, true, descriptor.value as object);
    return descriptor;
  };
}
