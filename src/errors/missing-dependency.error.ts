/** Raised when an optional dependency a feature needs is not installed. */
export class MissingDependencyError extends Error {
  constructor(
    /** The npm package to install. */
    readonly packageName: string,
    feature: string,
  ) {
    super(`${feature} needs the optional package "${packageName}": npm install ${packageName}`);
    this.name = 'MissingDependencyError';
  }
}
