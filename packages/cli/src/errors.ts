/** Errors of the command line that need no Node API (the playground's bundle imports the expression parser). */

/** A command-line mistake: printed with a hint, exit status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    /** The sub-command whose `--help` the hint names. */
    readonly command?: string,
  ) {
    super(message);
  }
}
