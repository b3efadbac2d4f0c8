import { ON_MESSAGE_METADATA } from './gateway-metadata.js';

/** Routes incoming events named `event` to the decorated method. Writes metadata only. */
export function OnMessage(event: string): MethodDecorator {
  return (_target, _key, descriptor) => {
    Reflect.defineMetadata(ON_MESSAGE_METADATA, event, descriptor.value as object);
    return descriptor;
  };
}
