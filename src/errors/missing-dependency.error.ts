import { StreamingError, StreamingErrorCode } from './streaming.error.js';

/** Raised when an optional dependency a feature needs is not installed. */
export class MissingDependencyError extends StreamingError {
  readonly code = StreamingErrorCode.MissingDependency;

  constructor(
    /** The npm package to install. */
    readonly packageName: string,
    feature: string,
  ) {
    super(`${feature} needs the optional package "${packageName}": npm install ${packageName}`);
  }
}
