import { Injectable } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import type { RouteMetadata } from '../decorators/route-metadata.js';
import { STREAMING_ROUTE_METADATA } from '../streaming.constants.js';

/** The only reader of streaming route metadata. */
@Injectable()
export class StreamingMetadataAccessor {
  /** The route metadata on a method, if it is a streaming route. */
  getRouteMetadata(method: unknown): RouteMetadata | undefined {
    if (typeof method !== 'function') return undefined;
    return Reflect.getMetadata(STREAMING_ROUTE_METADATA, method) as RouteMetadata | undefined;
  }

  /** The `@Controller()` prefix of a class ('' for providers or no prefix). */
  getControllerPrefix(classRef: unknown): string {
    if (typeof classRef !== 'function') return '';
    const prefix = Reflect.getMetadata(PATH_METADATA, classRef) as string | string[] | undefined;
    if (Array.isArray(prefix)) return prefix[0] ?? '';
    return prefix ?? '';
  }
}
